/**
 * Seeded convergence property test: 2–5 Yjs peers (each speaking the room protocol like a
 * RoomClient) connected to one in-memory RoomServer through a fake network that delays,
 * interleaves different peers' messages (one socket stays in order), duplicates updates, and
 * disconnects/reconnects peers (a reconnect re-runs the sync handshake). Peers run random
 * operations of every tool, sometimes writing an invalid shape the room must repair or remove.
 *
 *  [CV1] After everyone reconnects and the network drains, every replica and the room hold the
 *        same shapes (`getShapes(doc).toJSON()` and `readShapes(doc)` identical).
 *  [CV2] Every shape everywhere is schema-valid at the end; the room's document is valid after
 *        every message it handles.
 *  [CV3] The room never closes a well-behaved peer.
 *
 * SEEDS=n (env CONVERGENCE_SEEDS) runs more seeds; a failure prints its seed and op log.
 */
import { describe, expect, it } from "vitest";
import * as Y from "yjs";
import type { RoomConnection } from "../../party/room";
import { RoomServer } from "../../party/room";
import { ChunkedSnapshotStore, MemoryStorage } from "../../party/storage";
import { checkEntry, getShapes, readShapes, shapeToYMap } from "../../src/shared/doc";
import { SHAPE_TYPES, type ShapeType } from "../../src/shared/schema";
import { type SeededRandom, seededRandom } from "../helpers/prng";
import {
  decodeFrame,
  FakeScheduler,
  type Frame,
  SYNC_STEP1,
  SYNC_STEP2,
  SYNC_UPDATE,
  syncFrame,
  validShape,
  writeRawShape,
} from "./support/fakes";

/** mulberry32: small, fast, seedable. */
type Rng = SeededRandom;

const REMOTE = Symbol("room");
const BOX = new Set<ShapeType>(["rect", "ellipse", "text", "sticky"]);
const POINTS = new Set<ShapeType>(["line", "arrow", "pen"]);
const ID_POOL = Array.from({ length: 12 }, (_, i) => `s${i}`);
const COLOURS = ["#112233", "#ff0000", "#00ff00", "#abcdef", "#000000"];
const Z_DIGITS = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz";

class Network {
  /** Per peer: frames to the room (up) and from the room (down), each in order. */
  readonly up = new Map<number, Frame[]>();
  readonly down = new Map<number, Frame[]>();
  constructor(readonly rng: Rng) {}

  queues(): Frame[][] {
    return [...this.up.values(), ...this.down.values()].filter((q) => q.length > 0);
  }
}

class Peer {
  readonly doc = new Y.Doc();
  online = false;
  session = 0;
  conn: RoomConnection | null = null;
  closes: { code: number; reason: string }[] = [];

  constructor(
    readonly index: number,
    private readonly room: RoomServer,
    private readonly net: Network,
    private readonly log: string[],
  ) {
    net.up.set(index, []);
    net.down.set(index, []);
    this.doc.on("update", (update: Uint8Array, origin: unknown) => {
      if (origin === REMOTE || !this.online) return; // offline edits travel in the handshake
      this.sendUp(syncFrame(SYNC_UPDATE, update));
      if (this.net.rng.chance(0.05)) this.sendUp(syncFrame(SYNC_UPDATE, update)); // duplicate
    });
  }

  private sendUp(frame: Uint8Array): void {
    this.net.up.get(this.index)!.push(frame);
  }

  connect(): void {
    if (this.online) return;
    this.online = true;
    this.session++;
    const session = this.session;
    const down = this.net.down.get(this.index)!;
    const conn: RoomConnection = {
      id: `p${this.index}-${session}`,
      send: (data) => {
        if (this.session !== session || !this.online) return;
        const frame = typeof data === "string" ? data : data.slice();
        down.push(frame);
        if (typeof data !== "string" && this.net.rng.chance(0.03)) {
          const d = decodeFrame(frame as Uint8Array);
          if (d.kind === "sync" && d.sub === SYNC_UPDATE) down.push(frame); // duplicate
        }
      },
      close: (code, reason) => {
        this.closes.push({ code, reason });
        this.log.push(`!! room closed peer ${this.index}: ${code} ${reason}`);
        if (this.session === session) this.dropLink();
      },
    };
    this.conn = conn;
    this.room.connect(conn);
    this.sendUp(syncFrame(SYNC_STEP1, Y.encodeStateVector(this.doc)));
  }

