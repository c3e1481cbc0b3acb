/**
 * The HTTP fallback's wire format (docs/transport.md): a POST body or a long-poll answer carries
 * several frames back to back, each `varuint byteLength, kind byte, bytes`. Kinds: binary (a Yjs
 * frame, as on the socket), text (a JSON control message, UTF-8) and close (JSON
 * `{code, reason}`: the connection is over, like a WebSocket close frame).
 */
import * as decoding from "lib0/decoding";
import * as encoding from "lib0/encoding";

export const FrameKind = { Binary: 0, Text: 1, Close: 2 } as const;

export type BatchFrame =
  | { kind: "binary"; data: Uint8Array }
  | { kind: "text"; data: string }
  | { kind: "close"; code: number; reason: string };

const textEncoder = new TextEncoder();
/** fatal: a frame that is not UTF-8 is malformed, never silently repaired. */
const textDecoder = new TextDecoder("utf-8", { fatal: true, ignoreBOM: false });

export function encodeBatch(frames: readonly BatchFrame[]): Uint8Array<ArrayBuffer> {
  const encoder = encoding.createEncoder();
  for (const frame of frames) {
    let kind: number;
    let bytes: Uint8Array;
    switch (frame.kind) {
      case "binary":
        kind = FrameKind.Binary;
        bytes = frame.data;
        break;
      case "text":
        kind = FrameKind.Text;
        bytes = textEncoder.encode(frame.data);
        break;
      case "close":
        kind = FrameKind.Close;
        bytes = textEncoder.encode(JSON.stringify({ code: frame.code, reason: frame.reason }));
        break;
      default: {
        const never: never = frame;
        throw new Error(`unknown frame ${String(never)}`);
      }
    }
    encoding.writeVarUint(encoder, bytes.byteLength);
    encoding.writeUint8(encoder, kind);
    encoding.writeUint8Array(encoder, bytes);
  }
  return encoding.toUint8Array(encoder) as Uint8Array<ArrayBuffer>;
}

/**
 * Decodes a batch. Throws on anything malformed (truncated, unknown kind, bad UTF-8 or close
 * JSON): the caller refuses the whole batch, so a half-read batch never reaches the room.
 */
export function decodeBatch(bytes: Uint8Array): BatchFrame[] {
  const decoder = decoding.createDecoder(bytes);
  const frames: BatchFrame[] = [];
  while (decoding.hasContent(decoder)) {
    const length = decoding.readVarUint(decoder);
    const kind = decoding.readUint8(decoder);
    if (length > decoder.arr.byteLength - decoder.pos) throw new Error("truncated frame");
    const data = decoding.readUint8Array(decoder, length);
    switch (kind) {
      case FrameKind.Binary:
        // A copy: the frame outlives the request body it came in.
        frames.push({ kind: "binary", data: data.slice() });
        break;
      case FrameKind.Text:
        frames.push({ kind: "text", data: textDecoder.decode(data) });
        break;
      case FrameKind.Close: {
        const parsed = JSON.parse(textDecoder.decode(data)) as { code?: unknown; reason?: unknown };
        const code = typeof parsed?.code === "number" ? parsed.code : 1005;
        const reason = typeof parsed?.reason === "string" ? parsed.reason : "";
        frames.push({ kind: "close", code, reason });
        break;
      }
      default:
        throw new Error(`unknown frame kind ${kind}`);
    }
  }
  return frames;
}
