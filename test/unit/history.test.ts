/**
 * Board history (party/history.ts, docs/limits.md "Board history"): the thinning policy with a
 * fixed clock, the byte budget, the chunked store, and when the Checkpointer takes a checkpoint,
 * on a fake scheduler so every delay is exact and nothing waits on a wall clock.
 */
import { describe, expect, test } from "vitest";
import * as Y from "yjs";
import {
  type CheckpointEntry,
  Checkpointer,
  CheckpointStore,
  checkpointJSON,
  DEFAULT_RETENTION,
  docSource,
  INDEX_KEY,
  retain,
  thin,
} from "../../party/history";
import { RoomServer } from "../../party/room";
import { ChunkedSnapshotStore, MemoryStorage } from "../../party/storage";
import {
  CHECKPOINT_MAX_INTERVAL_MS,
  CHECKPOINT_MAX_PRESENT,
  CHECKPOINT_QUIET_MS,
  STORAGE_CHUNK_BYTES,
  STORAGE_MAX_VALUE_BYTES,
} from "../../src/shared/constants";
import { getShapes, shapeToYMap } from "../../src/shared/doc";
import { awarenessFrame, updateFrame } from "../helpers/frames";
import { seededRandom } from "../helpers/prng";
import { captureUpdate, FakeConn, FakeScheduler, validShape } from "./support/fakes";

const MIN = 60_000;
const HOUR = 60 * MIN;
const DAY = 24 * HOUR;
/** Noon UTC: hour and day buckets line up with round numbers below. */
const NOW = Date.UTC(2026, 0, 31, 12, 0, 0);

/** Byte equality without vitest's element-by-element diff (slow on 300 KiB). */
function sameBytes(a: Uint8Array | null, b: Uint8Array): boolean {
  return a !== null && Buffer.from(a).equals(Buffer.from(b));
}

let seq = 0;
function entry(at: number, over: Partial<CheckpointEntry> = {}): CheckpointEntry {
  return {
    id: `e${String(seq++).padStart(6, "0")}`,
    at,
    present: [],
    shapes: 0,
    bytes: 100,
    chunks: 1,
    reason: "burst",
    digest: String(seq),
    ...over,
  };
}

/** The ages (NOW - at) of what `thin` keeps. */
function keptAges(ats: number[], now = NOW): number[] {
  const index = ats.map((at) => entry(at));
  const keep = new Set(thin(index, now));
  return index.filter((e) => keep.has(e.id)).map((e) => now - e.at);
}

describe("thinning [HT1]", () => {
  test("keeps every checkpoint younger than an hour", () => {
    const ages = [59 * MIN + 59_999, 30 * MIN, 29 * MIN, MIN, 1, 0];
    expect(keptAges(ages.map((a) => NOW - a))).toEqual(ages);
  });

  test("from an hour to 48 hours: the newest of each UTC hour", () => {
    const ats = [
      NOW - HOUR, // 11:00:00, alone in its hour
      NOW - 2 * HOUR + 5 * MIN, // 10:05
      NOW - 2 * HOUR + 40 * MIN, // 10:40: newest of 10:xx
      NOW - 2 * HOUR - 1, // 09:59:59.999
      NOW - 47 * HOUR + 1, // inside 48 h
      NOW - 47 * HOUR + 2, // same hour, newer
    ];
    expect(keptAges(ats)).toEqual([HOUR, 80 * MIN, 2 * HOUR + 1, 47 * HOUR - 2]);
  });

  test("an hour straddling the keep-all edge keeps its young ones and its newest older one", () => {
    // 11:00 bucket: 11:01 and 11:05 are over an hour old at 12:05:30; 11:10 is not.
    const now = NOW + 5 * MIN + 30_000;
    const ats = [NOW - 59 * MIN, NOW - 55 * MIN, NOW - 50 * MIN];
    expect(keptAges(ats, now)).toEqual([now - ats[1]!, now - ats[2]!]);
    // Exactly an hour old is no longer "keep all": it competes with its hour's older ones.
    const half = NOW + 30 * MIN;
    const edge = [NOW - 40 * MIN, NOW - 30 * MIN, NOW - 15 * MIN];
    expect(keptAges(edge, half)).toEqual([HOUR, 45 * MIN]);
  });

  test("from 48 hours to 30 days: the newest of each UTC day", () => {
    const dayStart = Date.UTC(2026, 0, 20);
    const ats = [dayStart + HOUR, dayStart + 9 * HOUR, dayStart + 23 * HOUR, dayStart + DAY];
    expect(keptAges(ats).map((age) => NOW - age)).toEqual([dayStart + 23 * HOUR, dayStart + DAY]);
    // 48 h exactly is the first daily age; 30 days exactly is gone.
    const edge = [NOW - 48 * HOUR, NOW - 30 * DAY, NOW - 30 * DAY + 1];
    expect(keptAges(edge)).toEqual([48 * HOUR, 30 * DAY - 1]);
  });

  test("thinning every hour along the way keeps what thinning once at the end keeps", () => {
    const random = seededRandom(7);
    const start = NOW - 40 * DAY;
    const all: { id: string; at: number }[] = [];
    for (let t = start; t < NOW; t += random.next() * 3 * HOUR) {
      all.push({ id: `x${String(all.length).padStart(6, "0")}`, at: Math.floor(t) });
    }
    let index: { id: string; at: number }[] = [];
    let next = 0;
    for (let now = start; now <= NOW; now += HOUR) {
      while (next < all.length && all[next]!.at <= now) index.push(all[next++]!);
      const keep = new Set(thin(index, now));
      index = index.filter((e) => keep.has(e.id));
    }
    expect(next).toBe(all.length);
    expect(index.map((e) => e.id)).toEqual(thin(all, NOW));
    // Forty days of checkpoints every few hours: ≤ 30 days + 47 hours + the last hour's.
    expect(index.length).toBeGreaterThan(30);
    expect(index.length).toBeLessThanOrEqual(30 + 47 + 2);
  });
});

