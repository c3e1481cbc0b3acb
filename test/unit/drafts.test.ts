/**
 * Shapes being drawn, shared live through presence (`draft`): what the drawing tab sends
 * (src/presence/previews.ts draftFor, src/ui/presenceSender.ts) and what receivers accept
 * (src/presence/peers.ts parsePeer, which checks a draft against the document schema).
 */
import { afterEach, beforeEach, describe, expect, test, vi } from "vitest";
import { Awareness } from "y-protocols/awareness";
import * as Y from "yjs";
import { parsePeer } from "../../src/presence/peers";
import { DRAFT_MAX_POINTS, draftFor } from "../../src/presence/previews";
import { CURSOR_THROTTLE_MS, MAX_PRESENCE_BYTES } from "../../src/shared/constants";
import { createPresenceSender } from "../../src/ui/presenceSender";
import { validShape } from "./support/fakes";

const user = { name: "Drawer", color: "#1971c2" };

/** A long freehand stroke far from the origin: the worst case for presence size. */
function longPen(points: number) {
  const flat: number[] = [];
  for (let i = 0; i < points; i++) flat.push(i * 7.37 - 25_000.3, Math.sin(i / 9) * 4_000.7);
  return validShape("pen", "p", { x: -123_456.7, y: 98_765.4, points: flat });
}

describe("draftFor", () => {
  test("a long pen stroke is simplified to fit presence, keeping its ends", () => {
    const shape = longPen(5_000);
    const draft = draftFor(shape);
    const points = draft.points as number[];
    expect(points.length).toBeLessThanOrEqual(DRAFT_MAX_POINTS);
    expect(points.length).toBeGreaterThanOrEqual(4);
    expect(points.slice(0, 2)).toEqual(
      shape.points.slice(0, 2).map((n) => Math.round(n * 10) / 10),
    );
    expect(points.slice(-2)).toEqual(shape.points.slice(-2).map((n) => Math.round(n * 10) / 10));
    // With everything else a drawing tab sends, the state stays under the room's cap.
    const state = {
      user: { name: "x".repeat(40), color: "#1971c2" },
      cursor: { x: -123_456.7, y: 98_765.4 },
      selection: [],
      viewport: { x: -123_456.7, y: 98_765.4, zoom: 0.25 },
      status: "active",
      gesture: {},
      draft,
    };
    expect(new TextEncoder().encode(JSON.stringify(state)).length).toBeLessThan(MAX_PRESENCE_BYTES);
  });

  test("a box keeps its geometry and style; a short line keeps every point", () => {
    const rect = validShape("rect", "r", { x: 1.234, width: 50.55, stroke: "#e03131" });
    expect(draftFor(rect)).toEqual({
      type: "rect",
      x: 1.2,
      y: 20,
      width: 50.6,
      height: 50,
      stroke: "#e03131",
      fill: "transparent",
      strokeWidth: 2,
    });
    const line = validShape("line", "l", { points: [0, 0, 10, 10, 20, 0] });
    expect(draftFor(line).points).toEqual([0, 0, 10, 10, 20, 0]);
  });
});

describe("parsePeer draft", () => {
  test("a valid draft becomes a shape to draw; the sender's own draft round-trips", () => {
    const sent = draftFor(validShape("ellipse", "e", { fill: "#a5d8ff" }));
    const peer = parsePeer(7, { user, draft: sent });
    expect(peer?.draft).toMatchObject({ type: "ellipse", fill: "#a5d8ff", width: 100, height: 50 });
    const pen = parsePeer(7, { user, draft: draftFor(longPen(300)) });
    expect(pen?.draft?.type).toBe("pen");
    expect(parsePeer(7, { user })?.draft).toBeNull();
    expect(parsePeer(7, { user, draft: null })?.draft).toBeNull();
  });

  const hostile: [string, unknown][] = [
    ["a bad colour", { type: "rect", x: 0, y: 0, width: 5, height: 5, stroke: "red" }],
    ["a non-finite number", { type: "rect", x: Number.NaN, y: 0, width: 5, height: 5 }],
    ["a huge coordinate", { type: "rect", x: 1e300, y: 0, width: 5, height: 5 }],
    ["odd points", { type: "pen", x: 0, y: 0, points: [1, 2, 3] }],
    ["no points", { type: "line", x: 0, y: 0 }],
    ["a type nobody draws by dragging", { type: "text", x: 0, y: 0, text: "<b>hi</b>" }],
    ["an unknown type", { type: "image", x: 0, y: 0 }],
    ["not an object", "rect"],
    ["an array", [1, 2]],
    ["a prototype trick", JSON.parse('{"__proto__":{"type":"rect"},"x":0,"y":0}')],
  ];
  for (const [name, draft] of hostile) {
    test(`a draft with ${name} is ignored; the rest of the peer is kept`, () => {
      const peer = parsePeer(9, { user, cursor: { x: 1, y: 2 }, draft });
      expect(peer?.draft).toBeNull();
      expect(peer?.cursor).toEqual({ x: 1, y: 2 });
    });
  }
});

describe("presenceSender draft", () => {
  beforeEach(() => vi.useFakeTimers());
  afterEach(() => vi.useRealTimers());

  test("throttled while drawing, leading and trailing; ending clears it and drops a late frame", () => {
    const awareness = new Awareness(new Y.Doc());
    const sender = createPresenceSender(awareness);
    const at = (width: number) => validShape("rect", "d", { width });
    sender.setDraft(at(10));
    expect(awareness.getLocalState()?.draft).toMatchObject({ type: "rect", width: 10 });
    sender.setDraft(at(20));
    sender.setDraft(at(30));
    expect(awareness.getLocalState()?.draft).toMatchObject({ width: 10 });
    vi.advanceTimersByTime(CURSOR_THROTTLE_MS);
    expect(awareness.getLocalState()?.draft).toMatchObject({ width: 30 });
    sender.setDraft(at(40));
    sender.setDraft(at(50));
    sender.setDraft(null);
    vi.advanceTimersByTime(CURSOR_THROTTLE_MS * 2);
    expect(awareness.getLocalState()?.draft).toBeNull();
    sender.destroy();
  });
});
