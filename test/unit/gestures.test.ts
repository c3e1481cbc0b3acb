/**
 * Canvas gestures (src/canvas/gestures, docs/architecture.md "Canvas and gestures") in Node,
 * against a fake GestureContext over a real ShapeStore: each gesture's main path and its cancel
 * (Escape). Rules G1–G13 are listed in docs/architecture.md. The fake hit-tests shapes by their
 * bounds and moves "pictures" in a map, standing in for Konva nodes.
 */
import { beforeEach, describe, expect, test } from "vitest";
import * as Y from "yjs";
import { startPinch } from "../../src/canvas/gestures/pinch";
import { cursorFor, TOOL_BEHAVIOURS } from "../../src/canvas/gestures/registry";
import type {
  EditRequest,
  Gesture,
  GestureContext,
  GrabbedShapes,
  PointerInput,
} from "../../src/canvas/gestures/types";
import { screenToCanvas, type View } from "../../src/canvas/view";
import { ShapeStore } from "../../src/doc/shapeStore";
import type { Shape } from "../../src/shared/schema";
import { type Point, type Rect, round2, shapeBounds } from "../../src/tools/geometry";
import { DEFAULT_STYLE, STICKY_SIZE, shapeFromDrag } from "../../src/tools/shapeFactory";
import { DRAW_TOOLS, TOOLS, type ToolName } from "../../src/tools/tools";

/** A board in memory: what the gestures may see and do, with every effect recorded. */
class FakeBoard {
  readonly store = new ShapeStore(new Y.Doc());
  view: View = { x: 0, y: 0, zoom: 1 };
  selection: string[] = [];
  readOnly = false;
  pointers = new Map<number, Point>();
  captured: number[] = [];
  /** Offsets of shapes' pictures from their document position, while moved. */
  offsets = new Map<string, Point>();
  lifted = new Set<string>();
  faded = new Set<string>();
  redraws = 0;
  moving: (Shape[] | null)[] = [];
  drafts: (Shape | null)[] = [];
  marquees: (Rect | null)[] = [];
  lasers: (Point | null)[] = [];
  created: { ids: string[]; tool: ToolName }[] = [];
  edits: EditRequest[] = [];

  /** Adds a rect directly to the document; returns its id. */
  rect(x: number, y: number, width = 100, height = 100): string {
    const shape = shapeFromDrag("rect", DEFAULT_STYLE, { x, y }, { x: x + width, y: y + height });
    return this.store.create([shape!])[0]!;
  }

  text(x: number, y: number): string {
    const shape = shapeFromDrag("sticky", DEFAULT_STYLE, { x, y }, { x: x + 50, y: y + 50 });
    return this.store.create([shape!])[0]!;
  }

  shapes = () => this.store.read();
  byId = (id: string) => this.shapes().find((s) => s.id === id);

  /** The topmost shape whose bounds hold the canvas point (where the picture is now). */
  shapeAt(c: Point): string | null {
    const hits = this.shapes().filter((s) => {
      const o = this.offsets.get(s.id) ?? { x: 0, y: 0 };
      const b = shapeBounds(s);
      return (
        c.x >= b.x + o.x &&
        c.x <= b.x + o.x + b.width &&
        c.y >= b.y + o.y &&
        c.y <= b.y + o.y + b.height
      );
    });
    return hits.at(-1)?.id ?? null;
  }

  grab(ids: readonly string[]): GrabbedShapes {
    const held = [...ids];
    let by = { x: 0, y: 0 };
    const place = () => {
      for (const id of held) this.offsets.set(id, { ...by });
    };
    return {
      lift: () => {
        for (const id of held) this.lifted.add(id);
      },
      moveBy(dx, dy) {
        by = { x: dx, y: dy };
        place();
      },
      live: () =>
        held.flatMap((id) => {
          const s = this.byId(id);
          return s ? [{ ...s, x: s.x + by.x, y: s.y + by.y }] : [];
        }),
      positions: () =>
        held.flatMap((id) => {
          const s = this.byId(id);
          return s ? [{ id, x: round2(s.x + by.x), y: round2(s.y + by.y) }] : [];
        }),
      restore() {
        by = { x: 0, y: 0 };
        place();
      },
      drop: () =>
        held.forEach((id) => {
          this.lifted.delete(id);
          const o = this.offsets.get(id);
          if (o && o.x === 0 && o.y === 0) this.offsets.delete(id);
        }),
    };
  }

