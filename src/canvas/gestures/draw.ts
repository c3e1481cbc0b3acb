/**
 * Draw: a drag creates a shape (rect, ellipse, line, arrow, pen, sticky note, or any tool
 * registered with a builder). The shape so far shows as a draft, to this user and to others;
 * the document gets the finished shape once, on pointer up. A click places the tool's default
 * (a sticky note, a pen dot) or nothing.
 */
import type { NewShape } from "../../doc/shapeStore";
import { type BindCandidate, findBinding } from "../../shared/binding";
import { BIND_DISTANCE_PX, LINE_ANGLE_STEP_DEG, PEN_MIN_STEP_PX } from "../../shared/constants";
import { CONNECTOR_TYPES } from "../../shared/schema";
import type { Point } from "../../tools/geometry";
import { CLICK_SLOP_PX, type ShapeBuilder, shapeFromDrag } from "../../tools/shapeFactory";
import type { ToolName } from "../../tools/tools";
import { constrainAngle } from "../snapping";
import { startSnapping } from "./snap";
import type { Gesture, GestureContext, PointerInput, ToolBehaviour } from "./types";

/** The draft's id: never a document id, so the draft never collides with a real shape. */
const DRAFT_ID = "draft";

export function startDraw(
  ctx: GestureContext,
  down: PointerInput,
  tool: ToolName,
  build: ShapeBuilder,
): Gesture {
  const freehand = tool === "pen";
  const connector = CONNECTOR_TYPES.has(tool as NewShape["type"]);
  // Corners and line ends snap to other shapes and the grid (S1–S4); the pen draws freely.
  const snapper = startSnapping(ctx, [], !freehand);
  const start: Point = snapper.point(down.canvas, down);
  /** Where the drag ends: Shift keeps a line or arrow at 45° steps (S5), otherwise it snaps. */
  const endAt = (c: Point, input: PointerInput): Point => {
    if (connector && input.shiftKey) {
      snapper.end();
      return constrainAngle(start, c, LINE_ANGLE_STEP_DEG);
    }
    return snapper.point(c, input);
  };
  /** Absolute canvas points: every sample for the pen, start and end for the others. */
  let path = [start.x, start.y];

  /** Where a line or arrow end binds (src/shared/binding.ts), unless Ctrl/Cmd is held. */
  const bindAt = (p: Point, input: PointerInput): BindCandidate | null =>
    connector && !input.modKey
      ? findBinding(ctx.shapes(), p, BIND_DISTANCE_PX / ctx.view().zoom)
      : null;
  const startBind = bindAt(start, down);

  /** The built shape with its ends snapped onto the shapes they bind to. */
  const bound = (shape: NewShape | null, input: PointerInput): NewShape | null => {
    if (!shape || !connector || shape.points.length < 4) return shape;
    const end = bindAt(
      { x: shape.x + shape.points.at(-2)!, y: shape.y + shape.points.at(-1)! },
      input,
    );
    if (end && startBind && end.id === startBind.id) return shape;
    const out: NewShape = { ...shape, points: [...shape.points] };
    if (startBind) {
      out.startId = startBind.id;
      out.startAnchor = startBind.anchor;
      const dx = startBind.point.x - shape.x;
      const dy = startBind.point.y - shape.y;
      out.x = startBind.point.x;
      out.y = startBind.point.y;
      // Points are relative to (x, y): keep the other points where they are.
      for (let i = 0; i < out.points.length; i += 2) {
        out.points[i] = out.points[i]! - dx;
        out.points[i + 1] = out.points[i + 1]! - dy;
      }
      out.points[0] = 0;
      out.points[1] = 0;
    }
    if (end) {
      out.endId = end.id;
      out.endAnchor = end.anchor;
      out.points[out.points.length - 2] = end.point.x - out.x;
      out.points[out.points.length - 1] = end.point.y - out.y;
    }
    return out;
  };

  const showDraft = (input: PointerInput) => {
    const end = { x: path[path.length - 2]!, y: path[path.length - 1]! };
    const shape = bound(
      build(ctx.style(), start, end, { square: input.shiftKey, path, minSize: 0.01 }),
      input,
    );
    ctx.showDraft(shape ? { ...shape, id: DRAFT_ID, z: "" } : null);
  };

  ctx.capturePointer(down.pointerId);
  showDraft({ ...down, shiftKey: false });
  return {
    name: "draw",
    pointerId: down.pointerId,
    pointerMove(input) {
      const c = input.canvas;
      if (freehand) {
        const lx = path[path.length - 2]!;
        const ly = path[path.length - 1]!;
        // Samples closer than this on screen add nothing; the stroke is simplified on pointer up.
        if (Math.hypot(c.x - lx, c.y - ly) * ctx.view().zoom < PEN_MIN_STEP_PX) return;
        path.push(c.x, c.y);
      } else {
        const end = endAt(c, input);
        path = [start.x, start.y, end.x, end.y];
      }
      showDraft(input);
    },
    pointerUp(input) {
      ctx.showDraft(null);
      const c = input.canvas;
      const clicked =
        Math.hypot(input.screen.x - down.screen.x, input.screen.y - down.screen.y) < CLICK_SLOP_PX;
      const end = freehand ? c : clicked ? start : endAt(c, input);
      snapper.end();
      const shape = bound(
        build(ctx.style(), start, end, {
          square: input.shiftKey,
          path: freehand ? [...path, c.x, c.y] : undefined,
          minSize: clicked ? Number.POSITIVE_INFINITY : 0.01,
        }),
        input,
      );
      if (!shape) return;
      const ids = ctx.store().create([shape]);
      ctx.created(ids, tool);
    },
    cancel() {
      snapper.end();
      ctx.showDraft(null);
    },
  };
}

/** A tool that draws by dragging; `build` defaults to the built-in shapes' factory. */
export function drawTool(
  tool: ToolName,
  build: ShapeBuilder = (style, start, end, opts) => shapeFromDrag(tool, style, start, end, opts),
): ToolBehaviour {
  return { cursor: "crosshair", start: (ctx, down) => startDraw(ctx, down, tool, build) };
}
