/**
 * Snapping and alignment geometry (src/canvas/snapping.ts, src/actions/align.ts), rules S1–S7
 * and AL1–AL3 in docs/architecture.md "Snapping": candidates, the threshold in screen px,
 * guides, grid rounding, the 45° line constraint, 15° rotation steps, and align/distribute run
 * as actions against a real Y.Doc ShapeStore.
 */
import { describe, expect, test } from "vitest";
import * as Y from "yjs";
import { createRoomActions } from "../../src/actions";
import { alignPatches, distributePatches } from "../../src/actions/align";
import type { ActionContext } from "../../src/actions/types";
import { startMove } from "../../src/canvas/gestures/move";
import { startSnapping } from "../../src/canvas/gestures/snap";
import type { GestureContext } from "../../src/canvas/gestures/types";
import {
  buildTargets,
  constrainAngle,
  rotationSnaps,
  type SnapSettings,
  snapBox,
  snapCandidates,
  snapPoint,
  snapRotation,
  snapToGrid,
} from "../../src/canvas/snapping";
import { setSnapSettings, snapSettings } from "../../src/canvas/snapSettings";
import { type NewShape, ShapeStore } from "../../src/doc/shapeStore";
import { SNAP_DISTANCE_PX } from "../../src/shared/constants";
import type { Shape } from "../../src/shared/schema";
import { type Rect, shapeBounds } from "../../src/tools/geometry";

const OBJECTS: SnapSettings = { objects: true, grid: false };
const GRID: SnapSettings = { objects: false, grid: true };

const box = (x: number, y: number, width = 100, height = 50): Rect => ({ x, y, width, height });

const rect = (x: number, y: number, width = 100, height = 50): NewShape => ({
  type: "rect",
  x,
  y,
  width,
  height,
  rotation: 0,
  points: [],
  stroke: "#1e1e1e",
  fill: "transparent",
  strokeWidth: 2,
  text: "",
  fontSize: 0,
});

const asShape = (s: NewShape, id: string): Shape => ({ ...s, id, z: id }) as Shape;

