/**
 * Erase: every shape the pointer passes over dims at once and is removed, all in one write,
 * when the pointer lets go; a cancel brings them back untouched.
 */
import { ERASE_STEP_PX } from "../../shared/constants";
import type { Point } from "../../tools/geometry";
import type { Gesture, GestureContext, PointerInput, ToolBehaviour } from "./types";

export function startErase(ctx: GestureContext, down: PointerInput): Gesture {
  const ids = new Set<string>();
  const undim: (() => void)[] = [];
  let last: Point = down.screen;

  const eraseAt = (screen: Point) => {
    const id = ctx.hitTest(screen).shapeId;
    // A locked shape cannot be erased (GR5).
    if (!id || ids.has(id) || ctx.shape(id)?.locked) return;
    ids.add(id);
    const restore = ctx.fade(id);
    if (restore) undim.push(restore);
  };

  eraseAt(down.screen);
  ctx.capturePointer(down.pointerId);
  return {
    name: "erase",
    pointerId: down.pointerId,
    pointerMove(input) {
      const p = input.screen;
      // Pointer events arrive far apart on a fast swipe: test every few pixels in between.
      const steps = Math.max(1, Math.ceil(Math.hypot(p.x - last.x, p.y - last.y) / ERASE_STEP_PX));
      for (let i = 1; i <= steps; i++) {
        eraseAt({
          x: last.x + ((p.x - last.x) * i) / steps,
          y: last.y + ((p.y - last.y) * i) / steps,
        });
      }
      last = p;
    },
    pointerUp() {
      for (const restore of undim) restore();
      ctx.store().remove([...ids]);
    },
    cancel() {
      for (const restore of undim) restore();
      ctx.redrawShapes();
    },
  };
}

export const eraserTool: ToolBehaviour = { cursor: "crosshair", start: startErase };
