/**
 * The camera: pan and zoom state, the wheel, follow mode, fit, and the stage size. The camera
 * lives in a ref and on the Konva stage, never in React state: a pan re-renders nothing, and
 * only a zoom change reaches React (the percentage display). A shapes layer too costly to redraw
 * every frame is moved as a picture until the camera rests (movingPicture.ts).
 */
import type Konva from "konva";
import { Konva as KonvaGlobal } from "konva/lib/Global";
import { type RefObject, useCallback, useEffect, useMemo, useRef, useState } from "react";
import { GRID_SIZE, SUMMON_GLIDE_MS, WHEEL_LINE_PX, WHEEL_NOTCH_PX } from "../shared/constants";
import type { Shape } from "../shared/schema";
import { type Point, shapeBounds, unionRects } from "../tools/geometry";
import { type MovingPicture, movingPicture } from "./movingPicture";
import { NAIVE_RENDER } from "./renderMode";
import { clampZoom, fitView, type View, zoomAround } from "./view";

/** Who moved the camera: this user (pan, zoom, fit) or follow mode. */
export type ViewSource = "user" | "follow";
export type ViewListener = (view: View, source: ViewSource) => void;

export interface Camera {
  apply(view: View): void;
  onView(listener: ViewListener): () => void;
  /** Moves the camera for follow mode (listeners see source "follow"). */
  follow(view: View): void;
  /**
   * Glides there over SUMMON_GLIDE_MS like follow (at once in a hidden tab or with reduced
   * motion); any move of the user's own stops it.
   */
  glide(view: View): void;
  zoomBy(factor: number): void;
  zoomTo(zoom: number): void;
  fit(shapes: readonly Shape[]): void;
  /** The screen point at the centre of the viewport. */
  center(): Point;
  /** The canvas point under a client (page) position. */
  screenPoint(e: { clientX: number; clientY: number }): Point;
}

