/**
 * RoomServer unit tests: fake connections, a fake scheduler, in-memory storage.
 *
 * Rules (cited in test names):
 *  [R1]  Connecting sends hello, sync step 1 (the room's state vector) and `saved`; a client's
 *        step 1 is answered with a step 2.
 *  [R2]  A document update reaches every other connection, never back to its author.
 *  [R3]  An invalid shape is repaired or removed in one room transaction that reaches every
 *        connection (author included); the author gets an INVALID_SHAPE error naming it.
 *  [R4]  Shapes that cannot be repaired (bad id such as "__proto__", unknown type, a value neither
 *        a Y.Map nor a plain object) are removed.
 *  [R5]  Repairable values (non-finite numbers, bad colours, odd-length points) are repaired in place.
 *  [R6]  A malformed binary frame closes only its sender with 4000; others keep working.
 *  [R7]  A text frame that is not a valid control message closes its sender with 4000; ping → pong.
 *  [R8]  A connection over its message-rate budget is closed with 4029.
 *  [R9]  A connection past MAX_CONNECTIONS_PER_ROOM, or an editor past MAX_EDITORS_PER_ROOM, is
 *        closed with 4013 (room full); viewers still fit while the editor slots are full.
 *  [R10] A read-only connection cannot change the document and gets READ_ONLY.
 *  [R11] Saves are debounced but happen within SAVE_MAX_WAIT_MS even under continuous change;
 *        afterwards every connection gets `saved` with a state vector covering the change.
 *  [R12] load() restores a saved snapshot (chunked when large) into a new room.
 *  [R13] The HTTP snapshot lists valid shapes sorted by z, then id.
 *  [R14] The room's log is rate limited.
 *  [R16] A frame over the message cap arrives in chunks: reassembled in order, then handled like
 *        any frame; malformed sequences close the sender with 4000, oversize ones with 4009, and
 *        the room's reassembly budget with 4029; a closed connection's pieces are freed.
 *  [R17] Size caps count UTF-8 bytes: a text frame of multi-byte characters under 1 MB of
 *        characters but over 1 MB of bytes is too big.
 *  [R18] A connection the room has heard nothing from for SERVER_IDLE_TIMEOUT_MS is closed with
 *        4100 (half-open paths never deliver a close); the sweep runs only while anyone is connected.
 *  [R19] Bindings and frames converge (C12, C13): a shape moved while a peer binds an arrow to
 *        it ends with the arrow on the shape's anchor for everyone; deleting a shape unbinds the
 *        arrows and frees the children that referred to it, in the room's own transaction.
 *  [R20] A compact shape (a plain object, docs/schema.md) is valid; a bad one is repaired by
 *        rewriting it compact, or removed when unfixable, like a Y.Map shape.
 *  [R15] Content that depends on something the room lacks is never kept aside (Yjs "pending"):
 *        the room drops it, asks its sender for a fresh step 2, and acknowledges nothing to that
 *        sender until the step 2 arrives. A peer that syncs never holds content the room lacks.
 */
import * as encoding from "lib0/encoding";
import { beforeEach, describe, expect, it } from "vitest";
import * as Y from "yjs";
import { RoomServer } from "../../party/room";
import { ChunkedSnapshotStore, MemoryStorage } from "../../party/storage";
import { splitFrame } from "../../src/shared/chunks";
import {
  MAX_CHUNKS,
  MAX_CONNECTIONS_PER_ROOM,
  MAX_EDITORS_PER_ROOM,
  MAX_MESSAGE_BYTES,
  RATE_BUCKET_SIZE,
  SAVE_DEBOUNCE_MS,
  SAVE_MAX_WAIT_MS,
  SERVER_IDLE_TIMEOUT_MS,
  SERVER_SWEEP_MS,
} from "../../src/shared/constants";
import {
  getShapes,
  isCompact,
  readShapes,
  shapeToCompact,
  shapeToYMap,
} from "../../src/shared/doc";
import { CloseCode, fromBase64, MessageType } from "../../src/shared/protocol";
import { checkShape } from "../../src/shared/schema";
import {
  applySyncFrames,
  captureUpdate,
  decodeFrame,
  FakeConn,
  FakeScheduler,
  SYNC_STEP1,
  SYNC_STEP2,
  SYNC_UPDATE,
  settle,
  syncFrame,
  validShape,
  writeRawShape,
} from "./support/fakes";

interface Client {
  conn: FakeConn;
  doc: Y.Doc;
}

let scheduler: FakeScheduler;
let storage: MemoryStorage;
let room: RoomServer;

function newRoom(store = new ChunkedSnapshotStore(storage)): RoomServer {
  return new RoomServer({ store, scheduler });
}

beforeEach(() => {
  scheduler = new FakeScheduler();
  storage = new MemoryStorage();
  room = newRoom();
});

/** Connects a client and completes the sync handshake. */
function join(id: string, options: { readOnly?: boolean } = {}): Client {
  const conn = new FakeConn(id);
  const doc = new Y.Doc();
  room.connect(conn, options);
  room.message(conn, syncFrame(SYNC_STEP1, Y.encodeStateVector(doc)));
  applySyncFrames(doc, conn.frames);
  conn.clear();
  return { conn, doc };
}

/** A local edit on the client, sent to the room as a sync update. */
function edit(client: Client, fn: (shapes: Y.Map<Y.Map<unknown>>) => void): Uint8Array {
  const update = captureUpdate(client.doc, () => fn(getShapes(client.doc)));
  room.message(client.conn, syncFrame(SYNC_UPDATE, update));
  return update;
}

function addShape(client: Client, type: Parameters<typeof validShape>[0], id: string) {
  return edit(client, (shapes) => shapes.set(id, shapeToYMap(validShape(type, id))));
}

/** Applies everything the room sent `client` since the last call. */
function receive(client: Client): void {
  applySyncFrames(client.doc, client.conn.frames);
  client.conn.clear();
}

function errorsOf(conn: FakeConn) {
  return conn.controls().filter((m) => m.type === "error");
}