  disconnect(): void {
    if (!this.online) return;
    const conn = this.conn!;
    this.dropLink();
    this.room.disconnect(conn);
  }

  private dropLink(): void {
    this.online = false;
    this.conn = null;
    // Frames in flight on a dead socket are lost.
    this.net.up.get(this.index)!.length = 0;
    this.net.down.get(this.index)!.length = 0;
  }

  /** A frame from the room arrives. */
  receive(frame: Frame): void {
    if (typeof frame === "string") return;
    const d = decodeFrame(frame);
    if (d.kind !== "sync") return;
    if (d.sub === SYNC_STEP1) {
      this.sendUp(syncFrame(SYNC_STEP2, Y.encodeStateAsUpdate(this.doc, d.payload)));
    } else {
      Y.applyUpdate(this.doc, d.payload, REMOTE);
    }
  }
}

interface World {
  room: RoomServer;
  peers: Peer[];
  net: Network;
  rng: Rng;
  log: string[];
  scheduler: FakeScheduler;
}

/** Delivers one random in-flight frame (FIFO within a socket direction). */
function deliverOne(w: World): boolean {
  const candidates: { peer: Peer; dir: "up" | "down" }[] = [];
  for (const p of w.peers) {
    if (w.net.up.get(p.index)!.length > 0) candidates.push({ peer: p, dir: "up" });
    if (w.net.down.get(p.index)!.length > 0) candidates.push({ peer: p, dir: "down" });
  }
  if (candidates.length === 0) return false;
  const { peer, dir } = w.rng.pick(candidates);
  if (dir === "up") {
    const frame = w.net.up.get(peer.index)!.shift()!;
    w.room.message(peer.conn!, frame);
    assertRoomValid(w, `after a frame from peer ${peer.index}`);
  } else {
    peer.receive(w.net.down.get(peer.index)!.shift()!);
  }
  return true;
}

function assertRoomValid(w: World, when: string): void {
  for (const [id, value] of getShapes(w.room.doc)) {
    const result = checkEntry(id, value);
    if (result.status !== "valid") {
      throw new Error(`room holds invalid shape ${id} ${when}: ${JSON.stringify(result)}`);
    }
  }
}

function randomZ(rng: Rng): string {
  let z = rng.pick(["a", "b", "Zz", "a0"]);
  const n = 1 + rng.int(3);
  for (let i = 0; i < n; i++) z += rng.pick([...Z_DIGITS]);
  return z;
}

function existing(doc: Y.Doc, rng: Rng): [string, Y.Map<unknown>] | null {
  const entries = [...getShapes(doc).entries()].filter(([, v]) => v instanceof Y.Map);
  return entries.length === 0 ? null : rng.pick(entries);
}

