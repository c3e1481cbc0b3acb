/**
 * RoomServer: the authoritative logic of one canvas. It never touches a real socket or real
 * storage: it talks to `RoomConnection` and `SnapshotStore`, so the same room runs inside
 * PartyKit (party/server.ts), in Node, and in unit tests.
 */
import * as decoding from "lib0/decoding";
import * as encoding from "lib0/encoding";
import * as Y from "yjs";
import {
  type Chunk,
  MAX_ASSEMBLED_BYTES,
  MAX_CHUNKS,
  MAX_ROOM_ASSEMBLY_BYTES,
  readChunk,
} from "../src/shared/chunks";
import {
  MAX_CONNECTIONS_PER_ROOM,
  MAX_DOCUMENT_BYTES,
  MAX_MESSAGE_BYTES,
  RATE_BUCKET_SIZE,
  RATE_REFILL_PER_S,
  SAVE_DEBOUNCE_MS,
  SAVE_MAX_WAIT_MS,
  SERVER_IDLE_TIMEOUT_MS,
  SERVER_SWEEP_MS,
} from "../src/shared/constants";
import { checkEntry, getShapes, readShapes, shapeToJSON } from "../src/shared/doc";
import {
  CloseCode,
  type ErrorCode,
  MessageType,
  PROTOCOL_VERSION,
  parseClientControl,
  type ServerControlMessage,
  toBase64,
} from "../src/shared/protocol";
import { PresenceRelay, realScheduler, type Scheduler } from "./presence";
import type { SnapshotStore } from "./storage";
import { isWellFormedUpdate } from "./updateGuard";

/** The three things the room needs from a connection. */
export interface RoomConnection {
  readonly id: string;
  send(data: string | Uint8Array): void;
  close(code: number, reason: string): void;
}

export interface ConnectOptions {
  /** A view-only connection receives everything but may not change the document. */
  readOnly?: boolean;
  /** Sent to editors in `hello` so they can share a view-only link. */
  viewId?: string;
  /** Whether the client reads JSON control messages (default true; stock Yjs clients do not). */
  control?: boolean;
}

interface ConnectionInfo {
  conn: RoomConnection;
  readOnly: boolean;
  /** Token bucket for the message-rate budget. */
  tokens: number;
  lastRefill: number;
  /** Last time anything arrived from this connection. */
  lastSeen: number;
  /** Sync updates from this connection applied to the document (echoed as `saved.seq`). */
  applied: number;
  /** The last `seq` sent to this connection in `saved`. */
  acked: number;
  /** The client reads JSON control messages. */
  control: boolean;
  /**
   * The room discarded part of an update from this connection (it depended on content the room
   * does not have) and asked for a fresh sync step 2: nothing is acknowledged until it arrives.
   */
  awaitingResync: boolean;
  /** Resyncs asked of this connection, bounded by MAX_RESYNCS_PER_CONNECTION. */
  resyncs: number;
  /** A frame over the message cap arriving in pieces (src/shared/chunks.ts), or null. */
  assembly: { id: number; count: number; pieces: Uint8Array[]; bytes: number } | null;
}

/**
 * How many times the room asks one connection to resend what it lacks. A well-behaved client
 * needs one (an edit sent before its step 2, after the room lost content it had seen); a client
 * whose own data is incomplete would answer with the same gap forever.
 */
const MAX_RESYNCS_PER_CONNECTION = 3;

/** Sync sub-message types of y-protocols. */
const SyncStep1 = 0;
const SyncStep2 = 1;
const SyncUpdate = 2;

/** Origin of the room's own repair transactions. */
export const REPAIR_ORIGIN = "room-repair";
const STORAGE_ORIGIN = "room-storage";

export interface RoomOptions {
  store: SnapshotStore;
  scheduler?: Scheduler;
  saveDebounceMs?: number;
  saveMaxWaitMs?: number;
  maxDocumentBytes?: number;
  log?: (message: string) => void;
}

export class RoomServer {
  readonly doc = new Y.Doc({ gc: true });
  readonly presence: PresenceRelay;
  private readonly connections = new Map<string, ConnectionInfo>();
  private readonly store: SnapshotStore;
  private readonly scheduler: Scheduler;
  private readonly log: (message: string) => void;
  private readonly saveDebounceMs: number;
  private readonly saveMaxWaitMs: number;
  private readonly maxDocumentBytes: number;