describe("RoomServer handshake", () => {
  it("[R1] connect sends hello, sync step 1 and saved, in that order", () => {
    const conn = new FakeConn("c1");
    room.connect(conn);
    expect(conn.frames).toHaveLength(3);
    expect(JSON.parse(conn.frames[0] as string)).toEqual({
      type: "hello",
      protocol: 1,
      readOnly: false,
      connectionId: "c1",
    });
    const step1 = decodeFrame(conn.frames[1] as Uint8Array);
    expect(step1).toMatchObject({ kind: "sync", sub: SYNC_STEP1 });
    expect(JSON.parse(conn.frames[2] as string)).toMatchObject({ type: "saved" });
    expect(room.connectionCount).toBe(1);
  });

  it("[R1] a client's step 1 gets a step 2 holding what the client lacks", () => {
    const a = join("a");
    addShape(a, "rect", "r1");
    const conn = new FakeConn("b");
    room.connect(conn);
    conn.clear();
    room.message(conn, syncFrame(SYNC_STEP1, Y.encodeStateVector(new Y.Doc())));
    expect(conn.frames).toHaveLength(1);
    const step2 = decodeFrame(conn.frames[0] as Uint8Array);
    expect(step2).toMatchObject({ kind: "sync", sub: SYNC_STEP2 });
    const doc = new Y.Doc();
    if (step2.kind === "sync") Y.applyUpdate(doc, step2.payload);
    expect(readShapes(doc).map((s) => s.id)).toEqual(["r1"]);
  });

  it("[R1] the step 1 the room sends carries its state vector", () => {
    const a = join("a");
    addShape(a, "rect", "r1");
    const conn = new FakeConn("b");
    room.connect(conn);
    const step1 = decodeFrame(conn.frames[1] as Uint8Array);
    if (step1.kind !== "sync") throw new Error("expected sync");
    expect(Y.decodeStateVector(step1.payload)).toEqual(
      Y.decodeStateVector(Y.encodeStateVector(room.doc)),
    );
    expect(Y.decodeStateVector(step1.payload).get(a.doc.clientID)).toBeGreaterThan(0);
  });
});

describe("RoomServer relay", () => {
  it("[R2] an update from A reaches B but not A", () => {
    const a = join("a");
    const b = join("b");
    addShape(a, "ellipse", "e1");
    expect(a.conn.frames).toEqual([]);
    const bFrames = b.conn.binaries().map(decodeFrame);
    expect(bFrames).toHaveLength(1);
    expect(bFrames[0]).toMatchObject({ kind: "sync", sub: SYNC_UPDATE });
    receive(b);
    expect(readShapes(b.doc)).toEqual(readShapes(a.doc));
    expect(readShapes(room.doc).map((s) => s.id)).toEqual(["e1"]);
  });
});

describe("RoomServer schema repair", () => {
  it("[R3] an invalid shape is repaired in one room transaction that reaches A and B; A gets INVALID_SHAPE", () => {
    const a = join("a");
    const b = join("b");
    edit(a, () =>
      writeRawShape(a.doc, "bad1", {
        type: "rect",
        x: Number.NaN,
        y: 5,
        width: 10,
        height: 10,
        stroke: "red",
        z: "a0",
      }),
    );
    // A receives the repair only; B receives A's write and then the repair.
    const aSync = a.conn.binaries().map(decodeFrame);
    expect(aSync).toHaveLength(1);
    expect(aSync[0]).toMatchObject({ kind: "sync", sub: SYNC_UPDATE });
    expect(b.conn.binaries()).toHaveLength(2);
    expect(errorsOf(a.conn)).toEqual([
      expect.objectContaining({ type: "error", code: "INVALID_SHAPE", ids: ["bad1"] }),
    ]);
    expect(errorsOf(b.conn)).toEqual([]);
    receive(a);
    receive(b);
    for (const doc of [a.doc, b.doc, room.doc]) {
      const shape = getShapes(doc).get("bad1")!.toJSON();
      expect(shape).toMatchObject({ x: 0, y: 5, stroke: "#1e1e1e" });
      expect(checkShape("bad1", shape).status).toBe("valid");
    }
    expect(room.stats.repairs).toBe(1);
  });

  it("[R4] a shape with id __proto__ is removed everywhere", () => {
    const a = join("a");
    const b = join("b");
    edit(a, (shapes) => shapes.set("__proto__", shapeToYMap(validShape("rect", "__proto__"))));
    expect(errorsOf(a.conn)).toEqual([
      expect.objectContaining({ code: "INVALID_SHAPE", ids: ["__proto__"] }),
    ]);
    receive(a);
    receive(b);
    for (const doc of [a.doc, b.doc, room.doc]) {
      expect(getShapes(doc).has("__proto__")).toBe(false);
      expect(Object.getPrototypeOf(getShapes(doc).toJSON())).toBe(Object.prototype);
    }
    expect(room.stats.removals).toBe(1);
  });

  it("[R4] a shape of unknown type, non-map non-object entries and an id with bad characters are removed", () => {
    const a = join("a");
    const b = join("b");
    addShape(a, "rect", "keep");
    edit(a, (shapes) => {
      writeRawShape(a.doc, "hexagon", { type: "hexagon", x: 0, y: 0 });
      (shapes as unknown as Y.Map<unknown>).set("array", [{ type: "rect" }]);
      (shapes as unknown as Y.Map<unknown>).set("number", 42);
      shapes.set("bad id!", shapeToYMap(validShape("rect", "bad id!")));
    });
    const [err] = errorsOf(a.conn);
    expect(new Set(err!.ids as string[])).toEqual(
      new Set(["hexagon", "array", "number", "bad id!"]),
    );
    receive(a);
    receive(b);
    for (const doc of [a.doc, b.doc, room.doc]) {
      expect([...getShapes(doc).keys()]).toEqual(["keep"]);
    }
  });

  it("[R5] non-finite numbers, bad colours and odd-length points are repaired, not removed", () => {
    const a = join("a");
    const b = join("b");
    edit(a, () => {
      writeRawShape(a.doc, "n", {
        type: "rect",
        x: Number.POSITIVE_INFINITY,
        y: 1,
        width: -5,
        height: 10,
        rotation: Number.NaN,
        strokeWidth: 1e9,
        z: "a1",
      });
      writeRawShape(a.doc, "c", { type: "ellipse", x: 0, y: 0, stroke: "blue", fill: "#12345" });
      writeRawShape(a.doc, "p", { type: "pen", x: 0, y: 0, points: [1, 2, 3] });
    });
    receive(a);
    receive(b);
    for (const doc of [a.doc, b.doc, room.doc]) {
      const shapes = getShapes(doc);
      expect(shapes.get("n")!.toJSON()).toMatchObject({
        x: 1e7,
        width: 0,
        rotation: 0,
        strokeWidth: 100,
      });
      expect(shapes.get("c")!.toJSON()).toMatchObject({
        stroke: "#1e1e1e",
        fill: "transparent",
      });
      expect(shapes.get("p")!.toJSON().points).toEqual([1, 2]);
      expect(
        readShapes(doc)
          .map((s) => s.id)
          .sort(),
      ).toEqual(["c", "n", "p"]);
    }
    expect(room.stats.repairs).toBe(3);
  });

  it("[R5] a later invalid edit of a valid shape's property is repaired too", () => {
    const a = join("a");
    const b = join("b");
    addShape(a, "text", "t");
    receive(b);
    edit(a, (shapes) => shapes.get("t")!.set("y", "twelve"));
    expect(errorsOf(a.conn)).toHaveLength(1);
    receive(a);
    receive(b);
    expect(getShapes(b.doc).get("t")!.get("y")).toBe(0);
    expect(getShapes(a.doc).get("t")!.get("y")).toBe(0);
  });
});

