/**
 * The client side of a room: a Y.Doc kept in sync with the room over one socket (standard Yjs
 * sync + awareness), a local IndexedDB copy, presence hygiene, and the saved state.
 */
import * as decoding from "lib0/decoding";
import * as encoding from "lib0/encoding";
import { IndexeddbPersistence } from "y-indexeddb";
import * as awarenessProtocol from "y-protocols/awareness";
import * as syncProtocol from "y-protocols/sync";
import * as Y from "yjs";
import { splitFrame } from "../shared/chunks";
import { PRESENCE_RENEW_MS, PRESENCE_TIMEOUT_MS } from "../shared/constants";
import { fromBase64, MessageType, type ServerControlMessage } from "../shared/protocol";
import { ConnectionManager } from "./connection";
import type { ConnectionStatus, RoomClient, RoomNotice, RoomParty } from "./types";

export interface RoomClientOptions {
  /** host[:port] of the PartyKit server; defaults to the page's host. */
  host?: string;
  /** Keep a local copy in IndexedDB (browser only). Default: true when IndexedDB exists. */
  persistLocally?: boolean;
  /** Ask before leaving the page with unsaved edits. Default: true in a browser. */
  guardUnload?: boolean;
  WebSocket?: typeof WebSocket;
  doc?: Y.Doc;
  /** Which party to join: the room itself, or a view-only link (default main). */
  party?: RoomParty;
  /** ms between WebSocket probes while on the HTTP fallback (tests shorten it). */
  probeIntervalMs?: number;
}

/** Origin of every change that came from the room. Anything else is a local edit. */
const REMOTE = Symbol("room");

export function createRoomClient(roomId: string, options: RoomClientOptions = {}): RoomClient {
  return new SyncedRoomClient(roomId, options);
}

class SyncedRoomClient implements RoomClient {
  readonly doc: Y.Doc;
  readonly awareness: awarenessProtocol.Awareness;
  readonly remoteOrigin = REMOTE;
  private readonly connection: ConnectionManager;
  private readonly local: IndexeddbPersistence | null = null;
  private status: ConnectionStatus = {
    state: "connecting",
    saved: true,
    attempt: 0,
    readOnly: false,
    fatal: null,
    transport: "websocket",
    viewId: null,
  };
  private readonly statusListeners = new Set<(s: ConnectionStatus) => void>();
  private readonly noticeListeners = new Set<(n: RoomNotice) => void>();
  /** Highest clock per Yjs client id among edits not yet acknowledged as durable. */
  private readonly unsaved = new Map<number, number>();
  /** Sync updates (step 2 and updates) sent on the current connection. */
  private sentUpdates = 0;
  /**
   * A delete-only local edit is not visible in a state vector: it is saved once the room's
   * `saved.seq` reaches the message that carried it. null = none pending; Infinity = not sent yet.
   */
  private pendingDeleteSeq: number | null = null;
  private readonly timers: ReturnType<typeof setInterval>[] = [];
  /** Id of the next frame sent in chunks (src/shared/chunks.ts). */
  private nextAssemblyId = 1;
  private readonly cleanups: (() => void)[] = [];

  readonly party: RoomParty;

