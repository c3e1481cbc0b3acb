/**
 * S9: resizing with the selection frame snaps the dragged edge to other shapes' edges and
 * centres (S1) or the grid (S4), through the Transformer's `anchorDragBoundFunc`. The anchor
 * sits off the shapes' edge (padding, its own size, Konva's version), so its offset from the
 * edge is measured when the resize starts and the edge, not the anchor, is snapped.
 * Only an unrotated frame snaps (a rotated edge is not on an axis); the rotation handle has its
 * own steps (S6). Alt held frees it (S7). Candidates are built once per resize, as in a move.
 */
import type Konva from "konva";
import { type RefObject, useCallback, useRef } from "react";
import { SNAP_DISTANCE_PX } from "../shared/constants";
import type { Shape } from "../shared/schema";
import { shapeBounds, unionRects } from "../tools/geometry";
import type { SnapContext } from "./gestures/types";
import { buildTargets, type SnapTargets, snapPoint } from "./snapping";
import { canvasToScreen, screenToCanvas, type View } from "./view";

interface Vector {
  x: number;
  y: number;
}

export function useResizeSnap(opts: {
  transformerRef: RefObject<Konva.Transformer | null>;
  viewRef: RefObject<View>;
  snap: SnapContext;
  selection: () => readonly string[];
  shapesById: () => Map<string, Shape>;
}) {
  const latest = useRef(opts);
  latest.current = opts;
  /** Per resize: the snap lines, and the anchor's offset from the edges it moves (canvas units). */
  const startRef = useRef<{ targets: SnapTargets; sx: number; sy: number } | null>(null);

  const bound = useCallback((old: Vector, pos: Vector, e: unknown): Vector => {
    const { transformerRef, viewRef, snap, selection, shapesById } = latest.current;
    const tr = transformerRef.current;
    const anchor = tr?.getActiveAnchor() ?? "";
    if (!tr || anchor === "rotater" || Math.abs(tr.rotation() % 360) > 0.01) return pos;
    const settings = snap.settings();
    const view = viewRef.current;
    if (!startRef.current) {
      const byId = shapesById();
      const box = unionRects(
        selection()
          .flatMap((id) => byId.get(id) ?? [])
          .map(shapeBounds),
      );
      if (!box) return pos;
      const at = screenToCanvas(view, old);
      startRef.current = {
        targets: settings.objects
          ? buildTargets(snap.candidates(new Set(selection())))
          : { xs: [], ys: [] },
        sx: (anchor.includes("left") ? box.x : box.x + box.width) - at.x,
        sy: (anchor.includes("top") ? box.y : box.y + box.height) - at.y,
      };
    }
    const start = startRef.current;
    if ((e as { altKey?: boolean } | null)?.altKey || (!settings.objects && !settings.grid)) {
      snap.showGuides([]);
      return pos;
    }
    const sx = anchor.includes("left") || anchor.includes("right") ? start.sx : null;
    const sy = anchor.includes("top") || anchor.includes("bottom") ? start.sy : null;
    const c = screenToCanvas(view, pos);
    const edge = { x: c.x + (sx ?? 0), y: c.y + (sy ?? 0) };
    const r = snapPoint(edge, start.targets, settings, SNAP_DISTANCE_PX, view.zoom);
    // Only the axes this anchor moves: a side anchor's other coordinate is Konva's to keep.
    const snapped = canvasToScreen(view, {
      x: sx === null ? c.x : r.point.x - sx,
      y: sy === null ? c.y : r.point.y - sy,
    });
    snap.showGuides(r.guides.filter((g) => (g.axis === "x" ? sx !== null : sy !== null)));
    return { x: sx === null ? pos.x : snapped.x, y: sy === null ? pos.y : snapped.y };
  }, []);

  const end = useCallback(() => {
    startRef.current = null;
    latest.current.snap.showGuides([]);
  }, []);

  return { bound, end };
}
