/**
 * PresenceRelay: the room's side of the Yjs awareness protocol.
 *
 * A plain relay forwards every awareness message to everyone: N clients at 20 Hz cost N²·20
 * messages a second and saturate a core near 65 users. Instead the relay keeps the latest state
 * of each client and, once per tick, sends each receiver one message holding the changes it has
 * not seen (minus its own state). Each state is encoded once per tick; a receiver's message is a
 * concatenation of pre-encoded entries.
 *
 * Interest management (docs/scale.md): a receiver holds at most `maxPeers` other states — those
 * whose cursor is in its view, then those nearest its view's centre, then cursor-less states in
 * the order they joined. A state that drops out of a receiver's set is removed for it (a null
 * entry); receivers that read control messages learn how many they are not shown
 * (`presence-count`). Receivers with no presence of their own (silent viewers) all see the same
 * default view, so they share one set and one frame: each costs one send per tick, nothing more.
 *
 * The clock a receiver sees for a state is the room's, not the sender's: y-protocols ignores a
 * state whose clock is not newer than the last one it saw for that client, removals included, so
 * showing a state again after hiding it needs a newer clock. The room's clock follows the
 * sender's and moves one further when needed.
 *
 * It also pins one awareness client id to each connection: a connection may only ever write the
 * state of the first client id it announced, so nobody can overwrite someone else's presence.
 * Entries for other ids are ignored, not punished (stock y-websocket echoes others' states).
 */
import * as decoding from "lib0/decoding";
import * as encoding from "lib0/encoding";
import {
  MAX_ENTRIES_PER_MESSAGE,
  MAX_PRESENCE_BYTES,
  PRESENCE_COUNT_INTERVAL_MS,
  PRESENCE_MAX_PEERS,
  PRESENCE_TICK_MS,
  PRESENCE_VIEW_HEIGHT,
  PRESENCE_VIEW_WIDTH,
} from "../src/shared/constants";
import { MessageType, type ServerControlMessage } from "../src/shared/protocol";
import { utf8ByteLength } from "../src/shared/utf8";

export type PresenceResult =
  /** `ignored`: entries for client ids this connection does not own (changed nothing). */
  { ok: true; ignored: number } | { ok: false; reason: "malformed" | "too-large"; message: string };

interface ClientState {
  /** The sender's clock: orders what arrives from the sender. */
  clock: number;
  /** The clock receivers see (see above): never below `clock`, bumped to re-show a hidden state. */
  outClock: number;
  /** The JSON text as received (already size-checked and parsed once). "null" when removed. */
  json: string;
  connectionId: string;
  /** Cursor in canvas units, or null: where this state ranks for other people's views. */
  cursor: Point | null;
  /** The sender's own view (centre and zoom), or null: decides which states it receives. */
  viewport: Viewport | null;
  /** Join order: cursor-less states fill remaining places oldest first, the same for everyone. */
  seq: number;
  /** `user.name`, if it is a string: the board history records who was present. */
  name: string | undefined;
  /** `outClock` when some receiver was last told this state is gone (-1: never). */
  hiddenAt: number;
}

interface Point {
  x: number;
  y: number;
}
interface Viewport extends Point {
  zoom: number;
}

/** How many others a receiver is not shown (docs/protocol.md). */
export type PresenceCount = Extract<ServerControlMessage, { type: "presence-count" }>;

export interface PresenceTransport {
  /** Every connection that receives presence. */
  connectionIds(): Iterable<string>;
  send(connectionId: string, frame: Uint8Array): void;
  /** A control message; the room drops it for clients that do not read control messages. */
  sendControl?(connectionId: string, message: PresenceCount): void;
}

/** One receiver's view of the room's presence. */
interface Receiver {
  /**
   * The client ids this receiver holds, or null while it holds exactly the silent group's set
   * (`silentShown`): then it shares that group's frame and costs nothing of its own.
   */
  shown: Set<number> | null;
  /** `total - shown` last sent in a presence-count (0 until one is sent). */
  hiddenSent: number;
}

