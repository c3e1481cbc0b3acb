/**
 * Shapes in motion: while someone drags, resizes or rotates, their presence carries the live
 * geometry (`gesture`), and everyone else draws the shape there. The document is written once,
 * when the gesture ends; the room relays that update before the presence that clears the
 * gesture, so the shape lands without jumping back.
 */
import { routeConnector } from "../shared/binding";
import { CONNECTOR_TYPES, POINT_TYPES, type Shape } from "../shared/schema";
import { shapeBounds, simplifyPoints } from "../tools/geometry";
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
  /** Indexes of connectors bound to a moving shape: they bend to follow it. */
  const bound: number[] = [];
  const out = shapes.map((shape, i) => {
    const p = moving.get(shape.id);
    if (!p) {
      if (
        CONNECTOR_TYPES.has(shape.type) &&
        ((shape.startId !== undefined && moving.has(shape.startId)) ||
          (shape.endId !== undefined && moving.has(shape.endId)))
      ) {
        bound.push(i);
      }
      return shape;
    }
    const next: Shape = { ...shape, x: p.x, y: p.y };
    if (p.width !== undefined) next.width = p.width;
    if (p.height !== undefined) next.height = p.height;
    if (p.rotation !== undefined) next.rotation = p.rotation;
    if (p.points !== undefined && p.points.length >= 2 && p.points.length % 2 === 0) {
      next.points = p.points;
    }
    return next;
  });
  return bound.length === 0 ? out : followMoving(out, bound);
}

/**
 * Re-routes the connectors at `bound` onto their targets as they are in `shapes` (moving ones
 * where they are now): one pass to find the targets, then only the bound connectors.
 */
function followMoving(shapes: Shape[], bound: readonly number[]): Shape[] {
  const wanted = new Set<string>();
  for (const i of bound) {
    const c = shapes[i]!;
    if (c.startId !== undefined) wanted.add(c.startId);
    if (c.endId !== undefined) wanted.add(c.endId);
  }
  const targets = new Map<string, Shape>();
  for (const s of shapes) if (wanted.has(s.id)) targets.set(s.id, s);
  for (const i of bound) {
    const c = shapes[i]!;
    const route = routeConnector(c, targets, 0);
    if (route) shapes[i] = { ...c, points: route.points };
  }
  return shapes;
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

/** Numbers a draft's points may hold: a long pen stroke is simplified to fit presence's 2 KB. */
export const DRAFT_MAX_POINTS = 128;

/**
 * The presence payload for the shape this tab is drawing: the keys the room would store, points
 * simplified until they fit (the stroke keeps its shape; the committed one keeps every point).
 */
export function draftFor(shape: Shape): Record<string, unknown> {
  const out: Record<string, unknown> = {
    type: shape.type,
    x: round(shape.x),
    y: round(shape.y),
    stroke: shape.stroke,
    fill: shape.fill,
    strokeWidth: shape.strokeWidth,
  };
  if (POINT_TYPES.has(shape.type)) {
    out.points = fitPoints(shape, DRAFT_MAX_POINTS).map(round);
  } else {
    out.width = round(shape.width);
    out.height = round(shape.height);
  }
  return out;
}

/**
 * At most `max` numbers of a flat point list, first and last point kept. Runs every 50 ms while
 * someone draws, so the cost is bounded: an even thinning to 4 × max first, then one
 * Douglas–Peucker pass at 1/256 of the stroke's size (so corners survive), then thinning again.
 */
function fitPoints(shape: Shape, max: number): number[] {
  if (shape.points.length <= max) return [...shape.points];
  const coarse = thin(shape.points, max * 4);
  // A draft is never rotated, so its bounds are the stroke's extent.
  const box = shapeBounds({ ...shape, points: coarse, rotation: 0 });
  const fitted = simplifyPoints(coarse, Math.max(0.5, Math.hypot(box.width, box.height) / 256));
  return fitted.length > max ? thin(fitted, max) : fitted;
}

/** Evenly spaced points of a flat list, at most `max` numbers, first and last included. */
function thin(points: readonly number[], max: number): number[] {
  const n = points.length / 2;
  const keep = Math.floor(max / 2);
  if (n <= keep) return [...points];
  const out: number[] = [];
  for (let i = 0; i < keep; i++) {
    const at = Math.round((i * (n - 1)) / (keep - 1));
    out.push(points[2 * at]!, points[2 * at + 1]!);
  }
  return out;
}

const round = (n: number) => Math.round(n * 10) / 10;
