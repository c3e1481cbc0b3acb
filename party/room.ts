/**
 * RoomServer: one canvas's room, as the socket layer sees it. It never touches a real socket or
 * real storage: it talks to `RoomConnection` and `SnapshotStore`, so the same room runs inside
 * PartyKit (party/server.ts), in Node, and in unit tests. Layers, outermost first:
 *
 *  - this file: sessions (session.ts), the edge checks every frame passes (rate budget,
 *    rateLimit.ts; UTF-8 size cap; chunk reassembly, chunkAssembly.ts), message dispatch,
 *    idle connections (idleSweep.ts);
 *  - RoomDocument (roomDocument.ts): the board and its rules, with no notion of a connection;
 *  - Durability (durability.ts): save debounce, flush, `saved` acknowledgements;
 *  - PresenceRelay (presence.ts): awareness, coalesced per tick and bounded per receiver.
 *  - Checkpointer (history.ts): the board history, a checkpoint after each burst of edits.
 */
import * as decoding from "lib0/decoding";
import * as syncProtocol from "y-protocols/sync";
import {
  MAX_CONNECTIONS_PER_ROOM,
  MAX_EDITORS_PER_ROOM,
  MAX_MESSAGE_BYTES,
  MAX_RESYNCS_PER_CONNECTION,
} from "../src/shared/constants";
import { exhaustive } from "../src/shared/exhaustive";
import {
  CloseCode,
  type ErrorCode,
  MessageType,
  PROTOCOL_VERSION,
  parseClientControl,
  type ServerControlMessage,
} from "../src/shared/protocol";
import { frameByteLength } from "../src/shared/utf8";
import { ChunkAssembler } from "./chunkAssembly";
import { Durability } from "./durability";
import { Checkpointer, type CheckpointStore, type CheckpointTiming, docSource } from "./history";
import { IdleSweep } from "./idleSweep";
import { PresenceRelay, realScheduler, type Scheduler } from "./presence";
import { TokenBucket } from "./rateLimit";
import { isEmptyUpdate, RoomDocument } from "./roomDocument";
import { rateLimitedLog } from "./roomLog";
import {
  AWAITING_RESYNC,
  type EditorSession,
  type RoomConnection,
  type RoomSession,
  SYNCED,
} from "./session";
import type { SnapshotStore } from "./storage";
import { isWellFormedUpdate } from "./updateGuard";

export type { RoomConnection } from "./session";

export interface ConnectOptions {
  /** A view-only connection receives everything but may not change the document. */
  readOnly?: boolean;
  /** Sent to editors in `hello` so they can share a view-only link. */
  viewId?: string;
  /** Whether the client reads JSON control messages (default true; stock Yjs clients do not). */
  control?: boolean;
}

export interface RoomOptions {
  store: SnapshotStore;
  scheduler?: Scheduler;
  saveDebounceMs?: number;
  saveMaxWaitMs?: number;
  maxDocumentBytes?: number;
  log?: (message: string) => void;
  /** Board history (party/history.ts); without a store the room keeps none. */
  history?: CheckpointTiming & { store: CheckpointStore };
}

export class RoomServer {
  readonly presence: PresenceRelay;
  readonly stats = {
    saves: 0,
    saveFailures: 0,
    repairs: 0,
    removals: 0,
    discarded: 0,
    references: 0,
  };
  private readonly sessions = new Map<string, RoomSession>();
  private readonly scheduler: Scheduler;
  private readonly log: (message: string) => void;
  private readonly document: RoomDocument;
  private readonly durability: Durability;
  private readonly chunks = new ChunkAssembler();
  private readonly sweep: IdleSweep<RoomSession>;
  readonly checkpointer: Checkpointer | null = null;

  constructor(options: RoomOptions) {
    this.scheduler = options.scheduler ?? realScheduler;
    this.log = rateLimitedLog(options.log ?? (() => {}), this.scheduler);
    this.document = new RoomDocument(
      (frame, origin) => this.relay(frame, origin),
      this.stats,
      this.log,
      options.maxDocumentBytes,
    );
    this.durability = new Durability(
      {
        doc: this.document.doc,
        encodeSnapshot: () => this.document.encodeSnapshot(),
        sessions: () => this.sessions.values(),
        sendSaved: (session, sv, seq) => this.sendControl(session, { type: "saved", sv, seq }),
      },
      options.store,
      this.scheduler,
      this.stats,
      this.log,
      { debounceMs: options.saveDebounceMs, maxWaitMs: options.saveMaxWaitMs },
    );
    this.presence = new PresenceRelay(
      {
        connectionIds: () => this.sessions.keys(),
        send: (id, frame) => this.sessions.get(id)?.conn.send(frame),
        sendControl: (id, message) => {
          const session = this.sessions.get(id);
          if (session) this.sendControl(session, message);
        },
      },
      this.scheduler,
    );
    if (options.history) {
      this.checkpointer = new Checkpointer(
        docSource(this.document.doc, () => this.presence.names()),
        options.history.store,
        this.scheduler,
        this.log,
        options.history,
      );
    }
    this.sweep = new IdleSweep(
      this.scheduler,
      () => this.sessions.values(),
      (session) => this.drop(session, CloseCode.DEAD_CONNECTION, "idle"),
    );
  }

