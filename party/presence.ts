/**
 * PresenceRelay: the room's side of the Yjs awareness protocol.
 *
 * A plain relay forwards every awareness message to everyone: N clients at 20 Hz cost N²·20
 * messages a second and saturate a core near 65 users. Instead the relay keeps the latest state
 * of each client and, once per tick, sends each receiver one message holding every state that
 * changed since the last tick (minus the receiver's own). Each state is encoded once per tick;
 * a receiver's message is a concatenation of pre-encoded entries.
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
  PRESENCE_TICK_MS,
} from "../src/shared/constants";
import { MessageType } from "../src/shared/protocol";
import { utf8ByteLength } from "../src/shared/utf8";

export type PresenceResult =
  /** `ignored`: entries for client ids this connection does not own (changed nothing). */
  { ok: true; ignored: number } | { ok: false; reason: "malformed" | "too-large"; message: string };

interface ClientState {
  clock: number;
  /** The JSON text as received (already size-checked and parsed once). "null" when removed. */
  json: string;
  connectionId: string;
}

export interface PresenceTransport {
  /** Every connection that receives presence. */
  connectionIds(): Iterable<string>;
  send(connectionId: string, frame: Uint8Array): void;
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
  private timer: unknown = null;
  private lastFlush = Number.NEGATIVE_INFINITY;
  /** When false, every update is relayed to everyone at once (the baseline for benchmarks). */
  coalesce = true;
  /** Counters for benchmarks and tests. */
  readonly stats = { received: 0, framesSent: 0, bytesSent: 0, flushes: 0 };

  constructor(
    private readonly transport: PresenceTransport,
    private readonly scheduler: Scheduler = realScheduler,
    private readonly tickMs = PRESENCE_TICK_MS,
  ) {}

  /** The client id pinned to a connection, if it has announced one. */
  clientIdOf(connectionId: string): number | undefined {
    return this.pinned.get(connectionId);
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
      this.states.set(e.clientId, {
        clock: e.clock,
        json: state === null ? "null" : e.json,
        connectionId,
      });
      this.markChanged(e.clientId);
    }
    return { ok: true, ignored };
  }

  /** A connection closed: its presence is removed for everyone. */
  remove(connectionId: string): void {
    const clientId = this.pinned.get(connectionId);
    this.pinned.delete(connectionId);
    if (clientId === undefined) return;
    const current = this.states.get(clientId);
    if (!current || current.connectionId !== connectionId) return;
    this.states.set(clientId, { clock: current.clock + 1, json: "null", connectionId });
    this.markChanged(clientId);
  }

  /** A full awareness frame with every live state, for a newly joined connection. */
  fullFrame(excludeConnectionId?: string): Uint8Array | null {
    const ids: number[] = [];
    for (const [id, s] of this.states) {
      if (s.json !== "null" && s.connectionId !== excludeConnectionId) ids.push(id);
    }
    if (ids.length === 0) return null;
    return this.frameFor(ids.map((id) => this.encodeEntry(id)));
  }

  /** Number of live presence states. */
  get size(): number {
    let n = 0;
    for (const s of this.states.values()) if (s.json !== "null") n++;
    return n;
  }

  destroy(): void {
    if (this.timer !== null) this.scheduler.clearTimeout(this.timer);
    this.timer = null;
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

  /** Sends every pending change: one frame per receiver. */
  flush(): void {
    if (this.pending.size === 0) return;
    this.lastFlush = this.scheduler.now();
    this.stats.flushes++;
    const changed = [...this.pending];
    this.pending.clear();
    const entries = new Map<number, Uint8Array>();
    for (const id of changed) entries.set(id, this.encodeEntry(id));
    const all = this.frameFor([...entries.values()]);
    for (const connectionId of this.transport.connectionIds()) {
      const own = this.pinned.get(connectionId);
      let frame = all;
      if (own !== undefined && entries.has(own)) {
        if (entries.size === 1) continue;
        frame = this.frameFor([...entries].filter(([id]) => id !== own).map(([, e]) => e));
      }
      this.transport.send(connectionId, frame);
      this.stats.framesSent++;
      this.stats.bytesSent += frame.byteLength;
    }
    // Removed states are forgotten once everyone has been told.
    for (const id of changed) {
      const s = this.states.get(id);
      if (s && s.json === "null") this.states.delete(id);
    }
  }

  private encodeEntry(clientId: number): Uint8Array {
    const s = this.states.get(clientId)!;
    const encoder = encoding.createEncoder();
    encoding.writeVarUint(encoder, clientId);
    encoding.writeVarUint(encoder, s.clock);
    encoding.writeVarString(encoder, s.json);
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
