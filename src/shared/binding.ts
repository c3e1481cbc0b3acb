/**
 * Arrows and lines bound to shapes (docs/schema.md "Bindings", docs/conflicts.md C12): where a
 * bound end sits, how a dropped end finds an anchor on a shape's outline, and how a connector is
 * re-routed when a shape it is bound to moves. Pure geometry, shared by the client (binding and
 * re-routing in the same transaction as a move) and the room (repairing connectors that
 * concurrent edits left off their shapes).
 */
import { type Anchor, BINDABLE_TYPES, CONNECTOR_TYPES, type Shape } from "./schema";

export interface Point {
  x: number;
  y: number;
}

/** Where a stored end may differ from its routed position before the room re-routes it (canvas units). */
export const ROUTE_EPSILON = 0.5;

function rotate(p: Point, degrees: number): Point {
  if (degrees === 0) return p;
  const r = (degrees * Math.PI) / 180;
  const c = Math.cos(r);
  const s = Math.sin(r);
  return { x: p.x * c - p.y * s, y: p.x * s + p.y * c };
}

/** A point of `shape`'s box (in box units, unrotated) in canvas coordinates. */
export function boxToCanvas(shape: Shape, local: Point): Point {
  const p = rotate(local, shape.rotation);
  return { x: shape.x + p.x, y: shape.y + p.y };
}

/** A canvas point in `shape`'s unrotated box coordinates. */
export function canvasToBox(shape: Shape, p: Point): Point {
  return rotate({ x: p.x - shape.x, y: p.y - shape.y }, -shape.rotation);
}

/** The canvas point of a binding: the anchor's place in the target's (rotated) box. */
export function anchorPoint(target: Shape, anchor: Anchor): Point {
  return boxToCanvas(target, { x: anchor.x * target.width, y: anchor.y * target.height });
}

function closestOnSegment(p: Point, a: Point, b: Point): Point {
  const dx = b.x - a.x;
  const dy = b.y - a.y;
  const len2 = dx * dx + dy * dy;
  const t = len2 === 0 ? 0 : Math.max(0, Math.min(1, ((p.x - a.x) * dx + (p.y - a.y) * dy) / len2));
  return { x: a.x + dx * t, y: a.y + dy * t };
}

/** The outline of a box shape as a closed polygon in box coordinates (ellipses are handled apart). */
function outline(shape: Shape): Point[] {
  const w = shape.width;
  const h = shape.height;
  switch (shape.type) {
    case "diamond":
      return [
        { x: w / 2, y: 0 },
        { x: w, y: h / 2 },
        { x: w / 2, y: h },
        { x: 0, y: h / 2 },
      ];
    case "triangle":
      return [
        { x: w / 2, y: 0 },
        { x: w, y: h },
        { x: 0, y: h },
      ];
    default:
      return [
        { x: 0, y: 0 },
        { x: w, y: 0 },
        { x: w, y: h },
        { x: 0, y: h },
      ];
  }
}

/** The point of the shape's outline nearest to `local` (box coordinates). */
export function nearestOutlinePoint(shape: Shape, local: Point): Point {
  if (shape.type === "ellipse") {
    const rx = shape.width / 2;
    const ry = shape.height / 2;
    const dx = local.x - rx;
    const dy = local.y - ry;
    if (rx === 0 || ry === 0 || (dx === 0 && dy === 0)) return { x: rx, y: 0 };
    // The point on the ellipse along the ray from the centre: close to the nearest point for
    // the few pixels a bind tolerance allows, and exact on the axes.
    const k = 1 / Math.sqrt((dx * dx) / (rx * rx) + (dy * dy) / (ry * ry));
    return { x: rx + dx * k, y: ry + dy * k };
  }
  const poly = outline(shape);
  let best = poly[0] ?? { x: 0, y: 0 };
  let bestD = Number.POSITIVE_INFINITY;
  for (let i = 0; i < poly.length; i++) {
    const q = closestOnSegment(local, poly[i]!, poly[(i + 1) % poly.length]!);
    const d = Math.hypot(q.x - local.x, q.y - local.y);
    if (d < bestD) {
      bestD = d;
      best = q;
    }
  }
  return best;
}