export interface Scheduler {
  now(): number;
  setTimeout(fn: () => void, ms: number): unknown;
  clearTimeout(handle: unknown): void;
}

export const realScheduler: Scheduler = {
  now: () => Date.now(),
  setTimeout: (fn, ms) => setTimeout(fn, ms),
  clearTimeout: (h) => clearTimeout(h as ReturnType<typeof setTimeout>),
};

export class PresenceRelay {
  private readonly states = new Map<number, ClientState>();
  private readonly pinned = new Map<string, number>();
  private readonly pending = new Set<number>();
  private readonly receivers = new Map<string, Receiver>();
  /** The set every member of the silent group (receivers without presence of their own) holds. */
  private silentShown = new Set<number>();
  private nextSeq = 0;
  private timer: unknown = null;
  private lastFlush = Number.NEGATIVE_INFINITY;
  private countTimer: unknown = null;
  private lastCount = Number.NEGATIVE_INFINITY;
  /** When false, every update is relayed to everyone at once (the baseline for benchmarks). */
  coalesce = true;
  /**
   * Most other states one receiver holds. Infinity restores the plain coalesced relay (everyone
   * gets every change), the baseline for benchmarks.
   */
  maxPeers = PRESENCE_MAX_PEERS;
  /** Counters for benchmarks and tests. */
  readonly stats = {
    received: 0,
    framesSent: 0,
    bytesSent: 0,
    flushes: 0,
    /** Receivers whose set was worked out on their own (not shared with the silent group). */
    receiverDiffs: 0,
    countsSent: 0,
  };

  constructor(
    private readonly transport: PresenceTransport,
    private readonly scheduler: Scheduler = realScheduler,
    private readonly tickMs = PRESENCE_TICK_MS,
  ) {}

  /** The client id pinned to a connection, if it has announced one. */
  clientIdOf(connectionId: string): number | undefined {
    return this.pinned.get(connectionId);
  }

  /** `user.name` of a connection's live presence, if any (the board history records it). */
  nameOf(connectionId: string): string | undefined {
    return this.ownLive(connectionId)?.name;
  }

  /** `user.name` of every live presence. */
  names(): string[] {
    const out: string[] = [];
    for (const state of this.states.values()) {
      if (state.json !== "null" && state.name) out.push(state.name);
    }
    return out;
  }