describe("budget [HT2]", () => {
  test("drops the oldest while the bytes exceed the budget", () => {
    const index = [1, 2, 3, 4, 5].map((i) => entry(NOW - i * MIN, { bytes: 10 })).reverse();
    const limits = { ...DEFAULT_RETENTION, budgetBytes: 25 };
    expect(retain(index, NOW, limits).map((e) => e.id)).toEqual(index.slice(3).map((e) => e.id));
  });

  test("keeps the newest checkpoint even when it alone is over the budget", () => {
    const index = [entry(NOW - MIN, { bytes: 10 }), entry(NOW, { bytes: 100 })];
    const limits = { ...DEFAULT_RETENTION, budgetBytes: 50 };
    expect(retain(index, NOW, limits).map((e) => e.id)).toEqual([index[1]!.id]);
  });

  test("drops the oldest while the index outgrows its storage value", () => {
    const present = Array.from({ length: CHECKPOINT_MAX_PRESENT }, (_, i) => `person ${i}`);
    const index = Array.from({ length: 200 }, (_, i) => entry(NOW - (200 - i) * 1000, { present }));
    const limits = { ...DEFAULT_RETENTION, indexMaxBytes: 20_000 };
    const kept = retain(index, NOW, limits);
    expect(2 * JSON.stringify(kept).length).toBeLessThanOrEqual(20_000);
    expect(2 * JSON.stringify(index.slice(-kept.length - 1)).length).toBeGreaterThan(20_000);
    expect(kept.at(-1)!.id).toBe(index.at(-1)!.id);
  });
});

function info(at: number, digest = `d${at}`) {
  return { at, present: ["Ada"], shapes: 1, reason: "burst" as const, digest };
}