  /** Shape ids touched by the transaction being applied (for repair). */
  private touched = new Set<string>();
  private saveTimer: unknown = null;
  private firstUnsavedAt: number | null = null;
  private saving: Promise<void> | null = null;
  private dirty = false;
  /** Bytes of chunked frames being reassembled, across connections. */
  private assemblingBytes = 0;
  /** State vector of the last durable snapshot (base64), sent as "saved". */
  private savedSv: string;
  /** Size of the last encoded snapshot plus update bytes applied since: a cheap size estimate. */
  private approxDocBytes = 0;
  readonly stats = { saves: 0, saveFailures: 0, repairs: 0, removals: 0, discarded: 0 };

  constructor(options: RoomOptions) {
    this.store = options.store;
    this.scheduler = options.scheduler ?? realScheduler;
    this.log = rateLimitedLog(options.log ?? (() => {}), this.scheduler);
    this.saveDebounceMs = options.saveDebounceMs ?? SAVE_DEBOUNCE_MS;
    this.saveMaxWaitMs = options.saveMaxWaitMs ?? SAVE_MAX_WAIT_MS;
    this.maxDocumentBytes = options.maxDocumentBytes ?? MAX_DOCUMENT_BYTES;
    this.savedSv = toBase64(Y.encodeStateVector(this.doc));
    this.presence = new PresenceRelay(
      {
        connectionIds: () => this.connections.keys(),
        send: (id, frame) => this.connections.get(id)?.conn.send(frame),
      },
      this.scheduler,
    );
    getShapes(this.doc).observeDeep((events) => {
      for (const event of events) {
        if (event.target === getShapes(this.doc)) {
          for (const key of (event as Y.YMapEvent<unknown>).keysChanged) this.touched.add(key);
        } else {
          const id = event.path[0];
          if (typeof id === "string") this.touched.add(id);
        }
      }
    });
    this.doc.on("update", (update: Uint8Array, origin: unknown) =>
      this.onDocUpdate(update, origin),
    );
  }

  /** Loads the stored snapshot. Call once before the first connection. */
  async load(): Promise<void> {
    const snapshot = await this.store.load();
    if (snapshot) {
      Y.applyUpdate(this.doc, snapshot, STORAGE_ORIGIN);
      this.approxDocBytes = snapshot.byteLength;
      // Snapshots written before the room discarded pending content may still carry some.
      if (this.discardPending()) this.log("discarded stored content with missing dependencies");
    }
    this.savedSv = toBase64(Y.encodeStateVector(this.doc));
    // Data stored before a schema rule existed is repaired on load like any other write.
    this.touched = new Set(getShapes(this.doc).keys());
    this.repairTouched(null);
  }

  get connectionCount(): number {
    return this.connections.size;
  }

  /** Whether a new connection would be refused because the room is full. */
  isFull(): boolean {
    return this.connections.size >= MAX_CONNECTIONS_PER_ROOM;
  }

  connect(conn: RoomConnection, options: ConnectOptions = {}): void {
    if (this.isFull()) {
      conn.close(CloseCode.ROOM_FULL, "room full");
      return;
    }
    const readOnly = options.readOnly ?? false;
    this.connections.set(conn.id, {
      conn,
      readOnly,
      tokens: RATE_BUCKET_SIZE,
      lastRefill: this.scheduler.now(),
      lastSeen: this.scheduler.now(),
      applied: 0,
      acked: 0,
      control: options.control ?? true,
      awaitingResync: false,
      resyncs: 0,
      assembly: null,
    });
    this.startSweep();
    this.sendControl(conn, {
      type: "hello",
      protocol: PROTOCOL_VERSION,
      readOnly,
      connectionId: conn.id,
      ...(options.viewId && !readOnly ? { viewId: options.viewId } : {}),
    });
    this.sendStep1(conn);
    const presence = this.presence.fullFrame(conn.id);
    if (presence) conn.send(presence);
    this.sendControl(conn, { type: "saved", sv: this.savedSv, seq: 0 });
  }

  /** Sync step 1: our state vector; the client answers with a step 2 holding what we lack. */
  private sendStep1(conn: RoomConnection): void {
    const encoder = encoding.createEncoder();
    encoding.writeVarUint(encoder, MessageType.Sync);
    encoding.writeVarUint(encoder, SyncStep1);
    encoding.writeVarUint8Array(encoder, Y.encodeStateVector(this.doc));
    conn.send(encoding.toUint8Array(encoder));
  }

  disconnect(conn: RoomConnection): void {
    const info = this.connections.get(conn.id);
    if (!info) return;
    this.dropAssembly(info);
    this.connections.delete(conn.id);
    this.presence.remove(conn.id);
    if (this.connections.size === 0) this.stopSweep();
  }

