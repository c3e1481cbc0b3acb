/**
 * A minimal Yjs peer for tests, speaking the room protocol over `ws` exactly as a browser tab
 * would: y-protocols sync and awareness in binary frames, JSON control messages in text frames.
 * Nothing is mocked: it talks to a real `partykit dev`.
 */
import * as decoding from "lib0/decoding";
import * as encoding from "lib0/encoding";
import WebSocket from "ws";
import * as awarenessProtocol from "y-protocols/awareness";
import * as syncProtocol from "y-protocols/sync";
import * as Y from "yjs";
import { readShapes } from "../../src/shared/doc";
import { fromBase64, MessageType } from "../../src/shared/protocol";
import type { Shape } from "../../src/shared/schema";
import { type WaitOptions, waitFor, withTimeout } from "./wait";

/** ms to wait for the room's answer to our close frame before dropping the connection. */
const CLOSE_HANDSHAKE_MS = 500;

/** A JSON control message as received (not validated: tests assert on it). */
export type ControlMessage = { type: string; [key: string]: unknown };

export interface PeerOptions {
  /** Start from this document (e.g. one with offline edits); a fresh one otherwise. */
  doc?: Y.Doc;
  /** Local awareness state set before connecting. */
  awareness?: Record<string, unknown> | null;
  /** ms to wait for the socket to open (default 10 000). */
  openTimeout?: number;
  /** Ask for JSON control messages (`?control=1`, default true), as Sketchroom's client does. */
  control?: boolean;
  /** A connection id of our choosing (`_pk`, as partysocket and y-partykit send one). */
  connectionId?: string;
}

export interface Peer {
  readonly roomId: string;
  readonly doc: Y.Doc;
  readonly awareness: awarenessProtocol.Awareness;
  readonly ws: WebSocket;
  /** Origin of updates applied from the room. Anything else is a local edit and is sent. */
  readonly remoteOrigin: symbol;
  /** Resolves after the first sync step 2 from the room (the peer holds the room's state). */
  readonly synced: Promise<void>;
  /** Every JSON control message received, in order. */
  readonly controls: ControlMessage[];
  /** Frames the peer could not understand (should stay empty). */
  readonly protocolErrors: string[];
  /** Close code and reason once the socket has closed. */
  closeEvent: { code: number; reason: string } | null;
  /** The state vector of the last `saved` message, or null. */
  lastSavedSv(): Map<number, number> | null;
  /** True when the last `saved` message covers everything in this peer's document. */
  isSaved(): boolean;
  /** Valid shapes in paint order. */
  shapes(): Shape[];
  waitFor<T>(predicate: () => T | Promise<T>, opts?: WaitOptions): Promise<NonNullable<T>>;
  /** Waits until the room has reported this peer's whole document as durable. */
  waitForSaved(opts?: WaitOptions): Promise<void>;
  /** Sends a JSON control message. */
  sendControl(message: Record<string, unknown>): void;
  close(): Promise<void>;
}

/** True when state vector `saved` has every clock of `local`. */
export function svCovers(saved: Map<number, number>, local: Map<number, number>): boolean {
  for (const [client, clock] of local) {
    if ((saved.get(client) ?? 0) < clock) return false;
  }
  return true;
}

