/**
 * The HTTP fallback's pure parts (docs/transport.md):
 *
 *  [TR1] A frame batch round-trips binary, text (UTF-8) and close frames in order.
 *  [TR2] A malformed batch (truncated, unknown kind, bad UTF-8, bad close JSON) throws: the room
 *        refuses it whole rather than applying half.
 *  [TR3] The transport decision: WebSocket until N attempts in a row fail to open while HTTP
 *        works; on the fallback until a WebSocket probe opens.
 *  [TR4] Socket URLs map onto the fallback's HTTP endpoints; SSE where EventSource exists.
 */
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import {
  chooseTransport,
  fallbackKind,
  HttpCloseEvent,
  httpUrl,
  type TransportInputs,
} from "../../src/net/httpSocket";
import { FALLBACK_AFTER_FAILURES } from "../../src/shared/constants";
import { type BatchFrame, decodeBatch, encodeBatch } from "../../src/shared/frameBatch";

describe("frame batches", () => {
  it("[TR1] round-trips frames of every kind, in order", () => {
    const frames: BatchFrame[] = [
      { kind: "binary", data: new Uint8Array([0, 1, 2, 255]) },
      { kind: "text", data: '{"type":"ping","t":1}' },
      { kind: "binary", data: new Uint8Array(0) },
      { kind: "text", data: "héllo ✏️ \n two lines" },
      { kind: "binary", data: new Uint8Array(300).fill(7) },
      { kind: "close", code: 4029, reason: "rate limited" },
    ];
    expect(decodeBatch(encodeBatch(frames))).toEqual(frames);
    expect(decodeBatch(encodeBatch([]))).toEqual([]);
  });

  it("[TR1] round-trips any sequence of frames (property)", () => {
    const frame = fc.oneof(
      fc.uint8Array({ maxLength: 2000 }).map((data) => ({ kind: "binary" as const, data })),
      fc
        .string({ maxLength: 200, unit: "grapheme" })
        .map((data) => ({ kind: "text" as const, data })),
      fc
        .record({
          code: fc.integer({ min: 1000, max: 4999 }),
          reason: fc.string({ maxLength: 50 }),
        })
        .map((c) => ({ kind: "close" as const, ...c })),
    );
    fc.assert(
      fc.property(fc.array(frame, { maxLength: 20 }), (frames) => {
        expect(decodeBatch(encodeBatch(frames))).toEqual(frames);
      }),
      { numRuns: 200, seed: 8 },
    );
  });

  it("[TR2] refuses malformed batches whole", () => {
    const good = encodeBatch([{ kind: "binary", data: new Uint8Array([1, 2, 3, 4]) }]);
    // Truncated: the length says 4 bytes, 2 follow.
    expect(() => decodeBatch(good.subarray(0, good.byteLength - 2))).toThrow();
    // Length without a kind byte.
    expect(() => decodeBatch(new Uint8Array([5]))).toThrow();
    // Unknown kind 9.
    expect(() => decodeBatch(new Uint8Array([1, 9, 0]))).toThrow(/kind/);
    // Text that is not UTF-8.
    expect(() => decodeBatch(new Uint8Array([2, 1, 0xff, 0xfe]))).toThrow();
    // A close frame whose payload is not JSON.
    expect(() => decodeBatch(new Uint8Array([1, 2, 0x7b]))).toThrow();
  });
});

describe("transport decision", () => {
  const base: TransportInputs = {
    current: "websocket",
    failuresWithoutOpen: 0,
    httpWorks: false,
    probeOpened: false,
    fallback: "sse",
  };
  const N = FALLBACK_AFTER_FAILURES;
  it.each([
    // [current, failures, httpWorks, probeOpened, fallback] → next
    ["websocket", 0, true, false, "sse", "websocket"],
    ["websocket", N - 1, true, false, "sse", "websocket"],
    ["websocket", N, true, false, "sse", "sse"],
    ["websocket", N + 5, true, false, "long-polling", "long-polling"],
    // The host is down (HTTP fails too): that is an outage, not a blocked upgrade.
    ["websocket", N + 5, false, false, "sse", "websocket"],
    ["sse", 0, true, false, "sse", "sse"],
    ["sse", 0, true, true, "sse", "websocket"],
    ["long-polling", 9, false, true, "long-polling", "websocket"],
    ["long-polling", 9, true, false, "long-polling", "long-polling"],
  ] as const)(
    "[TR3] %s, %i failures, http %s, probe %s, fallback %s → %s",
    (current, failures, httpWorks, probeOpened, fallback, want) => {
      expect(
        chooseTransport({
          ...base,
          current,
          failuresWithoutOpen: failures,
          httpWorks,
          probeOpened,
          fallback,
        }),
      ).toBe(want);
    },
  );
});

describe("endpoints", () => {
  it("[TR4] maps socket URLs onto the fallback endpoints and drops partysocket's id", () => {
    expect(httpUrl("ws://127.0.0.1:1999/parties/main/abc?control=1&_pk=xyz", "sse")).toBe(
      "http://127.0.0.1:1999/parties/main/abc/sse?control=1",
    );
    expect(httpUrl("wss://sketch.example/parties/view/v1?_pk=1", "open")).toBe(
      "https://sketch.example/parties/view/v1/open",
    );
  });

  it("[TR4] uses SSE where EventSource exists and long polling elsewhere", () => {
    expect(fallbackKind({ EventSource: class {} })).toBe("sse");
    expect(fallbackKind({})).toBe("long-polling");
  });

  it("[TR4] close events survive partysocket's browser-style clone", () => {
    const event = new HttpCloseEvent("close", { code: 4029, reason: "rate limited" });
    const clone = new (event.constructor as typeof HttpCloseEvent)(event.type, event);
    expect([clone.code, clone.reason, clone.wasClean]).toEqual([4029, "rate limited", false]);
  });
});