describe("RoomServer malformed input", () => {
  const malformed: [string, Uint8Array][] = [
    ["empty", new Uint8Array(0)],
    ["unknown message type 7", new Uint8Array([7, 0])],
    ["bad sync subtype", new Uint8Array([MessageType.Sync, 9, 0])],
    ["truncated sync update", syncFrame(SYNC_UPDATE, new Uint8Array([1, 2, 3, 4])).slice(0, 4)],
    ["garbage update bytes", syncFrame(SYNC_UPDATE, new Uint8Array([0xff, 0xff, 0xff, 0x7f, 3]))],
    ["truncated awareness", new Uint8Array([MessageType.Awareness, 10, 1])],
  ];

  for (const [name, bytes] of malformed) {
    it(`[R6] ${name}: closes only the sender with 4000`, () => {
      const a = join("a");
      const b = join("b");
      const c = join("c");
      room.message(a.conn, bytes);
      expect(a.conn.closed?.code).toBe(4000);
      expect(b.conn.closed).toBeNull();
      expect(room.connectionCount).toBe(2);
      // The others keep working.
      addShape(b, "rect", "after");
      receive(c);
      expect(readShapes(c.doc).map((s) => s.id)).toEqual(["after"]);
      expect(a.conn.frames.filter((f) => typeof f !== "string")).toEqual([]);
    });
  }

  it("[R6] 200 random byte frames never throw and never close anyone but their sender", () => {
    let seed = 12345;
    const rand = () => {
      seed = (seed * 1103515245 + 12345) & 0x7fffffff;
      return seed / 0x80000000;
    };
    const b = join("b");
    for (let i = 0; i < 200; i++) {
      const conn = new FakeConn(`x${i}`);
      room.connect(conn);
      const bytes = new Uint8Array(1 + Math.floor(rand() * 40));
      for (let j = 0; j < bytes.length; j++) bytes[j] = Math.floor(rand() * 256);
      expect(() => room.message(conn, bytes)).not.toThrow();
      if (conn.closed) expect(conn.closed.code).toBe(4000);
      room.disconnect(conn);
    }
    expect(b.conn.closed).toBeNull();
    expect(room.connectionCount).toBe(1);
    for (const [id, value] of getShapes(room.doc)) {
      expect(checkShape(id, value instanceof Y.Map ? value.toJSON() : value).status).toBe("valid");
    }
  });

  it("[R7] bad JSON and unknown control messages close the sender with 4000", () => {
    for (const text of ["{not json", '{"type":"nope"}', '{"type":"ping","t":"x"}', "null"]) {
      const conn = new FakeConn(`t-${text}`);
      room.connect(conn);
      room.message(conn, text);
      expect(conn.closed?.code, text).toBe(4000);
    }
    expect(room.connectionCount).toBe(0);
  });

  it("[R7] ping is answered with pong carrying the same t", () => {
    const a = join("a");
    room.message(a.conn, JSON.stringify({ type: "ping", t: 42 }));
    expect(a.conn.controls()).toEqual([{ type: "pong", t: 42 }]);
    expect(a.conn.closed).toBeNull();
  });
});

