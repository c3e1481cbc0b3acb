/**
 * An asset's bytes for export and copying: this device's copy first, else the room's
 * (`GET …/assets/<hash>`, same origin). Loaded on demand by the export code.
 */
import { assetTypeOf } from "../shared/assets";
import { imageAssets, type Shape } from "../shared/schema";
import { assetUrl } from "./loader";
import { getAssetBlob, localAssets } from "./localStore";

export async function assetBlob(hash: string): Promise<Blob | null> {
  return (await getAssetBlob(hash).catch(() => null)) ?? roomBlob(hash);
}

/** The room's copy of an asset (`GET …/assets/<hash>`), or null. */
async function roomBlob(hash: string): Promise<Blob | null> {
  const url = assetUrl(hash);
  if (!url) return null;
  try {
    const response = await fetch(url);
    return response.ok ? await response.blob() : null;
  } catch {
    return null;
  }
}

const keeping = new Map<string, Promise<void>>();

/**
 * Copied images: makes sure this device keeps a copy of their bytes (fetched from the room it
 * shows them from, usually out of the HTTP cache), so a paste into another room, in this tab or
 * another, can upload them there (`requeueLocal`). Resolves once every copy is kept or found
 * unavailable.
 */
export async function keepLocalCopies(hashes: Iterable<string>): Promise<void> {
  const runs = [...new Set(hashes)].map((hash) => {
    let run = keeping.get(hash);
    if (!run) {
      run = (async () => {
        if (await getAssetBlob(hash).catch(() => null)) return;
        const blob = await roomBlob(hash);
        // The room checked the bytes against their hash when it stored them.
        if (blob && assetTypeOf(blob.type)) await localAssets.putBlob(hash, blob);
      })()
        .catch(() => undefined)
        .finally(() => keeping.delete(hash));
      keeping.set(hash, run);
    }
    return run;
  });
  await Promise.all(runs);
}

export async function toBase64(blob: Blob): Promise<string> {
  const bytes = new Uint8Array(await blob.arrayBuffer());
  let binary = "";
  // In slices: String.fromCharCode with a million arguments overflows the stack.
  for (let i = 0; i < bytes.length; i += 0x8000) {
    binary += String.fromCharCode(...bytes.subarray(i, i + 0x8000));
  }
  return btoa(binary);
}

/** The assets `shapes` show, as `{ type, data }` (base64) by hash; those nowhere to be had are left out. */
export async function exportAssets(
  shapes: readonly Shape[],
): Promise<Record<string, { type: string; data: string }>> {
  const out: Record<string, { type: string; data: string }> = {};
  const hashes = new Set(imageAssets(shapes));
  await Promise.all(
    [...hashes].map(async (hash) => {
      const blob = await assetBlob(hash);
      const type = assetTypeOf(blob?.type);
      if (blob && type) out[hash] = { type, data: await toBase64(blob) };
    }),
  );
  return out;
}

/** `data:` URLs of the assets `shapes` show, by hash, for the SVG export. */
export async function svgImages(shapes: readonly Shape[]): Promise<Map<string, string>> {
  const assets = await exportAssets(shapes);
  return new Map(
    Object.entries(assets).map(([hash, a]) => [hash, `data:${a.type};base64,${a.data}`]),
  );
}