/** Whether a box-coordinate point lies inside the shape's outline. */
function insideOutline(shape: Shape, local: Point): boolean {
  if (shape.type === "ellipse") {
    const rx = shape.width / 2;
    const ry = shape.height / 2;
    if (rx === 0 || ry === 0) return false;
    return ((local.x - rx) / rx) ** 2 + ((local.y - ry) / ry) ** 2 <= 1;
  }
  const poly = outline(shape);
  let inside = false;
  for (let i = 0, j = poly.length - 1; i < poly.length; j = i++) {
    const a = poly[i]!;
    const b = poly[j]!;
    if (a.y > local.y !== b.y > local.y) {
      const xCross = ((b.x - a.x) * (local.y - a.y)) / (b.y - a.y) + a.x;
      if (local.x < xCross) inside = !inside;
    }
  }
  return inside;
}

export interface BindCandidate {
  id: string;
  anchor: Anchor;
  /** The bound end's canvas position (on the outline). */
  point: Point;
}

/**
 * The binding for a line end dropped at `p`: the topmost bindable shape whose outline is within
 * `tolerance` canvas units of `p` (or that contains `p`), with the anchor at the nearest outline
 * point. `shapes` in paint order; `exclude` holds the connector itself.
 */
export function findBinding(
  shapes: readonly Shape[],
  p: Point,
  tolerance: number,
  exclude: ReadonlySet<string> = new Set(),
): BindCandidate | null {
  for (let i = shapes.length - 1; i >= 0; i--) {
    const s = shapes[i]!;
    if (!BINDABLE_TYPES.has(s.type) || exclude.has(s.id) || s.width <= 0 || s.height <= 0) {
      continue;
    }
    const local = canvasToBox(s, p);
    const edge = nearestOutlinePoint(s, local);
    const near = Math.hypot(edge.x - local.x, edge.y - local.y) <= tolerance;
    if (!near && !insideOutline(s, local)) continue;
    const anchor = { x: edge.x / s.width, y: edge.y / s.height };
    return { id: s.id, anchor, point: boxToCanvas(s, edge) };
  }
  return null;
}

export interface Route {
  x: number;
  y: number;
  points: number[];
}

/**
 * A connector with each bound end moved onto its target's anchor. Its origin (x, y) stays; the
 * first and last pairs of `points` change, middle points stay. Ends bound to a shape that is
 * missing (`targets` lacks it) stay where they are. Returns null when nothing would move.
 */
export function routeConnector(
  connector: Shape,
  targets: ReadonlyMap<string, Shape>,
  epsilon = ROUTE_EPSILON,
): Route | null {
  if (!CONNECTOR_TYPES.has(connector.type) || connector.points.length < 4) return null;
  const points = [...connector.points];
  let moved = false;
  const place = (index: number, id: string | undefined, anchor: Anchor | undefined) => {
    if (id === undefined || anchor === undefined) return;
    const target = targets.get(id);
    if (!target) return;
    const local = canvasToBox(connector, anchorPoint(target, anchor));
    if (
      Math.abs(local.x - points[index]!) > epsilon ||
      Math.abs(local.y - points[index + 1]!) > epsilon
    ) {
      points[index] = local.x;
      points[index + 1] = local.y;
      moved = true;
    }
  };
  place(0, connector.startId, connector.startAnchor);
  place(points.length - 2, connector.endId, connector.endAnchor);
  return moved ? { x: connector.x, y: connector.y, points } : null;
}

/** Ids of the connectors bound to any of `ids` (either end). */
export function connectorsBoundTo(shapes: Iterable<Shape>, ids: ReadonlySet<string>): Shape[] {
  const out: Shape[] = [];
  for (const s of shapes) {
    if (!CONNECTOR_TYPES.has(s.type)) continue;
    if ((s.startId && ids.has(s.startId)) || (s.endId && ids.has(s.endId))) out.push(s);
  }
  return out;
}

/** The middle of a connector, by length along its points: where its label sits. */
export function polylineMidpoint(points: readonly number[]): { x: number; y: number } {
  let total = 0;
  for (let i = 2; i + 1 < points.length; i += 2) {
    total += Math.hypot(points[i]! - points[i - 2]!, points[i + 1]! - points[i - 1]!);
  }
  let left = total / 2;
  for (let i = 2; i + 1 < points.length; i += 2) {
    const x0 = points[i - 2]!;
    const y0 = points[i - 1]!;
    const seg = Math.hypot(points[i]! - x0, points[i + 1]! - y0);
    if (seg >= left && seg > 0) {
      const t = left / seg;
      return { x: x0 + (points[i]! - x0) * t, y: y0 + (points[i + 1]! - y0) * t };
    }
    left -= seg;
  }
  return { x: points[0] ?? 0, y: points[1] ?? 0 };
}