  /** Handles one frame. Never throws: bad input closes only its sender. */
  message(conn: RoomConnection, data: string | ArrayBuffer | ArrayBufferView): void {
    const info = this.connections.get(conn.id);
    if (!info) return;
    info.lastSeen = this.scheduler.now();
    if (!this.takeToken(info)) {
      this.drop(info, CloseCode.RATE_LIMITED, "rate limited");
      return;
    }
    try {
      if (typeof data === "string") {
        if (data.length > MAX_MESSAGE_BYTES) {
          this.drop(info, CloseCode.MESSAGE_TOO_BIG, "message too big");
          return;
        }
        this.handleControl(info, data);
        return;
      }
      const bytes =
        data instanceof ArrayBuffer
          ? new Uint8Array(data)
          : new Uint8Array(data.buffer, data.byteOffset, data.byteLength);
      if (bytes.byteLength > MAX_MESSAGE_BYTES) {
        this.drop(info, CloseCode.MESSAGE_TOO_BIG, "message too big");
        return;
      }
      this.handleBinary(info, bytes);
    } catch (error) {
      this.log(`malformed message from ${conn.id}: ${String(error)}`);
      this.drop(info, CloseCode.MALFORMED, "malformed message");
    }
  }

  /** The HTTP snapshot: valid shapes in paint order. */
  snapshot(): { shapes: Record<string, unknown>[] } {
    return { shapes: readShapes(this.doc).map(shapeToJSON) };
  }

  /** Writes any unsaved change now (used on shutdown paths and by tests). */
  async flushSave(): Promise<void> {
    if (this.saveTimer !== null) {
      this.scheduler.clearTimeout(this.saveTimer);
      this.saveTimer = null;
    }
    while (this.dirty || this.saving) {
      if (this.saving) await this.saving;
      else await this.save();
    }
  }

  destroy(): void {
    this.stopSweep();
    this.presence.destroy();
    if (this.saveTimer !== null) this.scheduler.clearTimeout(this.saveTimer);
    this.saveTimer = null;
  }

  // ---- Messages ---------------------------------------------------------------------------------

  private handleControl(info: ConnectionInfo, text: string): void {
    const message = parseClientControl(text);
    if (!message) {
      this.drop(info, CloseCode.MALFORMED, "malformed control message");
      return;
    }
    switch (message.type) {
      case "ping":
        this.sendControl(info.conn, { type: "pong", t: message.t });
        return;
      default: {
        const never: never = message.type;
        throw new Error(`unhandled control message ${String(never)}`);
      }
    }
  }

  private handleBinary(info: ConnectionInfo, bytes: Uint8Array, assembled = false): void {
    const decoder = decoding.createDecoder(bytes);
    const type = decoding.readVarUint(decoder);
    switch (type) {
      case MessageType.Chunk:
        if (assembled) {
          this.drop(info, CloseCode.MALFORMED, "a chunk inside a chunked frame");
          return;
        }
        this.handleChunk(info, readChunk(decoder));
        return;
      case MessageType.Sync:
        this.handleSync(info, decoder);
        return;
      case MessageType.Awareness: {
        const update = decoding.readVarUint8Array(decoder);
        const result = this.presence.receive(info.conn.id, update);
        if (!result.ok) {
          if (result.reason === "too-large") {
            this.sendError(info.conn, "PRESENCE_TOO_LARGE", result.message);
          } else {
            this.drop(info, CloseCode.MALFORMED, result.message);
          }
        }
        return;
      }
      case MessageType.QueryAwareness: {
        const frame = this.presence.fullFrame(info.conn.id);
        if (frame) info.conn.send(frame);
        return;
      }
      case MessageType.Auth:
        // Stock providers never send it; we do not use Yjs auth messages.
        return;
      default:
        this.drop(info, CloseCode.MALFORMED, `unknown message type ${type}`);
    }
  }

