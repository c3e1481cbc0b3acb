/** Marquee: a rubber-band box on empty canvas selects every shape it touches. */
import { marqueePick } from "../../doc/diagram";
import type { Point } from "../../tools/geometry";
import { rectFromCorners, rectsIntersect, shapeBounds } from "../../tools/geometry";
import type { Gesture, GestureContext, PointerInput } from "./types";

export function startMarquee(
  ctx: GestureContext,
  down: PointerInput,
  /** Ids that stay selected whatever the box holds (shift adds to the selection). */
  base: readonly string[],
): Gesture {
  const start: Point = down.canvas;
  ctx.capturePointer(down.pointerId);
  return {
    name: "marquee",
    pointerId: down.pointerId,
    pointerMove(input) {
      ctx.showMarquee(rectFromCorners(start, input.canvas));
    },
    pointerUp(input) {
      ctx.showMarquee(null);
      const box = rectFromCorners(start, input.canvas);
      const shapes = ctx.shapes();
      const touched = shapes.filter((s) => rectsIntersect(box, shapeBounds(s))).map((s) => s.id);
      // Whole groups, never locked shapes (GR3).
      ctx.select([...new Set([...base, ...marqueePick(shapes, touched)])]);
    },
    cancel() {
      ctx.showMarquee(null);
    },
  };
}
