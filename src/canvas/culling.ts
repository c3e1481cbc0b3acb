/**
 * Viewport culling: only shapes that intersect the viewport (plus a margin) become Konva nodes.
 * Bounds are cached per Shape object: the shapes list keeps the object of an unchanged shape,
 * so a pan over 10,000 shapes costs 10,000 rectangle tests, not 10,000 bounds computations.
 */
import type Konva from "konva";
import type { Shape } from "../shared/schema";
import { type Rect, rectsIntersect, shapeBounds } from "../tools/geometry";
import { CULL_MARGIN, CULL_ZOOM_IN } from "./renderMode";
import { screenToCanvas, type View } from "./view";

/** Canvas units added around every shape's bounds: strokes, arrow heads, sticky shadows. */
const BOUNDS_PAD = 24;

const boundsCache = new WeakMap<Shape, Rect>();

/** The shape's bounds in canvas units, padded for what it paints outside its geometry. */
export function paintBounds(shape: Shape): Rect {
  let b = boundsCache.get(shape);
  if (!b) {
    const r = shapeBounds(shape);
    const pad = BOUNDS_PAD + shape.strokeWidth;
    b = { x: r.x - pad, y: r.y - pad, width: r.width + pad * 2, height: r.height + pad * 2 };
    boundsCache.set(shape, b);
  }
  return b;
}

export interface Cull {
  /** Canvas-unit rectangle whose shapes are rendered. */
  rect: Rect;
  /** Zoom at which it was computed. */
  zoom: number;
}

/** The viewport in canvas units, grown by `margin` of its size on every side. */
export function viewportRect(view: View, width: number, height: number, margin = 0): Rect {
  const tl = screenToCanvas(view, { x: -width * margin, y: -height * margin });
  const br = screenToCanvas(view, { x: width * (1 + margin), y: height * (1 + margin) });
  return { x: tl.x, y: tl.y, width: br.x - tl.x, height: br.y - tl.y };
}

export function cullFor(view: View, width: number, height: number): Cull {
  return { rect: viewportRect(view, width, height, CULL_MARGIN), zoom: view.zoom };
}

/** True when `cull` still covers the viewport at `view` and is not far too large for it. */
export function cullCovers(cull: Cull, view: View, width: number, height: number): boolean {
  if (view.zoom > cull.zoom * CULL_ZOOM_IN) return false;
  const v = viewportRect(view, width, height);
  const c = cull.rect;
  return (
    v.x >= c.x && v.y >= c.y && v.x + v.width <= c.x + c.width && v.y + v.height <= c.y + c.height
  );
}

/** The shapes to render, in paint order: those in `rect`, plus `always` (selected, edited). */
export function visibleShapes(
  shapes: readonly Shape[],
  rect: Rect,
  always: ReadonlySet<string>,
): Shape[] {
  const out: Shape[] = [];
  for (const s of shapes) {
    if (always.has(s.id) || rectsIntersect(rect, paintBounds(s))) out.push(s);
  }
  return out;
}

/**
 * Draws only the children of `layer` that intersect the stage's viewport into the layer's own
 * canvas (which is viewport-sized, so the picture is the same): the culled area around the
 * viewport holds several times more nodes than the viewport shows. `boundsOf` gives a child's
 * bounds in canvas units, or null to always draw it. Draws into other canvases (export,
 * caching) and the hit graph are untouched. Returns a function that undoes it.
 */
export function drawOnlyInView(
  layer: Konva.Layer,
  boundsOf: (node: Konva.Node) => Rect | null,
): () => void {
  type DrawChildren = (method: string, canvas: unknown, top: unknown) => void;
  const target = layer as unknown as { _drawChildren: DrawChildren };
  const own = Object.hasOwn(target, "_drawChildren");
  const real = target._drawChildren;
  target._drawChildren = function drawChildren(method, canvas, top) {
    const stage = layer.getStage();
    if (method !== "drawScene" || top || canvas !== layer.getCanvas() || !stage) {
      return real.call(this, method, canvas, top);
    }
    const view = { x: stage.x(), y: stage.y(), zoom: stage.scaleX() };
    const rect = viewportRect(view, stage.width(), stage.height());
    const all = layer.children;
    layer.children = all.filter((node) => {
      const b = boundsOf(node);
      return b === null || rectsIntersect(rect, b);
    });
    try {
      return real.call(this, method, canvas, top);
    } finally {
      layer.children = all;
    }
  };
  return () => {
    if (own) target._drawChildren = real;
    else delete (target as Partial<typeof target>)._drawChildren;
  };
}
