/** Pan: the camera follows the pointer (hand tool, space held, or the middle button). */
import type { Gesture, GestureContext, PointerInput } from "./types";

export function startPan(ctx: GestureContext, down: PointerInput): Gesture {
  const startView = ctx.view();
  const startScreen = down.screen;
  ctx.capturePointer(down.pointerId);
  return {
    name: "pan",
    pointerId: down.pointerId,
    cursor: "grabbing",
    pointerMove(input) {
      ctx.setView({
        ...startView,
        x: startView.x + input.screen.x - startScreen.x,
        y: startView.y + input.screen.y - startScreen.y,
      });
    },
    pointerUp() {},
    // The camera stays where the pan took it: moving the view is not an edit to undo.
    cancel() {},
  };
}
