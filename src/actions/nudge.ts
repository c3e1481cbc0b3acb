import { NUDGE_STEP, NUDGE_STEP_BIG } from "../shared/constants";
import { isPlain } from "./keys";
import { selectedShapes } from "./selection";
import { defineAction } from "./types";

const DIRECTIONS: Readonly<Record<string, readonly [number, number]>> = {
  ArrowLeft: [-1, 0],
  ArrowRight: [1, 0],
  ArrowUp: [0, -1],
  ArrowDown: [0, 1],
};

/** Moves the selection by an arrow key's step, or by `value` `{ dx, dy }` (canvas units). */
export const nudge = defineAction({
  name: "nudge",
  label: "Nudge",
  viewerMay: false,
  keyTest: (e) => isPlain(e) && e.key in DIRECTIONS,
  perform(ctx, { key, value }) {
    let dx = 0;
    let dy = 0;
    if (key) {
      const [x, y] = DIRECTIONS[key.key] ?? [0, 0];
      const step = key.shiftKey ? NUDGE_STEP_BIG : NUDGE_STEP;
      dx = x * step;
      dy = y * step;
    } else if (value && typeof value === "object" && "dx" in value && "dy" in value) {
      dx = Number(value.dx);
      dy = Number(value.dy);
    }
    const moving = selectedShapes(ctx).filter((s) => !s.locked);
    // Nothing selected: the arrow key is the browser's.
    if (moving.length === 0) return false;
    ctx.store.update(moving.map((s) => ({ id: s.id, x: s.x + dx, y: s.y + dy })));
    return true;
  },
});