  ctx(): GestureContext {
    return {
      view: () => this.view,
      setView: (view) => {
        this.view = view;
      },
      toCanvas: (p) => screenToCanvas(this.view, p),
      hitTest: (p) => ({
        shapeId: this.shapeAt(screenToCanvas(this.view, p)),
        onSelectionFrame: false,
      }),
      insideSelectionFrame: (p) => {
        const c = screenToCanvas(this.view, p);
        return this.selection.some((id) => {
          const b = shapeBounds(this.byId(id)!);
          return (
            c.x >= b.x - 50 &&
            c.x <= b.x + b.width + 50 &&
            c.y >= b.y - 50 &&
            c.y <= b.y + b.height + 50
          );
        });
      },
      pointers: () => [...this.pointers.values()],
      capturePointer: (id) => this.captured.push(id),
      shape: (id) => this.byId(id),
      shapes: this.shapes,
      style: () => DEFAULT_STYLE,
      readOnly: () => this.readOnly,
      selection: () => this.selection,
      select: (ids) => {
        this.selection = ids;
      },
      store: () => this.store,
      grab: (ids) => this.grab(ids),
      fade: (id) => {
        this.faded.add(id);
        return () => this.faded.delete(id);
      },
      redrawShapes: () => {
        this.redraws++;
      },
      publishMoving: (shapes) => this.moving.push(shapes),
      showDraft: (shape) => this.drafts.push(shape),
      showMarquee: (rect) => this.marquees.push(rect),
      laser: (point) => this.lasers.push(point),
      created: (ids, tool) => this.created.push({ ids, tool }),
      edit: (request) => this.edits.push(request),
    };
  }
}

let board: FakeBoard;
let ctx: GestureContext;
beforeEach(() => {
  board = new FakeBoard();
  ctx = board.ctx();
});

const at = (
  x: number,
  y: number,
  opts: { pointerId?: number; shift?: boolean } = {},
): PointerInput => ({
  pointerId: opts.pointerId ?? 1,
  screen: { x, y },
  canvas: screenToCanvas(board.view, { x, y }),
  shiftKey: opts.shift ?? false,
});

/** Presses with `tool` at screen (x, y), as the dispatcher does: hit test, then the tool's start. */
function press(tool: ToolName, x: number, y: number, shift = false): Gesture | null {
  const input = at(x, y, { shift });
  return TOOL_BEHAVIOURS[tool].start(ctx, input, ctx.hitTest(input.screen));
}

/** Moves through the given screen points, then lets go at the last one. */
function drag(g: Gesture, points: [number, number][], shift = false): void {
  for (const [x, y] of points) g.pointerMove(at(x, y, { shift }));
  const [x, y] = points.at(-1)!;
  g.pointerUp(at(x, y, { shift }));
}

describe("pan", () => {
  test("G1 the hand tool moves the camera with the pointer and writes nothing", () => {
    board.rect(0, 0);
    const g = press("hand", 100, 100)!;
    expect(g.cursor).toBe("grabbing");
    g.pointerMove(at(160, 70));
    expect(board.view).toEqual({ x: 60, y: -30, zoom: 1 });
    g.pointerUp(at(160, 70));
    expect(board.view).toEqual({ x: 60, y: -30, zoom: 1 });
    expect(board.store.read()).toHaveLength(1);
    expect(board.captured).toEqual([1]);
  });

  test("G1 cancel (Escape) stops following the pointer and leaves the camera where it is", () => {
    const g = press("hand", 100, 100)!;
    g.pointerMove(at(130, 100));
    g.cancel();
    expect(board.view).toEqual({ x: 30, y: 0, zoom: 1 });
  });
});

