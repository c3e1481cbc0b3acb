/**
 * This device's assets in IndexedDB (lib0/indexeddb, already here for y-indexeddb): the bytes
 * by hash (one copy whatever the room), and the upload queue by room and hash. An image added
 * offline lives here until its room has it, across reloads. (lib0's get/put are typed for
 * plain values only, so Blobs and records go through its request-to-promise helper.)
 */
import * as idb from "lib0/indexeddb";
import type { AssetStore, PendingUpload } from "./queue";

const DB_NAME = "sketchroom-assets";
const BLOBS = "blobs";
const UPLOADS = "uploads";

let dbPromise: Promise<IDBDatabase> | null = null;

function db(): Promise<IDBDatabase> {
  dbPromise ??= idb.openDB(DB_NAME, (d) =>
    idb.createStores(d, [[BLOBS], [UPLOADS, { keyPath: ["roomId", "hash"] }]]),
  );
  return dbPromise;
}

export async function getAssetBlob(hash: string): Promise<Blob | null> {
  const [blobs] = idb.transact(await db(), [BLOBS], "readonly");
  const value: unknown = await idb.rtop((blobs as IDBObjectStore).get(hash));
  return value instanceof Blob ? value : null;
}

export const localAssets: AssetStore = {
  getBlob: getAssetBlob,
  async putBlob(hash, blob) {
    const [blobs] = idb.transact(await db(), [BLOBS]);
    await idb.rtop((blobs as IDBObjectStore).put(blob, hash));
  },
  async pending(roomId) {
    const [uploads] = idb.transact(await db(), [UPLOADS], "readonly");
    const range = idb.createIDBKeyRangeBound([roomId, ""], [roomId, "\uffff"], false, false);
    return (await idb.getAll(uploads as IDBObjectStore, range)) as PendingUpload[];
  },
  async enqueue(item) {
    const [uploads] = idb.transact(await db(), [UPLOADS]);
    await idb.rtop((uploads as IDBObjectStore).put(item));
  },
  async remove(roomId, hash) {
    const [uploads] = idb.transact(await db(), [UPLOADS]);
    await idb.del(uploads as IDBObjectStore, [roomId, hash]);
  },
  async fail(roomId, hash, error) {
    const [uploads] = idb.transact(await db(), [UPLOADS]);
    const store = uploads as IDBObjectStore;
    const item = (await idb.rtop(store.get([roomId, hash]))) as PendingUpload | undefined;
    if (item) await idb.rtop(store.put({ ...item, state: "failed", error }));
  },
};
