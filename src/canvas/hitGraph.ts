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
  /**
   * Makes the hit canvas right at one screen point only, for the next `getIntersection(at)`:
   * draws just the children `near` keeps (those whose bounds hold the point), in paint order,
   * so a click on a big board does not draw the hit graph of every shape.
   */
  ensureAt(at: { x: number; y: number }, near: (node: Konva.Node) => boolean): void;
  /** The layer's nodes changed (added, removed, moved to another layer). */
  invalidate(): void;
  dispose(): void;
}

export function lazyHitGraph(layer: Konva.Layer): LazyHitGraph {
  const realDrawHit = layer.drawHit;
  const realGetIntersection = layer.getIntersection;
  let stale = true;
  /** The one screen point the hit canvas is right for while `stale` (see ensureAt). */
  let validAt: { x: number; y: number } | null = null;
  layer.drawHit = function drawHit(this: Konva.Layer, can, top) {
    // Drawing into another canvas (export, caching) is not the layer's own hit graph.
    if (can || top) return realDrawHit.call(this, can, top);
    stale = true;
    validAt = null;
    return this;
  };
  layer.getIntersection = function getIntersection(this: Konva.Layer, pos) {
    const valid = !stale || (validAt !== null && validAt.x === pos.x && validAt.y === pos.y);
    return valid ? realGetIntersection.call(this, pos) : null;
  };
  return {
    ensure() {
      if (!stale) return;
      realDrawHit.call(layer);
      stale = false;
      validAt = null;
    },
    ensureAt(at, near) {
      if (!stale || (validAt && validAt.x === at.x && validAt.y === at.y)) return;
      // Konva draws a layer's hit graph from its children array: draw it from the few near
      // the point (same order, same hit colours), then give the layer all its children back.
      const all = layer.children;
      layer.children = all.filter(near);
      try {
        realDrawHit.call(layer);
      } finally {
        layer.children = all;
      }
      validAt = { x: at.x, y: at.y };
    },
    invalidate() {
      stale = true;
      validAt = null;
    },
    dispose() {
      layer.drawHit = realDrawHit;
      layer.getIntersection = realGetIntersection;
    },
  };
}
