/**
 * Draw: a drag creates a shape (rect, ellipse, line, arrow, pen, sticky note, or any tool
 * registered with a builder). The shape so far shows as a draft, to this user and to others;
 * the document gets the finished shape once, on pointer up. A click places the tool's default
 * (a sticky note, a pen dot) or nothing.
 */
import { PEN_MIN_STEP_PX } from "../../shared/constants";
import type { Point } from "../../tools/geometry";
import { CLICK_SLOP_PX, type ShapeBuilder, shapeFromDrag } from "../../tools/shapeFactory";
import type { ToolName } from "../../tools/tools";
import type { Gesture, GestureContext, PointerInput, ToolBehaviour } from "./types";

/** The draft's id: never a document id, so the draft never collides with a real shape. */
const DRAFT_ID = "draft";

export function startDraw(
  ctx: GestureContext,
  down: PointerInput,
  tool: ToolName,
  build: ShapeBuilder,
): Gesture {
  const start: Point = down.canvas;
  const freehand = tool === "pen";
  /** Absolute canvas points: every sample for the pen, start and end for the others. */
  let path = [start.x, start.y];

  const showDraft = (square: boolean | undefined) => {
    const end = { x: path[path.length - 2]!, y: path[path.length - 1]! };
    const shape = build(ctx.style(), start, end, { square, path, minSize: 0.01 });
    ctx.showDraft(shape ? { ...shape, id: DRAFT_ID, z: "" } : null);
  };

  ctx.capturePointer(down.pointerId);
  showDraft(undefined);
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
        path = [start.x, start.y, c.x, c.y];
      }
      showDraft(input.shiftKey);
    },
    pointerUp(input) {
      ctx.showDraft(null);
      const c = input.canvas;
      const clicked =
        Math.hypot(input.screen.x - down.screen.x, input.screen.y - down.screen.y) < CLICK_SLOP_PX;
      const end = freehand ? c : clicked ? start : c;
      const shape = build(ctx.style(), start, end, {
        square: input.shiftKey,
        path: freehand ? [...path, c.x, c.y] : undefined,
        minSize: clicked ? Number.POSITIVE_INFINITY : 0.01,
      });
      if (!shape) return;
      const ids = ctx.store().create([shape]);
      ctx.created(ids, tool);
    },
    cancel() {
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