describe("RoomServer limits", () => {
  it("[R8] a flooding connection is closed with 4029; others are untouched", () => {
    const a = join("a");
    const b = join("b");
    const ping = JSON.stringify({ type: "ping", t: 1 });
    // join() used one token for the step 1.
    for (let i = 0; i < RATE_BUCKET_SIZE - 1; i++) room.message(a.conn, ping);
    expect(a.conn.closed).toBeNull();
    room.message(a.conn, ping);
    expect(a.conn.closed?.code).toBe(4029);
    expect(b.conn.closed).toBeNull();
    room.message(b.conn, ping);
    expect(b.conn.controls().at(-1)).toEqual({ type: "pong", t: 1 });
  });

  it("[R8] the budget refills over time", () => {
    const a = join("a");
    const ping = JSON.stringify({ type: "ping", t: 1 });
    for (let i = 0; i < RATE_BUCKET_SIZE - 1; i++) room.message(a.conn, ping);
    scheduler.advance(1000);
    for (let i = 0; i < 150; i++) room.message(a.conn, ping);
    expect(a.conn.closed).toBeNull();
  });

  it("[R17] the message cap counts a text frame's UTF-8 bytes, not its characters", () => {
    // "é" is one UTF-16 unit and two UTF-8 bytes.
    const ping = (bytes: number) => {
      const head = '{"type":"ping","t":7,"pad":"';
      const room = bytes - head.length - 2;
      return `${head}${"é".repeat(Math.floor(room / 2))}${"x".repeat(room % 2)}"}`;
    };
    const under = join("under");
    room.message(under.conn, ping(MAX_MESSAGE_BYTES));
    expect(new TextEncoder().encode(ping(MAX_MESSAGE_BYTES)).byteLength).toBe(MAX_MESSAGE_BYTES);
    expect(under.conn.closed).toBeNull();
    expect(under.conn.controls()).toEqual([{ type: "pong", t: 7 }]);

    const over = join("over");
    const text = ping(MAX_MESSAGE_BYTES + 1);
    expect(text.length).toBeLessThan(MAX_MESSAGE_BYTES);
    room.message(over.conn, text);
    expect(over.conn.closed?.code).toBe(CloseCode.MESSAGE_TOO_BIG);
    expect(under.conn.closed).toBeNull();
  });

  it("[R18] a connection silent past SERVER_IDLE_TIMEOUT_MS is closed with 4100; one that pings stays; the sweep stops with the room empty", () => {
    const quiet = join("quiet");
    const chatty = join("chatty");
    const ping = JSON.stringify({ type: "ping", t: 1 });
    for (let t = 0; t <= SERVER_IDLE_TIMEOUT_MS + SERVER_SWEEP_MS; t += SERVER_SWEEP_MS) {
      room.message(chatty.conn, ping);
      scheduler.advance(SERVER_SWEEP_MS);
    }
    expect(quiet.conn.closed?.code).toBe(CloseCode.DEAD_CONNECTION);
    expect(chatty.conn.closed).toBeNull();
    expect(room.connectionCount).toBe(1);
    room.disconnect(chatty.conn);
    expect(scheduler.pending).toBe(0);
  });

  it("[R18] nobody is closed for idleness before SERVER_IDLE_TIMEOUT_MS", () => {
    const quiet = join("quiet");
    scheduler.advance(SERVER_IDLE_TIMEOUT_MS);
    expect(quiet.conn.closed).toBeNull();
    scheduler.advance(SERVER_SWEEP_MS + 1);
    expect(quiet.conn.closed?.code).toBe(CloseCode.DEAD_CONNECTION);
    expect(scheduler.pending).toBe(0);
  });

  it("[R9] room full: the connection past the cap is closed with 4013", () => {
    const conns: FakeConn[] = [];
    for (let i = 0; i < MAX_CONNECTIONS_PER_ROOM; i++) {
      const conn = new FakeConn(`c${i}`);
      room.connect(conn, { readOnly: i >= MAX_EDITORS_PER_ROOM });
      conns.push(conn);
    }
    expect(conns.every((c) => c.closed === null)).toBe(true);
    const extra = new FakeConn("extra");
    room.connect(extra, { readOnly: true });
    expect(extra.closed?.code).toBe(4013);
    expect(extra.frames).toEqual([]);
    expect(room.connectionCount).toBe(MAX_CONNECTIONS_PER_ROOM);
    room.disconnect(conns.at(-1)!);
    const again = new FakeConn("again");
    room.connect(again, { readOnly: true });
    expect(again.closed).toBeNull();
  });

  it("[R9] editors past their cap are closed with 4013 while viewers still get in", () => {
    for (let i = 0; i < MAX_EDITORS_PER_ROOM; i++) room.connect(new FakeConn(`e${i}`));
    const editor = new FakeConn("editor");
    room.connect(editor);
    expect(editor.closed?.code).toBe(4013);
    const viewer = new FakeConn("viewer");
    room.connect(viewer, { readOnly: true });
    expect(viewer.closed).toBeNull();
    expect(room.connectionCount).toBe(MAX_EDITORS_PER_ROOM + 1);
  });

  it("[R10] a read-only connection cannot change the document and gets READ_ONLY", () => {
    const a = join("a");
    const viewer = join("v", { readOnly: true });
    expect(viewer.conn.closed).toBeNull();
    addShape(a, "rect", "r1");
    receive(viewer);
    expect(readShapes(viewer.doc).map((s) => s.id)).toEqual(["r1"]);
    const before = Y.encodeStateAsUpdate(room.doc);
    edit(viewer, (shapes) => {
      shapes.set("v1", shapeToYMap(validShape("rect", "v1")));
      shapes.delete("r1");
    });
    expect(Y.encodeStateAsUpdate(room.doc)).toEqual(before);
    expect(readShapes(room.doc).map((s) => s.id)).toEqual(["r1"]);
    expect(errorsOf(viewer.conn)).toEqual([expect.objectContaining({ code: "READ_ONLY" })]);
    expect(a.conn.frames).toEqual([]);
  });

  it("[R10] hello tells a viewer it is read-only, and its empty step 2 is no error", () => {
    const conn = new FakeConn("v");
    room.connect(conn, { readOnly: true });
    expect(conn.controls()[0]).toMatchObject({ type: "hello", readOnly: true });
    room.message(conn, syncFrame(SYNC_STEP2, Y.encodeStateAsUpdate(new Y.Doc())));
    expect(errorsOf(conn)).toEqual([]);
  });
});

