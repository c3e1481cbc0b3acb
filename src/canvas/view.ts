/** The camera: stage position (screen px) and zoom. canvas = (screen - {x, y}) / zoom. */
import type { Point, Rect } from "../tools/geometry";

export interface View {
  x: number;
  y: number;
  zoom: number;
}

export const MIN_ZOOM = 0.1;
export const MAX_ZOOM = 8;
/** Zoom step of the +/− buttons and keys. */
export const ZOOM_STEP = 1.2;

export const INITIAL_VIEW: View = { x: 0, y: 0, zoom: 1 };

export const clampZoom = (z: number) => Math.min(MAX_ZOOM, Math.max(MIN_ZOOM, z));

export function screenToCanvas(view: View, p: Point): Point {
  return { x: (p.x - view.x) / view.zoom, y: (p.y - view.y) / view.zoom };
}

export function canvasToScreen(view: View, p: Point): Point {
  return { x: p.x * view.zoom + view.x, y: p.y * view.zoom + view.y };
}

/** Zooms to `zoom` keeping the canvas point under the screen point `anchor` fixed. */
export function zoomAround(view: View, zoom: number, anchor: Point): View {
  const z = clampZoom(zoom);
  const c = screenToCanvas(view, anchor);
  return { zoom: z, x: anchor.x - c.x * z, y: anchor.y - c.y * z };
}

/** The view that fits `bounds` into a viewport of the given size, with padding, never above 100%. */
export function fitView(bounds: Rect | null, width: number, height: number, padding = 48): View {
  if (!bounds || bounds.width + bounds.height === 0) return INITIAL_VIEW;
  const zoom = clampZoom(
    Math.min(
      (width - padding * 2) / Math.max(bounds.width, 1),
      (height - padding * 2) / Math.max(bounds.height, 1),
      1,
    ),
  );
  return {
    zoom,
    x: width / 2 - (bounds.x + bounds.width / 2) * zoom,
    y: height / 2 - (bounds.y + bounds.height / 2) * zoom,
  };
}
