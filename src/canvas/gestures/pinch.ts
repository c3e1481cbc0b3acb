/** Pinch: two fingers zoom about the point between them and pan with it. */
import type { Point } from "../../tools/geometry";
import { zoomAround } from "../view";
import type { Gesture, GestureContext } from "./types";

const spread = (a: Point, b: Point) => Math.max(1, Math.hypot(a.x - b.x, a.y - b.y));
const middle = (a: Point, b: Point): Point => ({ x: (a.x + b.x) / 2, y: (a.y + b.y) / 2 });

/** Starts when a second pointer goes down; null when two are not down. */
export function startPinch(ctx: GestureContext): Gesture | null {
  const [a, b] = ctx.pointers();
  if (!a || !b) return null;
  const startDistance = spread(a, b);
  const startCenter = middle(a, b);
  const startView = ctx.view();
  return {
    name: "pinch",
    pointerId: null,
    pointerMove() {
      const [p, q] = ctx.pointers();
      if (!p || !q) return;
      const center = middle(p, q);
      const zoomed = zoomAround(
        startView,
        startView.zoom * (spread(p, q) / startDistance),
        startCenter,
      );
      ctx.setView({
        ...zoomed,
        x: zoomed.x + center.x - startCenter.x,
        y: zoomed.y + center.y - startCenter.y,
      });
    },
    pointerUp() {},
    cancel() {},
  };
}