  get doc() {
    return this.document.doc;
  }

  /** Loads the stored snapshot. Call once before the first connection. */
  async load(): Promise<void> {
    this.document.restore(await this.durability.load());
    this.durability.markLoaded();
  }

  get connectionCount(): number {
    return this.sessions.size;
  }

  /** Whether a new connection would be refused: the room is full, or (editors) its editor slots are. */
  private isFull(readOnly = false): boolean {
    if (this.sessions.size >= MAX_CONNECTIONS_PER_ROOM) return true;
    if (readOnly) return false;
    let editors = 0;
    for (const session of this.sessions.values()) if (session.role === "editor") editors++;
    return editors >= MAX_EDITORS_PER_ROOM;
  }

  connect(conn: RoomConnection, options: ConnectOptions = {}): void {
    if (this.isFull(options.readOnly)) {
      conn.close(CloseCode.ROOM_FULL, "room full");
      return;
    }
    const now = this.scheduler.now();
    const base = {
      conn,
      control: options.control ?? true,
      bucket: new TokenBucket(now),
      lastSeen: now,
    };
    const session: RoomSession = options.readOnly
      ? { ...base, role: "viewer" }
      : { ...base, role: "editor", sync: SYNCED, applied: 0, acked: 0, resyncs: 0 };
    this.sessions.set(conn.id, session);
    this.sweep.start();
    const readOnly = session.role === "viewer";
    this.sendControl(session, {
      type: "hello",
      protocol: PROTOCOL_VERSION,
      readOnly,
      connectionId: conn.id,
      ...(options.viewId && !readOnly ? { viewId: options.viewId } : {}),
    });
    conn.send(this.document.step1Frame());
    const presence = this.presence.fullFrame(conn.id);
    if (presence) conn.send(presence);
    this.sendControl(session, { type: "saved", sv: this.durability.savedSv, seq: 0 });
  }

  disconnect(conn: RoomConnection): void {
    if (!this.sessions.has(conn.id)) return;
    this.chunks.forget(conn.id);
    this.sessions.delete(conn.id);
    this.presence.remove(conn.id);
    if (this.sessions.size === 0) {
      this.sweep.stop();
      this.checkpointer?.lastLeft();
    }
  }

  /** Handles one frame. Never throws: bad input closes only its sender. */
  message(conn: RoomConnection, data: string | ArrayBuffer | ArrayBufferView): void {
    const session = this.sessions.get(conn.id);
    if (!session) return;
    session.lastSeen = this.scheduler.now();
    if (!session.bucket.take(session.lastSeen)) {
      this.drop(session, CloseCode.RATE_LIMITED, "rate limited");
      return;
    }
    try {
      if (frameByteLength(data) > MAX_MESSAGE_BYTES) {
        this.drop(session, CloseCode.MESSAGE_TOO_BIG, "message too big");
        return;
      }
      if (typeof data === "string") {
        this.handleControl(session, data);
        return;
      }
      const bytes =
        data instanceof ArrayBuffer
          ? new Uint8Array(data)
          : new Uint8Array(data.buffer, data.byteOffset, data.byteLength);
      const assembled = this.chunks.accept(conn.id, bytes);
      switch (assembled.kind) {
        case "partial":
          return;
        case "refused":
          this.drop(session, assembled.code, assembled.reason);
          return;
        case "frame":
          this.handleBinary(session, assembled.bytes);
          return;
        default:
          exhaustive(assembled);
      }
    } catch (error) {
      this.log(`malformed message from ${conn.id}: ${String(error)}`);
      this.drop(session, CloseCode.MALFORMED, "malformed message");
    }
  }

  /** The HTTP snapshot: valid shapes in paint order. */
  snapshot(): { shapes: Record<string, unknown>[] } {
    return this.document.shapesJSON();
  }

  /** Writes any unsaved change now (used on shutdown paths and by tests). */
  flushSave(): Promise<void> {
    return this.durability.flush();
  }

  destroy(): void {
    this.sweep.stop();
    this.presence.destroy();
    this.durability.destroy();
    this.checkpointer?.destroy();
  }

  // ---- Messages ---------------------------------------------------------------------------------

  private handleControl(session: RoomSession, text: string): void {
    const message = parseClientControl(text);
    if (!message) {
      this.drop(session, CloseCode.MALFORMED, "malformed control message");
      return;
    }
    switch (message.type) {
      case "ping":
        this.sendControl(session, { type: "pong", t: message.t });
        return;
      default:
        exhaustive(message.type);
    }
  }