describe("snapping", () => {
  test("[S1] a moving box's left edge snaps flush to another's right edge within the threshold", () => {
    const targets = buildTargets([box(0, 0)]);
    // 4 px from flush at zoom 1: snaps.
    const r = snapBox(box(104, 200), targets, OBJECTS, SNAP_DISTANCE_PX, 1);
    expect(r.dx).toBe(-4);
    // y: nothing within 6 px of 0/25/50 from 200/225/250.
    expect(r.dy).toBe(0);
    expect(r.guides).toEqual([{ axis: "x", at: 100, from: 0, to: 250 }]);
  });

  test("[S1] the threshold is in screen px: the same canvas distance snaps at zoom 2 only when it is under 6/2", () => {
    const targets = buildTargets([box(0, 0)]);
    expect(snapBox(box(104, 200), targets, OBJECTS, SNAP_DISTANCE_PX, 2).dx).toBe(0);
    expect(snapBox(box(102.5, 200), targets, OBJECTS, SNAP_DISTANCE_PX, 2).dx).toBe(-2.5);
    // Zoomed out to 0.25: 20 canvas units are 5 screen px, so it snaps.
    expect(snapBox(box(120, 200), targets, OBJECTS, SNAP_DISTANCE_PX, 0.25).dx).toBe(-20);
  });

  test("[S1] centres snap to centres, and the nearest line wins per axis", () => {
    const targets = buildTargets([box(0, 0, 200, 100), box(500, 0, 10, 10)]);
    // Moving box 100 wide centred at 103 → snaps its centre to 100 (the first box's centre).
    const r = snapBox(box(53, 300), targets, OBJECTS, SNAP_DISTANCE_PX, 1);
    expect(r.dx).toBe(-3);
    expect(r.guides.map((g) => [g.axis, g.at])).toEqual([["x", 100]]);
    // Top 2 px below the first box's bottom (100) and 5 px from 105? Only 100 is a line: -2.
    expect(snapBox(box(300, 102), targets, OBJECTS, SNAP_DISTANCE_PX, 1).dy).toBe(-2);
  });

  test("[S2] every line the snapped box touches gets one guide; none without a snap", () => {
    // Two boxes in a row share their top line: merged into one guide spanning both.
    const targets = buildTargets([box(0, 0), box(300, 0)]);
    const r = snapBox(box(150, 3), targets, OBJECTS, SNAP_DISTANCE_PX, 1);
    expect(r.dy).toBe(-3);
    const tops = r.guides.filter((g) => g.axis === "y" && g.at === 0);
    expect(tops).toEqual([{ axis: "y", at: 0, from: 0, to: 400 }]);
    // Same height boxes: the bottom line matches too.
    expect(r.guides.some((g) => g.axis === "y" && g.at === 50)).toBe(true);
    expect(snapBox(box(150, 38), targets, OBJECTS, SNAP_DISTANCE_PX, 1).guides).toEqual([]);
  });

  test("[S3] candidates: only shapes meeting the viewport, not the moving ones, at most the limit, nearest first", () => {
    const shapes = [
      asShape(rect(0, 0), "a"),
      asShape(rect(5000, 5000), "far"),
      asShape(rect(200, 0), "moving"),
      asShape(rect(400, 400), "b"),
    ];
    const area = box(-100, -100, 1000, 1000);
    const found = snapCandidates(shapes, area, new Set(["moving"]));
    expect(found).toEqual([shapeBounds(shapes[0]!), shapeBounds(shapes[3]!)]);
    // The limit keeps the ones nearest the viewport's centre (400, 400).
    expect(snapCandidates(shapes, area, new Set(["moving"]), 1)).toEqual([shapeBounds(shapes[3]!)]);
  });

  test("[S3] snapping 10,000 candidates: built once, then each move is a binary search", () => {
    const many: Rect[] = [];
    for (let i = 0; i < 10_000; i++)
      many.push(box((i % 100) * 137.3, Math.floor(i / 100) * 91.7, 60, 40));
    const targets = buildTargets(many);
    const t0 = performance.now();
    let snapped = 0;
    for (let i = 0; i < 1000; i++) {
      const r = snapBox(box(i * 3.1 + 0.5, i * 2.3 + 0.5), targets, OBJECTS, SNAP_DISTANCE_PX, 1);
      if (r.dx !== 0 || r.dy !== 0) snapped++;
    }
    const perMove = (performance.now() - t0) / 1000;
    expect(snapped).toBeGreaterThan(0);
    // A frame is 16 ms; a move's snap must be a tiny part of it even on a busy machine.
    expect(perMove).toBeLessThan(1);
  });

  test("[S4] grid: the top-left rounds to the grid when no object is in reach; objects win over the grid", () => {
    expect(snapToGrid(29)).toBe(20);
    expect(snapToGrid(31)).toBe(40);
    expect(snapToGrid(-9)).toBe(-0);
    const none = buildTargets([]);
    const r = snapBox(box(33, 47), none, GRID, SNAP_DISTANCE_PX, 1);
    expect([r.dx, r.dy]).toEqual([7, -7]);
    expect(r.guides).toEqual([]);
    const both = snapBox(
      box(103, 147),
      buildTargets([box(0, 0)]),
      { objects: true, grid: true },
      6,
      1,
    );
    expect([both.dx, both.dy]).toEqual([-3, -7]);
    // Neither on: nothing moves.
    const off = snapBox(
      box(103, 47),
      buildTargets([box(0, 0)]),
      { objects: false, grid: false },
      6,
      1,
    );
    expect([off.dx, off.dy]).toEqual([0, 0]);
  });

  test("[S4] a drawn corner snaps as a point", () => {
    const r = snapPoint({ x: 98, y: 203 }, buildTargets([box(0, 0)]), OBJECTS, 6, 1);
    expect(r.point).toEqual({ x: 100, y: 203 });
    expect(snapPoint({ x: 98, y: 203 }, buildTargets([]), GRID, 6, 1).point).toEqual({
      x: 100,
      y: 200,
    });
  });

  test("[S5] Shift keeps a line at 45° steps, its length kept", () => {
    const start = { x: 10, y: 10 };
    const flat = constrainAngle(start, { x: 110, y: 20 }, 45);
    expect(flat.x).toBeCloseTo(10 + Math.hypot(100, 10), 6);
    expect(flat.y).toBe(10);
    const diag = constrainAngle(start, { x: 110, y: 100 }, 45);
    expect(diag.x - start.x).toBeCloseTo(diag.y - start.y, 9);
    expect(Math.hypot(diag.x - 10, diag.y - 10)).toBeCloseTo(Math.hypot(100, 90), 9);
    const up = constrainAngle(start, { x: 15, y: -90 }, 45);
    expect(up.x).toBe(10);
    expect(up.y).toBeCloseTo(10 - Math.hypot(5, 100), 6);
    expect(constrainAngle(start, start, 45)).toEqual(start);
  });

  test("[S6] rotation snaps to 15° steps within the tolerance", () => {
    expect(rotationSnaps(15)).toHaveLength(24);
    expect(rotationSnaps(15).slice(0, 4)).toEqual([0, 15, 30, 45]);
    expect(snapRotation(47, 15, 5)).toBe(45);
    expect(snapRotation(52, 15, 5)).toBe(52);
    expect(snapRotation(358, 15, 5)).toBe(0);
  });

  test("[S7] a gesture's snapper: Alt snaps nothing, guides show and hide once each, candidates built once", () => {
    let built = 0;
    const shown: unknown[] = [];
    const ctx = {
      view: () => ({ x: 0, y: 0, zoom: 1 }),
      snap: {
        settings: () => OBJECTS,
        candidates: () => {
          built++;
          return [box(0, 0)];
        },
        showGuides: (g: unknown) => void shown.push(g),
      },
    } as unknown as GestureContext;
    const snapper = startSnapping(ctx, ["moving"]);
    const input = { pointerId: 1, screen: { x: 0, y: 0 }, canvas: { x: 0, y: 0 }, shiftKey: false };
    expect(snapper.box(box(104, 200), input)).toMatchObject({ dx: -4, dy: 0 });
    expect(snapper.box(box(105, 200), input)).toMatchObject({ dx: -5, dy: 0 });
    expect(shown).toHaveLength(1);
    expect(snapper.box(box(104, 200), { ...input, altKey: true })).toEqual({ dx: 0, dy: 0 });
    expect(shown.at(-1)).toEqual([]);
    snapper.end();
    expect(shown).toHaveLength(2);
    expect(built).toBe(1);
  });

  test("[S1] the move gesture drops the selection flush, writes once, and clears its guides", () => {
    const store = new ShapeStore(new Y.Doc());
    const [, b] = store.create([rect(0, 0), rect(300, 300)]);
    const shapes = () => store.read();
    let offset = { x: 0, y: 0 };
    const guides: unknown[][] = [];
    const writes: unknown[] = [];
    const ctx = {
      view: () => ({ x: 0, y: 0, zoom: 1 }),
      shape: (id: string) => shapes().find((s) => s.id === id),
      shapes,
      capturePointer() {},
      publishMoving() {},
      redrawShapes() {},
      selection: () => [b],
      select() {},
      store: () => ({ update: (p: unknown) => writes.push(p) }),
      grab: () => ({
        lift() {},
        moveBy(dx: number, dy: number) {
          offset = { x: dx, y: dy };
        },
        live: () => [],
        positions: () => [{ id: b!, x: 300 + offset.x, y: 300 + offset.y }],
        restore() {},
        drop() {},
      }),
      snap: {
        settings: () => OBJECTS,
        candidates: (exclude: ReadonlySet<string>) =>
          shapes()
            .filter((s) => !exclude.has(s.id))
            .map(shapeBounds),
        showGuides: (g: unknown[]) => void guides.push(g),
      },
    } as unknown as GestureContext;
    const at = (x: number, y: number) => ({
      pointerId: 1,
      screen: { x, y },
      canvas: { x, y },
      shiftKey: false,
    });
    const move = startMove(ctx, at(350, 325), [b!], b!);
    // Unsnapped, B's left would land at 104: 4 px from A's right edge (100).
    move.pointerMove(at(154, 225));
    expect(guides.at(-1)).not.toEqual([]);
    move.pointerUp(at(154, 225));
    expect(writes).toEqual([[{ id: b, x: 100, y: 200 }]]);
    expect(guides.at(-1)).toEqual([]);
  });
});

