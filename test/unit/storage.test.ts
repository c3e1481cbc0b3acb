/**
 * Snapshot storage: one contract suite for every SnapshotStore, plus the chunking rules.
 *
 *  [ST1] save then load returns the same bytes (empty, small, exactly one chunk, many chunks).
 *  [ST2] Every stored value stays under the 128 KiB Durable Object limit; one save is one put.
 *  [ST3] Stale chunks are deleted when a snapshot shrinks; a fresh store object (a restarted
 *        room) still deletes them after it has loaded.
 *  [ST4] Nothing stored → load() is null; a missing chunk is an error, not silent corruption.
 */
import { describe, expect, it } from "vitest";
import { ChunkedSnapshotStore, MemoryStorage, type SnapshotStore } from "../../party/storage";
import { STORAGE_CHUNK_BYTES } from "../../src/shared/constants";

function bytes(n: number, seed = 1): Uint8Array {
  const out = new Uint8Array(n);
  let s = seed;
  for (let i = 0; i < n; i++) {
    s = (s * 1103515245 + 12345) & 0x7fffffff;
    out[i] = s & 0xff;
  }
  return out;
}

const chunkKeys = (storage: MemoryStorage) =>
  [...storage.data.keys()].filter((k) => /^snapshot:\d+$/.test(k)).sort();

const implementations: [string, () => { store: SnapshotStore; storage: MemoryStorage }][] = [
  [
    "ChunkedSnapshotStore (default chunks)",
    () => {
      const storage = new MemoryStorage();
      return { store: new ChunkedSnapshotStore(storage), storage };
    },
  ],
  [
    "ChunkedSnapshotStore (4 KiB chunks)",
    () => {
      const storage = new MemoryStorage();
      return { store: new ChunkedSnapshotStore(storage, 4096), storage };
    },
  ],
];

for (const [name, make] of implementations) {
  describe(`SnapshotStore contract: ${name}`, () => {
    it("[ST4] load() with nothing stored is null", async () => {
      expect(await make().store.load()).toBeNull();
    });

    for (const size of [1, 1000, STORAGE_CHUNK_BYTES, STORAGE_CHUNK_BYTES + 1, 300 * 1024]) {
      it(`[ST1] save then load round-trips ${size} bytes`, async () => {
        const { store, storage } = make();
        const data = bytes(size, size);
        await store.save(data);
        expect(await store.load()).toEqual(data);
        // A new store object over the same storage (a restarted room) reads the same.
        expect(await new ChunkedSnapshotStore(storage).load()).toEqual(data);
      });
    }

    it("[ST1] the latest save wins", async () => {
      const { store } = make();
      await store.save(bytes(5000, 1));
      await store.save(bytes(3000, 2));
      expect(await store.load()).toEqual(bytes(3000, 2));
    });
  });
}

describe("ChunkedSnapshotStore chunking", () => {
  it("[ST2] a snapshot over 128 KiB is split into several keys, each under the limit, in one put", async () => {
    const storage = new MemoryStorage();
    const store = new ChunkedSnapshotStore(storage);
    const data = bytes(400 * 1024);
    await store.save(data);
    expect(storage.puts).toBe(1);
    expect(chunkKeys(storage)).toHaveLength(Math.ceil(data.byteLength / STORAGE_CHUNK_BYTES));
    for (const k of chunkKeys(storage)) {
      expect((storage.data.get(k) as Uint8Array).byteLength).toBeLessThanOrEqual(128 * 1024);
    }
    expect(storage.data.get("snapshot:meta")).toEqual({
      version: 1,
      chunks: 4,
      bytes: data.byteLength,
    });
  });

  it("[ST2] stored chunks are copies, not views into the caller's buffer", async () => {
    const storage = new MemoryStorage();
    const store = new ChunkedSnapshotStore(storage);
    const data = bytes(1000);
    await store.save(data);
    data.fill(0);
    expect(await store.load()).toEqual(bytes(1000));
  });

  it("[ST3] stale chunks are deleted when the snapshot shrinks", async () => {
    const storage = new MemoryStorage();
    const store = new ChunkedSnapshotStore(storage);
    await store.save(bytes(500 * 1024));
    expect(chunkKeys(storage)).toHaveLength(5);
    await store.save(bytes(200 * 1024, 9));
    expect(chunkKeys(storage)).toEqual(["snapshot:0", "snapshot:1"]);
    expect(await store.load()).toEqual(bytes(200 * 1024, 9));
  });

  it("[ST3] a restarted room deletes the chunks its predecessor left", async () => {
    const storage = new MemoryStorage();
    await new ChunkedSnapshotStore(storage).save(bytes(500 * 1024));
    const restarted = new ChunkedSnapshotStore(storage);
    await restarted.load();
    await restarted.save(bytes(10));
    expect(chunkKeys(storage)).toEqual(["snapshot:0"]);
  });

  it("[ST4] a missing chunk makes load() fail loudly", async () => {
    const storage = new MemoryStorage();
    await new ChunkedSnapshotStore(storage).save(bytes(300 * 1024));
    storage.data.delete("snapshot:1");
    await expect(new ChunkedSnapshotStore(storage).load()).rejects.toThrow(/missing/);
  });

  it("[ST2] MemoryStorage refuses values over 128 KiB, like a Durable Object", async () => {
    const storage = new MemoryStorage();
    await expect(storage.put({ big: new Uint8Array(128 * 1024 + 1) })).rejects.toThrow(/128 KiB/);
  });
});