  /** Applies an awareness update (the payload after the message type) from one connection. */
  receive(connectionId: string, update: Uint8Array): PresenceResult {
    this.stats.received++;
    let entries: { clientId: number; clock: number; json: string }[];
    try {
      const decoder = decoding.createDecoder(update);
      const count = decoding.readVarUint(decoder);
      if (count > MAX_ENTRIES_PER_MESSAGE) {
        return { ok: false, reason: "malformed", message: "too many awareness entries" };
      }
      entries = [];
      for (let i = 0; i < count; i++) {
        const clientId = decoding.readVarUint(decoder);
        const clock = decoding.readVarUint(decoder);
        const json = decoding.readVarString(decoder);
        entries.push({ clientId, clock, json });
      }
    } catch {
      return { ok: false, reason: "malformed", message: "undecodable awareness update" };
    }
    let ignored = 0;
    for (const e of entries) {
      const pinnedId = this.pinned.get(connectionId);
      if (pinnedId === undefined) {
        const owner = this.states.get(e.clientId);
        if (owner && owner.json !== "null" && owner.connectionId !== connectionId) {
          ignored++;
          continue;
        }
        this.pinned.set(connectionId, e.clientId);
      } else if (pinnedId !== e.clientId) {
        // Not an attack by itself: stock y-websocket clients echo every awareness change they
        // receive, others' included. Someone else's presence is never written from here.
        ignored++;
        continue;
      }
      if (utf8ByteLength(e.json) > MAX_PRESENCE_BYTES) {
        return {
          ok: false,
          reason: "too-large",
          message: `presence state over ${MAX_PRESENCE_BYTES} bytes`,
        };
      }
      let state: unknown;
      try {
        state = JSON.parse(e.json);
      } catch {
        return { ok: false, reason: "malformed", message: "presence state is not JSON" };
      }
      if (state !== null && (typeof state !== "object" || Array.isArray(state))) {
        return { ok: false, reason: "malformed", message: "presence state must be an object" };
      }
      const current = this.states.get(e.clientId);
      // Same ordering rule as y-protocols: a newer clock wins; a removal at the same clock wins.
      if (current && !(current.clock < e.clock || (current.clock === e.clock && state === null))) {
        continue;
      }
      const fields = state as { cursor?: unknown; viewport?: unknown; user?: unknown } | null;
      const name = (fields?.user as { name?: unknown } | null | undefined)?.name;
      const live = current && current.json !== "null" ? current : undefined;
      this.states.set(e.clientId, {
        clock: e.clock,
        outClock: current ? Math.max(current.outClock + 1, e.clock) : e.clock,
        json: state === null ? "null" : e.json,
        connectionId,
        cursor: readPoint(fields?.cursor),
        viewport: readViewport(fields?.viewport),
        seq: live ? live.seq : this.nextSeq++,
        name: typeof name === "string" ? name : undefined,
        hiddenAt: current ? current.hiddenAt : -1,
      });
      this.markChanged(e.clientId);
    }
    return { ok: true, ignored };
  }

  /** A connection closed: its presence is removed for everyone. */
  remove(connectionId: string): void {
    this.receivers.delete(connectionId);
    const clientId = this.pinned.get(connectionId);
    this.pinned.delete(connectionId);
    if (clientId === undefined) return;
    const current = this.states.get(clientId);
    if (!current || current.connectionId !== connectionId) return;
    this.states.set(clientId, {
      ...current,
      clock: current.clock + 1,
      outClock: current.outClock + 1,
      json: "null",
      cursor: null,
      viewport: null,
    });
    this.markChanged(clientId);
  }

  /**
   * Every state a connection is to hold, as one frame: for a newly joined connection (which it
   * registers as a receiver) and for a query. Null when there is none.
   */
  fullFrame(connectionId: string): Uint8Array | null {
    let receiver = this.receivers.get(connectionId);
    if (!receiver) {
      const target = this.targetFor(
        this.candidates(),
        this.pinned.get(connectionId),
        this.ownLive(connectionId),
      );
      receiver = { shown: target, hiddenSent: 0 };
      // It holds its own set until the next flush moves it into the silent group. The plain
      // relay keeps no sets.
      if (this.maxPeers !== Number.POSITIVE_INFINITY) {
        this.receivers.set(connectionId, receiver);
        // A newcomer to a quiet crowded room hears how many it is not shown without waiting for
        // the next change.
        this.scheduleCounts();
      }
    }
    const ids = [...(receiver.shown ?? this.silentShown)].filter((id) => this.isLive(id));
    if (ids.length === 0) return null;
    return this.frameFor(ids.map((id) => this.encodeEntry(id, false)));
  }

  /** Number of live presence states. */
  get size(): number {
    let n = 0;
    for (const s of this.states.values()) if (s.json !== "null") n++;
    return n;
  }

  destroy(): void {
    if (this.timer !== null) this.scheduler.clearTimeout(this.timer);
    if (this.countTimer !== null) this.scheduler.clearTimeout(this.countTimer);
    this.timer = null;
    this.countTimer = null;
  }

  private markChanged(clientId: number): void {
    this.pending.add(clientId);
    if (!this.coalesce) {
      this.flush();
      return;
    }
    if (this.timer !== null) return;
    // Idle room: send on the next turn. Busy room: wait until a tick has passed since the last send.
    const wait = Math.max(0, this.lastFlush + this.tickMs - this.scheduler.now());
    this.timer = this.scheduler.setTimeout(() => {
      this.timer = null;
      this.flush();
    }, wait);
  }

