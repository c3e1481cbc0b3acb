/**
 * Snapping for a gesture (move, draw): builds the snap lines once, when the gesture starts,
 * from the context's bounded candidate set, then snaps each frame's box or point against them
 * and shows the guides. Alt held on a pointer move snaps nothing for that move.
 */
import { SNAP_DISTANCE_PX } from "../../shared/constants";
import type { Point, Rect } from "../../tools/geometry";
import { buildTargets, type Guide, type SnapTargets, snapBox, snapPoint } from "../snapping";
import type { GestureContext, PointerInput } from "./types";

export interface GestureSnapper {
  /** The shift that snaps `box` (where the selection would be), canvas units. */
  box(box: Rect, input: PointerInput): { dx: number; dy: number };
  /** `p` snapped (a corner of a box being drawn, a line's end). */
  point(p: Point, input: PointerInput): Point;
  /** Hides the guides: call when the gesture ends or is cancelled. */
  end(): void;
}

const NONE: GestureSnapper = {
  box: () => ({ dx: 0, dy: 0 }),
  point: (p) => p,
  end() {},
};

export function startSnapping(
  ctx: GestureContext,
  exclude: readonly string[],
  enabled = true,
): GestureSnapper {
  const snap = ctx.snap;
  if (!snap || !enabled) return NONE;
  let targets: SnapTargets | null = null;
  let shown: readonly Guide[] = [];
  const show = (guides: readonly Guide[]) => {
    // Only when they change: most frames of a drag show the same guides (or none).
    if (guides.length === 0 && shown.length === 0) return;
    if (JSON.stringify(guides) === JSON.stringify(shown)) return;
    shown = guides;
    snap.showGuides(guides);
  };
  const active = (input: PointerInput) => {
    const settings = snap.settings();
    if (input.altKey || (!settings.objects && !settings.grid)) return null;
    // Lazily: a click that never moves costs nothing.
    targets ??= settings.objects
      ? buildTargets(snap.candidates(new Set(exclude)))
      : { xs: [], ys: [] };
    return { settings, targets };
  };
  return {
    box(box, input) {
      const on = active(input);
      if (!on) {
        show([]);
        return { dx: 0, dy: 0 };
      }
      const r = snapBox(box, on.targets, on.settings, SNAP_DISTANCE_PX, ctx.view().zoom);
      show(r.guides);
      return r;
    },
    point(p, input) {
      const on = active(input);
      if (!on) {
        show([]);
        return p;
      }
      const r = snapPoint(p, on.targets, on.settings, SNAP_DISTANCE_PX, ctx.view().zoom);
      show(r.guides);
      return r.point;
    },
    end: () => show([]),
  };
}
