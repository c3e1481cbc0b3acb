/**
 * Fetching and decoding images for the canvas (source.ts holds the results). An image comes
 * from this device's copy first (IndexedDB: what this user added, possibly offline and not yet
 * uploaded), else from the room (`GET …/assets/<hash>`, same origin, so PNG export stays
 * untainted). One that is in neither place yet (still uploading from someone's offline tab) is
 * retried with backoff, and at once when the connection comes back.
 */
import { assetTypeOf } from "../shared/assets";
import { IMAGE_RETRY_MAX_MS, IMAGE_RETRY_MIN_MS } from "../shared/constants";
import { source } from "./host";
import { getAssetBlob } from "./localStore";
import type { AssetEntry } from "./source";
import { offerLocalCopy } from "./uploads";

/** The path of a room's (`main`) or a view link's (`view`) assets: GET lists them. */
export function assetsPath(party: "main" | "view", roomId: string): string {
  return `/parties/${party}/${encodeURIComponent(roomId)}/assets`;
}

/** The path of an asset under a room or a view link, for GET and PUT. */
export function assetPath(party: "main" | "view", roomId: string, hash: string): string {
  return `${assetsPath(party, roomId)}/${hash}`;
}

export function assetUrl(hash: string): string | null {
  const { party, roomId } = source().assetRoom;
  return roomId ? assetPath(party, roomId, hash) : null;
}

/** The wait before retry number `attempts` (1-based). */
export function retryDelay(attempts: number): number {
  return Math.min(IMAGE_RETRY_MAX_MS, IMAGE_RETRY_MIN_MS * 2 ** Math.max(0, attempts - 1));
}

function decode(src: string): Promise<HTMLImageElement> {
  const img = new Image();
  img.src = src;
  return img.decode().then(() => img);
}

async function localBlob(hash: string): Promise<Blob | null> {
  return getAssetBlob(hash).catch(() => null);
}

export async function loadAsset(hash: string, entry: AssetEntry): Promise<void> {
  entry.timer = null;
  const blob = await localBlob(hash);
  try {
    // The object URL stays: the decoded element keeps painting from it for the page's life.
    if (blob) {
      source().setAssetState(entry, "ready", await decode(URL.createObjectURL(blob)));
      const type = assetTypeOf(blob.type);
      if (type) offerLocalCopy(hash, type);
      return;
    }
  } catch {
    // A corrupt local copy: try the room's.
  }
  const url = assetUrl(hash);
  try {
    if (url) return source().setAssetState(entry, "ready", await decode(url));
  } catch {
    // Not in the room yet (404) or the network is down: retry below.
  }
  entry.attempts++;
  source().setAssetState(entry, "missing", null);
  entry.timer = setTimeout(() => void loadAsset(hash, entry), retryDelay(entry.attempts));
}

/** Tries every missing image again now (the connection is back). */
export function retryMissing(): void {
  for (const [hash, entry] of source().entries) {
    if (entry.state !== "missing" || entry.timer === null) continue;
    clearTimeout(entry.timer);
    entry.attempts = 0;
    void loadAsset(hash, entry);
  }
}

/** Shows a picture this tab has just added (from its bytes) without waiting for anything. */
export function provideLocal(hash: string, blob: Blob): void {
  const entry = source().entryFor(hash, false);
  if (entry.state === "ready") return;
  if (entry.timer !== null) clearTimeout(entry.timer);
  entry.timer = null;
  void decode(URL.createObjectURL(blob)).then(
    (img) => source().setAssetState(entry, "ready", img),
    () => undefined,
  );
}