describe("RoomServer persistence", () => {
  function savedSvs(conn: FakeConn): Map<number, number>[] {
    return conn
      .controls()
      .filter((m) => m.type === "saved")
      .map((m) => Y.decodeStateVector(fromBase64(m.sv as string)));
  }

  it("[R11] a change is saved after the debounce, and everyone is told with a covering state vector", async () => {
    const a = join("a");
    const b = join("b");
    addShape(a, "rect", "r1");
    scheduler.advance(SAVE_DEBOUNCE_MS - 1);
    await settle();
    expect(storage.puts).toBe(0);
    scheduler.advance(1);
    await settle();
    expect(storage.puts).toBe(1);
    const clock = Y.decodeStateVector(Y.encodeStateVector(a.doc)).get(a.doc.clientID)!;
    for (const conn of [a.conn, b.conn]) {
      const svs = savedSvs(conn);
      expect(svs).toHaveLength(1);
      expect(svs[0]!.get(a.doc.clientID)).toBe(clock);
    }
  });

  it("[R11] saved.seq counts the author's applied sync updates at snapshot time (delete-only edits)", async () => {
    const a = join("a"); // join sent a step 1 only: nothing applied yet
    const b = join("b");
    addShape(a, "rect", "r1");
    edit(a, (shapes) => shapes.delete("r1"));
    await room.flushSave();
    const last = (conn: FakeConn) =>
      conn
        .controls()
        .filter((m) => m.type === "saved")
        .at(-1)!;
    expect(last(a.conn).seq).toBe(2);
    expect(last(b.conn).seq).toBe(0);
    const fresh = new FakeConn("c");
    room.connect(fresh);
    expect(fresh.controls().find((m) => m.type === "saved")!.seq).toBe(0);
  });

  it("[R11] under continuous changes a save still happens within SAVE_MAX_WAIT_MS", async () => {
    const a = join("a");
    const step = Math.floor(SAVE_DEBOUNCE_MS / 2);
    let savedAt: number | null = null;
    for (let i = 0; i < 100 && savedAt === null; i++) {
      edit(a, (shapes) => shapes.set(`s${i}`, shapeToYMap(validShape("rect", `s${i}`))));
      scheduler.advance(step);
      await settle();
      if (storage.puts > 0) savedAt = scheduler.time;
    }
    expect(savedAt).not.toBeNull();
    expect(savedAt!).toBeLessThanOrEqual(SAVE_MAX_WAIT_MS + step);
    expect(savedAt!).toBeGreaterThanOrEqual(SAVE_MAX_WAIT_MS);
  });

  it("[R11] many changes in one quiet period produce one save", async () => {
    const a = join("a");
    for (let i = 0; i < 20; i++) addShape(a, "rect", `r${i}`);
    scheduler.advance(SAVE_MAX_WAIT_MS * 4);
    await settle();
    expect(storage.puts).toBe(1);
    expect(room.stats.saves).toBe(1);
  });

  it("[R12] load() restores a saved snapshot into a new RoomServer", async () => {
    const a = join("a");
    addShape(a, "rect", "r1");
    addShape(a, "sticky", "s1");
    await room.flushSave();
    const restored = newRoom();
    await restored.load();
    expect(readShapes(restored.doc)).toEqual(readShapes(room.doc));
    expect(readShapes(restored.doc)).toHaveLength(2);
    // A newcomer to the restored room is told that this state is already durable.
    const conn = new FakeConn("n");
    restored.connect(conn);
    const saved = conn.controls().find((m) => m.type === "saved")!;
    expect(Y.decodeStateVector(fromBase64(saved.sv as string)).get(a.doc.clientID)).toBe(
      Y.decodeStateVector(Y.encodeStateVector(a.doc)).get(a.doc.clientID),
    );
  });

  it("[R12] a snapshot over 128 KiB is chunked, restored byte-identical, and stale chunks go when it shrinks", async () => {
    const a = join("a");
    // ~300 KB of text that does not compress away.
    let seed = 7;
    const chars: string[] = [];
    for (let i = 0; i < 300_000; i++) {
      seed = (seed * 16807) % 2147483647;
      chars.push(String.fromCharCode(33 + (seed % 90)));
    }
    const big = chars.join("");
    edit(a, (shapes) => {
      for (let i = 0; i < 20; i++) {
        shapes.set(
          `t${i}`,
          shapeToYMap(
            validShape("text", `t${i}`, { text: big.slice(i * 15_000, (i + 1) * 15_000) }),
          ),
        );
      }
    });
    await room.flushSave();
    const chunkKeys = () => [...storage.data.keys()].filter((k) => /^snapshot:\d+$/.test(k)).sort();
    expect(chunkKeys().length).toBeGreaterThanOrEqual(3);
    for (const k of chunkKeys()) {
      expect((storage.data.get(k) as Uint8Array).byteLength).toBeLessThanOrEqual(128 * 1024);
    }
    const saved = Y.encodeStateAsUpdate(room.doc);
    const restored = newRoom();
    await restored.load();
    expect(Y.encodeStateAsUpdate(restored.doc)).toEqual(saved);
    const texts = readShapes(restored.doc)
      .sort((p, q) => Number(p.id.slice(1)) - Number(q.id.slice(1)))
      .map((shape) => shape.text);
    expect(texts.join("")).toBe(big);

    // Shrink: delete the text shapes; gc drops their content.
    edit(a, (shapes) => {
      for (let i = 0; i < 20; i++) shapes.delete(`t${i}`);
    });
    await room.flushSave();
    expect(chunkKeys()).toEqual(["snapshot:0"]);
    const again = newRoom();
    await again.load();
    expect(readShapes(again.doc)).toEqual([]);
  });

  it("[R12] data stored before a schema rule existed is repaired on load", async () => {
    const old = new Y.Doc();
    writeRawShape(old, "legacy", { type: "rect", x: "1", y: 2, stroke: "#zzzzzz" });
    writeRawShape(old, "alien", { type: "blob" });
    await new ChunkedSnapshotStore(storage).save(Y.encodeStateAsUpdate(old));
    await room.load();
    expect([...getShapes(room.doc).keys()]).toEqual(["legacy"]);
    expect(getShapes(room.doc).get("legacy")!.toJSON()).toMatchObject({ x: 0, stroke: "#1e1e1e" });
  });
});

describe("RoomServer HTTP snapshot", () => {
  it("[R13] snapshot() returns valid shapes sorted by z then id, in public JSON form", () => {
    const a = join("a");
    edit(a, (shapes) => {
      shapes.set("b", shapeToYMap(validShape("rect", "b", { z: "a1" })));
      shapes.set("a", shapeToYMap(validShape("line", "a", { z: "a1" })));
      shapes.set("c", shapeToYMap(validShape("sticky", "c", { z: "a0" })));
      shapes.set("d", shapeToYMap(validShape("text", "d", { z: "Zz" })));
    });
    const snap = room.snapshot();
    expect(snap.shapes.map((s) => s.id)).toEqual(["d", "c", "a", "b"]);
    expect(snap.shapes[1]).toEqual({
      id: "c",
      type: "sticky",
      x: 10,
      y: 20,
      rotation: 0,
      stroke: "#112233",
      fill: "#ffec99",
      strokeWidth: 2,
      z: "a0",
      width: 100,
      height: 50,
      text: "hello",
      fontSize: 20,
    });
    expect(snap.shapes[2]).not.toHaveProperty("width");
    expect(snap.shapes[2]).toHaveProperty("points", [0, 0, 30, 40]);
  });
});