  private handleBinary(session: RoomSession, bytes: Uint8Array): void {
    const decoder = decoding.createDecoder(bytes);
    const type = decoding.readVarUint(decoder);
    switch (type) {
      case MessageType.Sync:
        this.handleSync(session, decoder);
        return;
      case MessageType.Awareness: {
        const result = this.presence.receive(session.conn.id, decoding.readVarUint8Array(decoder));
        if (result.ok) {
          this.checkpointer?.saw(this.presence.nameOf(session.conn.id));
          return;
        }
        if (result.reason === "too-large") {
          this.sendError(session, "PRESENCE_TOO_LARGE", result.message);
        } else {
          this.drop(session, CloseCode.MALFORMED, result.message);
        }
        return;
      }
      case MessageType.QueryAwareness: {
        const frame = this.presence.fullFrame(session.conn.id);
        if (frame) session.conn.send(frame);
        return;
      }
      case MessageType.Auth:
        // Stock providers never send it; we do not use Yjs auth messages.
        return;
      default:
        this.drop(session, CloseCode.MALFORMED, `unknown message type ${type}`);
    }
  }

  private handleSync(session: RoomSession, decoder: decoding.Decoder): void {
    const sub = decoding.readVarUint(decoder);
    switch (sub) {
      case syncProtocol.messageYjsSyncStep1:
        session.conn.send(this.document.step2Frame(decoder));
        return;
      case syncProtocol.messageYjsSyncStep2:
      case syncProtocol.messageYjsUpdate: {
        const update = decoding.readVarUint8Array(decoder);
        if (session.role === "viewer") {
          this.refuseWrite(session, update);
          return;
        }
        // A step 2 answers the room's step 1 with everything the room lacks: after it, nothing
        // this connection sent earlier is missing any more.
        if (sub === syncProtocol.messageYjsSyncStep2) session.sync = SYNCED;
        this.applyClientUpdate(session, update);
        return;
      }
      default:
        this.drop(session, CloseCode.MALFORMED, `unknown sync message ${sub}`);
    }
  }

  private refuseWrite(session: RoomSession, update: Uint8Array): void {
    if (!isWellFormedUpdate(update)) {
      this.drop(session, CloseCode.MALFORMED, "malformed update");
      return;
    }
    // An empty step 2 (nothing to add) is normal from a view-only client and not an error.
    if (!isEmptyUpdate(update)) {
      this.sendError(session, "READ_ONLY", "this link is view-only; your change was not saved");
    }
  }

  private applyClientUpdate(session: EditorSession, update: Uint8Array): void {
    const result = this.document.apply(update, session.conn);
    switch (result.status) {
      case "malformed":
        this.drop(session, CloseCode.MALFORMED, "malformed update");
        return;
      case "too-large":
        this.sendError(
          session,
          "DOCUMENT_TOO_LARGE",
          `the board is over its ${result.limit}-byte limit; your change was not saved`,
        );
        return;
      case "applied":
        session.applied++;
        if (result.discarded) this.requestResync(session);
        if (result.repaired.count > 0) {
          this.sendError(
            session,
            "INVALID_SHAPE",
            `${result.repaired.count} shape(s) broke the schema and were repaired or removed`,
            result.repaired.ids,
          );
        }
        // An update that changed nothing (a reconnecting client's step 2 with edits the room
        // already stored) starts no save, so acknowledge it now: all the room holds is durable.
        if (this.durability.clean) this.durability.acknowledge(session, session.applied);
        return;
      default:
        exhaustive(result);
    }
  }

  /** Asks the sender for a fresh step 2, which carries whatever the discarded part needed. */
  private requestResync(session: EditorSession): void {
    session.sync = AWAITING_RESYNC;
    if (session.resyncs >= MAX_RESYNCS_PER_CONNECTION) return;
    session.resyncs++;
    this.log(`update from ${session.conn.id} depends on content the room lacks; asked to resync`);
    session.conn.send(this.document.step1Frame());
  }

  /** Every document change goes to every connection but its author, and will be saved. */
  private relay(frame: Uint8Array, origin: unknown): void {
    for (const session of this.sessions.values()) {
      // The author already has its own update.
      if (session.conn === origin) continue;
      session.conn.send(frame);
    }
    this.durability.changed();
    this.checkpointer?.changed();
  }

  // ---- Helpers ----------------------------------------------------------------------------------

  private drop(session: RoomSession, code: number, reason: string): void {
    this.disconnect(session.conn);
    try {
      session.conn.close(code, reason);
    } catch {
      // Already closed.
    }
  }

  private sendControl(session: RoomSession, message: ServerControlMessage): void {
    if (!session.control) return;
    session.conn.send(JSON.stringify(message));
  }

  private sendError(session: RoomSession, code: ErrorCode, message: string, ids?: string[]): void {
    this.sendControl(
      session,
      ids ? { type: "error", code, message, ids } : { type: "error", code, message },
    );
  }
}