describe("pinch", () => {
  test("G2 two fingers zoom by how far they spread and pan with the point between them", () => {
    board.pointers.set(1, { x: 100, y: 100 });
    board.pointers.set(2, { x: 200, y: 100 });
    const g = startPinch(ctx)!;
    expect(g.pointerId).toBeNull();
    // Twice as far apart, and their midpoint moved from (150, 100) to (200, 150).
    board.pointers.set(1, { x: 100, y: 150 });
    board.pointers.set(2, { x: 300, y: 150 });
    g.pointerMove(at(300, 150, { pointerId: 2 }));
    expect(board.view.zoom).toBeCloseTo(2);
    // The canvas point that was between the fingers is still between them.
    const c = screenToCanvas(board.view, { x: 200, y: 150 });
    expect(c.x).toBeCloseTo(150);
    expect(c.y).toBeCloseTo(100);
  });

  test("G2 a pinch needs two pointers; cancel leaves the camera as the fingers left it", () => {
    board.pointers.set(1, { x: 100, y: 100 });
    expect(startPinch(ctx)).toBeNull();
    board.pointers.set(2, { x: 200, y: 100 });
    const g = startPinch(ctx)!;
    board.pointers.set(2, { x: 300, y: 100 });
    g.pointerMove(at(300, 100, { pointerId: 2 }));
    const view = board.view;
    g.cancel();
    expect(board.view).toBe(view);
    expect(view.zoom).toBeCloseTo(2);
  });
});

describe("move", () => {
  test("G3 a drag of a shape moves it live (presence only) and writes it once on pointer up", () => {
    const id = board.rect(100, 100);
    const g = press("select", 150, 150)!;
    expect(g.name).toBe("move");
    expect(board.selection).toEqual([id]);
    g.pointerMove(at(151, 151)); // inside the click slop: nothing moves
    expect(board.moving).toEqual([]);
    g.pointerMove(at(200, 180));
    g.pointerMove(at(250, 210));
    expect(board.lifted.has(id)).toBe(true);
    expect(board.moving.at(-1)).toMatchObject([{ id, x: 200, y: 160 }]);
    expect(board.byId(id)).toMatchObject({ x: 100, y: 100 }); // not written yet
    g.pointerUp(at(250, 210));
    expect(board.byId(id)).toMatchObject({ x: 200, y: 160 });
    expect(board.moving.at(-1)).toBeNull();
    expect(board.lifted.size).toBe(0);
  });

  test("G3 cancel (Escape) puts the shapes back, writes nothing and ends the presence", () => {
    const id = board.rect(100, 100);
    const g = press("select", 150, 150)!;
    g.pointerMove(at(300, 300));
    expect(board.offsets.get(id)).toEqual({ x: 150, y: 150 });
    g.cancel();
    expect(board.offsets.has(id)).toBe(false);
    expect(board.lifted.size).toBe(0);
    expect(board.redraws).toBe(1);
    expect(board.moving.at(-1)).toBeNull();
    expect(board.byId(id)).toMatchObject({ x: 100, y: 100 });
  });

  test("G4 a click on one shape of a multi-selection selects just that one; view-only never moves", () => {
    const a = board.rect(0, 0);
    const b = board.rect(300, 0);
    board.selection = [a, b];
    const g = press("select", 50, 50)!;
    g.pointerUp(at(50, 50));
    expect(board.selection).toEqual([a]);

    board.readOnly = true;
    expect(press("select", 350, 50)).toBeNull();
    expect(board.selection).toEqual([b]);
  });
});

describe("marquee", () => {
  test("G5 a drag on empty canvas selects every shape the box touches", () => {
    const a = board.rect(100, 100, 50, 50);
    const b = board.rect(400, 400, 50, 50);
    board.rect(800, 800, 50, 50);
    const g = press("select", 50, 50)!;
    expect(g.name).toBe("marquee");
    g.pointerMove(at(200, 200));
    expect(board.marquees.at(-1)).toEqual({ x: 50, y: 50, width: 150, height: 150 });
    drag(g, [[420, 420]]);
    expect(board.marquees.at(-1)).toBeNull();
    expect(board.selection.sort()).toEqual([a, b].sort());
  });

  test("G5 cancel (Escape) hides the box and selects nothing", () => {
    board.rect(100, 100, 50, 50);
    const g = press("select", 50, 50)!;
    g.pointerMove(at(300, 300));
    g.cancel();
    expect(board.marquees.at(-1)).toBeNull();
    expect(board.selection).toEqual([]);
  });
});