describe("CheckpointStore [HT3]", () => {
  test("a checkpoint over 128 KiB is chunked under the value limit and written in one put", async () => {
    const storage = new MemoryStorage();
    const store = new CheckpointStore(storage);
    const update = new Uint8Array(300 * 1024).map((_, i) => (i * 31) % 251);
    const entry = await store.add(update, info(NOW));
    expect(storage.puts).toBe(1);
    expect(entry.chunks).toBe(Math.ceil(update.byteLength / STORAGE_CHUNK_BYTES));
    expect(entry.chunks).toBe(3);
    const keys = [...storage.data.keys()].sort();
    expect(keys).toEqual([INDEX_KEY, ...[0, 1, 2].map((i) => `ckpt:${entry.id}:${i}`)].sort());
    for (const [key, value] of storage.data) {
      if (key !== INDEX_KEY)
        expect((value as Uint8Array).byteLength).toBeLessThan(STORAGE_MAX_VALUE_BYTES);
    }
    expect(sameBytes(await store.read(entry.id), update)).toBe(true);
    // Another store over the same storage (the room after a restart) reads the same.
    const reopened = new CheckpointStore(storage);
    expect(await reopened.list()).toEqual([entry]);
    expect(sameBytes(await reopened.read(entry.id), update)).toBe(true);
  });

  test("ids sort as taken, even within one millisecond or with the clock stepping back", async () => {
    const store = new CheckpointStore(new MemoryStorage());
    const a = await store.add(new Uint8Array([1]), info(NOW));
    const b = await store.add(new Uint8Array([2]), info(NOW));
    const c = await store.add(new Uint8Array([3]), info(NOW - 5_000));
    const d = await store.add(new Uint8Array([4]), info(NOW + 1));
    const ids = [a, b, c, d].map((e) => e.id);
    expect(new Set(ids).size).toBe(4);
    expect([...ids].sort()).toEqual(ids);
    for (const id of ids) expect(id).toMatch(/^[0-9a-z]{12}$/);
    expect(c.at).toBe(NOW);
    expect(await store.read(c.id)).toEqual(new Uint8Array([3]));
  });

  test("thinned checkpoints leave no chunks behind", async () => {
    const storage = new MemoryStorage();
    const store = new CheckpointStore(storage, {
      limits: { ...DEFAULT_RETENTION, budgetBytes: 250 * 1024 },
    });
    const big = () => new Uint8Array(130 * 1024);
    const first = await store.add(big(), info(NOW));
    const second = await store.add(big(), info(NOW + 1));
    expect((await store.list()).map((e) => e.id)).toEqual([second.id]);
    expect(await store.read(first.id)).toBeNull();
    const keys = [...storage.data.keys()].filter((k) => k !== INDEX_KEY);
    expect(keys.every((k) => k.startsWith(`ckpt:${second.id}:`))).toBe(true);
    expect(keys).toHaveLength(2);
    expect(await store.bytes()).toBe(130 * 1024);
  });

  test("[HT6] each checkpoint keeps the assets it names; thinning one lets its assets go", async () => {
    const storage = new MemoryStorage();
    const store = new CheckpointStore(storage, {
      limits: { ...DEFAULT_RETENTION, budgetBytes: 250 * 1024 },
    });
    const [a, b, c] = ["aa", "bb", "cc"].map((x) => x.repeat(32)) as [string, string, string];
    const big = () => new Uint8Array(130 * 1024);
    const first = await store.add(big(), { ...info(NOW), assets: [a, b] });
    expect(await store.assetRefs()).toEqual(new Set([a, b]));
    // The budget keeps only the second: the first's list goes with its chunks.
    await store.add(big(), { ...info(NOW + 1), assets: new Set([b, c]) });
    expect(await store.assetRefs()).toEqual(new Set([b, c]));
    expect(storage.data.has(`ckpt:${first.id}:assets`)).toBe(false);
  });

  test("[HT6] a checkpoint stored without its asset list is decoded for it", async () => {
    const storage = new MemoryStorage();
    const store = new CheckpointStore(storage);
    const doc = new Y.Doc();
    const hash = "12".repeat(32);
    getShapes(doc).set("i1", shapeToYMap(validShape("image", "i1", { asset: hash })));
    // As a checkpoint taken before asset lists were kept.
    const old = await store.add(Y.encodeStateAsUpdate(doc), info(NOW));
    expect(storage.data.has(`ckpt:${old.id}:assets`)).toBe(false);
    expect(await new CheckpointStore(storage).assetRefs()).toEqual(new Set([hash]));
  });

  test("unknown ids read as null", async () => {
    const store = new CheckpointStore(new MemoryStorage());
    await store.add(new Uint8Array([1]), info(NOW));
    expect(await store.read("000000000000")).toBeNull();
  });
});