  /** Sends every pending change: at most one frame per receiver. */
  flush(): void {
    if (this.pending.size === 0) return;
    this.lastFlush = this.scheduler.now();
    this.stats.flushes++;
    const changed = new Set(this.pending);
    this.pending.clear();
    if (this.maxPeers === Number.POSITIVE_INFINITY) this.flushToEveryone(changed);
    else this.flushByInterest(changed);
    // Removed states are forgotten once everyone has been told.
    for (const id of changed) {
      const s = this.states.get(id);
      if (s && s.json === "null") this.states.delete(id);
    }
    if (this.maxPeers !== Number.POSITIVE_INFINITY) this.scheduleCounts();
  }

  /** The plain coalesced relay: every receiver gets every change but its own. */
  private flushToEveryone(changed: Set<number>): void {
    const entries = new Map<number, Uint8Array>();
    for (const id of changed) entries.set(id, this.encodeEntry(id, false));
    const all = this.frameFor([...entries.values()]);
    for (const connectionId of this.transport.connectionIds()) {
      const own = this.pinned.get(connectionId);
      let frame = all;
      if (own !== undefined && entries.has(own)) {
        if (entries.size === 1) continue;
        frame = this.frameFor([...entries].filter(([id]) => id !== own).map(([, e]) => e));
      }
      this.sendFrame(connectionId, frame);
    }
  }

  /** Each receiver gets the changes to the states it is to hold, and removals of those it no longer is. */
  private flushByInterest(changed: Set<number>): void {
    const frames = new Map<string, Uint8Array>();
    const tick = this.tickEntries(() => frames.clear());
    const frameOf = ({ list, key }: { list: Uint8Array[]; key: string }): Uint8Array => {
      let frame = frames.get(key);
      if (!frame) {
        frame = this.frameFor(list);
        frames.set(key, frame);
      }
      return frame;
    };
    const candidates = this.candidates();

    const silentTarget = this.targetFor(candidates, undefined, undefined);
    const silentDiff = this.diff(this.silentShown, silentTarget, changed, tick);
    const silentFrame = silentDiff.list.length > 0 ? frameOf(silentDiff) : null;

    for (const connectionId of this.transport.connectionIds()) {
      let receiver = this.receivers.get(connectionId);
      if (!receiver) {
        // Never given a full frame (a connection the room did not announce): it holds nothing.
        receiver = { shown: new Set(), hiddenSent: 0 };
        this.receivers.set(connectionId, receiver);
      }
      const own = this.ownLive(connectionId);
      if (own === undefined && receiver.shown === null) {
        if (silentFrame) this.sendFrame(connectionId, silentFrame);
        continue;
      }
      this.stats.receiverDiffs++;
      const shown = receiver.shown ?? this.silentShown;
      const target =
        own === undefined
          ? silentTarget
          : this.targetFor(candidates, this.pinned.get(connectionId), own);
      const diff = this.diff(shown, target, changed, tick);
      if (diff.list.length > 0) this.sendFrame(connectionId, frameOf(diff));
      // Without presence of its own, it now holds what the silent group holds: it joins it.
      receiver.shown = own === undefined ? null : target;
    }
    this.silentShown = silentTarget;
  }

  /** Entries taking a receiver from `shown` to `target`, and a key naming that list. */
  private diff(
    shown: Set<number>,
    target: Set<number>,
    changed: Set<number>,
    tick: TickEntries,
  ): { list: Uint8Array[]; key: string } {
    const list: Uint8Array[] = [];
    let key = "";
    for (const id of shown) {
      if (target.has(id)) continue;
      list.push(tick.hide(id));
      key += `-${id},`;
    }
    for (const id of target) {
      if (!shown.has(id)) {
        list.push(tick.show(id));
        key += `+${id},`;
      } else if (changed.has(id)) {
        list.push(tick.change(id));
        key += `${id},`;
      }
    }
    return { list, key };
  }