  /**
   * One piece of a frame over the message cap. Pieces come in order on one socket; the frame is
   * handled once complete. Bounded per connection (MAX_ASSEMBLED_BYTES, MAX_CHUNKS) and per room
   * (MAX_ROOM_ASSEMBLY_BYTES), and freed when the connection closes.
   */
  private handleChunk(info: ConnectionInfo, chunk: Chunk): void {
    const { id, index, count, piece } = chunk;
    if (count < 2 || count > MAX_CHUNKS || index >= count || piece.byteLength === 0) {
      this.drop(info, CloseCode.MALFORMED, "malformed chunk");
      return;
    }
    let assembly = info.assembly;
    if (index === 0) {
      if (assembly) {
        this.drop(info, CloseCode.MALFORMED, "a chunked frame started before the last one ended");
        return;
      }
      assembly = { id, count, pieces: [], bytes: 0 };
      info.assembly = assembly;
    } else if (
      !assembly ||
      assembly.id !== id ||
      assembly.count !== count ||
      assembly.pieces.length !== index
    ) {
      this.drop(info, CloseCode.MALFORMED, "chunk out of order");
      return;
    }
    if (assembly.bytes + piece.byteLength > MAX_ASSEMBLED_BYTES) {
      this.drop(info, CloseCode.MESSAGE_TOO_BIG, "chunked message too big");
      return;
    }
    if (this.assemblingBytes + piece.byteLength > MAX_ROOM_ASSEMBLY_BYTES) {
      // Others are sending large frames right now: come back a little later.
      this.drop(info, CloseCode.RATE_LIMITED, "too many large messages in this room at once");
      return;
    }
    assembly.pieces.push(piece.slice());
    assembly.bytes += piece.byteLength;
    this.assemblingBytes += piece.byteLength;
    if (assembly.pieces.length < count) return;
    const frame = new Uint8Array(assembly.bytes);
    let at = 0;
    for (const p of assembly.pieces) {
      frame.set(p, at);
      at += p.byteLength;
    }
    this.dropAssembly(info);
    this.handleBinary(info, frame, true);
  }

  private dropAssembly(info: ConnectionInfo): void {
    if (!info.assembly) return;
    this.assemblingBytes -= info.assembly.bytes;
    info.assembly = null;
  }

  private handleSync(info: ConnectionInfo, decoder: decoding.Decoder): void {
    const sub = decoding.readVarUint(decoder);
    switch (sub) {
      case SyncStep1: {
        const sv = decoding.readVarUint8Array(decoder);
        const encoder = encoding.createEncoder();
        encoding.writeVarUint(encoder, MessageType.Sync);
        encoding.writeVarUint(encoder, SyncStep2);
        encoding.writeVarUint8Array(encoder, Y.encodeStateAsUpdate(this.doc, sv));
        info.conn.send(encoding.toUint8Array(encoder));
        return;
      }
      case SyncStep2:
      case SyncUpdate: {
        const update = decoding.readVarUint8Array(decoder);
        // A step 2 answers the room's step 1 with everything the room lacks: after it, nothing
        // this connection sent earlier is missing any more.
        if (sub === SyncStep2) info.awaitingResync = false;
        this.applyClientUpdate(info, update);
        return;
      }
      default:
        this.drop(info, CloseCode.MALFORMED, `unknown sync message ${sub}`);
    }
  }

  private applyClientUpdate(info: ConnectionInfo, update: Uint8Array): void {
    // Structure first: Yjs trusts the counts inside an update (see updateGuard.ts).
    if (!isWellFormedUpdate(update)) {
      this.drop(info, CloseCode.MALFORMED, "malformed update");
      return;
    }
    if (info.readOnly) {
      // An empty step 2 (nothing to add) is normal from a view-only client and not an error.
      if (!isEmptyUpdate(update)) {
        this.sendError(info.conn, "READ_ONLY", "this link is view-only; your change was not saved");
      }
      return;
    }
    // An empty step 2 adds nothing: refusing it would make every tab that joins a full room
    // reload (C9) and rejoin forever.
    if (!isEmptyUpdate(update) && this.approxDocBytes + update.byteLength > this.maxDocumentBytes) {
      this.sendError(
        info.conn,
        "DOCUMENT_TOO_LARGE",
        `the board is over its ${this.maxDocumentBytes}-byte limit; your change was not saved`,
      );
      return;
    }
    this.touched.clear();
    try {
      Y.applyUpdate(this.doc, update, info.conn);
    } catch (error) {
      // Yjs can throw halfway through a well-formed update after integrating (and broadcasting)
      // the structs before the failing one: repair what landed before the sender is closed.
      this.approxDocBytes += update.byteLength;
      this.discardPending();
      this.repairTouched(null);
      throw error;
    }
    info.applied++;
    this.approxDocBytes += update.byteLength;
    if (this.discardPending()) this.requestResync(info);
    this.repairTouched(info);
    // An update that changed nothing (a reconnecting client's step 2 with edits the room already
    // stored) starts no save, so acknowledge it now: everything the room holds is durable.
    if (!this.dirty && !this.saving) this.acknowledge(info, info.applied);
  }

