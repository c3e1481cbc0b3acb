/**
 * Chunk reassembly at the edge (src/shared/chunks.ts): frames over the message cap arrive as
 * chunk frames, and the room logic only ever sees whole frames. Pieces come in order on one
 * connection; a frame is released once complete. Memory is bounded per connection
 * (MAX_ASSEMBLED_BYTES, MAX_CHUNKS) and per room (MAX_ROOM_ASSEMBLY_BYTES), and a closed
 * connection's pieces are freed at once.
 */
import * as decoding from "lib0/decoding";
import { readChunk } from "../src/shared/chunks";
import { MAX_ASSEMBLED_BYTES, MAX_CHUNKS, MAX_ROOM_ASSEMBLY_BYTES } from "../src/shared/constants";
import { CloseCode, MessageType } from "../src/shared/protocol";

export type Assembled =
  /** A whole frame for the room logic: the input itself, or the last piece's completed frame. */
  | { kind: "frame"; bytes: Uint8Array }
  /** A piece was kept; nothing to handle yet. */
  | { kind: "partial" }
  /** The sender broke a rule: close it with this code. */
  | { kind: "refused"; code: CloseCode; reason: string };

interface Assembly {
  id: number;
  count: number;
  pieces: Uint8Array[];
  bytes: number;
}

const PARTIAL: Assembled = { kind: "partial" };

function refused(code: CloseCode, reason: string): Assembled {
  return { kind: "refused", code, reason };
}

export class ChunkAssembler {
  private readonly assemblies = new Map<string, Assembly>();
  /** Bytes held across every connection of the room. */
  private held = 0;

  constructor(
    private readonly maxFrameBytes = MAX_ASSEMBLED_BYTES,
    private readonly maxRoomBytes = MAX_ROOM_ASSEMBLY_BYTES,
  ) {}

  /** Takes one binary frame from `connectionId`. Throws on a truncated chunk frame. */
  accept(connectionId: string, frame: Uint8Array): Assembled {
    const decoder = decoding.createDecoder(frame);
    if (decoding.readVarUint(decoder) !== MessageType.Chunk) return { kind: "frame", bytes: frame };
    const { id, index, count, piece } = readChunk(decoder);
    if (count < 2 || count > MAX_CHUNKS || index >= count || piece.byteLength === 0) {
      return refused(CloseCode.MALFORMED, "malformed chunk");
    }
    let assembly = this.assemblies.get(connectionId);
    if (index === 0) {
      if (assembly) {
        return refused(CloseCode.MALFORMED, "a chunked frame started before the last one ended");
      }
      assembly = { id, count, pieces: [], bytes: 0 };
      this.assemblies.set(connectionId, assembly);
    } else if (
      !assembly ||
      assembly.id !== id ||
      assembly.count !== count ||
      assembly.pieces.length !== index
    ) {
      return refused(CloseCode.MALFORMED, "chunk out of order");
    }
    if (assembly.bytes + piece.byteLength > this.maxFrameBytes) {
      return refused(CloseCode.MESSAGE_TOO_BIG, "chunked message too big");
    }
    if (this.held + piece.byteLength > this.maxRoomBytes) {
      // Others are sending large frames right now: come back a little later.
      return refused(CloseCode.RATE_LIMITED, "too many large messages in this room at once");
    }
    assembly.pieces.push(piece.slice());
    assembly.bytes += piece.byteLength;
    this.held += piece.byteLength;
    if (assembly.pieces.length < count) return PARTIAL;
    const whole = new Uint8Array(assembly.bytes);
    let at = 0;
    for (const p of assembly.pieces) {
      whole.set(p, at);
      at += p.byteLength;
    }
    this.forget(connectionId);
    if (decoding.readVarUint(decoding.createDecoder(whole)) === MessageType.Chunk) {
      return refused(CloseCode.MALFORMED, "a chunk inside a chunked frame");
    }
    return { kind: "frame", bytes: whole };
  }

  /** Frees a connection's pieces (it closed, or was refused). */
  forget(connectionId: string): void {
    const assembly = this.assemblies.get(connectionId);
    if (!assembly) return;
    this.held -= assembly.bytes;
    this.assemblies.delete(connectionId);
  }
}
