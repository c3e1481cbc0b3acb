/**
 * Size caps are in bytes (the platform's message cap, storage, presence) while a JS string's
 * `length` counts UTF-16 units: "é" is 1 unit and 2 bytes, "中" 1 unit and 3, "😀" 2 units and
 * 4. Every cap on text compares this, never `length`.
 */

/** Bytes `text` takes in UTF-8 (a lone surrogate counts as U+FFFD, as TextEncoder writes it). */
export function utf8ByteLength(text: string): number {
  let bytes = 0;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c < 0x80) bytes += 1;
    else if (c < 0x800) bytes += 2;
    else if (c >= 0xd800 && c <= 0xdbff && i + 1 < text.length) {
      const next = text.charCodeAt(i + 1);
      if (next >= 0xdc00 && next <= 0xdfff) {
        bytes += 4;
        i++;
      } else bytes += 3;
    } else bytes += 3;
  }
  return bytes;
}

/** Bytes of a frame as it travels: UTF-8 for text, as is for binary. */
export function frameByteLength(data: string | ArrayBuffer | ArrayBufferView): number {
  return typeof data === "string" ? utf8ByteLength(data) : data.byteLength;
}