  /**
   * Drops what Yjs keeps aside from the last update because it depends on content the room does
   * not have (structs after a gap, deletions of unknown items). Yjs would send it to every peer
   * that syncs and store it in snapshots, and a peer receiving it in one piece can integrate
   * parts the room never retries: peers would then hold content the room does not, and their
   * edits would never be acknowledged (docs/conflicts.md, C11). Returns whether anything went.
   */
  private discardPending(): boolean {
    const store = this.doc.store;
    if (store.pendingStructs === null && store.pendingDs === null) return false;
    store.pendingStructs = null;
    store.pendingDs = null;
    this.stats.discarded++;
    return true;
  }

  /** Asks the sender for a fresh step 2, which carries whatever the discarded part needed. */
  private requestResync(info: ConnectionInfo): void {
    info.awaitingResync = true;
    if (info.resyncs >= MAX_RESYNCS_PER_CONNECTION) return;
    info.resyncs++;
    this.log(`update from ${info.conn.id} depends on content the room lacks; asked to resync`);
    this.sendStep1(info.conn);
  }

  /** Tells one connection that the stored state and its first `seq` updates are durable. */
  private acknowledge(info: ConnectionInfo, seq: number): void {
    if (info.awaitingResync) return;
    if (seq <= info.acked) return;
    info.acked = seq;
    this.sendControl(info.conn, { type: "saved", sv: this.savedSv, seq });
  }

  /**
   * Checks every shape the last transaction touched and repairs or removes the invalid ones, in
   * one room transaction that reaches every client (the author's optimistic edit rolls back).
   */
  private repairTouched(author: ConnectionInfo | null): void {
    if (this.touched.size === 0) return;
    const ids = [...this.touched];
    this.touched.clear();
    const shapes = getShapes(this.doc);
    const fixes: { id: string; patch?: Record<string, unknown> }[] = [];
    for (const id of ids) {
      if (!shapes.has(id)) continue;
      const result = checkEntry(id, shapes.get(id));
      if (result.status === "repair") fixes.push({ id, patch: result.patch });
      else if (result.status === "remove") fixes.push({ id });
    }
    if (fixes.length === 0) return;
    this.doc.transact(() => {
      for (const fix of fixes) {
        const entry = shapes.get(fix.id);
        if (fix.patch && entry instanceof Y.Map) {
          for (const [k, v] of Object.entries(fix.patch)) {
            if (v === undefined) entry.delete(k);
            else entry.set(k, v);
          }
          this.stats.repairs++;
        } else {
          shapes.delete(fix.id);
          this.stats.removals++;
        }
      }
    }, REPAIR_ORIGIN);
    this.touched.clear();
    if (author) {
      this.sendError(
        author.conn,
        "INVALID_SHAPE",
        `${fixes.length} shape(s) broke the schema and were repaired or removed`,
        fixes.map((f) => f.id).slice(0, 50),
      );
    }
  }

  private onDocUpdate(update: Uint8Array, origin: unknown): void {
    if (origin === STORAGE_ORIGIN) return;
    const encoder = encoding.createEncoder();
    encoding.writeVarUint(encoder, MessageType.Sync);
    encoding.writeVarUint(encoder, SyncUpdate);
    encoding.writeVarUint8Array(encoder, update);
    const frame = encoding.toUint8Array(encoder);
    for (const info of this.connections.values()) {
      // The author already has its own update.
      if (info.conn === origin) continue;
      info.conn.send(frame);
    }
    this.scheduleSave();
  }

  // ---- Persistence ------------------------------------------------------------------------------

  private scheduleSave(): void {
    this.dirty = true;
    const now = this.scheduler.now();
    if (this.firstUnsavedAt === null) this.firstUnsavedAt = now;
    if (this.saveTimer !== null) this.scheduler.clearTimeout(this.saveTimer);
    // Debounced, but never later than SAVE_MAX_WAIT_MS after the first unsaved change.
    const wait = Math.max(
      0,
      Math.min(this.saveDebounceMs, this.firstUnsavedAt + this.saveMaxWaitMs - now),
    );
    this.saveTimer = this.scheduler.setTimeout(() => {
      this.saveTimer = null;
      void this.save();
    }, wait);
  }

