/**
 * Image assets: the names both sides use (docs/protocol.md "Assets"). An asset is named by the
 * SHA-256 of its exact bytes, so the same picture is stored once per room, a peer can ask for it
 * before it has arrived, and a cached copy never goes stale.
 */

/** Lowercase hex SHA-256 of the exact bytes. */
export const ASSET_HASH_PATTERN = /^[0-9a-f]{64}$/;

/** The content-types a room accepts (SVG only once sanitised, see the room's checks). */
export const ASSET_TYPES = [
  "image/png",
  "image/jpeg",
  "image/gif",
  "image/webp",
  "image/svg+xml",
] as const;
export type AssetType = (typeof ASSET_TYPES)[number];

export function isAssetType(type: string): type is AssetType {
  return (ASSET_TYPES as readonly string[]).includes(type);
}

/** Lowercase hex SHA-256 of `bytes` (Web Crypto: the browser, workers and Node alike). */
export async function sha256Hex(bytes: ArrayBuffer | Uint8Array): Promise<string> {
  const digest = await crypto.subtle.digest("SHA-256", bytes as BufferSource);
  let out = "";
  for (const b of new Uint8Array(digest)) out += b.toString(16).padStart(2, "0");
  return out;
}

/** The path of an asset under a room (`main`) or a view link (`view`), for GET and PUT. */
export function assetPath(party: "main" | "view", roomId: string, hash: string): string {
  return `/parties/${party}/${encodeURIComponent(roomId)}/assets/${hash}`;
}