  constructor(
    readonly roomId: string,
    options: RoomClientOptions,
  ) {
    this.party = options.party ?? "main";
    // A view link is read-only from the first frame, not from the room's hello: until then the
    // board can already show (IndexedDB, or no server at all), and nothing may be drawn on it.
    this.status.readOnly = this.party === "view";
    this.doc = options.doc ?? new Y.Doc();
    this.awareness = new awarenessProtocol.Awareness(this.doc);
    const browser = typeof window !== "undefined" && typeof document !== "undefined";
    const persist = options.persistLocally ?? (browser && typeof indexedDB !== "undefined");
    if (persist) {
      const name = this.party === "main" ? `sketchroom:${roomId}` : `sketchroom-view:${roomId}`;
      this.local = new IndexeddbPersistence(name, this.doc);
    }

    this.doc.on("update", this.onDocUpdate);
    this.awareness.on("update", this.onAwarenessUpdate);

    this.connection = new ConnectionManager(
      {
        host: options.host ?? window.location.host,
        room: roomId,
        party: this.party,
        WebSocket: options.WebSocket,
        probeIntervalMs: options.probeIntervalMs,
        document: browser ? document : undefined,
        window: browser ? window : undefined,
      },
      {
        onOpen: () => this.onOpen(),
        onMessage: (data) => this.onMessage(data),
        onStateChange: (state, attempt, fatal) => this.setStatus({ state, attempt, fatal }),
        onTransportChange: (transport) => this.setStatus({ transport }),
      },
    );

    // Presence: renew ours so peers know we are alive, and forget peers that went silent
    // (a dropped laptop never says goodbye; "gone within 5 s").
    this.timers.push(
      setInterval(() => {
        if (this.connection.isOpen() && this.awareness.getLocalState() !== null) {
          this.awareness.setLocalState(this.awareness.getLocalState());
        }
        const now = Date.now();
        const stale: number[] = [];
        for (const [clientId, meta] of this.awareness.meta) {
          if (clientId === this.doc.clientID) continue;
          if (this.awareness.states.has(clientId) && now - meta.lastUpdated > PRESENCE_TIMEOUT_MS) {
            stale.push(clientId);
          }
        }
        if (stale.length > 0)
          awarenessProtocol.removeAwarenessStates(this.awareness, stale, REMOTE);
      }, PRESENCE_RENEW_MS),
    );

    if (browser) {
      const onPageHide = () => {
        // Leave at once: tell the room our presence is gone rather than letting it time out.
        awarenessProtocol.removeAwarenessStates(this.awareness, [this.doc.clientID], "pagehide");
      };
      const onBeforeUnload = (event: BeforeUnloadEvent) => {
        if (options.guardUnload !== false && !this.status.saved) {
          event.preventDefault();
          // Older browsers need returnValue set to show the prompt.
          event.returnValue = "";
        }
      };
      window.addEventListener("pagehide", onPageHide);
      window.addEventListener("beforeunload", onBeforeUnload);
      this.cleanups.push(() => {
        window.removeEventListener("pagehide", onPageHide);
        window.removeEventListener("beforeunload", onBeforeUnload);
      });
    }
  }

  getStatus(): ConnectionStatus {
    return { ...this.status };
  }

  onStatus(listener: (status: ConnectionStatus) => void): () => void {
    this.statusListeners.add(listener);
    return () => this.statusListeners.delete(listener);
  }

  onNotice(listener: (notice: RoomNotice) => void): () => void {
    this.noticeListeners.add(listener);
    return () => this.noticeListeners.delete(listener);
  }

  async discardLocalCopy(): Promise<void> {
    await this.local?.clearData();
  }

  destroy(): void {
    for (const t of this.timers) clearInterval(t);
    for (const c of this.cleanups) c();
    awarenessProtocol.removeAwarenessStates(this.awareness, [this.doc.clientID], "destroy");
    this.doc.off("update", this.onDocUpdate);
    this.awareness.off("update", this.onAwarenessUpdate);
    this.connection.destroy();
    this.awareness.destroy();
    void this.local?.destroy();
  }

  // ---- Sync ---------------------------------------------------------------------------------

  private onOpen(): void {
    this.sentUpdates = 0;
    if (this.pendingDeleteSeq !== null) this.pendingDeleteSeq = Number.POSITIVE_INFINITY;
    const encoder = encoding.createEncoder();
    encoding.writeVarUint(encoder, MessageType.Sync);
    syncProtocol.writeSyncStep1(encoder, this.doc);
    this.connection.send(encoding.toUint8Array(encoder));
    if (this.awareness.getLocalState() !== null) {
      this.connection.send(
        awarenessFrame(
          awarenessProtocol.encodeAwarenessUpdate(this.awareness, [this.doc.clientID]),
        ),
      );
    }
  }

  private onMessage(data: string | ArrayBuffer): void {
    if (typeof data === "string") {
      this.onControl(data);
      return;
    }
    try {
      const decoder = decoding.createDecoder(new Uint8Array(data));
      const type = decoding.readVarUint(decoder);
      if (type === MessageType.Sync) {
        const encoder = encoding.createEncoder();
        encoding.writeVarUint(encoder, MessageType.Sync);
        syncProtocol.readSyncMessage(decoder, encoder, this.doc, REMOTE);
        // Only a step 1 produces a reply (our step 2, which carries our whole delete set).
        if (encoding.length(encoder) > 1 && this.sendSync(encoding.toUint8Array(encoder))) {
          this.sentUpdates++;
          if (this.pendingDeleteSeq === Number.POSITIVE_INFINITY) {
            this.pendingDeleteSeq = this.sentUpdates;
          }
        }
      } else if (type === MessageType.Awareness) {
        awarenessProtocol.applyAwarenessUpdate(
          this.awareness,
          decoding.readVarUint8Array(decoder),
          REMOTE,
        );
      }
    } catch (error) {
      console.warn("Sketchroom: ignored a frame from the room that could not be read", error);
    }
  }