describe("room log", () => {
  it("[R14] a flood of bad frames logs at most 10 lines per 10 s, then says how many were dropped", () => {
    const lines: string[] = [];
    const quiet = new RoomServer({
      store: new ChunkedSnapshotStore(new MemoryStorage()),
      scheduler,
      log: (m) => lines.push(m),
    });
    for (let i = 0; i < 50; i++) {
      const conn = new FakeConn(`bad${i}`);
      quiet.connect(conn);
      quiet.message(conn, new Uint8Array([0, 2, 0xff, 0xff]));
    }
    expect(lines).toHaveLength(10);
    scheduler.advance(10_000);
    const conn = new FakeConn("late");
    quiet.connect(conn);
    quiet.message(conn, new Uint8Array([0, 2, 0xff, 0xff]));
    expect(lines[10]).toBe("(40 log lines dropped)");
    expect(lines).toHaveLength(12);
  });
});

describe("RoomServer missing dependencies", () => {
  /** A client holding a shape the room never saw (the room lost it, or the client got it elsewhere). */
  function clientAhead(id: string): Client & { elsewhere: Y.Doc } {
    const client = join(id);
    const elsewhere = new Y.Doc();
    getShapes(elsewhere).set("lost", shapeToYMap(validShape("sticky", "lost")));
    Y.applyUpdate(client.doc, Y.encodeStateAsUpdate(elsewhere), "remote");
    return { ...client, elsewhere };
  }

  function roomHasNothingAside(): void {
    expect(room.doc.store.pendingStructs).toBeNull();
    expect(room.doc.store.pendingDs).toBeNull();
  }

  it("[R15] an edit of content the room lacks is dropped and its sender asked to resync; its step 2 lands it", async () => {
    const a = clientAhead("a");
    const b = join("b");
    // A text edit inside "lost": the update names items the room does not have.
    edit(a, (shapes) => (shapes.get("lost")!.get("text") as Y.Text).insert(0, "edited "));
    roomHasNothingAside();
    expect(a.conn.closed).toBeNull();
    const asked = a.conn.binaries().map(decodeFrame);
    expect(asked).toEqual([expect.objectContaining({ kind: "sync", sub: SYNC_STEP1 })]);
    // No acknowledgement while the room lacks what the sender needs.
    await room.flushSave();
    expect(a.conn.controls().filter((m) => m.type === "saved")).toEqual([]);
    // The sender answers as every Yjs client does: a step 2 with what the room lacks.
    const step1 = asked[0]!;
    if (step1.kind !== "sync") throw new Error("expected sync");
    room.message(a.conn, syncFrame(SYNC_STEP2, Y.encodeStateAsUpdate(a.doc, step1.payload)));
    roomHasNothingAside();
    expect(readShapes(room.doc).find((s) => s.id === "lost")?.text).toBe("edited hello");
    receive(b);
    expect(readShapes(b.doc).find((s) => s.id === "lost")?.text).toBe("edited hello");
    await room.flushSave();
    const saved = a.conn.controls().filter((m) => m.type === "saved");
    expect(saved).toHaveLength(1);
    const sv = Y.decodeStateVector(fromBase64(saved[0]!.sv as string));
    for (const [client, clock] of Y.decodeStateVector(Y.encodeStateVector(a.doc))) {
      expect(sv.get(client)).toBe(clock);
    }
  });

  it("[R15] a sender that never fills the gap is asked a bounded number of times and never acknowledged", async () => {
    const a = clientAhead("a");
    for (let i = 0; i < 10; i++) {
      edit(a, (shapes) => shapes.get("lost")!.set("x", i));
      scheduler.advance(100);
    }
    roomHasNothingAside();
    const steps = a.conn.binaries().filter((f) => decodeFrame(f).kind === "sync");
    expect(steps).toHaveLength(3);
    await room.flushSave();
    expect(a.conn.controls().filter((m) => m.type === "saved")).toEqual([]);
    expect(a.conn.closed).toBeNull();
  });

  it("[R15] after thousands of mutated updates, a peer that syncs holds nothing the room lacks", () => {
    // Real updates of a small board, bit-flipped and truncated: many depend on content that
    // does not exist. Yjs keeps those aside and can hand a syncing peer parts it never retries
    // itself, so the peer would hold content the room lacks (with seed 7, within 200).
    const source = new Y.Doc();
    const real: Uint8Array[] = [];
    source.on("update", (u: Uint8Array) => real.push(u));
    for (let i = 0; i < 8; i++) {
      getShapes(source).set(`k${i}`, shapeToYMap(validShape("sticky", `k${i}`)));
    }
    getShapes(source).get("k1")!.set("x", 5);
    (getShapes(source).get("k2")!.get("text") as Y.Text).insert(0, "abc");
    getShapes(source).delete("k3");
    real.push(Y.encodeStateAsUpdate(source));
    let seed = 7;
    const rng = () => {
      seed = (seed * 1_103_515_245 + 12_345) % 2 ** 31;
      return seed / 2 ** 31;
    };
    let conn = new FakeConn("fuzz0");
    room.connect(conn);
    let discarded = 0;
    for (let n = 1; n <= 3_000; n++) {
      const base = real[Math.floor(rng() * real.length)]!;
      let update = base.slice();
      if (rng() < 0.3) update = update.slice(0, Math.floor(rng() * update.length));
      const flips = 1 + Math.floor(rng() * 4);
      for (let f = 0; f < flips && update.length > 0; f++) {
        update[Math.floor(rng() * update.length)]! ^= 1 << Math.floor(rng() * 8);
      }
      room.message(conn, syncFrame(SYNC_UPDATE, update));
      if (conn.closed) {
        conn = new FakeConn(`fuzz${n}`);
        room.connect(conn);
      }
      scheduler.advance(20);
      conn.clear();
      discarded = room.stats.discarded;
      roomHasNothingAside();
      if (n % 100 !== 0) continue;
      const peer = new Y.Doc();
      const peerConn = new FakeConn(`peer${n}`);
      room.connect(peerConn);
      room.message(peerConn, syncFrame(SYNC_STEP1, Y.encodeStateVector(peer)));
      applySyncFrames(peer, peerConn.frames);
      room.disconnect(peerConn);
      const roomSv = Y.decodeStateVector(Y.encodeStateVector(room.doc));
      for (const [client, clock] of Y.decodeStateVector(Y.encodeStateVector(peer))) {
        expect(
          roomSv.get(client) ?? 0,
          `after ${n} updates, client ${client}`,
        ).toBeGreaterThanOrEqual(clock);
      }
    }
    // The run did exercise the rule.
    expect(discarded).toBeGreaterThan(100);
  });
});

