/** Pure geometry for tools: drag → shape, stroke simplification, bounds. Canvas units throughout. */
import type { Shape } from "../shared/schema";

export interface Point {
  x: number;
  y: number;
}

export interface Rect {
  x: number;
  y: number;
  width: number;
  height: number;
}

/** The box spanned by two corners, whatever direction the drag went. */
export function rectFromCorners(a: Point, b: Point, square = false): Rect {
  let dx = b.x - a.x;
  let dy = b.y - a.y;
  if (square) {
    const side = Math.max(Math.abs(dx), Math.abs(dy));
    dx = Math.sign(dx || 1) * side;
    dy = Math.sign(dy || 1) * side;
  }
  return {
    x: Math.min(a.x, a.x + dx),
    y: Math.min(a.y, a.y + dy),
    width: Math.abs(dx),
    height: Math.abs(dy),
  };
}

export function rectsIntersect(a: Rect, b: Rect): boolean {
  return (
    a.x <= b.x + b.width && b.x <= a.x + a.width && a.y <= b.y + b.height && b.y <= a.y + a.height
  );
}

export function unionRects(rects: readonly Rect[]): Rect | null {
  if (rects.length === 0) return null;
  let minX = Number.POSITIVE_INFINITY;
  let minY = Number.POSITIVE_INFINITY;
  let maxX = Number.NEGATIVE_INFINITY;
  let maxY = Number.NEGATIVE_INFINITY;
  for (const r of rects) {
    minX = Math.min(minX, r.x);
    minY = Math.min(minY, r.y);
    maxX = Math.max(maxX, r.x + r.width);
    maxY = Math.max(maxY, r.y + r.height);
  }
  return { x: minX, y: minY, width: maxX - minX, height: maxY - minY };
}

/** Axis-aligned bounds of a shape in canvas units, rotation included, stroke ignored. */
export function shapeBounds(shape: Shape): Rect {
  const local: Point[] = [];
  if (shape.points.length >= 2) {
    for (let i = 0; i + 1 < shape.points.length; i += 2) {
      local.push({ x: shape.points[i]!, y: shape.points[i + 1]! });
    }
  } else {
    local.push(
      { x: 0, y: 0 },
      { x: shape.width, y: 0 },
      { x: 0, y: shape.height },
      { x: shape.width, y: shape.height },
    );
  }
  const rad = (shape.rotation * Math.PI) / 180;
  const cos = Math.cos(rad);
  const sin = Math.sin(rad);
  const world = local.map((p) => ({
    x: shape.x + p.x * cos - p.y * sin,
    y: shape.y + p.x * sin + p.y * cos,
  }));
  const xs = world.map((p) => p.x);
  const ys = world.map((p) => p.y);
  const minX = Math.min(...xs);
  const minY = Math.min(...ys);
  return { x: minX, y: minY, width: Math.max(...xs) - minX, height: Math.max(...ys) - minY };
}

function distanceToSegment(p: Point, a: Point, b: Point): number {
  const dx = b.x - a.x;
  const dy = b.y - a.y;
  const lengthSq = dx * dx + dy * dy;
  if (lengthSq === 0) return Math.hypot(p.x - a.x, p.y - a.y);
  const t = Math.max(0, Math.min(1, ((p.x - a.x) * dx + (p.y - a.y) * dy) / lengthSq));
  return Math.hypot(p.x - (a.x + t * dx), p.y - (a.y + t * dy));
}

/**
 * Ramer–Douglas–Peucker on a flat [x0, y0, x1, y1, …] list: drops points closer than
 * `tolerance` to the simplified line. Keeps the first and last point.
 */
export function simplifyPoints(flat: readonly number[], tolerance: number): number[] {
  const pts: Point[] = [];
  for (let i = 0; i + 1 < flat.length; i += 2) pts.push({ x: flat[i]!, y: flat[i + 1]! });
  if (pts.length <= 2) return [...flat];
  const keep = new Uint8Array(pts.length);
  keep[0] = 1;
  keep[pts.length - 1] = 1;
  const stack: [number, number][] = [[0, pts.length - 1]];
  while (stack.length > 0) {
    const [start, end] = stack.pop()!;
    let worst = -1;
    let worstDistance = tolerance;
    for (let i = start + 1; i < end; i++) {
      const d = distanceToSegment(pts[i]!, pts[start]!, pts[end]!);
      if (d > worstDistance) {
        worst = i;
        worstDistance = d;
      }
    }
    if (worst >= 0) {
      keep[worst] = 1;
      stack.push([start, worst], [worst, end]);
    }
  }
  const out: number[] = [];
  pts.forEach((p, i) => {
    if (keep[i]) out.push(round2(p.x), round2(p.y));
  });
  return out;
}

/** Two decimals are plenty for canvas units and keep the document small. */
export const round2 = (n: number) => Math.round(n * 100) / 100;
