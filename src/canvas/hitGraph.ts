/**
 * A lazy hit graph for the shapes layer. Konva redraws a listening layer's hit canvas with
 * every scene draw, which doubles the cost of each pan or zoom frame; yet the hit canvas is
 * only read when someone clicks, erases or double-clicks. Here a draw only marks the hit
 * canvas stale, and `ensure()` (called before each of our hit tests) redraws it when needed.
 * Konva's own per-move intersection checks (for shape events, which we do not use) see
 * nothing on this layer while it is stale, instead of forcing a redraw on every mouse move.
 */
import type Konva from "konva";

export interface LazyHitGraph {
  /** Brings the hit canvas up to date with the scene; call before `stage.getIntersection`. */
  ensure(): void;
  /** The layer's nodes changed (added, removed, moved to another layer). */
  invalidate(): void;
  dispose(): void;
}

export function lazyHitGraph(layer: Konva.Layer): LazyHitGraph {
  const realDrawHit = layer.drawHit;
  const realGetIntersection = layer.getIntersection;
  let stale = true;
  layer.drawHit = function drawHit(this: Konva.Layer, can, top) {
    // Drawing into another canvas (export, caching) is not the layer's own hit graph.
    if (can || top) return realDrawHit.call(this, can, top);
    stale = true;
    return this;
  };
  layer.getIntersection = function getIntersection(this: Konva.Layer, pos) {
    return stale ? null : realGetIntersection.call(this, pos);
  };
  return {
    ensure() {
      if (!stale) return;
      realDrawHit.call(layer);
      stale = false;
    },
    invalidate() {
      stale = true;
    },
    dispose() {
      layer.drawHit = realDrawHit;
      layer.getIntersection = realGetIntersection;
    },
  };
}