export async function connectPeer(
  wsUrl: string,
  roomId: string,
  opts: PeerOptions = {},
): Promise<Peer> {
  const doc = opts.doc ?? new Y.Doc();
  const awareness = new awarenessProtocol.Awareness(doc);
  awareness.setLocalState(opts.awareness === undefined ? null : opts.awareness);
  const remoteOrigin = Symbol("remote");
  const controls: ControlMessage[] = [];
  const protocolErrors: string[] = [];
  const query = new URLSearchParams();
  if (opts.control !== false) query.set("control", "1");
  if (opts.connectionId !== undefined) query.set("_pk", opts.connectionId);
  const search = query.size > 0 ? `?${query}` : "";
  const ws = new WebSocket(`${wsUrl}/${roomId}${search}`);
  ws.binaryType = "arraybuffer";

  let resolveSynced!: () => void;
  const synced = new Promise<void>((res) => {
    resolveSynced = res;
  });

  const send = (bytes: Uint8Array) => {
    if (ws.readyState === WebSocket.OPEN) ws.send(bytes);
  };

  const onDocUpdate = (update: Uint8Array, origin: unknown) => {
    if (origin === remoteOrigin) return;
    const encoder = encoding.createEncoder();
    encoding.writeVarUint(encoder, MessageType.Sync);
    syncProtocol.writeUpdate(encoder, update);
    send(encoding.toUint8Array(encoder));
  };
  const onAwarenessUpdate = (
    changes: { added: number[]; updated: number[]; removed: number[] },
    origin: unknown,
  ) => {
    if (origin === remoteOrigin) return;
    const changed = [...changes.added, ...changes.updated, ...changes.removed];
    const encoder = encoding.createEncoder();
    encoding.writeVarUint(encoder, MessageType.Awareness);
    encoding.writeVarUint8Array(
      encoder,
      awarenessProtocol.encodeAwarenessUpdate(awareness, changed),
    );
    send(encoding.toUint8Array(encoder));
  };
  doc.on("update", onDocUpdate);
  awareness.on("update", onAwarenessUpdate);

  const handleBinary = (bytes: Uint8Array) => {
    const decoder = decoding.createDecoder(bytes);
    const kind = decoding.readVarUint(decoder);
    switch (kind) {
      case MessageType.Sync: {
        const encoder = encoding.createEncoder();
        encoding.writeVarUint(encoder, MessageType.Sync);
        const sub = syncProtocol.readSyncMessage(decoder, encoder, doc, remoteOrigin);
        // Step 1 from the room: readSyncMessage wrote our step 2 into the encoder.
        if (encoding.length(encoder) > 1) send(encoding.toUint8Array(encoder));
        if (sub === syncProtocol.messageYjsSyncStep2) resolveSynced();
        break;
      }
      case MessageType.Awareness:
        awarenessProtocol.applyAwarenessUpdate(
          awareness,
          decoding.readVarUint8Array(decoder),
          remoteOrigin,
        );
        break;
      case MessageType.QueryAwareness: {
        const encoder = encoding.createEncoder();
        encoding.writeVarUint(encoder, MessageType.Awareness);
        encoding.writeVarUint8Array(
          encoder,
          awarenessProtocol.encodeAwarenessUpdate(awareness, [...awareness.getStates().keys()]),
        );
        send(encoding.toUint8Array(encoder));
        break;
      }
      default:
        protocolErrors.push(`unknown binary message kind ${kind}`);
    }
  };

  ws.on("message", (data: ArrayBuffer | Buffer, isBinary: boolean) => {
    try {
      if (isBinary) {
        handleBinary(new Uint8Array(data as ArrayBuffer));
      } else {
        const text = Buffer.from(data as ArrayBuffer).toString("utf8");
        const parsed = JSON.parse(text) as ControlMessage;
        if (typeof parsed !== "object" || parsed === null || typeof parsed.type !== "string") {
          protocolErrors.push(`control message without a type: ${text.slice(0, 200)}`);
        } else {
          controls.push(parsed);
        }
      }
    } catch (err) {
      protocolErrors.push(`could not handle a frame: ${(err as Error).message}`);
    }
  });

  const closed = new Promise<void>((res) => {
    ws.once("close", (code, reason) => {
      peer.closeEvent = { code, reason: reason.toString("utf8") };
      doc.off("update", onDocUpdate);
      awareness.off("update", onAwarenessUpdate);
      res();
    });
  });

  const lastSavedSv = (): Map<number, number> | null => {
    for (let i = controls.length - 1; i >= 0; i--) {
      const m = controls[i]!;
      if (m.type === "saved" && typeof m.sv === "string") {
        return Y.decodeStateVector(fromBase64(m.sv));
      }
    }
    return null;
  };

  const peer: Peer = {
    roomId,
    doc,
    awareness,
    ws,
    remoteOrigin,
    synced,
    controls,
    protocolErrors,
    closeEvent: null,
    lastSavedSv,
    isSaved: () => {
      const saved = lastSavedSv();
      return saved !== null && svCovers(saved, Y.decodeStateVector(Y.encodeStateVector(doc)));
    },
    shapes: () => readShapes(doc),
    waitFor: (predicate, waitOpts) => waitFor(predicate, waitOpts),
    waitForSaved: async (waitOpts) => {
      // A save is a debounce plus a storage write: seconds on a busy machine.
      await waitFor(() => peer.isSaved(), {
        timeout: 15_000,
        message: `room ${roomId} to report the peer's edits as saved`,
        ...waitOpts,
      });
    },
    sendControl: (message) => {
      if (ws.readyState === WebSocket.OPEN) ws.send(JSON.stringify(message));
    },
    close: async () => {
      awareness.destroy();
      if (ws.readyState === WebSocket.CLOSED) return;
      if (ws.readyState === WebSocket.CONNECTING) {
        ws.terminate();
      } else {
        ws.close(1000, "test done");
      }
      // `partykit dev` does not answer the close handshake (the socket stays CLOSING until
      // ws's 30 s timeout), so give it a moment and then drop the TCP connection.
      await withTimeout(closed, CLOSE_HANDSHAKE_MS, "socket close").catch(() => ws.terminate());
      await closed;
    },
  };

  await withTimeout(
    new Promise<void>((res, reject) => {
      ws.once("open", () => res());
      ws.once("error", (err) => reject(err));
      ws.once("close", (code) => reject(new Error(`socket closed before open (code ${code})`)));
    }),
    opts.openTimeout ?? 10_000,
    `open ${wsUrl}/${roomId}`,
  ).catch((err) => {
    ws.terminate();
    throw err;
  });

  // Our half of the handshake: step 1 (our state vector), then our awareness.
  const encoder = encoding.createEncoder();
  encoding.writeVarUint(encoder, MessageType.Sync);
  syncProtocol.writeSyncStep1(encoder, doc);
  send(encoding.toUint8Array(encoder));
  if (awareness.getLocalState() !== null) {
    onAwarenessUpdate({ added: [doc.clientID], updated: [], removed: [] }, null);
  }
  return peer;
}

/** A room id no other test uses. */
export function uniqueRoomId(prefix = "t"): string {
  return `${prefix}-${crypto.randomUUID()}`;
}
