/** Building wire frames by hand (docs/protocol.md), for tests that speak to the room directly. */
import * as encoding from "lib0/encoding";
import * as Y from "yjs";
import { MessageType } from "../../src/shared/protocol";

/** A sync frame: message type 0, sub-type (0 step 1, 1 step 2, 2 update), then the payload. */
export function syncFrame(sub: 0 | 1 | 2, payload: Uint8Array): Uint8Array {
  const encoder = encoding.createEncoder();
  encoding.writeVarUint(encoder, MessageType.Sync);
  encoding.writeVarUint(encoder, sub);
  encoding.writeVarUint8Array(encoder, payload);
  return encoding.toUint8Array(encoder);
}

/** A sync update frame carrying a Yjs update. */
export function updateFrame(update: Uint8Array): Uint8Array {
  return syncFrame(2, update);
}

/** Sync step 1 for an empty document: asks the room for everything. */
export function emptyStep1(): Uint8Array {
  return syncFrame(0, Y.encodeStateVector(new Y.Doc()));
}

/** An awareness frame with one entry; `state` null removes the client. */
export function awarenessFrame(clientId: number, clock: number, state: unknown): Uint8Array {
  const body = encoding.createEncoder();
  encoding.writeVarUint(body, 1);
  encoding.writeVarUint(body, clientId);
  encoding.writeVarUint(body, clock);
  encoding.writeVarString(body, JSON.stringify(state));
  const encoder = encoding.createEncoder();
  encoding.writeVarUint(encoder, MessageType.Awareness);
  encoding.writeVarUint8Array(encoder, encoding.toUint8Array(body));
  return encoding.toUint8Array(encoder);
}

/** Whether a received binary frame is a sync message (type 0). */
export function isSyncFrame(frame: Uint8Array): boolean {
  return frame[0] === MessageType.Sync;
}