describe("draw", () => {
  test("G6 a rectangle drag shows a draft while it lasts and creates one shape on pointer up", () => {
    const g = press("rect", 200, 200)!;
    drag(g, [
      [300, 275],
      [400, 350],
    ]);
    const shapes = board.store.read();
    expect(shapes).toHaveLength(1);
    expect(shapes[0]).toMatchObject({ type: "rect", x: 200, y: 200, width: 200, height: 150 });
    expect(board.created).toEqual([{ ids: [shapes[0]!.id], tool: "rect" }]);
    expect(board.drafts.at(-2)).toMatchObject({ id: "draft", width: 200, height: 150 });
    expect(board.drafts.at(-1)).toBeNull();
  });

  test("G6 the pen keeps its samples; a sticky-note click places a default-sized note", () => {
    board.view = { x: 0, y: 0, zoom: 2 };
    const pen = press("pen", 100, 100)!;
    drag(pen, [
      [100.5, 100], // under a screen pixel: dropped
      [140, 100],
      [140, 160],
    ]);
    const stroke = board.store.read()[0]!;
    expect(stroke).toMatchObject({ type: "pen", x: 50, y: 50 });
    expect(stroke.points).toEqual([0, 0, 20, 0, 20, 30]);

    const note = press("sticky", 400, 400)!;
    note.pointerUp(at(401, 400));
    expect(board.store.read().find((s) => s.type === "sticky")).toMatchObject({
      x: 200,
      y: 200,
      width: STICKY_SIZE,
      height: STICKY_SIZE,
    });
  });

  test("G6 cancel (Escape) clears the draft and creates nothing", () => {
    const g = press("ellipse", 200, 200)!;
    g.pointerMove(at(300, 300));
    expect(board.drafts.at(-1)).toMatchObject({ type: "ellipse" });
    g.cancel();
    expect(board.drafts.at(-1)).toBeNull();
    expect(board.store.read()).toEqual([]);
    expect(board.created).toEqual([]);
  });
});

describe("bind (issue 11)", () => {
  test("G10 an arrow dropped near two shapes binds both ends on their outlines", () => {
    const a = board.rect(100, 100, 100, 100);
    const b = board.rect(400, 100, 100, 100);
    const g = press("arrow", 150, 150)!; // inside a: binds to its nearest edge
    drag(g, [[405, 130]]); // 5 px inside b's left edge
    const arrow = board.store.read().find((s) => s.type === "arrow")!;
    expect(arrow).toMatchObject({ startId: a, endId: b });
    // The start sits on a's outline, the end on b's left edge.
    expect(arrow.endAnchor).toEqual({ x: 0, y: 0.3 });
    expect(arrow.x + arrow.points.at(-2)!).toBeCloseTo(400);
    expect(arrow.y + arrow.points.at(-1)!).toBeCloseTo(130);
  });

  test("G10 Ctrl/Cmd held leaves the end free; far from shapes nothing binds", () => {
    board.rect(400, 100, 100, 100);
    const g = TOOL_BEHAVIOURS.arrow.start(ctx, at(0, 0), ctx.hitTest({ x: 0, y: 0 }))!;
    g.pointerMove({ ...at(405, 130), modKey: true });
    g.pointerUp({ ...at(405, 130), modKey: true });
    const arrow = board.store.read().find((s) => s.type === "arrow")!;
    expect(arrow.startId).toBeUndefined();
    expect(arrow.endId).toBeUndefined();
    expect(arrow.points).toEqual([0, 0, 405, 130]);
  });

  test("G10 moving a bound shape re-routes its arrows in the same undo step", () => {
    const b = board.rect(400, 100, 100, 100);
    const g = press("arrow", 0, 150)!;
    drag(g, [[402, 150]]);
    const arrowId = board.store.read().find((s) => s.type === "arrow")!.id;
    board.store.update([{ id: b, x: 500, y: 200 }]);
    const moved = board.byId(arrowId)!;
    expect(moved.x + moved.points.at(-2)!).toBeCloseTo(500);
    expect(moved.y + moved.points.at(-1)!).toBeCloseTo(250);
    board.store.undo();
    const back = board.byId(arrowId)!;
    expect(back.x + back.points.at(-2)!).toBeCloseTo(400);
    // Deleting the target unbinds the arrow in the same write.
    board.store.remove([b]);
    expect(board.byId(arrowId)?.endId).toBeUndefined();
  });
});

