/**
 * Live collaboration aids carried by presence (docs/protocol.md "Presence"): the laser trail
 * (`laser`), "bring everyone to my view" (`summon`), and connectors that bend with shapes other
 * people are moving (src/presence/previews.ts applyPreviews).
 *
 *  [LZ1] A trail's payload is bounded (LASER_MAX_NUMBERS), keeps its newest point, and a state
 *        carrying it stays under the room's 2 KB presence cap.
 *  [LZ2] Receivers drop a malformed trail (odd length, non-finite, too long, not numbers).
 *  [LZ3] A trail keeps the points of the last LASER_TRAIL_MS only.
 *  [LZ4] The sender throttles the trail like the cursor and clears it when it ends.
 *  [SM1] A summon is obeyed once per new `at`, the newest first; a stale or malformed one never.
 *  [BL1] A connector bound to a shape someone is moving follows it on every receiver, live.
 */
import { afterEach, beforeEach, describe, expect, test, vi } from "vitest";
import { Awareness } from "y-protocols/awareness";
import * as Y from "yjs";
import { LaserTrail, laserFor } from "../../src/presence/laser";
import { parsePeer } from "../../src/presence/peers";
import { applyPreviews } from "../../src/presence/previews";
import { SummonInbox } from "../../src/presence/summon";
import { anchorPoint } from "../../src/shared/binding";
import {
  CURSOR_THROTTLE_MS,
  LASER_MAX_NUMBERS,
  LASER_TRAIL_MS,
  MAX_PRESENCE_BYTES,
  SUMMON_MAX_AGE_MS,
} from "../../src/shared/constants";
import type { Shape } from "../../src/shared/schema";
import { createPresenceSender } from "../../src/ui/presenceSender";
import { validShape } from "./support/fakes";

const user = { name: "Pointer", color: "#1971c2" };

describe("laser", () => {
  test("[LZ1] a long trail is thinned to the cap, newest point kept, under 2 KB with the rest", () => {
    const flat: number[] = [];
    for (let i = 0; i < 1_000; i++) flat.push(-123_456.78 + i * 3.33, 98_765.43 - i * 1.11);
    const payload = laserFor(flat);
    expect(payload.length).toBeLessThanOrEqual(LASER_MAX_NUMBERS);
    expect(payload.length % 2).toBe(0);
    expect(payload.slice(-2)).toEqual(flat.slice(-2).map((n) => Math.round(n * 10) / 10));
    const state = {
      user: { name: "x".repeat(40), color: "#1971c2" },
      cursor: { x: -123_456.7, y: 98_765.4 },
      selection: ["a".repeat(21), "b".repeat(21)],
      viewport: { x: -123_456.7, y: 98_765.4, zoom: 0.25 },
      status: "active",
      laser: payload,
      summon: { x: -123_456.7, y: 98_765.4, zoom: 0.25, at: Date.now() },
    };
    expect(new TextEncoder().encode(JSON.stringify(state)).length).toBeLessThan(MAX_PRESENCE_BYTES);
    // A short trail goes as it is.
    expect(laserFor([1.04, 2, 3, 4.06])).toEqual([1, 2, 3, 4.1]);
  });

  test("[LZ2] receivers keep a well-formed trail and drop a malformed one", () => {
    const peer = (laser: unknown) => parsePeer(7, { user, laser })?.laser;
    expect(peer([1, 2, 3, 4])).toEqual([1, 2, 3, 4]);
    expect(peer(undefined)).toBeNull();
    expect(peer([1, 2, 3])).toBeNull();
    expect(peer([1, 2, Number.NaN, 4])).toBeNull();
    expect(peer([1, 2, "3", 4])).toBeNull();
    expect(peer({ 0: 1, 1: 2 })).toBeNull();
    expect(peer(new Array(LASER_MAX_NUMBERS + 2).fill(1))).toBeNull();
    expect(peer(new Array(LASER_MAX_NUMBERS).fill(1))).toHaveLength(LASER_MAX_NUMBERS);
    // A bad trail costs only the trail: the rest of the peer stands.
    expect(parsePeer(7, { user, laser: [1] })?.name).toBe("Pointer");
  });

  test("[LZ3] a trail keeps the last LASER_TRAIL_MS of points, then empties", () => {
    const trail = new LaserTrail();
    trail.add({ x: 0, y: 0 }, 1_000);
    trail.add({ x: 10, y: 0 }, 1_500);
    trail.add({ x: 20, y: 0 }, 1_900);
    expect(trail.prune(1_900)).toBe(true);
    expect(trail.flat()).toEqual([0, 0, 10, 0, 20, 0]);
    expect(trail.prune(1_000 + LASER_TRAIL_MS + 1)).toBe(true);
    expect(trail.flat()).toEqual([10, 0, 20, 0]);
    expect(trail.prune(1_900 + LASER_TRAIL_MS + 1)).toBe(false);
    expect(trail.flat()).toEqual([]);
  });

  describe("sender", () => {
    let doc: Y.Doc;
    let awareness: Awareness;
    beforeEach(() => {
      vi.useFakeTimers();
      doc = new Y.Doc();
      awareness = new Awareness(doc);
    });
    afterEach(() => {
      awareness.destroy();
      doc.destroy();
      vi.useRealTimers();
    });

    test("[LZ4] throttled like the cursor (leading, trailing); ending clears it and drops a late frame", () => {
      const sender = createPresenceSender(awareness);
      const sent: unknown[] = [];
      awareness.on("change", () => sent.push(awareness.getLocalState()?.laser));
      sender.setLaser([0, 0]);
      sender.setLaser([0, 0, 5, 5]);
      sender.setLaser([0, 0, 5, 5, 9, 9]);
      expect(sent).toEqual([[0, 0]]);
      vi.advanceTimersByTime(CURSOR_THROTTLE_MS);
      expect(sent.at(-1)).toEqual([0, 0, 5, 5, 9, 9]);
      sender.setLaser([0, 0, 5, 5, 9, 9, 12, 12]);
      sender.setLaser([0, 0, 5, 5, 9, 9, 12, 12, 15, 15]);
      sender.setLaser(null);
      vi.advanceTimersByTime(CURSOR_THROTTLE_MS * 3);
      expect(awareness.getLocalState()?.laser).toBeNull();
      sender.destroy();
    });
  });
});

