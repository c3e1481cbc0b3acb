/**
 * The wire protocol (docs/protocol.md). One WebSocket per tab carries:
 *  - binary frames: the standard Yjs protocol (y-protocols sync and awareness), first varint =
 *    message type, so stock Yjs providers join unchanged;
 *  - text frames: JSON control messages below, a discriminated union on `type`.
 */
import * as v from "valibot";

export const PROTOCOL_VERSION = 1;

/**
 * Query parameter a client adds to the socket URL (`?control=1`) to receive JSON control
 * messages. Stock Yjs clients (y-websocket, y-partykit's provider) read every frame as binary and
 * would choke on text, so they never get any.
 */
export const CONTROL_QUERY = "control";

/** First varint of a binary frame (the y-websocket convention). */
export const MessageType = {
  Sync: 0,
  Awareness: 1,
  Auth: 2,
  QueryAwareness: 3,
  /** Sketchroom's own: one piece of a frame over the message cap (src/shared/chunks.ts). */
  Chunk: 64,
} as const;

// ---- Control messages: client → room -----------------------------------------------------------

const Ping = v.object({ type: v.literal("ping"), t: v.pipe(v.number(), v.finite()) });

const ClientControlMessage = v.variant("type", [Ping]);
type ClientControlMessage = v.InferOutput<typeof ClientControlMessage>;

// ---- Control messages: room → client -----------------------------------------------------------

export type ErrorCode =
  /** A shape broke the schema; the room repaired or removed it. */
  | "INVALID_SHAPE"
  /** The connection is view-only; its document writes were dropped. */
  | "READ_ONLY"
  /** The write would take the document over its size cap; it was not applied. */
  | "DOCUMENT_TOO_LARGE"
  /** A presence state over the size cap was ignored. */
  | "PRESENCE_TOO_LARGE";

export type ServerControlMessage =
  /** First message on every connection. */
  | {
      type: "hello";
      protocol: number;
      readOnly: boolean;
      connectionId: string;
      /** Editors only: the id of this room's view-only link (`/v/<viewId>`). */
      viewId?: string;
    }
  | { type: "pong"; t: number }
  /**
   * Everything up to this state vector (base64 of Y.encodeStateVector) is durable in room storage.
   * A client is saved when its own state vector is covered. `seq` counts the sync updates
   * (step 2 and update messages) from this connection that the room had applied when it took the
   * snapshot: a state vector cannot show deletions, so a delete-only edit is saved once `seq`
   * reaches the message that carried it.
   */
  | { type: "saved"; sv: string; seq?: number }
  | { type: "error"; code: ErrorCode; message: string; ids?: string[] }
  /**
   * Presence past the room's per-receiver bound (docs/scale.md): `total` other people have
   * presence, this client is sent `shown` of them. Sent when `total - shown` changes.
   */
  | { type: "presence-count"; total: number; shown: number };

// ---- Close codes -------------------------------------------------------------------------------

/** Why the room took a checkpoint: a burst of edits ended, or the last person left. */
export type CheckpointReason = "burst" | "empty";

/** One checkpoint as `GET <room>/history` lists it (docs/protocol.md "History"). */
export interface CheckpointSummary {
  /** Base-36 time then a base-36 counter, fixed width: sorts as the checkpoints were taken. */
  id: string;
  /** ms since the epoch. */
  at: number;
  /** Names (awareness `user.name`) seen in the room since the previous checkpoint. */
  present: string[];
  /** Valid shapes in it. */
  shapes: number;
  bytes: number;
  reason: CheckpointReason;
}

/** WebSocket close codes the room uses (4000–4999 are the application's). */
export const CloseCode = {
  /** A frame could not be decoded or was of an unknown kind. Retry: a fresh sync may succeed. */
  MALFORMED: 4000,
  /** Room id outside [A-Za-z0-9_-]{1,128}. Do not retry. */
  INVALID_ROOM: 4001,
  /** Origin not allowed: the socket is accepted and closed at once (party/http.ts). Do not retry. */
  FORBIDDEN: 4003,
  /** A message over 1 MB. Do not retry: it would be sent again. */
  MESSAGE_TOO_BIG: 4009,
  /** The per-connection message budget was exceeded. Retry slowly. */
  RATE_LIMITED: 4029,
  /** The room already holds its maximum number of connections. Retry slowly. */
  ROOM_FULL: 4013,
  /**
   * RFC 6455 1011. The HTTP fallback's long poller left more than MAX_POLL_QUEUE_BYTES
   * unfetched, like a socket whose buffer never drains. Retry: a fresh sync catches up.
   */
  SLOW_CONSUMER: 1011,
  /** Client side: no message heard for too long; the socket is replaced. Retry. */
  DEAD_CONNECTION: 4100,
} as const;
export type CloseCode = (typeof CloseCode)[keyof typeof CloseCode];

/** RFC 6455 close codes the room and its parties use or read. */
export const WsCloseCode = {
  NORMAL: 1000,
  /** A close frame without a code. */
  NO_STATUS: 1005,
  MESSAGE_TOO_BIG: 1009,
  INTERNAL_ERROR: 1011,
  /** The server is restarting: reconnect. */
  SERVICE_RESTART: 1012,
} as const;

/** WebSocket readyState OPEN (the platform's `WebSocket.OPEN`, absent from workerd's typings here). */
export const SOCKET_OPEN = 1;

/** 4000–4999: codes an application defines (ours are CloseCode). */
export function isApplicationCloseCode(code: number): boolean {
  return code >= 4000 && code < 5000;
}

export type RetryPolicy = "retry" | "retry-slowly" | "stop";

/** How a client reacts to a close code. Unknown codes (network drops, 1006, deploys) retry. */
export function retryPolicyFor(code: number): RetryPolicy {
  switch (code) {
    case CloseCode.INVALID_ROOM:
    case CloseCode.FORBIDDEN:
    case CloseCode.MESSAGE_TOO_BIG:
    // The platform's own "Message Too Big": workerd closes a socket whose frame passes 1 MiB
    // before the room sees it. Retrying would send the same frame again.
    case WsCloseCode.MESSAGE_TOO_BIG:
      return "stop";
    case CloseCode.RATE_LIMITED:
    case CloseCode.ROOM_FULL:
      return "retry-slowly";
    default:
      return "retry";
  }
}

// ---- Helpers -----------------------------------------------------------------------------------

/** Parses a text frame from a client. Returns null for anything malformed (never throws). */
export function parseClientControl(text: string): ClientControlMessage | null {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    return null;
  }
  const parsed = v.safeParse(ClientControlMessage, json);
  return parsed.success ? parsed.output : null;
}

export function toBase64(bytes: Uint8Array): string {
  let binary = "";
  for (let i = 0; i < bytes.length; i += 0x8000) {
    binary += String.fromCharCode(...bytes.subarray(i, i + 0x8000));
  }
  return btoa(binary);
}

export function fromBase64(text: string): Uint8Array {
  const binary = atob(text);
  const out = new Uint8Array(binary.length);
  for (let i = 0; i < binary.length; i++) out[i] = binary.charCodeAt(i);
  return out;
}
