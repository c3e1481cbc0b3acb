/**
 * Laser pointer: while pressed, the pointer leaves a fading trail that this user and everyone
 * else see (presence `laser`), for pointing at things while talking. It writes nothing, so a
 * view-only visitor may use it too.
 */
import type { Gesture, GestureContext, PointerInput, ToolBehaviour } from "./types";

export function startLaser(ctx: GestureContext, down: PointerInput): Gesture {
  ctx.capturePointer(down.pointerId);
  ctx.laser(down.canvas);
  return {
    name: "laser",
    pointerId: down.pointerId,
    pointerMove(input) {
      ctx.laser(input.canvas);
    },
    pointerUp(input) {
      ctx.laser(input.canvas);
      ctx.laser(null);
    },
    cancel() {
      ctx.laser(null);
    },
  };
}

export const laserTool: ToolBehaviour = { cursor: "crosshair", start: startLaser };
