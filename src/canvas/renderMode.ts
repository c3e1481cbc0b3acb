/**
 * Rendering switches and their constants, in one place.
 *
 * `?render=naive` in the page URL, read once at load, turns every optimization below off: all
 * shapes rendered (no viewport culling), the hit graph redrawn with every frame, Konva's
 * perfectDraw on, no drag layer, no bitmap panning. It exists as the baseline of
 * `bench/render.ts`; nobody should use it otherwise.
 */
export const NAIVE_RENDER =
  typeof location !== "undefined" && new URLSearchParams(location.search).get("render") === "naive";

/**
 * Shapes are rendered when they intersect the viewport grown by this fraction of its size on
 * every side: a pan can go this far before React has to mount new shapes.
 */
export const CULL_MARGIN = 0.25;
/** Zooming in past this factor since the last cull re-culls, so the rendered set shrinks again. */
export const CULL_ZOOM_IN = 2;

/**
 * ms. A shapes layer whose last full draw took longer than this is not redrawn on every pan
 * or zoom frame: its last picture is moved with a CSS transform instead (a 60 Hz frame is
 * 16.7 ms, and input handling and the other layers need part of it).
 */
export const LIVE_DRAW_BUDGET_MS = 6;
/** ms without camera movement after which a moved picture is redrawn for real. */
export const SETTLE_REDRAW_MS = 120;
/** A moved picture is redrawn at once when it has slid this fraction of the viewport away… */
export const MAX_PICTURE_SHIFT = 0.25;
/** …or when the zoom has changed by more than this factor since it was drawn. */
export const MAX_PICTURE_ZOOM = 1.25;