/** A room's actions over a real ShapeStore, with a selection. */
function room(shapes: NewShape[]) {
  const store = new ShapeStore(new Y.Doc());
  const ids = store.create(shapes);
  let selection = ids;
  const context = {
    store,
    shapes: () => store.read(),
    selection: () => selection,
    select: (next: string[]) => {
      selection = next;
    },
  } as unknown as ActionContext;
  return {
    store,
    ids,
    actions: createRoomActions(context),
    byId: (id: string) => store.read().find((s) => s.id === id)!,
  };
}

describe("align and distribute", () => {
  const three = [rect(0, 0, 100, 50), rect(150, 80, 60, 30), rect(400, 20, 40, 100)];

  test("[AL1] align left, centre, right, top, middle, bottom line up the bounds", () => {
    const shapes = three.map((s, i) => asShape(s, `s${i}`));
    const xs = (kind: Parameters<typeof alignPatches>[1]) => {
      const moved = new Map(alignPatches(shapes, kind).map((p) => [p.id, p]));
      return shapes.map((s) => {
        const p = moved.get(s.id);
        return shapeBounds({ ...s, x: p?.x ?? s.x, y: p?.y ?? s.y });
      });
    };
    expect(xs("left").map((b) => b.x)).toEqual([0, 0, 0]);
    expect(xs("right").map((b) => b.x + b.width)).toEqual([440, 440, 440]);
    expect(xs("center").map((b) => b.x + b.width / 2)).toEqual([220, 220, 220]);
    expect(xs("top").map((b) => b.y)).toEqual([0, 0, 0]);
    expect(xs("bottom").map((b) => b.y + b.height)).toEqual([120, 120, 120]);
    expect(xs("middle").map((b) => b.y + b.height / 2)).toEqual([60, 60, 60]);
    expect(alignPatches(shapes.slice(0, 1), "left")).toEqual([]);
  });

  test("[AL2] distribute makes the gaps equal, first and last stay; needs 3", () => {
    const shapes = three.map((s, i) => asShape(s, `s${i}`));
    const patches = distributePatches(shapes, "horizontal");
    // Span 0..440, widths 200 → gap 120: the middle one starts at 100 + 120.
    expect(patches).toEqual([{ id: "s1", x: 220, y: 80 }]);
    const v = distributePatches(shapes, "vertical");
    // By centre y: s0 (25), s1 (95), s2 (70) → order s0, s2, s1; span 0..110, heights 180 → gap -35.
    expect(v).toEqual([{ id: "s2", x: 400, y: 15 }]);
    expect(distributePatches(shapes.slice(0, 2), "horizontal")).toEqual([]);
  });

  test("[AL3] each align is one action, one store write (one undo step); nothing to do leaves the document alone", () => {
    const { store, ids, actions, byId } = room(three);
    const writes: number[] = [];
    store.doc.on("afterTransaction", () => writes.push(1));
    expect(actions.run("align-top")).toBe(true);
    expect(ids.map((id) => byId(id).y)).toEqual([0, 0, 0]);
    expect(writes).toHaveLength(1);
    expect(actions.run("align-top")).toBe(false);
    expect(writes).toHaveLength(1);
    expect(actions.run("distribute-horizontal")).toBe(true);
    expect(byId(ids[1]!).x).toBe(220);
    expect(writes).toHaveLength(2);
  });

  test("[S8] the toggles flip this tab's snapping settings", () => {
    const { actions } = room([]);
    const before = snapSettings();
    actions.run("toggle-snap");
    expect(snapSettings().objects).toBe(!before.objects);
    actions.run("toggle-grid");
    expect(snapSettings().grid).toBe(!before.grid);
    setSnapSettings(before);
  });
});