  /**
   * The entries of one flush, each encoded once and shared by every receiver that needs it. A
   * state shown again to someone it was hidden from first gets a newer clock (once per flush);
   * `onBump` then drops frames built with the old one.
   */
  private tickEntries(onBump: () => void): TickEntries {
    const states = new Map<number, Uint8Array>();
    const nulls = new Map<number, Uint8Array>();
    const bumped = new Set<number>();
    const change = (id: number): Uint8Array => {
      let entry = states.get(id);
      if (!entry) {
        entry = this.encodeEntry(id, false);
        states.set(id, entry);
      }
      return entry;
    };
    return {
      change,
      show: (id) => {
        const s = this.states.get(id)!;
        if (!bumped.has(id)) {
          bumped.add(id);
          if (s.hiddenAt >= s.outClock) {
            s.outClock++;
            states.delete(id);
            nulls.delete(id);
            onBump();
          }
        }
        return change(id);
      },
      hide: (id) => {
        let entry = nulls.get(id);
        if (!entry) {
          const s = this.states.get(id)!;
          s.hiddenAt = s.outClock;
          entry = this.encodeEntry(id, true);
          nulls.set(id, entry);
        }
        return entry;
      },
    };
  }

  /** Every live state, split by whether it has a cursor, for ranking. */
  private candidates(): Candidates {
    const pointed: { id: number; x: number; y: number }[] = [];
    const still: { id: number; seq: number }[] = [];
    for (const [id, s] of this.states) {
      if (s.json === "null") continue;
      if (s.cursor === null) still.push({ id, seq: s.seq });
      else pointed.push({ id, x: s.cursor.x, y: s.cursor.y });
    }
    still.sort((a, b) => a.seq - b.seq);
    return { pointed, still };
  }

  /**
   * The states a receiver is to hold: cursors in its view, then the nearest to its view's centre,
   * then cursor-less states oldest first; at most `maxPeers`, never its own.
   */
  private targetFor(
    candidates: Candidates,
    ownId: number | undefined,
    own: ClientState | undefined,
  ): Set<number> {
    const max = this.maxPeers;
    const target = new Set<number>();
    const pointed = candidates.pointed.filter((p) => p.id !== ownId);
    if (pointed.length <= max) {
      for (const p of pointed) target.add(p.id);
    } else {
      const view = own?.viewport ?? DEFAULT_VIEW;
      const halfW = PRESENCE_VIEW_WIDTH / 2 / view.zoom;
      const halfH = PRESENCE_VIEW_HEIGHT / 2 / view.zoom;
      const ranked = pointed.map((p) => {
        const dx = p.x - view.x;
        const dy = p.y - view.y;
        const inView = Math.abs(dx) <= halfW && Math.abs(dy) <= halfH;
        return { id: p.id, out: inView ? 0 : 1, d2: dx * dx + dy * dy };
      });
      ranked.sort((a, b) => a.out - b.out || a.d2 - b.d2 || a.id - b.id);
      for (let i = 0; i < max; i++) target.add(ranked[i]!.id);
      return target;
    }
    for (const p of candidates.still) {
      if (target.size >= max) break;
      if (p.id !== ownId) target.add(p.id);
    }
    return target;
  }

  /** The live state a connection owns, if any. */
  private ownLive(connectionId: string): ClientState | undefined {
    const id = this.pinned.get(connectionId);
    if (id === undefined) return undefined;
    const s = this.states.get(id);
    return s && s.json !== "null" && s.connectionId === connectionId ? s : undefined;
  }

  private isLive(clientId: number): boolean {
    const s = this.states.get(clientId);
    return s !== undefined && s.json !== "null";
  }