/** A board the checkpointer watches, on a fake clock starting at NOW. */
function fixture(timing = {}) {
  const scheduler = new FakeScheduler();
  scheduler.time = NOW;
  const doc = new Y.Doc();
  const storage = new MemoryStorage();
  const store = new CheckpointStore(storage);
  let present: string[] = [];
  const logs: string[] = [];
  const checkpointer = new Checkpointer(
    docSource(doc, () => present),
    store,
    scheduler,
    (m) => logs.push(m),
    timing,
  );
  let n = 0;
  const edit = () => {
    const id = `s${n++}`;
    getShapes(doc).set(id, shapeToYMap(validShape("rect", id, { x: n })));
    checkpointer.changed();
  };
  /** Advances the clock, then lets any checkpoint it started finish writing. */
  const advance = async (ms: number) => {
    scheduler.advance(ms);
    await checkpointer.idle();
  };
  return {
    scheduler,
    doc,
    storage,
    store,
    checkpointer,
    edit,
    advance,
    logs,
    setPresent: (names: string[]) => {
      present = names;
    },
  };
}

describe("Checkpointer [HT4]", () => {
  test("a burst of edits makes one checkpoint, CHECKPOINT_QUIET_MS after its last edit", async () => {
    const f = fixture();
    f.edit();
    await f.advance(10_000);
    f.edit();
    await f.advance(10_000);
    f.edit();
    await f.advance(CHECKPOINT_QUIET_MS - 1);
    expect(await f.store.list()).toEqual([]);
    await f.advance(1);
    const list = await f.store.list();
    expect(list).toHaveLength(1);
    expect(list[0]).toMatchObject({ at: NOW + 20_000 + CHECKPOINT_QUIET_MS, shapes: 3 });
    expect(list[0]!.reason).toBe("burst");
    expect(checkpointJSON((await f.store.read(list[0]!.id)) as Uint8Array).shapes).toHaveLength(3);
    await f.advance(10 * CHECKPOINT_QUIET_MS);
    expect(await f.store.list()).toHaveLength(1);
  });

  test("continuous editing makes one checkpoint per CHECKPOINT_MAX_INTERVAL_MS", async () => {
    const f = fixture();
    const editEveryMs = 10_000;
    for (let t = 0; t < 35 * MIN; t += editEveryMs) {
      f.edit();
      await f.advance(editEveryMs);
    }
    const ats = (await f.store.list()).map((e) => e.at - NOW);
    expect(ats).toEqual([1, 2, 3].map((i) => i * CHECKPOINT_MAX_INTERVAL_MS));
    // The burst's end still gets its own checkpoint.
    await f.advance(CHECKPOINT_QUIET_MS);
    expect(await f.store.list()).toHaveLength(4);
  });

  test("the last connection leaving takes one at once, and the burst timer none after it", async () => {
    const f = fixture();
    f.edit();
    await f.advance(1_000);
    f.checkpointer.lastLeft();
    await f.checkpointer.idle();
    const list = await f.store.list();
    expect(list.map((e) => [e.at, e.reason])).toEqual([[NOW + 1_000, "empty"]]);
    await f.advance(CHECKPOINT_MAX_INTERVAL_MS);
    expect(await f.store.list()).toHaveLength(1);
    // Leaving again with nothing changed takes none.
    f.checkpointer.lastLeft();
    await f.checkpointer.idle();
    expect(await f.store.list()).toHaveLength(1);
  });

  test("no checkpoint when the board is the same as the last one", async () => {
    const f = fixture();
    f.edit();
    await f.advance(CHECKPOINT_QUIET_MS);
    expect(await f.store.list()).toHaveLength(1);
    // A change notice that changed nothing (a peer resending what the room holds)…
    f.checkpointer.changed();
    await f.advance(CHECKPOINT_QUIET_MS);
    expect(await f.store.list()).toHaveLength(1);
    // …and after a restart, with the same board loaded into a new checkpointer.
    const again = new Checkpointer(
      {
        encode: () => Y.encodeStateAsUpdate(f.doc),
        shapeCount: () => 1,
        presentNames: () => [],
        assets: () => [],
      },
      new CheckpointStore(f.storage),
      f.scheduler,
      () => {},
    );
    again.changed();
    f.scheduler.advance(CHECKPOINT_QUIET_MS);
    await again.idle();
    expect(await f.store.list()).toHaveLength(1);
    // A deletion moves no state vector, yet it is a new board.
    f.doc.getMap("shapes").delete("s0");
    f.checkpointer.changed();
    await f.advance(CHECKPOINT_QUIET_MS);
    expect((await new CheckpointStore(f.storage).list()).map((e) => e.shapes)).toEqual([1, 0]);
  });

  test("records everyone seen since the last checkpoint, and who is here when it is taken", async () => {
    const f = fixture();
    f.setPresent(["Bo"]);
    f.checkpointer.saw("Ada"); // came, edited, left
    f.checkpointer.saw(undefined); // a presence without a name
    f.checkpointer.saw("Bo");
    f.edit();
    await f.advance(CHECKPOINT_QUIET_MS);
    f.setPresent(["Cy", "Bo"]);
    f.edit();
    await f.advance(CHECKPOINT_QUIET_MS);
    f.checkpointer.saw("x".repeat(200));
    f.setPresent([]);
    f.edit();
    f.checkpointer.lastLeft();
    await f.checkpointer.idle();
    expect((await f.store.list()).map((e) => e.present)).toEqual([
      ["Ada", "Bo"],
      ["Bo", "Cy"],
      ["x".repeat(48)],
    ]);
  });

  test("a failed write is logged and retried after the next quiet period, names kept", async () => {
    const f = fixture();
    const put = f.storage.put.bind(f.storage);
    let fail = true;
    f.storage.put = async (entries) => {
      if (fail) throw new Error("storage down");
      return put(entries);
    };
    f.checkpointer.saw("Ada");
    f.edit();
    await f.advance(CHECKPOINT_QUIET_MS);
    expect(f.logs.join("\n")).toContain("storage down");
    fail = false;
    await f.advance(CHECKPOINT_QUIET_MS);
    expect((await f.store.list()).map((e) => e.present)).toEqual([["Ada"]]);
  });
});