describe("erase", () => {
  test("G7 a fast swipe dims every shape it crosses and removes them all on pointer up", () => {
    const a = board.rect(100, 100, 10, 10);
    const b = board.rect(200, 100, 10, 10);
    const kept = board.rect(100, 300, 10, 10);
    const g = press("eraser", 50, 105)!;
    // One event far past both shapes: the points in between are tested too.
    g.pointerMove(at(260, 105));
    expect([...board.faded].sort()).toEqual([a, b].sort());
    g.pointerUp(at(260, 105));
    expect(board.faded.size).toBe(0);
    expect(board.store.read().map((s) => s.id)).toEqual([kept]);
  });

  test("G7 cancel (Escape) undims them and removes nothing", () => {
    const a = board.rect(100, 100, 10, 10);
    const g = press("eraser", 105, 105)!;
    expect(board.faded.has(a)).toBe(true);
    g.cancel();
    expect(board.faded.size).toBe(0);
    expect(board.redraws).toBe(1);
    expect(board.store.read()).toHaveLength(1);
  });
});

describe("text", () => {
  test("G8 a click opens the editor on pointer up: on a text shape to edit it, elsewhere a new text", () => {
    const note = board.text(100, 100);
    const g = press("text", 120, 120)!;
    expect(board.edits).toEqual([]);
    g.pointerUp(at(120, 120));
    expect(board.edits).toEqual([{ kind: "existing", id: note }]);
    board.view = { x: -100, y: 0, zoom: 2 };
    const h = press("text", 500, 500)!;
    h.pointerUp(at(500, 500));
    expect(board.edits.at(-1)).toEqual({ kind: "new", at: { x: 300, y: 250 } });
  });

  test("G8 cancel (Escape) opens no editor", () => {
    const g = press("text", 120, 120)!;
    g.cancel();
    expect(board.edits).toEqual([]);
  });

  test("G8 a double click with the select tool edits a sticky note or a rect's label, or starts a text on empty canvas", () => {
    const note = board.text(100, 100);
    TOOL_BEHAVIOURS.select.doubleClick!(ctx, at(120, 120));
    const box = board.rect(400, 400);
    TOOL_BEHAVIOURS.select.doubleClick!(ctx, at(450, 450));
    TOOL_BEHAVIOURS.select.doubleClick!(ctx, at(700, 50));
    expect(board.edits).toEqual([
      { kind: "existing", id: note },
      { kind: "existing", id: box },
      { kind: "new", at: { x: 700, y: 50 } },
    ]);
  });
});

describe("laser (issue 11)", () => {
  test("G12 the laser follows the pointer while pressed, ends its trail on up or cancel, writes nothing, works view-only", () => {
    board.readOnly = true;
    const before = board.shapes().length;
    const g = TOOL_BEHAVIOURS.laser.start(ctx, at(10, 10), ctx.hitTest({ x: 10, y: 10 }))!;
    g.pointerMove(at(20, 15));
    g.pointerUp(at(30, 20));
    expect(board.lasers).toEqual([{ x: 10, y: 10 }, { x: 20, y: 15 }, { x: 30, y: 20 }, null]);
    const h = TOOL_BEHAVIOURS.laser.start(ctx, at(50, 50), ctx.hitTest({ x: 50, y: 50 }))!;
    h.cancel();
    expect(board.lasers.slice(-2)).toEqual([{ x: 50, y: 50 }, null]);
    expect(board.shapes().length).toBe(before);
    expect(board.created).toEqual([]);
  });
});

