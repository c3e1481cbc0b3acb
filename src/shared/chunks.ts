/**
 * Frames over the message cap travel in pieces. A deployed room (workerd) refuses any incoming
 * WebSocket message over 1 MiB, and the room itself closes a sender over MAX_MESSAGE_BYTES, yet
 * a Yjs step 2 after a long offline spell, or an imported board, can be several megabytes: sent
 * whole, it would be refused on every reconnect and never reach the room. The client splits such
 * a frame into chunk frames; the room puts them back together and handles the result like any
 * other frame (docs/protocol.md, docs/limits.md).
 *
 * Chunk frame: varuint MessageType.Chunk, varuint assembly id, varuint index, varuint count,
 * varuint-length bytes (the piece). Pieces arrive in order, index 0 … count − 1, on one socket.
 */
import * as decoding from "lib0/decoding";
import * as encoding from "lib0/encoding";
import { CHUNK_BYTES, MAX_MESSAGE_BYTES } from "./constants";
import { MessageType } from "./protocol";

export interface Chunk {
  id: number;
  index: number;
  count: number;
  piece: Uint8Array;
}

/** The frame as it goes on the wire: itself when small enough, else its chunk frames. */
export function splitFrame(frame: Uint8Array, id: number, chunkBytes = CHUNK_BYTES): Uint8Array[] {
  if (frame.byteLength <= MAX_MESSAGE_BYTES) return [frame];
  const count = Math.ceil(frame.byteLength / chunkBytes);
  const out: Uint8Array[] = [];
  for (let index = 0; index < count; index++) {
    const encoder = encoding.createEncoder();
    encoding.writeVarUint(encoder, MessageType.Chunk);
    encoding.writeVarUint(encoder, id);
    encoding.writeVarUint(encoder, index);
    encoding.writeVarUint(encoder, count);
    encoding.writeVarUint8Array(
      encoder,
      frame.subarray(index * chunkBytes, (index + 1) * chunkBytes),
    );
    out.push(encoding.toUint8Array(encoder));
  }
  return out;
}

/** Reads a chunk frame's fields after its message type. Throws on a truncated frame. */
export function readChunk(decoder: decoding.Decoder): Chunk {
  const id = decoding.readVarUint(decoder);
  const index = decoding.readVarUint(decoder);
  const count = decoding.readVarUint(decoder);
  const piece = decoding.readVarUint8Array(decoder);
  if (decoding.hasContent(decoder)) throw new Error("trailing bytes after a chunk");
  return { id, index, count, piece };
}
