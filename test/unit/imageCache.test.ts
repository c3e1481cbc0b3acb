/**
 * This device's copies of pictures (src/assets/localStore.ts `pruneAssetCache`), over
 * fake-indexeddb (an in-memory IndexedDB for Node; the Chromium test [IM13] covers the real one):
 *
 *  [IM16] Copies unused for longer than the age limit are dropped, bytes and use record, unless
 *         a room's upload queue still holds them.
 *  [IM17] Over the size limit, the least recently used go first, until the rest fits; queued
 *         copies are neither dropped nor counted.
 *  [IM18] Showing a copy counts as using it; a copy with no use record (stored by older code)
 *         counts as used now and gets one.
 */
import { IDBFactory, IDBKeyRange } from "fake-indexeddb";
import { afterEach, beforeEach, describe, expect, test, vi } from "vitest";

const DAY = 24 * 60 * 60_000;
const T0 = Date.UTC(2026, 0, 1);
const hashOf = (n: number) => n.toString(16).padStart(64, "0");
const png = (bytes: number) => new Blob([new Uint8Array(bytes)], { type: "image/png" });

type Store = typeof import("../../src/assets/localStore");
let local: Store;

beforeEach(async () => {
  // A fresh database and a fresh module (it keeps its open connection) for every test.
  globalThis.indexedDB = new IDBFactory();
  globalThis.IDBKeyRange = IDBKeyRange;
  vi.resetModules();
  vi.useFakeTimers({ toFake: ["Date"] });
  vi.setSystemTime(T0);
  local = await import("../../src/assets/localStore");
});

afterEach(() => {
  vi.useRealTimers();
});

/** Adds a copy (as adding a picture does) at time `at`. */
async function add(hash: string, bytes: number, at: number): Promise<void> {
  vi.setSystemTime(at);
  await local.localAssets.putBlob(hash, png(bytes));
}

/** Puts `hash` in a room's upload queue, as adding a picture (pending) or a refusal (failed) does. */
function queue(hash: string, state: "pending" | "failed"): Promise<void> {
  return local.localAssets.enqueue({ roomId: "room-a", hash, type: "image/png", state, at: T0 });
}

async function copies(): Promise<string[]> {
  const out: string[] = [];
  for (let n = 0; n < 10; n++) if (await local.getAssetBlob(hashOf(n))) out.push(hashOf(n));
  return out;
}

describe("the device's copies", () => {
  test("[IM16] copies unused past the age limit go; a queued one stays", async () => {
    await add(hashOf(1), 100, T0);
    await add(hashOf(2), 100, T0 + 10 * DAY);
    await add(hashOf(3), 100, T0);
    await queue(hashOf(3), "failed");
    const now = T0 + 31 * DAY;
    const dropped = await local.pruneAssetCache(now, { maxAgeMs: 30 * DAY, maxBytes: 1e9 });
    expect(dropped).toEqual([hashOf(1)]);
    expect(await copies()).toEqual([hashOf(2), hashOf(3)]);
  });

  test("[IM17] over the size limit the least recently used go first; queued ones do not count", async () => {
    await add(hashOf(1), 400, T0 + 1);
    await add(hashOf(2), 400, T0 + 3);
    await add(hashOf(3), 400, T0 + 2);
    await add(hashOf(4), 5000, T0);
    await queue(hashOf(4), "pending");
    const dropped = await local.pruneAssetCache(T0 + 10, { maxAgeMs: DAY, maxBytes: 800 });
    // 1,200 bytes not queued, 800 allowed: the oldest use (1) goes.
    expect(dropped).toEqual([hashOf(1)]);
    expect(await copies()).toEqual([hashOf(2), hashOf(3), hashOf(4)]);
    const again = await local.pruneAssetCache(T0 + 10, { maxAgeMs: DAY, maxBytes: 500 });
    expect(again).toEqual([hashOf(3)]);
  });

  test("[IM18] showing a copy is using it; a copy without a use record counts as used now", async () => {
    await add(hashOf(1), 100, T0);
    await add(hashOf(2), 100, T0);
    // Shown 20 days later: its use moves (the record is written at most daily).
    vi.setSystemTime(T0 + 20 * DAY);
    expect(await local.getAssetBlob(hashOf(1))).not.toBeNull();
    // A copy stored by code that kept no use records.
    await new Promise<void>((resolve, reject) => {
      const open = indexedDB.open("sketchroom-assets");
      open.onsuccess = () => {
        const tx = open.result.transaction("blobs", "readwrite");
        tx.objectStore("blobs").put(png(100), hashOf(3));
        tx.oncomplete = () => resolve();
        tx.onerror = () => reject(tx.error);
      };
    });
    const now = T0 + 40 * DAY;
    const limits = { maxAgeMs: 30 * DAY, maxBytes: 1e9 };
    expect(await local.pruneAssetCache(now, limits)).toEqual([hashOf(2)]);
    expect(await copies()).toEqual([hashOf(1), hashOf(3)]);
    // The old copy now has a record from that prune: 31 days on, it goes too (1 was shown at
    // T0 + 20 days, so it went 11 days earlier than this).
    expect(await local.pruneAssetCache(now + 31 * DAY, limits)).toEqual([hashOf(1), hashOf(3)]);
  });
});
