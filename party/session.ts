/**
 * RoomSession: what the room knows about one connection, as a union of states rather than a
 * bag of flags, so that a state's fields exist only in that state. A viewer has no write
 * sequence to acknowledge; an editor is either in step with the room or owes it a fresh sync
 * step 2 after the room dropped content the editor's update depended on (docs/conflicts.md, C11).
 */
import { exhaustive } from "../src/shared/exhaustive";
import type { TokenBucket } from "./rateLimit";

/** The three things the room needs from a connection. */
export interface RoomConnection {
  readonly id: string;
  send(data: string | Uint8Array): void;
  close(code: number, reason: string): void;
}

interface SessionBase {
  readonly conn: RoomConnection;
  /** The client reads JSON control messages (stock Yjs clients do not). */
  readonly control: boolean;
  /** Message-rate budget. */
  readonly bucket: TokenBucket;
  /** Last time anything arrived from this connection (scheduler time, ms). */
  lastSeen: number;
}

/** A view-only connection: receives everything, changes nothing. */
export interface ViewerSession extends SessionBase {
  readonly role: "viewer";
}

export type SyncState =
  /** Every update from this editor that the room applied is whole. */
  | { readonly state: "synced" }
  /**
   * The room discarded part of an update from this editor and asked for a fresh step 2; until it
   * arrives nothing is acknowledged, since the editor's sequence numbers may cover lost content.
   */
  | { readonly state: "awaiting-resync" };

export interface EditorSession extends SessionBase {
  readonly role: "editor";
  sync: SyncState;
  /** Sync updates from this connection applied to the document (echoed as `saved.seq`). */
  applied: number;
  /** The last `seq` sent to this connection in `saved`. */
  acked: number;
  /** Resyncs asked of this connection, bounded by MAX_RESYNCS_PER_CONNECTION. */
  resyncs: number;
}

export type RoomSession = ViewerSession | EditorSession;

export const SYNCED: SyncState = { state: "synced" };
export const AWAITING_RESYNC: SyncState = { state: "awaiting-resync" };

/** The `seq` a session's next `saved` may carry, or null while it must not be acknowledged. */
export function ackableSeq(session: RoomSession, applied: number): number | null {
  switch (session.role) {
    case "viewer":
      return 0;
    case "editor":
      return session.sync.state === "synced" ? applied : null;
    default:
      return exhaustive(session);
  }
}
