/**
 * Image assets in room storage (docs/protocol.md "Assets"). Each asset is stored once, under the
 * SHA-256 of its bytes, in chunks under Durable Object storage's 128 KiB value limit, next to the
 * snapshot but under keys of its own:
 *
 *   asset:<hash>:meta   { type, bytes, chunks, at }
 *   asset:<hash>:<i>    chunk i of the bytes (≤ STORAGE_CHUNK_BYTES)
 *   assets:list:<hash>  { type, bytes, at }: what `GET …/assets` lists, read without the chunks
 *   assets:used         total bytes stored, checked against the room's quota
 *
 * All four land in one put, so a reader or a crash never sees half an asset.
 *
 * Collecting: an asset no shape names any more is deleted once nothing can bring its shape back:
 * not named by the document, nor by any kept checkpoint (a restore must find its images), and
 * older than ASSET_GRACE_MS (an upload may reach the room before the shape naming it, from a
 * client that was offline). The room collects after a checkpoint (at most every
 * ASSET_COLLECT_INTERVAL_MS) and before refusing an upload for the quota.
 */
import {
  type AssetType,
  assetTypeOf,
  isAssetHash,
  sha256Hex,
  sniffType,
  svgSafety,
} from "../src/shared/assets";
import {
  ASSET_CACHE_MAX_AGE_S,
  ASSET_GRACE_MS,
  MAX_ASSET_BYTES,
  MAX_ROOM_ASSET_BYTES,
  STORAGE_CHUNK_BYTES,
  STORAGE_MAX_KEYS_PER_PUT,
} from "../src/shared/constants";
import { jsonResponse } from "./http";
import { readBodyLimited } from "./httpTransport";
import { type KeyValueStorage, readChunks } from "./storage";

/** Storage that can also list keys by prefix (Durable Object storage and MemoryStorage can). */
export interface ListableStorage extends KeyValueStorage {
  list<T = unknown>(options: { prefix: string }): Promise<Map<string, T>>;
}

export interface AssetMeta {
  type: AssetType;
  bytes: number;
  chunks: number;
  /** ms epoch when it was stored. */
  at: number;
}

export interface AssetInfo {
  hash: string;
  type: AssetType;
  bytes: number;
}

/** Asset hashes that must be kept: named by the document or a kept checkpoint. */
export type AssetReferences = () => Promise<Set<string>>;

export interface CollectResult {
  deleted: string[];
  /** bytes freed. */
  freed: number;
}

export type PutResult =
  | { status: "stored" | "exists"; asset: AssetInfo }
  | { status: "quota"; used: number; quota: number };

const metaKey = (hash: string) => `asset:${hash}:meta`;
const chunkKey = (hash: string, i: number) => `asset:${hash}:${i}`;
const LIST_PREFIX = "assets:list:";
const USED_KEY = "assets:used";

export class AssetStore {
  /** Bytes stored, once read from storage. Only changed inside `serial`. */
  private used: number | null = null;
  private queue: Promise<unknown> = Promise.resolve();
  /** Largest upload accepted; raised only by the image benchmark's no-downscale baseline. */
  maxAssetBytes = MAX_ASSET_BYTES;
  /** What collecting must keep; without it, nothing is ever collected. */
  references: AssetReferences | null = null;
  /** ms an unnamed asset is kept after its upload. */
  graceMs = ASSET_GRACE_MS;

  constructor(
    private readonly storage: ListableStorage,
    readonly quota = MAX_ROOM_ASSET_BYTES,
    private readonly chunkBytes = STORAGE_CHUNK_BYTES,
    private readonly now: () => number = Date.now,
  ) {}

  async meta(hash: string): Promise<AssetMeta | null> {
    return (await this.storage.get<AssetMeta>([metaKey(hash)])).get(metaKey(hash)) ?? null;
  }

  /** The asset's bytes, or null when it is not stored. */
  async read(hash: string): Promise<{ meta: AssetMeta; bytes: Uint8Array<ArrayBuffer> } | null> {
    const meta = await this.meta(hash);
    if (!meta) return null;
    const keys = Array.from({ length: meta.chunks }, (_, i) => chunkKey(hash, i));
    const bytes = await readChunks(this.storage, keys, meta.bytes, `asset ${hash}`);
    if (!bytes) throw new Error(`a chunk of asset ${hash} is missing`);
    return { meta, bytes };
  }

  async usage(): Promise<number> {
    return this.serial(() => this.loadUsed());
  }

  async list(): Promise<{ assets: AssetInfo[]; used: number; quota: number }> {
    const entries = await this.storage.list<Omit<AssetMeta, "chunks">>({ prefix: LIST_PREFIX });
    const assets = [...entries]
      .sort(([, a], [, b]) => a.at - b.at)
      .map(([key, { type, bytes }]) => ({ hash: key.slice(LIST_PREFIX.length), type, bytes }));
    return { assets, used: await this.usage(), quota: this.quota };
  }

