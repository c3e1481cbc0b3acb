/**
 * Culling for large boards (see renderMode.ts; `?render=naive` turns it off): only shapes near
 * the viewport become Konva nodes, re-culled at most once per frame and only when the camera
 * leaves the culled area; of those only the ones in the viewport are drawn; and a hit test
 * draws only the shapes around the pointer into the hit graph.
 */
import type Konva from "konva";
import { type RefObject, useCallback, useEffect, useMemo, useRef, useState } from "react";
import { flushSync } from "react-dom";
import { HIT_SLOP_PX } from "../shared/constants";
import type { Shape } from "../shared/schema";
import type { Point } from "../tools/geometry";
import { rectsIntersect } from "../tools/geometry";
import {
  type Cull,
  cullCovers,
  cullFor,
  drawOnlyInView,
  paintBounds,
  visibleShapes,
} from "./culling";
import { type LazyHitGraph, lazyHitGraph } from "./hitGraph";
import { NAIVE_RENDER } from "./renderMode";
import { INITIAL_VIEW, screenToCanvas, type View } from "./view";

const NO_IDS: ReadonlySet<string> = new Set();

/** Renders everything: the naive baseline, and what an export needs. */
const CULL_NONE: Cull = {
  rect: {
    x: Number.NEGATIVE_INFINITY,
    y: Number.NEGATIVE_INFINITY,
    width: Number.POSITIVE_INFINITY,
    height: Number.POSITIVE_INFINITY,
  },
  // Any camera change re-culls.
  zoom: 0,
};

export interface Culling {
  /** The shapes to mount as nodes, in paint order. */
  rendered: Shape[];
  /** Call after every commit of the shapes layer. */
  onCommit: () => void;
  /** Re-culls within a frame if the camera has left the culled area. */
  schedule: () => void;
  /** The node under a screen point, with the shapes there mounted and in the hit graph. */
  nodeAt: (screen: Point) => Konva.Node | null;
  /** Mounts every shape now (an export needs all of them); the next camera change culls again. */
  showAll: () => void;
  hitGraph: RefObject<LazyHitGraph | null>;
}

export function useCulling(opts: {
  containerRef: RefObject<HTMLDivElement | null>;
  stageRef: RefObject<Konva.Stage | null>;
  shapesLayerRef: RefObject<Konva.Layer | null>;
  viewRef: RefObject<View>;
  shapes: Shape[];
  byId: Map<string, Shape>;
  selection: readonly string[];
  editingId: string | null;
  /** The latest shapes by id and selection, for Konva callbacks outside React renders. */
  shapesById: () => Map<string, Shape>;
  currentSelection: () => readonly string[];
}): Culling {
  const { containerRef, stageRef, shapesLayerRef, viewRef } = opts;
  const latest = useRef(opts);
  latest.current = opts;
  const hitGraphRef = useRef<LazyHitGraph | null>(null);

  const [cull, setCull] = useState<Cull>(() =>
    NAIVE_RENDER ? CULL_NONE : cullFor(INITIAL_VIEW, window.innerWidth, window.innerHeight),
  );
  /** The cull asked for (may be ahead of `cull` until React renders). */
  const cullRef = useRef(cull);
  const committedCullRef = useRef(cull);
  const cullFrameRef = useRef<number | null>(null);

  /** Re-culls when the camera has left the culled area; `now` renders it before returning. */
  const recull = useCallback(
    (now: boolean) => {
      if (NAIVE_RENDER) return;
      const el = containerRef.current;
      if (!el) return;
      const width = el.clientWidth;
      const height = el.clientHeight;
      if (!cullCovers(cullRef.current, viewRef.current, width, height)) {
        cullRef.current = cullFor(viewRef.current, width, height);
      }
      const wanted = cullRef.current;
      if (wanted === committedCullRef.current) return;
      if (now) flushSync(() => setCull(wanted));
      else setCull(wanted);
    },
    [containerRef, viewRef],
  );

  const schedule = useCallback(() => {
    if (NAIVE_RENDER || cullFrameRef.current !== null) return;
    cullFrameRef.current = requestAnimationFrame(() => {
      cullFrameRef.current = null;
      recull(false);
    });
  }, [recull]);
  useEffect(
    () => () => {
      if (cullFrameRef.current !== null) cancelAnimationFrame(cullFrameRef.current);
    },
    [],
  );

  const { shapes, byId, selection, editingId } = opts;
  const culled = useMemo(
    () => (cull === CULL_NONE ? shapes : visibleShapes(shapes, cull.rect, NO_IDS)),
    [shapes, cull],
  );
  const rendered = useMemo(() => {
    if (cull === CULL_NONE) return shapes;
    // Selected and edited shapes are always rendered; when they are in the culled area anyway
    // (the usual case) the list, and so the shapes layer, stays as it was.
    const always = new Set(selection);
    if (editingId) always.add(editingId);
    const outside = [...always].some((id) => {
      const shape = byId.get(id);
      return shape !== undefined && !rectsIntersect(cull.rect, paintBounds(shape));
    });
    return outside ? visibleShapes(shapes, cull.rect, always) : culled;
  }, [shapes, byId, culled, cull, selection, editingId]);

  const onCommit = useCallback(() => {
    committedCullRef.current = cull;
    hitGraphRef.current?.invalidate();
  }, [cull]);

  // The lazy hit graph, and drawing only the nodes in view, on the shapes layer.
  useEffect(() => {
    const layer = shapesLayerRef.current;
    if (NAIVE_RENDER || !layer) return;
    const hitGraph = lazyHitGraph(layer);
    let selected: { ids: readonly string[]; set: Set<string> } | null = null;
    // Selected nodes are always drawn: a transform scales them beyond their shape's bounds.
    const undoInView = drawOnlyInView(layer, (node) => {
      const ids = latest.current.currentSelection();
      if (selected?.ids !== ids) selected = { ids, set: new Set(ids) };
      const id = node.id();
      if (selected.set.has(id)) return null;
      const shape = latest.current.shapesById().get(id);
      return shape ? paintBounds(shape) : null;
    });
    hitGraphRef.current = hitGraph;
    return () => {
      hitGraphRef.current = null;
      undoInView();
      hitGraph.dispose();
    };
  }, [shapesLayerRef]);

  const nodeAt = useCallback(
    (p: Point): Konva.Node | null => {
      const stage = stageRef.current;
      if (!stage) return null;
      // Shapes just scrolled into view must be nodes, and the hit graph current, first.
      recull(true);
      const hitGraph = hitGraphRef.current;
      if (hitGraph) {
        // Only the shapes around the point go into the hit graph.
        const c = screenToCanvas(viewRef.current, p);
        const slop = HIT_SLOP_PX / viewRef.current.zoom;
        const byId = latest.current.shapesById();
        hitGraph.ensureAt(p, (node) => {
          const shape = byId.get(node.id());
          if (!shape) return true;
          const b = paintBounds(shape);
          return (
            c.x >= b.x - slop &&
            c.x <= b.x + b.width + slop &&
            c.y >= b.y - slop &&
            c.y <= b.y + b.height + slop
          );
        });
      }
      return stage.getIntersection(p);
    },
    [recull, stageRef, viewRef],
  );

  const showAll = useCallback(() => {
    if (!NAIVE_RENDER && committedCullRef.current !== CULL_NONE) {
      cullRef.current = CULL_NONE;
      flushSync(() => setCull(CULL_NONE));
    }
  }, []);

  return { rendered, onCommit, schedule, nodeAt, showAll, hitGraph: hitGraphRef };
}