describe("RoomServer chunked frames", () => {
  /** A sync update frame of about `bytes` bytes: one sticky note per 20,000 characters. */
  function bigUpdateFrame(bytes: number): { frame: Uint8Array; ids: string[] } {
    const doc = new Y.Doc();
    const ids: string[] = [];
    const update = captureUpdate(doc, () => {
      for (let i = 0; i * 20_000 < bytes; i++) {
        ids.push(`big${i}`);
        const text = `${i}`.padEnd(20_000, "x");
        getShapes(doc).set(`big${i}`, shapeToYMap(validShape("sticky", `big${i}`, { text })));
      }
    });
    return { frame: syncFrame(SYNC_UPDATE, update), ids };
  }

  it("[R16] a 2.5 MB update in chunks is reassembled, applied and relayed", () => {
    const a = join("a");
    const b = join("b");
    const { frame, ids } = bigUpdateFrame(2_500_000);
    const pieces = splitFrame(frame, 1);
    expect(pieces.length).toBeGreaterThanOrEqual(5);
    for (const p of pieces) expect(p.byteLength).toBeLessThanOrEqual(MAX_MESSAGE_BYTES);
    for (const p of pieces) room.message(a.conn, p);
    expect(a.conn.closed).toBeNull();
    receive(b);
    expect(
      readShapes(b.doc)
        .map((s) => s.id)
        .sort(),
    ).toEqual([...ids].sort());
  });

  const sequences: [string, (pieces: Uint8Array[]) => Uint8Array[], number][] = [
    ["pieces out of order", (p) => [p[0]!, p[2]!, p[1]!], CloseCode.MALFORMED],
    ["a piece without a start", (p) => [p[1]!], CloseCode.MALFORMED],
    ["a second start before the end", (p) => [p[0]!, p[0]!], CloseCode.MALFORMED],
    [
      "a piece of another frame",
      (p) => [p[0]!, splitFrame(bigUpdateFrame(1_500_000).frame, 9)[1]!],
      CloseCode.MALFORMED,
    ],
    ["a chunk inside a chunked frame", () => nestedChunk(), CloseCode.MALFORMED],
    ["a count of one", () => [chunkFrame(1, 0, 1, new Uint8Array(10))], CloseCode.MALFORMED],
    [
      "a count over the limit",
      () => [chunkFrame(1, 0, MAX_CHUNKS + 1, new Uint8Array(10))],
      CloseCode.MALFORMED,
    ],
    ["an empty piece", () => [chunkFrame(1, 0, 2, new Uint8Array(0))], CloseCode.MALFORMED],
    [
      "more bytes than any document",
      () =>
        Array.from({ length: MAX_CHUNKS }, (_, i) =>
          chunkFrame(1, i, MAX_CHUNKS, new Uint8Array(900_000)),
        ),
      CloseCode.MESSAGE_TOO_BIG,
    ],
  ];
  for (const [name, make, code] of sequences) {
    it(`[R16] ${name} closes only the sender with ${code}`, () => {
      const a = join("a");
      const b = join("b");
      const pieces = splitFrame(bigUpdateFrame(1_500_000).frame, 1);
      for (const p of make(pieces)) {
        if (a.conn.closed) break;
        room.message(a.conn, p);
      }
      expect(a.conn.closed?.code).toBe(code);
      expect(b.conn.closed).toBeNull();
      expect(readShapes(room.doc)).toEqual([]);
      // The room holds nothing for the closed sender: a fresh connection reassembles fine.
      const c = join("c");
      for (const p of pieces) room.message(c.conn, p);
      expect(c.conn.closed).toBeNull();
      expect(readShapes(room.doc).length).toBeGreaterThan(0);
    });
  }

  it("[R16] the room's reassembly budget refuses a third large sender until one leaves", () => {
    const senders = ["s1", "s2", "s3"].map((id) => join(id));
    const big = new Uint8Array(900_000);
    const fill = (c: Client, id: number, n: number) => {
      for (let i = 0; i < n && !c.conn.closed; i++)
        room.message(c.conn, chunkFrame(id, i, MAX_CHUNKS, big));
    };
    // Two senders hold almost a whole document each; neither has finished.
    fill(senders[0]!, 1, MAX_CHUNKS - 8);
    fill(senders[1]!, 1, MAX_CHUNKS - 8);
    fill(senders[2]!, 1, 5);
    expect(senders[0]!.conn.closed).toBeNull();
    expect(senders[1]!.conn.closed).toBeNull();
    expect(senders[2]!.conn.closed?.code).toBe(CloseCode.RATE_LIMITED);
    // The first goes away: its pieces are freed and a newcomer has room again.
    room.disconnect(senders[0]!.conn);
    const late = join("late");
    fill(late, 1, 5);
    expect(late.conn.closed).toBeNull();
  });
});

