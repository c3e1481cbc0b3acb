/**
 * utf8ByteLength: the measure every byte cap on text uses (src/shared/utf8.ts).
 *  [U1] It equals the length TextEncoder writes, for any string, lone surrogates included.
 */
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { frameByteLength, utf8ByteLength } from "../../src/shared/utf8";

const encoder = new TextEncoder();

describe("utf8ByteLength", () => {
  it("[U1] counts 1, 2, 3 and 4-byte characters and lone surrogates as TextEncoder writes them", () => {
    for (const text of ["", "a", "é", "中", "😀", "a😀é中", "\ud800", "\udc00x", "\ud800\ud800"]) {
      expect(utf8ByteLength(text), JSON.stringify(text)).toBe(encoder.encode(text).byteLength);
    }
    expect(frameByteLength("é")).toBe(2);
    expect(frameByteLength(new Uint8Array(5))).toBe(5);
  });

  it("[U1] equals TextEncoder's length for any string (property)", () => {
    fc.assert(
      fc.property(fc.string({ unit: "binary" }), (text) => {
        expect(utf8ByteLength(text)).toBe(encoder.encode(text).byteLength);
      }),
      { seed: 14, numRuns: 200 },
    );
  });
});