  private onControl(text: string): void {
    let message: ServerControlMessage;
    try {
      message = JSON.parse(text) as ServerControlMessage;
    } catch {
      return;
    }
    switch (message.type) {
      case "hello":
        // A new connection: the room says how many it hides only when that is not 0.
        this.awareness.emit("presence-count", [0]);
        this.setStatus({
          // The room decides for edit links; a view link stays read-only whatever it says.
          readOnly: message.readOnly || this.party === "view",
          viewId: message.viewId ?? this.status.viewId,
        });
        return;
      case "saved": {
        const sv = Y.decodeStateVector(fromBase64(message.sv));
        for (const [client, clock] of this.unsaved) {
          if ((sv.get(client) ?? 0) >= clock) this.unsaved.delete(client);
        }
        if (
          this.pendingDeleteSeq !== null &&
          typeof message.seq === "number" &&
          message.seq >= this.pendingDeleteSeq
        ) {
          this.pendingDeleteSeq = null;
        }
        this.setStatus({ saved: this.unsaved.size === 0 && this.pendingDeleteSeq === null });
        return;
      }
      case "error":
        for (const l of this.noticeListeners) l({ code: message.code, message: message.message });
        return;
      case "pong":
        return;
      case "presence-count":
        // Read by usePresenceCount (src/presence/): awareness is where presence listeners are.
        this.awareness.emit("presence-count", [message.total - message.shown]);
        return;
      default: {
        const unknown: never = message;
        void unknown;
      }
    }
  }

  private onDocUpdate = (update: Uint8Array, origin: unknown) => {
    if (origin === REMOTE) return;
    // A local edit (or one restored from IndexedDB): unsaved until the room says so.
    const { to } = Y.parseUpdateMeta(update);
    for (const [client, clock] of to) {
      if ((this.unsaved.get(client) ?? 0) < clock) this.unsaved.set(client, clock);
    }
    // No new structs: only deletions, which a state vector cannot show.
    const deleteOnly = to.size === 0;
    if (deleteOnly) this.pendingDeleteSeq = Number.POSITIVE_INFINITY;
    if ((this.unsaved.size > 0 || deleteOnly) && this.status.saved)
      this.setStatus({ saved: false });
    const encoder = encoding.createEncoder();
    encoding.writeVarUint(encoder, MessageType.Sync);
    syncProtocol.writeUpdate(encoder, update);
    // Not sent while disconnected: the handshake on reconnect carries it.
    if (this.sendSync(encoding.toUint8Array(encoder))) {
      this.sentUpdates++;
      if (deleteOnly) this.pendingDeleteSeq = this.sentUpdates;
    }
  };

  /**
   * Sends a sync frame, in pieces when it is over the room's message cap (a step 2 after a long
   * offline spell, an imported board). Returns whether every piece went out; if the socket drops
   * halfway, the room discards the pieces and the handshake on reconnect carries the content.
   */
  private sendSync(frame: Uint8Array): boolean {
    const pieces = splitFrame(frame, this.nextAssemblyId);
    if (pieces.length > 1) this.nextAssemblyId++;
    for (const piece of pieces) {
      if (!this.connection.send(piece)) return false;
    }
    return true;
  }

  private onAwarenessUpdate = (
    { added, updated, removed }: { added: number[]; updated: number[]; removed: number[] },
    origin: unknown,
  ) => {
    if (origin === REMOTE) return;
    const changed = [...added, ...updated, ...removed].filter((id) => id === this.doc.clientID);
    if (changed.length === 0) return;
    // Presence is never queued: send now or drop.
    this.connection.send(
      awarenessFrame(awarenessProtocol.encodeAwarenessUpdate(this.awareness, changed)),
    );
  };

  private setStatus(patch: Partial<ConnectionStatus>): void {
    const next = { ...this.status, ...patch };
    if (
      next.state === this.status.state &&
      next.saved === this.status.saved &&
      next.attempt === this.status.attempt &&
      next.readOnly === this.status.readOnly &&
      next.fatal === this.status.fatal &&
      next.viewId === this.status.viewId &&
      next.transport === this.status.transport
    ) {
      return;
    }
    this.status = next;
    for (const l of this.statusListeners) l(this.getStatus());
  }
}

function awarenessFrame(update: Uint8Array): Uint8Array {
  const encoder = encoding.createEncoder();
  encoding.writeVarUint(encoder, MessageType.Awareness);
  encoding.writeVarUint8Array(encoder, update);
  return encoding.toUint8Array(encoder);
}