/** A raw chunk frame with any fields. */
function chunkFrame(id: number, index: number, count: number, piece: Uint8Array): Uint8Array {
  const e = encoding.createEncoder();
  encoding.writeVarUint(e, MessageType.Chunk);
  encoding.writeVarUint(e, id);
  encoding.writeVarUint(e, index);
  encoding.writeVarUint(e, count);
  encoding.writeVarUint8Array(e, piece);
  return encoding.toUint8Array(e);
}

/** A chunked frame whose reassembled content is itself a chunk frame. */
function nestedChunk(): Uint8Array[] {
  const inner = chunkFrame(1, 0, 2, new Uint8Array(1_200_000));
  return splitFrame(inner, 2);
}

describe("RoomServer references (C12, C13)", () => {
  it("[R19] a shape moved while a peer binds an arrow to it: both end with the arrow on its edge", () => {
    const a = join("a");
    const b = join("b");
    addShape(a, "rect", "box");
    receive(b);
    // A moves the box right by 100; concurrently B binds an arrow to the box's left edge
    // where B still sees it.
    const box = readShapes(b.doc).find((s) => s.id === "box")!;
    const move = captureUpdate(a.doc, () =>
      getShapes(a.doc)
        .get("box")!
        .set("x", box.x + 100),
    );
    const bind = captureUpdate(b.doc, () =>
      getShapes(b.doc).set(
        "arr",
        shapeToYMap({
          ...validShape("arrow", "arr"),
          x: 0,
          y: 0,
          points: [0, 0, box.x, box.y + box.height / 2],
          endId: "box",
          endAnchor: { x: 0, y: 0.5 },
        }),
      ),
    );
    room.message(a.conn, syncFrame(SYNC_UPDATE, move));
    room.message(b.conn, syncFrame(SYNC_UPDATE, bind));
    receive(a);
    receive(b);
    for (const doc of [a.doc, b.doc, room.doc]) {
      const arrow = readShapes(doc).find((s) => s.id === "arr")!;
      expect(arrow.x + arrow.points.at(-2)!).toBeCloseTo(box.x + 100);
      expect(arrow.y + arrow.points.at(-1)!).toBeCloseTo(box.y + box.height / 2);
    }
    expect(readShapes(a.doc)).toEqual(readShapes(b.doc));
    // Convergence, not an error: nobody is told a shape was invalid.
    expect(errorsOf(a.conn)).toEqual([]);
    expect(errorsOf(b.conn)).toEqual([]);
  });

  it("[R19] deleting a shape unbinds its arrows and frees a deleted frame's children everywhere", () => {
    const a = join("a");
    const b = join("b");
    edit(a, (shapes) => {
      shapes.set("frame", shapeToYMap(validShape("frame", "frame")));
      shapes.set("box", shapeToYMap({ ...validShape("rect", "box"), frameId: "frame" }));
      shapes.set(
        "arr",
        shapeToYMap({ ...validShape("arrow", "arr"), startId: "box", endId: "frame" }),
      );
    });
    receive(b);
    // B drags the box inside the frame while A deletes the frame.
    const drag = captureUpdate(b.doc, () => getShapes(b.doc).get("box")!.set("x", 77));
    edit(a, (shapes) => shapes.delete("frame"));
    room.message(b.conn, syncFrame(SYNC_UPDATE, drag));
    receive(a);
    receive(b);
    for (const doc of [a.doc, b.doc, room.doc]) {
      const shapes = new Map(readShapes(doc).map((s) => [s.id, s]));
      expect([...shapes.keys()].sort()).toEqual(["arr", "box"]);
      expect(shapes.get("box")).toMatchObject({ x: 77 });
      expect(shapes.get("box")?.frameId).toBeUndefined();
      expect(shapes.get("arr")?.startId).toBe("box");
      expect(shapes.get("arr")?.endId).toBeUndefined();
    }
    expect(room.stats.references).toBeGreaterThan(0);
  });
});

describe("RoomServer compact shapes", () => {
  const raw = (doc: Y.Doc) => getShapes(doc) as unknown as Y.Map<unknown>;

  it("[R20] a valid compact shape is kept as it is; a bad one is rewritten compact, repaired", () => {
    const a = join("a");
    const b = join("b");
    edit(a, () => {
      raw(a.doc).set("ok", shapeToCompact(validShape("rect", "ok")));
      raw(a.doc).set("bad", { type: "rect", x: Number.POSITIVE_INFINITY, stroke: "blue", z: "a1" });
      raw(a.doc).set("gone", { type: "pen", points: "none" });
    });
    const [err] = errorsOf(a.conn);
    expect(new Set(err!.ids as string[])).toEqual(new Set(["bad", "gone"]));
    receive(a);
    receive(b);
    for (const doc of [a.doc, b.doc, room.doc]) {
      const shapes = raw(doc);
      expect(isCompact(shapes.get("ok"))).toBe(true);
      expect(isCompact(shapes.get("bad"))).toBe(true);
      expect(shapes.get("bad")).toEqual({ type: "rect", x: 1e7, stroke: "#1e1e1e", z: "a1" });
      expect(shapes.has("gone")).toBe(false);
      expect(new Set(readShapes(doc).map((s) => s.id))).toEqual(new Set(["ok", "bad"]));
    }
    expect(room.stats.repairs).toBe(1);
    expect(room.stats.removals).toBe(1);
  });

  it("[R20] a compact arrow bound to a deleted shape is unbound and stays compact (C13)", () => {
    const a = join("a");
    const b = join("b");
    edit(a, (shapes) => {
      shapes.set("box", shapeToYMap(validShape("rect", "box")));
      raw(a.doc).set(
        "arr",
        shapeToCompact({
          ...validShape("arrow", "arr"),
          startId: "box",
          startAnchor: { x: 0, y: 0 },
        }),
      );
    });
    receive(b);
    edit(a, (shapes) => shapes.delete("box"));
    receive(a);
    receive(b);
    for (const doc of [a.doc, b.doc, room.doc]) {
      const arrow = raw(doc).get("arr");
      expect(isCompact(arrow)).toBe(true);
      expect(arrow).not.toHaveProperty("startId");
      expect(arrow).not.toHaveProperty("startAnchor");
    }
    expect(room.stats.references).toBeGreaterThan(0);
  });
});