  // ---- presence-count -----------------------------------------------------------------------

  /** Counts go out at most once per PRESENCE_COUNT_INTERVAL_MS, after the flush that changed them. */
  private scheduleCounts(): void {
    if (this.countTimer !== null || !this.transport.sendControl) return;
    const wait = Math.max(0, this.lastCount + PRESENCE_COUNT_INTERVAL_MS - this.scheduler.now());
    this.countTimer = this.scheduler.setTimeout(() => {
      this.countTimer = null;
      this.sendCounts();
    }, wait);
  }

  /** Tells each receiver whose number of states it is not shown changed since it was last told. */
  private sendCounts(): void {
    // Sets are only right after a flush; the pending one schedules this again.
    if (this.pending.size > 0) return;
    this.lastCount = this.scheduler.now();
    const live = this.size;
    for (const [connectionId, receiver] of this.receivers) {
      const total = live - (this.ownLive(connectionId) ? 1 : 0);
      let shown = 0;
      for (const id of receiver.shown ?? this.silentShown) if (this.isLive(id)) shown++;
      if (total - shown === receiver.hiddenSent) continue;
      receiver.hiddenSent = total - shown;
      this.transport.sendControl?.(connectionId, { type: "presence-count", total, shown });
      this.stats.countsSent++;
    }
  }

  // ---- encoding -------------------------------------------------------------------------------

  private sendFrame(connectionId: string, frame: Uint8Array): void {
    this.transport.send(connectionId, frame);
    this.stats.framesSent++;
    this.stats.bytesSent += frame.byteLength;
  }

  /** One awareness entry: client id, the room's clock for it, and its state or a removal. */
  private encodeEntry(clientId: number, removed: boolean): Uint8Array {
    const s = this.states.get(clientId)!;
    const encoder = encoding.createEncoder();
    encoding.writeVarUint(encoder, clientId);
    encoding.writeVarUint(encoder, s.outClock);
    encoding.writeVarString(encoder, removed ? "null" : s.json);
    return encoding.toUint8Array(encoder);
  }

  private frameFor(entries: Uint8Array[]): Uint8Array {
    const body = encoding.createEncoder();
    encoding.writeVarUint(body, entries.length);
    for (const e of entries) encoding.writeUint8Array(body, e);
    const update = encoding.toUint8Array(body);
    const encoder = encoding.createEncoder();
    encoding.writeVarUint(encoder, MessageType.Awareness);
    encoding.writeVarUint8Array(encoder, update);
    return encoding.toUint8Array(encoder);
  }
}

/** A new room starts at zoom 1 with canvas (0, 0) at the top-left of the screen. */
const DEFAULT_VIEW: Viewport = { x: PRESENCE_VIEW_WIDTH / 2, y: PRESENCE_VIEW_HEIGHT / 2, zoom: 1 };

interface TickEntries {
  /** The state of a receiver already holds (it changed). */
  change(id: number): Uint8Array;
  /** The state for a receiver that does not hold it. */
  show(id: number): Uint8Array;
  /** A removal: the receiver is no longer to hold it. */
  hide(id: number): Uint8Array;
}

interface Candidates {
  /** Live states with a cursor. */
  pointed: { id: number; x: number; y: number }[];
  /** Live states without one, oldest first. */
  still: { id: number; seq: number }[];
}

function readPoint(value: unknown): Point | null {
  if (typeof value !== "object" || value === null) return null;
  const { x, y } = value as { x?: unknown; y?: unknown };
  return Number.isFinite(x) && Number.isFinite(y) ? { x: x as number, y: y as number } : null;
}

function readViewport(value: unknown): Viewport | null {
  const point = readPoint(value);
  const zoom = (value as { zoom?: unknown } | null)?.zoom;
  if (point === null || typeof zoom !== "number" || !(zoom > 0) || !Number.isFinite(zoom)) {
    return null;
  }
  return { ...point, zoom };
}
