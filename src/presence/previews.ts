/**
 * Shapes in motion: while someone drags, resizes or rotates, their presence carries the live
 * geometry (`gesture`), and everyone else draws the shape there. The document is written once,
 * when the gesture ends; the room relays that update before the presence that clears the
 * gesture, so the shape lands without jumping back.
 */
import type { Shape } from "../shared/schema";
import type { GesturePreview, Peer } from "./peers";

/** The shapes as others are moving them right now. Returns the input array when nothing moves. */
export function applyPreviews(shapes: Shape[], peers: readonly Peer[]): Shape[] {
  let previews: Map<string, GesturePreview> | null = null;
  for (const peer of peers) {
    if (peer.gesture.size === 0) continue;
    previews ??= new Map();
    for (const [id, preview] of peer.gesture) previews.set(id, preview);
  }
  if (!previews) return shapes;
  const moving = previews;
  return shapes.map((shape) => {
    const p = moving.get(shape.id);
    if (!p) return shape;
    const next: Shape = { ...shape, x: p.x, y: p.y };
    if (p.width !== undefined) next.width = p.width;
    if (p.height !== undefined) next.height = p.height;
    if (p.rotation !== undefined) next.rotation = p.rotation;
    if (p.points !== undefined && p.points.length >= 2 && p.points.length % 2 === 0) {
      next.points = p.points;
    }
    return next;
  });
}

/** The presence payload for shapes being moved by this tab. */
export function gestureFor(shapes: readonly Shape[]): Record<string, GesturePreview> {
  const out: Record<string, GesturePreview> = {};
  // Presence is capped at 2 KB: send the first shapes of a large multi-selection only.
  for (const s of shapes.slice(0, 12)) {
    const p: GesturePreview = { x: round(s.x), y: round(s.y), rotation: round(s.rotation) };
    if (s.type === "line" || s.type === "arrow" || s.type === "pen") {
      if (s.points.length <= 64) p.points = s.points.map(round);
    } else {
      p.width = round(s.width);
      p.height = round(s.height);
    }
    out[s.id] = p;
  }
  return out;
}

const round = (n: number) => Math.round(n * 10) / 10;