  /**
   * Stores bytes already checked by the caller (hash, type: see handleAssetRequest). An asset
   * already stored costs nothing. Puts run one at a time per room, so two uploads can never both
   * pass a quota that only one of them fits.
   */
  put(hash: string, type: AssetType, bytes: Uint8Array): Promise<PutResult> {
    return this.serial(async () => {
      const existing = await this.meta(hash);
      if (existing) {
        // Uploaded again, so a shape naming it is likely on its way: the grace starts afresh.
        const at = this.now();
        if (at - existing.at > this.graceMs / 2) {
          const { type: t, bytes: n } = existing;
          await this.storage.put({
            [metaKey(hash)]: { ...existing, at } satisfies AssetMeta,
            [LIST_PREFIX + hash]: { type: t, bytes: n, at },
          });
        }
        return { status: "exists", asset: { hash, type: existing.type, bytes: existing.bytes } };
      }
      let used = await this.loadUsed();
      if (used + bytes.byteLength > this.quota && this.references) {
        // Full: first delete what nothing can show any more.
        await this.collectNow();
        used = await this.loadUsed();
      }
      if (used + bytes.byteLength > this.quota) {
        return { status: "quota", used, quota: this.quota };
      }
      const chunks = Math.ceil(bytes.byteLength / this.chunkBytes);
      // meta, list entry and usage go in the same put as the chunks.
      if (chunks + 3 > STORAGE_MAX_KEYS_PER_PUT) {
        throw new Error(`asset of ${bytes.byteLength} bytes needs too many chunks`);
      }
      const at = this.now();
      const entries: Record<string, unknown> = {};
      for (let i = 0; i < chunks; i++) {
        // slice() copies: storage must not keep a view into the request's buffer.
        entries[chunkKey(hash, i)] = bytes.slice(i * this.chunkBytes, (i + 1) * this.chunkBytes);
      }
      entries[metaKey(hash)] = { type, bytes: bytes.byteLength, chunks, at } satisfies AssetMeta;
      entries[LIST_PREFIX + hash] = { type, bytes: bytes.byteLength, at };
      entries[USED_KEY] = used + bytes.byteLength;
      // One put = one atomic batch: if it fails, nothing of the asset exists and `used` stands.
      await this.storage.put(entries);
      this.used = used + bytes.byteLength;
      return { status: "stored", asset: { hash, type, bytes: bytes.byteLength } };
    });
  }

  /**
   * Deletes every asset that `references` does not name and that was stored more than `graceMs`
   * ago (see "Collecting" above). Runs between puts, never beside one.
   */
  collect(): Promise<CollectResult> {
    return this.serial(() => this.collectNow());
  }

  private async collectNow(): Promise<CollectResult> {
    const result: CollectResult = { deleted: [], freed: 0 };
    if (!this.references) return result;
    const keep = await this.references();
    const cutoff = this.now() - this.graceMs;
    const entries = await this.storage.list<Omit<AssetMeta, "chunks">>({ prefix: LIST_PREFIX });
    let used = 0;
    for (const [key, entry] of entries) {
      const hash = key.slice(LIST_PREFIX.length);
      if (keep.has(hash) || !(entry.at < cutoff)) {
        used += entry.bytes;
        continue;
      }
      const meta = await this.meta(hash);
      const chunks = Array.from({ length: meta?.chunks ?? 0 }, (_, i) => chunkKey(hash, i));
      // The list entry and meta go first and together: from then on the asset reads as absent
      // (404, and a new upload of it stores it afresh), whatever happens to the chunks.
      await this.storage.delete([LIST_PREFIX + hash, metaKey(hash), ...chunks]);
      result.deleted.push(hash);
      result.freed += entry.bytes;
    }
    // Recounted from the list, so a count left high by a crash mends itself here.
    if (result.deleted.length > 0 || used !== (await this.loadUsed())) {
      await this.storage.put({ [USED_KEY]: used });
      this.used = used;
    }
    return result;
  }

  private async loadUsed(): Promise<number> {
    if (this.used === null) {
      const stored = (await this.storage.get<number>([USED_KEY])).get(USED_KEY);
      this.used = typeof stored === "number" && stored >= 0 ? stored : 0;
    }
    return this.used;
  }

  private serial<T>(fn: () => Promise<T>): Promise<T> {
    const run = this.queue.then(fn, fn);
    this.queue = run.catch(() => {});
    return run;
  }
}