describe("registry", () => {
  test("G9 every tool has a behaviour and a cursor; a gesture's cursor and space held override it", () => {
    for (const { name } of TOOLS) expect(TOOL_BEHAVIOURS[name].cursor, name).toBeTruthy();
    expect([...DRAW_TOOLS].sort()).toEqual([
      "arrow",
      "diamond",
      "ellipse",
      "frame",
      "line",
      "pen",
      "rect",
      "sticky",
      "triangle",
    ]);
    expect(cursorFor("rect", undefined, false)).toBe("crosshair");
    expect(cursorFor("eraser", undefined, false)).toBe("crosshair");
    expect(cursorFor("text", undefined, false)).toBe("text");
    expect(cursorFor("select", undefined, false)).toBe("default");
    expect(cursorFor("hand", undefined, false)).toBe("grab");
    expect(cursorFor("rect", undefined, true)).toBe("grab");
    expect(cursorFor("hand", "grabbing", true)).toBe("grabbing");
  });
});

describe("groups, frames and locks", () => {
  test("G11 a press on a group member selects the group and one move writes all of it; a double click enters the group", () => {
    const a = board.rect(0, 0);
    const b = board.rect(300, 0);
    board.store.update([
      { id: a, groupId: "g" },
      { id: b, groupId: "g" },
    ]);
    const g = press("select", 50, 50)!;
    expect(board.selection.sort()).toEqual([a, b].sort());
    drag(g, [[100, 80]]);
    expect(board.byId(a)).toMatchObject({ x: 50, y: 30 });
    expect(board.byId(b)).toMatchObject({ x: 350, y: 30 });
    board.store.undo();
    expect(board.byId(b)).toMatchObject({ x: 300, y: 0 });

    TOOL_BEHAVIOURS.select.doubleClick?.(ctx, at(350, 50));
    expect(board.selection).toEqual([b]);
    drag(press("select", 350, 50)!, [[350, 150]]);
    expect(board.byId(b)).toMatchObject({ x: 300, y: 100 });
    expect(board.byId(a)).toMatchObject({ x: 0, y: 0 });
    // Cleared selection: the group is whole again.
    board.selection = [];
    press("select", 50, 50);
    expect(board.selection.sort()).toEqual([a, b].sort());
  });

  test("G11 the frame tool adopts what it is drawn around, behind it, in one undo step; moving it carries them", () => {
    const inside = board.rect(100, 100, 50, 50);
    const outside = board.rect(600, 600, 50, 50);
    drag(press("frame", 50, 50)!, [[300, 300]]);
    const frame = board.shapes().find((s) => s.type === "frame")!;
    expect(frame).toMatchObject({ x: 50, y: 50, width: 250, height: 250, name: "Frame" });
    expect(board.byId(inside)?.frameId).toBe(frame.id);
    expect(board.byId(outside)?.frameId).toBeUndefined();
    const order = board.shapes().map((s) => s.id);
    expect(order.indexOf(frame.id)).toBeLessThan(order.indexOf(inside));

    // Drag the frame by its empty corner: the child comes along.
    drag(press("select", 280, 280)!, [[380, 280]]);
    expect(board.byId(frame.id)).toMatchObject({ x: 150, y: 50 });
    expect(board.byId(inside)).toMatchObject({ x: 200, y: 100 });
    // The outside rect dropped into the frame joins it.
    board.selection = [];
    drag(press("select", 625, 625)!, [[325, 225]]);
    expect(board.byId(outside)?.frameId).toBe(frame.id);

    board.store.undo();
    board.store.undo();
    board.store.undo();
    expect(board.shapes().some((s) => s.type === "frame")).toBe(false);
    expect(board.byId(inside)?.frameId).toBeUndefined();
  });

  test("G11 a locked shape is selected by a click but not moved, marqueed or erased", () => {
    const id = board.rect(100, 100);
    board.store.update([{ id, locked: true }]);
    expect(press("select", 150, 150)).toBeNull();
    expect(board.selection).toEqual([id]);
    board.selection = [];
    drag(press("select", 50, 50)!, [[300, 300]]);
    expect(board.selection).toEqual([]);
    drag(press("eraser", 150, 150)!, [[160, 160]]);
    expect(board.byId(id)).toBeDefined();
  });
});