export function useCamera(opts: {
  containerRef: RefObject<HTMLDivElement | null>;
  stageRef: RefObject<Konva.Stage | null>;
  shapesLayerRef: RefObject<Konva.Layer | null>;
  viewRef: RefObject<View>;
  /** After every camera move (the culling re-checks). */
  onMove: () => void;
  onZoom: (zoom: number) => void;
}): { camera: Camera; size: { width: number; height: number } } {
  const { containerRef, stageRef, shapesLayerRef, viewRef, onMove } = opts;
  const onZoomRef = useRef(opts.onZoom);
  onZoomRef.current = opts.onZoom;
  const listeners = useRef(new Set<ViewListener>());
  const sourceRef = useRef<ViewSource>("user");
  const pictureRef = useRef<MovingPicture | null>(null);
  /** The animation frame of a glide in progress. */
  const glideRef = useRef<number | null>(null);
  const [size, setSize] = useState({ width: window.innerWidth, height: window.innerHeight });

  useEffect(() => {
    const layer = shapesLayerRef.current;
    if (NAIVE_RENDER || !layer) return;
    const picture = movingPicture(layer);
    pictureRef.current = picture;
    return () => {
      pictureRef.current = null;
      picture.dispose();
    };
  }, [shapesLayerRef]);

  const apply = useCallback(
    (view: View) => {
      // The user's own pan or zoom wins over a glide in progress.
      if (sourceRef.current === "user" && glideRef.current !== null) {
        cancelAnimationFrame(glideRef.current);
        glideRef.current = null;
      }
      const zoomChanged = view.zoom !== viewRef.current.zoom;
      viewRef.current = view;
      const stage = stageRef.current;
      if (stage) {
        const picture = pictureRef.current;
        if (picture) {
          // Konva would redraw every layer on each attribute change; the shapes layer is left
          // to the picture, which may move it instead of redrawing it.
          const autoDraw = KonvaGlobal.autoDrawEnabled;
          KonvaGlobal.autoDrawEnabled = false;
          try {
            stage.position({ x: view.x, y: view.y });
            if (stage.scaleX() !== view.zoom) stage.scale({ x: view.zoom, y: view.zoom });
          } finally {
            KonvaGlobal.autoDrawEnabled = autoDraw;
          }
          for (const layer of stage.getLayers()) {
            if (layer !== shapesLayerRef.current) layer.batchDraw();
          }
          picture.viewChanged(view);
        } else {
          stage.position({ x: view.x, y: view.y });
          stage.scale({ x: view.zoom, y: view.zoom });
          stage.batchDraw();
        }
      }
      onMove();
      const container = containerRef.current;
      if (container) {
        const grid = GRID_SIZE * view.zoom;
        container.style.backgroundSize = `${grid}px ${grid}px`;
        container.style.backgroundPosition = `${view.x}px ${view.y}px`;
      }
      const source = sourceRef.current;
      for (const listener of listeners.current) listener(view, source);
      if (zoomChanged) onZoomRef.current(view.zoom);
    },
    [containerRef, stageRef, shapesLayerRef, viewRef, onMove],
  );

  // Stage size follows the container.
  useEffect(() => {
    const container = containerRef.current;
    if (!container) return;
    const observer = new ResizeObserver(() => {
      setSize({ width: container.clientWidth, height: container.clientHeight });
      onMove();
    });
    observer.observe(container);
    apply(viewRef.current);
    return () => observer.disconnect();
  }, [apply, onMove, containerRef, viewRef]);

  const screenPoint = useCallback(
    (e: { clientX: number; clientY: number }): Point => {
      const r = containerRef.current?.getBoundingClientRect();
      return { x: e.clientX - (r?.left ?? 0), y: e.clientY - (r?.top ?? 0) };
    },
    [containerRef],
  );

  // The wheel pans; with Ctrl/Cmd (and trackpad pinches, which arrive as ctrl+wheel) it zooms.
  useEffect(() => {
    const container = containerRef.current;
    if (!container) return;
    const onWheel = (e: WheelEvent) => {
      e.preventDefault();
      const scale =
        e.deltaMode === 1 ? WHEEL_LINE_PX : e.deltaMode === 2 ? container.clientHeight : 1;
      const dx = e.deltaX * scale;
      const dy = e.deltaY * scale;
      const view = viewRef.current;
      if (e.ctrlKey || e.metaKey) {
        // Trackpad pinches arrive as small ctrl+wheel deltas; mouse notches as big ones.
        const factor =
          Math.abs(dy) >= WHEEL_NOTCH_PX ? (dy > 0 ? 1 / 1.1 : 1.1) : Math.exp(-dy * 0.01);
        apply(zoomAround(view, view.zoom * factor, screenPoint(e)));
        return;
      }
      const horizontal = e.shiftKey && dx === 0;
      apply({ ...view, x: view.x - (horizontal ? dy : dx), y: view.y - (horizontal ? 0 : dy) });
    };
    // Ctrl/Cmd+wheel over the toolbar or panels would zoom the whole page instead of the canvas.
    const stopPageZoom = (e: WheelEvent) => {
      if (e.ctrlKey || e.metaKey) e.preventDefault();
    };
    container.addEventListener("wheel", onWheel, { passive: false });
    window.addEventListener("wheel", stopPageZoom, { passive: false });
    return () => {
      container.removeEventListener("wheel", onWheel);
      window.removeEventListener("wheel", stopPageZoom);
    };
  }, [apply, screenPoint, containerRef, viewRef]);

  const camera = useMemo((): Camera => {
    const center = (): Point => {
      const el = containerRef.current;
      return { x: (el?.clientWidth ?? 0) / 2, y: (el?.clientHeight ?? 0) / 2 };
    };
    const follow = (view: View) => {
      sourceRef.current = "follow";
      try {
        apply({ ...view, zoom: clampZoom(view.zoom) });
      } finally {
        sourceRef.current = "user";
      }
    };
    return {
      apply,
      onView(listener) {
        listeners.current.add(listener);
        return () => listeners.current.delete(listener);
      },
      follow,
      glide(target) {
        if (glideRef.current !== null) cancelAnimationFrame(glideRef.current);
        glideRef.current = null;
        const still =
          document.hidden || window.matchMedia?.("(prefers-reduced-motion: reduce)").matches;
        if (still) {
          follow(target);
          return;
        }
        // Interpolate the canvas point at the screen's centre, and the zoom in log space, so the
        // path neither swings nor rushes through the zoom.
        const c = center();
        const from = viewRef.current;
        const toZoom = clampZoom(target.zoom);
        const a = { x: (c.x - from.x) / from.zoom, y: (c.y - from.y) / from.zoom };
        const b = { x: (c.x - target.x) / target.zoom, y: (c.y - target.y) / target.zoom };
        const start = performance.now();
        const step = (now: number) => {
          const t = Math.min(1, (now - start) / SUMMON_GLIDE_MS);
          const e = 1 - (1 - t) ** 3;
          const zoom = from.zoom * (toZoom / from.zoom) ** e;
          const x = a.x + (b.x - a.x) * e;
          const y = a.y + (b.y - a.y) * e;
          glideRef.current = t < 1 ? requestAnimationFrame(step) : null;
          follow(t < 1 ? { x: c.x - x * zoom, y: c.y - y * zoom, zoom } : target);
        };
        glideRef.current = requestAnimationFrame(step);
      },
      zoomBy: (factor) =>
        apply(zoomAround(viewRef.current, viewRef.current.zoom * factor, center())),
      zoomTo: (zoom) => apply(zoomAround(viewRef.current, clampZoom(zoom), center())),
      fit(shapes) {
        const el = containerRef.current;
        const bounds = unionRects(shapes.map(shapeBounds));
        apply(fitView(bounds, el?.clientWidth ?? 0, el?.clientHeight ?? 0));
      },
      center,
      screenPoint,
    };
  }, [apply, screenPoint, containerRef, viewRef]);
  return { camera, size };
}
