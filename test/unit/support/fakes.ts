/**
 * In-process fakes for unit tests: a manual scheduler, a recording room connection, frame
 * decoders, and shape builders. Nothing here touches a network or real timers.
 */
import * as decoding from "lib0/decoding";
import * as encoding from "lib0/encoding";
import * as Y from "yjs";
import type { Scheduler } from "../../../party/presence";
import type { RoomConnection } from "../../../party/room";
import type { NewShape } from "../../../src/doc/shapeStore";
import { MessageType } from "../../../src/shared/protocol";
import { BOX_TYPES, type Shape, type ShapeType } from "../../../src/shared/schema";

/** A scheduler whose clock only moves when the test says so. */
export class FakeScheduler implements Scheduler {
  time = 0;
  private nextId = 1;
  private readonly timers = new Map<number, { at: number; fn: () => void }>();

  now = (): number => this.time;

  setTimeout = (fn: () => void, ms: number): unknown => {
    const id = this.nextId++;
    this.timers.set(id, { at: this.time + Math.max(0, ms), fn });
    return id;
  };

  clearTimeout = (handle: unknown): void => {
    this.timers.delete(handle as number);
  };

  get pending(): number {
    return this.timers.size;
  }

  /** Moves the clock forward by `ms`, running every timer that falls due, in time order. */
  advance(ms: number): void {
    const end = this.time + ms;
    for (let guard = 0; guard < 100_000; guard++) {
      let next: [number, { at: number; fn: () => void }] | undefined;
      for (const entry of this.timers) {
        if (entry[1].at <= end && (!next || entry[1].at < next[1].at)) next = entry;
      }
      if (!next) break;
      this.timers.delete(next[0]);
      this.time = Math.max(this.time, next[1].at);
      next[1].fn();
    }
    this.time = end;
  }

  /** Runs every timer due now (a zero-length advance). */
  runDue(): void {
    this.advance(0);
  }
}

/** Lets pending promise callbacks (async storage) run. Not a sleep: no wall-clock wait. */
export async function settle(rounds = 5): Promise<void> {
  for (let i = 0; i < rounds; i++) await new Promise<void>((resolve) => setImmediate(resolve));
}

export type Frame = string | Uint8Array;

/** A RoomConnection that records every frame and close. */
export class FakeConn implements RoomConnection {
  readonly frames: Frame[] = [];
  closed: { code: number; reason: string } | null = null;
  constructor(readonly id: string) {}
  send(data: string | Uint8Array): void {
    if (this.closed) throw new Error(`send on closed connection ${this.id}`);
    this.frames.push(typeof data === "string" ? data : data.slice());
  }
  close(code: number, reason: string): void {
    this.closed = { code, reason };
  }
  /** JSON control messages received so far. */
  controls(): { type: string; [k: string]: unknown }[] {
    return this.frames.filter((f) => typeof f === "string").map((f) => JSON.parse(f as string));
  }
  binaries(): Uint8Array[] {
    return this.frames.filter((f): f is Uint8Array => typeof f !== "string");
  }
  clear(): void {
    this.frames.length = 0;
  }
}

export type DecodedFrame =
  | { kind: "sync"; sub: number; payload: Uint8Array }
  | { kind: "awareness"; payload: Uint8Array }
  | { kind: "other"; type: number };

export function decodeFrame(frame: Uint8Array): DecodedFrame {
  const d = decoding.createDecoder(frame);
  const type = decoding.readVarUint(d);
  if (type === MessageType.Sync) {
    const sub = decoding.readVarUint(d);
    return { kind: "sync", sub, payload: decoding.readVarUint8Array(d) };
  }
  if (type === MessageType.Awareness) {
    return { kind: "awareness", payload: decoding.readVarUint8Array(d) };
  }
  return { kind: "other", type };
}

/** Sync sub-message types of y-protocols. */
export const SYNC_STEP1 = 0;
export const SYNC_STEP2 = 1;
export const SYNC_UPDATE = 2;

export { syncFrame } from "../../helpers/frames";

export function awarenessFrame(update: Uint8Array): Uint8Array {
  const e = encoding.createEncoder();
  encoding.writeVarUint(e, MessageType.Awareness);
  encoding.writeVarUint8Array(e, update);
  return encoding.toUint8Array(e);
}

/** Applies every sync frame in `frames` (step 2 and updates) to `doc`. */
export function applySyncFrames(doc: Y.Doc, frames: Frame[], origin: unknown = "remote"): void {
  for (const f of frames) {
    if (typeof f === "string") continue;
    const decoded = decodeFrame(f);
    if (decoded.kind === "sync" && decoded.sub !== SYNC_STEP1) {
      Y.applyUpdate(doc, decoded.payload, origin);
    }
  }
}

/** Runs `edit` on `doc` and returns the update it produced. */
export function captureUpdate(doc: Y.Doc, edit: () => void): Uint8Array {
  const updates: Uint8Array[] = [];
  const onUpdate = (u: Uint8Array) => updates.push(u);
  doc.on("update", onUpdate);
  try {
    doc.transact(edit);
  } finally {
    doc.off("update", onUpdate);
  }
  return Y.mergeUpdates(updates);
}

/** A complete, valid shape of each type. */
export function validShape(type: ShapeType, id: string, over: Partial<Shape> = {}): Shape {
  const base: Shape = {
    id,
    type,
    x: 10,
    y: 20,
    width: 0,
    height: 0,
    rotation: 0,
    points: [],
    stroke: "#112233",
    fill: "transparent",
    strokeWidth: 2,
    text: "",
    fontSize: 0,
    z: "a0",
  };
  if (BOX_TYPES.has(type)) {
    base.width = 100;
    base.height = 50;
  }
  if (type === "line" || type === "arrow" || type === "pen") base.points = [0, 0, 30, 40];
  if (type === "text" || type === "sticky") {
    base.text = "hello";
    base.fontSize = 20;
  }
  if (type === "sticky") base.fill = "#ffec99";
  if (type === "image") base.asset = "ab".repeat(32);
  return { ...base, ...over };
}

/** Writes a raw Y.Map (any keys, any values) under `id`: how a hostile or buggy peer writes. */
export function writeRawShape(doc: Y.Doc, id: string, fields: Record<string, unknown>): void {
  const m = new Y.Map<unknown>();
  for (const [k, v] of Object.entries(fields)) m.set(k, v);
  doc.getMap("shapes").set(id, m);
}

/** A plain 100 × 50 rectangle as tools hand it to `ShapeStore.create`; `over` changes any key. */
export function newRect(x = 0, y = 0, over: Partial<NewShape> = {}): NewShape {
  return {
    type: "rect",
    x,
    y,
    width: 100,
    height: 50,
    rotation: 0,
    points: [],
    stroke: "#1e1e1e",
    fill: "transparent",
    strokeWidth: 2,
    text: "",
    fontSize: 0,
    ...over,
  };
}
