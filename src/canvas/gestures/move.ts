/**
 * Move: drags the selected shapes. Each frame moves their pictures and tells others where they
 * are (presence); the document gets one write when the pointer lets go. A press that never
 * leaves the click slop is a click, not a move.
 */
import { membershipPatches } from "../../doc/diagram";
import { shapeBounds, unionRects } from "../../tools/geometry";
import { CLICK_SLOP_PX } from "../../tools/shapeFactory";
import { startSnapping } from "./snap";
import type { Gesture, GestureContext, PointerInput } from "./types";

export function startMove(
  ctx: GestureContext,
  down: PointerInput,
  ids: readonly string[],
  /** The shape under the pointer ("" on the empty middle of the selection frame). */
  clickedId: string,
  /** What a click (no move) on `clickedId` selects: its group, or just it (GR1). */
  clickSelects: readonly string[] = [clickedId],
): Gesture {
  const grabbed = ctx.grab(ids);
  let moved = false;
  // The selection's bounds snap (S1–S4), not the pointer: what lines up is what the user sees.
  const startBox = unionRects(ids.flatMap((id) => ctx.shape(id) ?? []).map(shapeBounds));
  const snapper = startSnapping(ctx, ids);
  ctx.capturePointer(down.pointerId);
  return {
    name: "move",
    pointerId: down.pointerId,
    pointerMove(input) {
      const distance = Math.hypot(input.screen.x - down.screen.x, input.screen.y - down.screen.y);
      if (!moved && distance < CLICK_SLOP_PX) return;
      if (!moved) grabbed.lift();
      moved = true;
      const dx = input.canvas.x - down.canvas.x;
      const dy = input.canvas.y - down.canvas.y;
      const snap = startBox
        ? snapper.box({ ...startBox, x: startBox.x + dx, y: startBox.y + dy }, input)
        : { dx: 0, dy: 0 };
      grabbed.moveBy(dx + snap.dx, dy + snap.dy);
      ctx.publishMoving(grabbed.live());
    },
    pointerUp(input) {
      if (!moved) {
        // A plain click on one shape of a multi-selection selects just that shape.
        if (!input.shiftKey && clickedId && ctx.selection().length > 1) {
          ctx.select([...clickSelects]);
        }
        return;
      }
      snapper.end();
      grabbed.drop();
      const positions = grabbed.positions();
      // Dropped into a frame joins it, dragged out of one leaves it: in the same write (GR9).
      ctx.store().update([...positions, ...membershipPatches(ctx.shapes(), positions)]);
      // After the commit: the room relays the update before this presence, so the shape lands
      // for everyone without snapping back.
      ctx.publishMoving(null);
    },
    cancel() {
      snapper.end();
      grabbed.restore();
      grabbed.drop();
      ctx.redrawShapes();
      ctx.publishMoving(null);
    },
  };
}