describe("summon", () => {
  const at = 1_700_000_000_000;
  const peer = (clientId: number, summon: unknown) => {
    const parsed = parsePeer(clientId, { user, summon });
    if (!parsed) throw new Error("peer did not parse");
    return parsed;
  };

  test("[SM1] obeyed once per new `at`, the newest first; stale and malformed never", () => {
    const inbox = new SummonInbox();
    const a = { x: 100, y: 200, zoom: 2, at };
    expect(inbox.take([peer(1, a)], at + 100)).toEqual(a);
    // The same summon again (any later awareness change): not again.
    expect(inbox.take([peer(1, a)], at + 200)).toBeNull();
    // Two new ones at once: the newest wins.
    const b = { x: 1, y: 2, zoom: 1, at: at + 1_000 };
    const c = { x: 3, y: 4, zoom: 0.5, at: at + 1_500 };
    expect(inbox.take([peer(1, b), peer(2, c)], at + 1_600)).toEqual(c);
    // A summon already old when it is first seen (a late joiner) is ignored.
    const old = { x: 9, y: 9, zoom: 1, at };
    expect(inbox.take([peer(3, old)], at + SUMMON_MAX_AGE_MS + 1)).toBeNull();
    // Malformed summons are dropped at parsing.
    for (const bad of [
      { x: 1, y: 2, zoom: 0, at },
      { x: 1, y: 2, zoom: 1 },
      { x: "1", y: 2, zoom: 1, at },
      { x: 1, y: Number.POSITIVE_INFINITY, zoom: 1, at },
    ]) {
      expect(peer(4, bad).summon).toBeNull();
    }
  });
});

describe("connectors following moving shapes", () => {
  const box = (id: string, x: number, y: number) =>
    validShape("rect", id, { x, y, width: 100, height: 100, z: `a${id}` });

  test("[BL1] a connector bound to a shape someone is moving is re-routed onto it", () => {
    const a = box("A", 0, 0);
    const b = box("B", 300, 0);
    const arrow: Shape = validShape("arrow", "C", {
      x: 100,
      y: 50,
      points: [0, 0, 200, 0],
      startId: "A",
      startAnchor: { x: 1, y: 0.5 },
      endId: "B",
      endAnchor: { x: 0, y: 0.5 },
      z: "aC",
    });
    const loose = validShape("arrow", "D", { x: 0, y: 300, points: [0, 0, 50, 50], z: "aD" });
    const shapes = [a, b, arrow, loose];
    const mover = parsePeer(5, {
      user,
      gesture: { B: { x: 300, y: 400, width: 100, height: 100 } },
    });
    if (!mover) throw new Error("peer did not parse");
    const shown = applyPreviews(shapes, [mover]);
    const movedB = shown.find((s) => s.id === "B")!;
    const c = shown.find((s) => s.id === "C")!;
    const end = { x: c.x + c.points.at(-2)!, y: c.y + c.points.at(-1)! };
    const want = anchorPoint(movedB, { x: 0, y: 0.5 });
    expect(end.x).toBeCloseTo(want.x, 5);
    expect(end.y).toBeCloseTo(want.y, 5);
    // Its other end stays on A, which did not move; unbound shapes are the same objects.
    expect(c.points.slice(0, 2)).toEqual([0, 0]);
    expect(shown.find((s) => s.id === "D")).toBe(loose);
    expect(shown.find((s) => s.id === "A")).toBe(a);
    // Nobody moving: the very same array.
    expect(applyPreviews(shapes, [])).toBe(shapes);
  });
});
