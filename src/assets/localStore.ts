/**
 * This device's assets in IndexedDB: the bytes
 * by hash (one copy whatever the room), and the upload queue by room and hash. An image added
 * offline lives here until its room has it, across reloads. Plain IndexedDB with a two-line
 * promise helper: sharing lib0's helpers with y-indexeddb would split them out of the main
 * bundle into a chunk of their own, costing every visitor more than these lines.
 */
import type { AssetStore, PendingUpload } from "./queue";

const DB_NAME = "sketchroom-assets";
const BLOBS = "blobs";
const UPLOADS = "uploads";

let dbPromise: Promise<IDBDatabase> | null = null;

function done<T>(request: IDBRequest<T>): Promise<T> {
  return new Promise((resolve, reject) => {
    request.onsuccess = () => resolve(request.result);
    request.onerror = () => reject(request.error);
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

export async function getAssetBlob(hash: string): Promise<Blob | null> {
  const value: unknown = await done((await store(BLOBS, "readonly")).get(hash));
  return value instanceof Blob ? value : null;
}

export const localAssets: AssetStore = {
  getBlob: getAssetBlob,
  async putBlob(hash, blob) {
    await done((await store(BLOBS)).put(blob, hash));
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
