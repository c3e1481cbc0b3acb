/**
 * This device's assets in IndexedDB: the bytes by hash (one copy whatever the room), when each
 * was last used (under `used:<hash>` in the same store: a new store would need a version
 * upgrade, which a tab still running older code blocks for as long as it stays open), and the
 * upload queue by room and hash. An image added offline lives here until
 * its room has it, across reloads; a copy not used for IMAGE_CACHE_MAX_AGE_MS, or the least
 * recently used beyond IMAGE_CACHE_MAX_BYTES, is dropped (`pruneAssetCache`), never one still
 * queued. Plain IndexedDB with a two-line promise helper: sharing lib0's helpers with
 * y-indexeddb would split them out of the main bundle into a chunk of their own, costing every
 * visitor more than these lines.
 */
import { IMAGE_CACHE_MAX_AGE_MS, IMAGE_CACHE_MAX_BYTES } from "../shared/constants";
import type { AssetStore, PendingUpload } from "./queue";

const DB_NAME = "sketchroom-assets";
const BLOBS = "blobs";
const UPLOADS = "uploads";
/** `used:<hash>` → Use, in BLOBS: when this device last showed, added or copied the picture. */
const USED_PREFIX = "used:";
const usedKey = (hash: string) => USED_PREFIX + hash;

interface Use {
  at: number;
  bytes: number;
}

/** A use is written again only when the last one is older than this: reads stay reads. */
const TOUCH_EVERY_MS = 24 * 60 * 60_000;

let dbPromise: Promise<IDBDatabase> | null = null;

function done<T>(request: IDBRequest<T>): Promise<T> {
  return new Promise((resolve, reject) => {
    request.onsuccess = () => resolve(request.result);
    request.onerror = () => reject(request.error);
  });
}

function finished(tx: IDBTransaction): Promise<void> {
  return new Promise((resolve, reject) => {
    tx.oncomplete = () => resolve();
    tx.onerror = () => reject(tx.error);
    tx.onabort = () => reject(tx.error ?? new Error("transaction aborted"));
  });
}

function db(): Promise<IDBDatabase> {
  if (!dbPromise) {
    const open = indexedDB.open(DB_NAME, 1);
    open.onupgradeneeded = () => {
      open.result.createObjectStore(BLOBS);
      open.result.createObjectStore(UPLOADS, { keyPath: ["roomId", "hash"] });
    };
    dbPromise = done(open);
  }
  return dbPromise;
}

async function store(
  name: string,
  mode: IDBTransactionMode = "readwrite",
): Promise<IDBObjectStore> {
  return (await db()).transaction(name, mode).objectStore(name);
}

/** Records that the picture was used now, unless that was already recorded today. */
async function touch(hash: string, bytes: number, now = Date.now()): Promise<void> {
  const blobs = await store(BLOBS);
  const last = (await done(blobs.get(usedKey(hash)))) as Use | undefined;
  if (last && now - last.at < TOUCH_EVERY_MS) return;
  await done(blobs.put({ at: now, bytes } satisfies Use, usedKey(hash)));
}

export async function getAssetBlob(hash: string): Promise<Blob | null> {
  const value: unknown = await done((await store(BLOBS, "readonly")).get(hash));
  if (!(value instanceof Blob)) return null;
  void touch(hash, value.size).catch(() => undefined);
  return value;
}

export const localAssets: AssetStore = {
  getBlob: getAssetBlob,
  async putBlob(hash, blob) {
    const tx = (await db()).transaction(BLOBS, "readwrite");
    tx.objectStore(BLOBS).put(blob, hash);
    tx.objectStore(BLOBS).put({ at: Date.now(), bytes: blob.size } satisfies Use, usedKey(hash));
    await finished(tx);
  },
  async pending(roomId) {
    const range = IDBKeyRange.bound([roomId, ""], [roomId, "\uffff"]);
    return (await done((await store(UPLOADS, "readonly")).getAll(range))) as PendingUpload[];
  },
  async enqueue(item) {
    await done((await store(UPLOADS)).put(item));
  },
  async remove(roomId, hash) {
    await done((await store(UPLOADS)).delete([roomId, hash]));
  },
  async fail(roomId, hash, error) {
    const uploads = await store(UPLOADS);
    const item = (await done(uploads.get([roomId, hash]))) as PendingUpload | undefined;
    if (item) await done(uploads.put({ ...item, state: "failed", error }));
  },
};

export interface PruneLimits {
  maxAgeMs: number;
  maxBytes: number;
}

/**
 * Drops this device's copies not used for `maxAgeMs`, then the least recently used while the
 * rest is over `maxBytes`. A copy in any room's upload queue (pending or failed) is kept: it may
 * be the only one. A copy with no recorded use (stored before uses were) counts as used now.
 * One transaction: an image added meanwhile waits for it and is never half-dropped. Resolves to
 * the hashes dropped.
 */
export async function pruneAssetCache(
  now = Date.now(),
  limits: PruneLimits = { maxAgeMs: IMAGE_CACHE_MAX_AGE_MS, maxBytes: IMAGE_CACHE_MAX_BYTES },
): Promise<string[]> {
  const tx = (await db()).transaction([BLOBS, UPLOADS], "readwrite");
  const blobs = tx.objectStore(BLOBS);
  // Hashes (hex) sort before "used:", so one range holds every use record, read in one go.
  const usedRange = IDBKeyRange.bound(USED_PREFIX, `${USED_PREFIX}\uffff`);
  const [keys, useKeys, useValues, queue] = await Promise.all([
    done(blobs.getAllKeys(IDBKeyRange.upperBound(USED_PREFIX, true))) as Promise<string[]>,
    done(blobs.getAllKeys(usedRange)) as Promise<string[]>,
    done(blobs.getAll(usedRange)) as Promise<Use[]>,
    done(tx.objectStore(UPLOADS).getAll()) as Promise<PendingUpload[]>,
  ]);
  const recorded = new Map(useKeys.map((key, i) => [key, useValues[i]!]));
  const queued = new Set(queue.map((item) => item.hash));
  const uses: { hash: string; use: Use }[] = [];
  for (const hash of keys) {
    let use = recorded.get(usedKey(hash));
    if (!use) {
      const blob: unknown = await done(blobs.get(hash));
      use = { at: now, bytes: blob instanceof Blob ? blob.size : 0 };
      blobs.put(use, usedKey(hash));
    }
    if (!queued.has(hash)) uses.push({ hash, use });
  }
  let total = uses.reduce((sum, u) => sum + u.use.bytes, 0);
  const drop: string[] = [];
  // Oldest use first: the age limit, then the size limit, take from the front.
  uses.sort((a, b) => a.use.at - b.use.at);
  for (const { hash, use } of uses) {
    if (now - use.at <= limits.maxAgeMs && total <= limits.maxBytes) break;
    drop.push(hash);
    total -= use.bytes;
    blobs.delete(hash);
    blobs.delete(usedKey(hash));
  }
  await finished(tx);
  return drop;
}