/** One random operation by one peer. Returns its description for the op log. */
function randomOp(w: World, peer: Peer): string {
  const { rng } = w;
  const doc = peer.doc;
  const shapes = getShapes(doc);
  const roll = rng.int(100);
  if (roll < 6) {
    if (peer.online) {
      peer.disconnect();
      return `p${peer.index} disconnect`;
    }
    peer.connect();
    return `p${peer.index} reconnect`;
  }
  if (roll < 30) {
    const type = rng.pick(SHAPE_TYPES);
    const id = rng.pick(ID_POOL);
    const shape = validShape(type, id, {
      x: rng.int(1000),
      y: rng.int(1000),
      stroke: rng.pick(COLOURS),
      z: randomZ(rng),
    });
    shapes.set(id, shapeToYMap(shape));
    return `p${peer.index} create ${type} ${id}`;
  }
  if (roll < 36) {
    // An invalid write the room must repair or remove.
    const id = rng.pick([...ID_POOL, "__proto__", "bad id"]);
    const kind = rng.int(5);
    const fields: Record<string, unknown>[] = [
      { type: "rect", x: Number.NaN, y: 1, width: 10, height: 10 },
      { type: "ellipse", x: 0, y: 0, stroke: "red", fill: "#12" },
      { type: "pen", x: 0, y: 0, points: [1, 2, 3] },
      { type: "hexagon", x: 0 },
      { type: "line", x: 0, y: 0, points: ["a"] },
    ];
    writeRawShape(doc, id, fields[kind]!);
    return `p${peer.index} INVALID#${kind} ${id}`;
  }
  const target = existing(doc, rng);
  if (!target) return `p${peer.index} noop`;
  const [id, m] = target;
  const type = m.get("type") as ShapeType;
  doc.transact(() => {
    switch (rng.int(7)) {
      case 0:
        m.set("x", rng.int(2000) - 1000);
        m.set("y", rng.int(2000) - 1000);
        break;
      case 1:
        m.set("stroke", rng.pick(COLOURS));
        if (rng.chance(0.5)) m.set("fill", rng.pick([...COLOURS, "transparent"]));
        break;
      case 2:
        if (BOX.has(type)) {
          m.set("width", rng.int(500));
          m.set("height", rng.int(500));
        } else if (POINTS.has(type)) {
          const n = 1 + rng.int(4);
          m.set(
            "points",
            Array.from({ length: n * 2 }, () => rng.int(400) - 200),
          );
        }
        break;
      case 3: {
        const text = m.get("text");
        if (text instanceof Y.Text) {
          if (text.length > 0 && rng.chance(0.4)) {
            const at = rng.int(text.length);
            text.delete(at, 1 + rng.int(Math.min(3, text.length - at)));
          } else {
            text.insert(rng.int(text.length + 1), rng.pick(["a", "bc", "→", "xyz "]));
          }
        }
        break;
      }
      case 4:
        m.set("z", randomZ(rng));
        break;
      case 5:
        m.set("rotation", rng.int(360));
        break;
      default:
        shapes.delete(id);
    }
  });
  return `p${peer.index} edit ${id}`;
}

function runSeed(seed: number, opCount: number): void {
  const rng = seededRandom(seed);
  const scheduler = new FakeScheduler();
  const room = new RoomServer({ store: new ChunkedSnapshotStore(new MemoryStorage()), scheduler });
  const net = new Network(rng);
  const log: string[] = [];
  const peerCount = 2 + rng.int(4);
  const peers = Array.from({ length: peerCount }, (_, i) => new Peer(i, room, net, log));
  const w: World = { room, peers, net, rng, log, scheduler };
  try {
    for (const p of peers) p.connect();
    for (let op = 0; op < opCount; op++) {
      log.push(randomOp(w, rng.pick(peers)));
      const deliveries = rng.int(6);
      for (let i = 0; i < deliveries; i++) deliverOne(w);
      scheduler.advance(10);
    }
    for (const p of peers) p.connect();
    for (let guard = 0; deliverOne(w); guard++) {
      if (guard > 100_000) throw new Error("network did not drain");
    }
    const roomJson = getShapes(room.doc).toJSON();
    const roomShapes = readShapes(room.doc);
    for (const p of peers) {
      expect(p.closes, `[CV3] peer ${p.index} closed`).toEqual([]);
      expect(getShapes(p.doc).toJSON(), `[CV1] peer ${p.index} shapes JSON`).toEqual(roomJson);
      expect(readShapes(p.doc), `[CV1] peer ${p.index} readShapes`).toEqual(roomShapes);
      for (const [id, value] of getShapes(p.doc)) {
        expect(checkEntry(id, value).status, `[CV2] peer ${p.index} shape ${id}`).toBe("valid");
      }
    }
    assertRoomValid(w, "at the end");
    expect(Object.keys(roomJson).length).toBe(getShapes(room.doc).size);
  } catch (error) {
    console.error(
      `convergence failed: seed=${seed} peers=${peerCount} ops=${opCount}\n${log.join("\n")}`,
    );
    throw error;
  } finally {
    room.destroy();
  }
}

const SEEDS = Number(process.env.CONVERGENCE_SEEDS ?? 50);
const OPS = Number(process.env.CONVERGENCE_OPS ?? 60);

describe("convergence", () => {
  it(`[CV1][CV2][CV3] ${SEEDS} seeds × ${OPS} ops converge to the same valid document`, () => {
    const base = Number(process.env.CONVERGENCE_BASE_SEED ?? 1);
    for (let s = 0; s < SEEDS; s++) runSeed(base + s, OPS);
  }, 20_000);

  it("[CV1] a long run (5 seeds × 300 ops) converges", () => {
    for (let s = 0; s < 5; s++) runSeed(10_000 + s, 300);
  }, 20_000);
});