describe("Checkpointer failures [HT4]", () => {
  test("a source that throws is logged and does not stop later checkpoints", async () => {
    const scheduler = new FakeScheduler();
    const store = new CheckpointStore(new MemoryStorage());
    const doc = new Y.Doc();
    let broken = true;
    const logs: string[] = [];
    const checkpointer = new Checkpointer(
      {
        encode: () => {
          if (broken) throw new Error("encode failed");
          return Y.encodeStateAsUpdate(doc);
        },
        shapeCount: () => 0,
        presentNames: () => [],
        assets: () => [],
      },
      store,
      scheduler,
      (m) => logs.push(m),
    );
    checkpointer.changed();
    expect(await checkpointer.take("burst")).toBeNull();
    expect(logs.join("\n")).toContain("encode failed");
    broken = false;
    scheduler.advance(CHECKPOINT_QUIET_MS);
    await checkpointer.idle();
    expect(await store.list()).toHaveLength(1);
  });
});

describe("the room keeps history [HT5]", () => {
  test("an editor's burst becomes a checkpoint naming everyone seen during it; leaving makes none when nothing changed", async () => {
    const scheduler = new FakeScheduler();
    scheduler.time = NOW;
    const storage = new MemoryStorage();
    const store = new CheckpointStore(storage);
    const room = new RoomServer({
      store: new ChunkedSnapshotStore(storage),
      scheduler,
      history: { store, quietMs: 5_000 },
    });
    await room.load();
    const conn = new FakeConn("a");
    room.connect(conn);
    room.message(conn, awarenessFrame(7, 1, { user: { name: "Ada", color: "#000000" } }));
    const doc = new Y.Doc();
    const update = captureUpdate(doc, () =>
      getShapes(doc).set("r1", shapeToYMap(validShape("rect", "r1"))),
    );
    room.message(conn, updateFrame(update));
    // Bo looks in and leaves before the burst ends, clearing their presence first (pagehide).
    const visitor = new FakeConn("b");
    room.connect(visitor);
    room.message(visitor, awarenessFrame(8, 1, { user: { name: "Bo", color: "#000000" } }));
    room.message(visitor, awarenessFrame(8, 2, null));
    room.disconnect(visitor);
    scheduler.advance(5_000);
    await room.checkpointer!.idle();
    const list = await store.list();
    expect(list.map((e) => [e.present, e.shapes, e.reason])).toEqual([[["Ada", "Bo"], 1, "burst"]]);
    room.disconnect(conn);
    await room.checkpointer!.idle();
    expect(await store.list()).toHaveLength(1);
    room.destroy();
  });
});