/** `…/<room>/assets` (hash null) or `…/<room>/assets/<hash>`, or null for any other path. */
export function assetRoute(url: string): { hash: string | null } | null {
  const match = new URL(url).pathname.match(
    /^\/part(?:y|ies\/[^/]+)\/[^/]+\/assets(?:\/([^/]+))?\/?$/,
  );
  if (!match) return null;
  return { hash: match[1] ?? null };
}

/** Assets may be read from any page (docs/threat-model.md), like the snapshot. */
const CORS = { "access-control-allow-origin": "*" };
const PREFLIGHT = {
  ...CORS,
  "access-control-allow-methods": "GET, HEAD, PUT, OPTIONS",
  "access-control-allow-headers": "content-type, if-none-match",
  "access-control-max-age": "86400",
};

function assetHeaders(hash: string, type: AssetType): Record<string, string> {
  const headers: Record<string, string> = {
    ...CORS,
    "content-type": type,
    "cache-control": `public, max-age=${ASSET_CACHE_MAX_AGE_S}, immutable`,
    etag: `"${hash}"`,
    "x-content-type-options": "nosniff",
    "access-control-expose-headers": "etag",
  };
  // Opened directly (not as an <img>), an SVG is a document: no script, no fetches of its own.
  if (type === "image/svg+xml") {
    headers["content-security-policy"] = "default-src 'none'; style-src 'unsafe-inline'";
  }
  return headers;
}

/** Whether an If-None-Match header names this asset's etag (or `*`). */
function etagMatches(header: string | null, hash: string): boolean {
  if (header === null) return false;
  return header
    .split(",")
    .map((tag) => tag.trim().replace(/^W\//, ""))
    .some((tag) => tag === "*" || tag === `"${hash}"`);
}

const error = (status: number, message: string, extra: Record<string, unknown> = {}) =>
  jsonResponse(status, { error: message, ...extra }, CORS);

/**
 * Answers `…/<room>/assets[/<hash>]` (docs/protocol.md "Assets", codes in docs/limits.md).
 * `readOnly`: the request came through a view link, which may read and never write.
 */
export async function handleAssetRequest(
  req: Request,
  store: AssetStore,
  readOnly: boolean,
): Promise<Response> {
  const route = assetRoute(req.url);
  if (route === null) return error(404, "not found");
  if (req.method === "OPTIONS") return new Response(null, { status: 204, headers: PREFLIGHT });
  if (route.hash === null) {
    if (req.method !== "GET" && req.method !== "HEAD") return error(405, "method not allowed");
    return jsonResponse(200, await store.list(), CORS);
  }
  const hash = route.hash;
  if (!isAssetHash(hash))
    return error(400, "an asset is named by the lowercase hex SHA-256 of its bytes");
  switch (req.method) {
    case "GET":
    case "HEAD":
      return serveAsset(req, store, hash);
    case "PUT":
      if (readOnly) return error(403, "read-only: a view link cannot upload");
      return uploadAsset(req, store, hash);
    default:
      return error(405, "method not allowed");
  }
}

async function serveAsset(req: Request, store: AssetStore, hash: string): Promise<Response> {
  const meta = await store.meta(hash);
  if (!meta) return error(404, "no such asset");
  const headers = assetHeaders(hash, meta.type);
  if (etagMatches(req.headers.get("if-none-match"), hash)) {
    return new Response(null, { status: 304, headers });
  }
  headers["content-length"] = String(meta.bytes);
  if (req.method === "HEAD") return new Response(null, { status: 200, headers });
  const stored = await store.read(hash);
  if (!stored) return error(404, "no such asset");
  return new Response(stored.bytes, { status: 200, headers });
}

async function uploadAsset(req: Request, store: AssetStore, hash: string): Promise<Response> {
  const bytes = await readBodyLimited(req, store.maxAssetBytes);
  if (bytes === null) return error(413, `an asset is at most ${store.maxAssetBytes} bytes`);
  const type = assetTypeOf(req.headers.get("content-type"));
  if (type === null) return error(415, "type not allowed: PNG, JPEG, GIF, WebP or SVG");
  const actual = sniffType(bytes);
  if (actual !== type) return error(415, `the bytes are not ${type}`);
  if (type === "image/svg+xml") {
    const reason = svgSafety(new TextDecoder().decode(bytes));
    if (reason !== null) return error(415, `unsafe SVG refused: ${reason}`);
  }
  if ((await sha256Hex(bytes)) !== hash) {
    return error(422, "the bytes do not hash to the asset's name");
  }
  const result = await store.put(hash, type, bytes);
  if (result.status === "quota") {
    return error(507, "the room's image storage is full", {
      used: result.used,
      quota: result.quota,
    });
  }
  return jsonResponse(result.status === "stored" ? 201 : 200, result.asset, CORS);
}