  private async save(): Promise<void> {
    if (this.saving) {
      // A save is in flight: this change goes in the next one.
      await this.saving;
      if (this.dirty && this.saveTimer === null) this.scheduleSave();
      return;
    }
    if (!this.dirty) return;
    this.dirty = false;
    this.firstUnsavedAt = null;
    const snapshot = Y.encodeStateAsUpdate(this.doc);
    const sv = toBase64(Y.encodeStateVector(this.doc));
    const applied = new Map<RoomConnection, number>();
    for (const info of this.connections.values()) applied.set(info.conn, info.applied);
    this.approxDocBytes = snapshot.byteLength;
    this.saving = (async () => {
      try {
        await this.store.save(snapshot);
        this.stats.saves++;
        this.savedSv = sv;
        for (const info of this.connections.values()) {
          // Updates applied during the save that changed nothing left the room clean: they are
          // durable too. Otherwise only those in this snapshot are.
          const seq = this.dirty ? (applied.get(info.conn) ?? 0) : info.applied;
          // Until it resyncs, the connection's sequence numbers may cover discarded content.
          if (info.awaitingResync) continue;
          info.acked = seq;
          this.sendControl(info.conn, { type: "saved", sv, seq });
        }
      } catch (error) {
        this.stats.saveFailures++;
        this.log(`save failed: ${String(error)}`);
        this.dirty = true;
      }
    })();
    await this.saving;
    this.saving = null;
    if (this.dirty) this.scheduleSave();
  }

  // ---- Idle connections -------------------------------------------------------------------------

  private sweepTimer: unknown = null;

  private startSweep(): void {
    if (this.sweepTimer !== null) return;
    const tick = () => {
      const now = this.scheduler.now();
      for (const info of [...this.connections.values()]) {
        // A half-open TCP path never delivers a close: free its slot and its presence.
        if (now - info.lastSeen > SERVER_IDLE_TIMEOUT_MS) {
          this.drop(info, CloseCode.DEAD_CONNECTION, "idle");
        }
      }
      this.sweepTimer =
        this.connections.size > 0 ? this.scheduler.setTimeout(tick, SERVER_SWEEP_MS) : null;
    };
    this.sweepTimer = this.scheduler.setTimeout(tick, SERVER_SWEEP_MS);
  }

  private stopSweep(): void {
    if (this.sweepTimer !== null) this.scheduler.clearTimeout(this.sweepTimer);
    this.sweepTimer = null;
  }

  // ---- Helpers ----------------------------------------------------------------------------------

  private takeToken(info: ConnectionInfo): boolean {
    const now = this.scheduler.now();
    const refill = ((now - info.lastRefill) / 1000) * RATE_REFILL_PER_S;
    info.tokens = Math.min(RATE_BUCKET_SIZE, info.tokens + refill);
    info.lastRefill = now;
    if (info.tokens < 1) return false;
    info.tokens -= 1;
    return true;
  }

  private drop(info: ConnectionInfo, code: number, reason: string): void {
    this.disconnect(info.conn);
    try {
      info.conn.close(code, reason);
    } catch {
      // Already closed.
    }
  }

  private sendControl(conn: RoomConnection, message: ServerControlMessage): void {
    if (this.connections.get(conn.id)?.control === false) return;
    conn.send(JSON.stringify(message));
  }

  private sendError(conn: RoomConnection, code: ErrorCode, message: string, ids?: string[]): void {
    this.sendControl(
      conn,
      ids ? { type: "error", code, message, ids } : { type: "error", code, message },
    );
  }
}

/**
 * At most LOG_BURST lines per LOG_WINDOW_MS: a client sending garbage at full speed must not turn
 * the room's log into the bottleneck. The next line after a quiet period says how many were
 * dropped.
 */
const LOG_BURST = 10;
const LOG_WINDOW_MS = 10_000;
function rateLimitedLog(
  log: (message: string) => void,
  scheduler: Scheduler,
): (message: string) => void {
  let windowStart = Number.NEGATIVE_INFINITY;
  let inWindow = 0;
  let dropped = 0;
  return (message) => {
    const now = scheduler.now();
    if (now - windowStart >= LOG_WINDOW_MS) {
      if (dropped > 0) log(`(${dropped} log lines dropped)`);
      windowStart = now;
      inWindow = 0;
      dropped = 0;
    }
    if (inWindow >= LOG_BURST) {
      dropped++;
      return;
    }
    inWindow++;
    log(message);
  };
}

/** An update that adds and deletes nothing (what a client with nothing new sends as step 2). */
function isEmptyUpdate(update: Uint8Array): boolean {
  // Two zero varints: no structs, empty delete set.
  return update.byteLength === 2 && update[0] === 0 && update[1] === 0;
}
