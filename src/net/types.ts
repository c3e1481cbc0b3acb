/** What the rest of the client sees of the network: a document, presence, and a status. */
import type { Awareness } from "y-protocols/awareness";
import type * as Y from "yjs";

export type ConnectionState = "connecting" | "connected" | "reconnecting" | "offline";

/** WebSocket, or the HTTP fallback (docs/transport.md): SSE + POST, or long polling + POST. */
export type Transport = "websocket" | "sse" | "long-polling";

export interface ConnectionStatus {
  state: ConnectionState;
  /** True when every local edit has been acknowledged as durable by the room. */
  saved: boolean;
  /** Reconnect attempts since the last successful connection. */
  attempt: number;
  /** The room said this connection may not write. */
  readOnly: boolean;
  /** A fatal reason the client stopped retrying (invalid room, forbidden), if any. */
  fatal: string | null;
  /** The transport in use: WebSocket, or the HTTP fallback where WebSockets are blocked. */
  transport: Transport;
  /** Editors: the id of this room's view-only link (`/v/<viewId>`), once the room said it. */
  viewId: string | null;
}

export interface RoomNotice {
  /** e.g. INVALID_SHAPE, READ_ONLY, DOCUMENT_TOO_LARGE */
  code: string;
  message: string;
}

/** `main`: the room itself (edit link). `view`: a view-only link, by its view id. */
export type RoomParty = "main" | "view";

export interface RoomClient {
  /** The room id (party main) or the view id (party view). */
  readonly roomId: string;
  readonly party: RoomParty;
  readonly doc: Y.Doc;
  readonly awareness: Awareness;
  /** Origin used by the provider when applying remote updates (anything else is a local edit). */
  readonly remoteOrigin: unknown;
  getStatus(): ConnectionStatus;
  /** Subscribe to status changes; returns an unsubscribe function. */
  onStatus(listener: (status: ConnectionStatus) => void): () => void;
  /** Subscribe to notices from the room (errors, repairs). */
  onNotice(listener: (notice: RoomNotice) => void): () => void;
  /** Forgets this device's copy of the room (IndexedDB), e.g. before reloading the room's state. */
  discardLocalCopy(): Promise<void>;
  destroy(): void;
}
