/**
 * Snapping geometry, pure so it runs in Node (test/unit/snapping.test.ts): a moving box's
 * edges and centres snap to other shapes' edges and centres (S1–S3), to a grid (S4), a line's
 * angle to 45° steps (S5) and rotation to 15° steps (S6). Canvas units throughout; thresholds
 * arrive in screen px and are divided by the zoom here, so snapping feels the same at any zoom.
 *
 * A gesture builds its `SnapTargets` once, when it starts, from a bounded candidate set (the
 * shapes near the viewport, at most SNAP_MAX_CANDIDATES of them); every pointer move then costs
 * two binary searches over sorted, merged lines, never a pass over all shapes.
 */
import { GRID_SIZE, SNAP_MAX_CANDIDATES } from "../shared/constants";
import type { Shape } from "../shared/schema";
import { type Point, type Rect, rectsIntersect, shapeBounds } from "../tools/geometry";

/** Which snapping is on: to other shapes' edges and centres, and to the grid. */
export interface SnapSettings {
  objects: boolean;
  grid: boolean;
}

/**
 * A line a moving box may snap to: `value` is its position on the snapping axis (x for a
 * vertical line), `from`/`to` how far the shapes that own it reach along the other axis (for
 * drawing the guide).
 */
export interface SnapLine {
  value: number;
  from: number;
  to: number;
}

/** Vertical lines (`xs`, snapping x) and horizontal ones (`ys`), each sorted by value, merged. */
export interface SnapTargets {
  xs: SnapLine[];
  ys: SnapLine[];
}

/** A guide to draw while a snap holds: a segment in canvas units. */
export interface Guide {
  /** "x": a vertical line at x = `at`; "y": a horizontal line at y = `at`. */
  axis: "x" | "y";
  at: number;
  from: number;
  to: number;
}

export interface SnapResult {
  /** Add to the box's position (canvas units). */
  dx: number;
  dy: number;
  guides: Guide[];
}

/**
 * The shapes a gesture may snap to: those whose bounds meet `area` (the viewport), not in
 * `exclude` (the moving shapes), at most `limit` of them, the nearest to the area's centre
 * first. One pass over `shapes` when a gesture starts; callers pass the culled set, which is
 * already only the shapes near the viewport.
 */
export function snapCandidates(
  shapes: Iterable<Shape>,
  area: Rect,
  exclude: ReadonlySet<string>,
  limit = SNAP_MAX_CANDIDATES,
): Rect[] {
  const found: Rect[] = [];
  for (const s of shapes) {
    if (exclude.has(s.id)) continue;
    const b = boundsOf(s);
    if (rectsIntersect(area, b)) found.push(b);
  }
  if (found.length <= limit) return found;
  const cx = area.x + area.width / 2;
  const cy = area.y + area.height / 2;
  // Squared distances computed once each, not per comparison.
  const far = found.map((b, i) => ({
    i,
    d: (b.x + b.width / 2 - cx) ** 2 + (b.y + b.height / 2 - cy) ** 2,
  }));
  far.sort((a, b) => a.d - b.d);
  return far.slice(0, limit).map(({ i }) => found[i]!);
}

/** Bounds per Shape object: the shapes list keeps an unchanged shape's object between gestures. */
const boundsCache = new WeakMap<Shape, Rect>();
function boundsOf(shape: Shape): Rect {
  let b = boundsCache.get(shape);
  if (!b) {
    b = shapeBounds(shape);
    boundsCache.set(shape, b);
  }
  return b;
}

/**
 * Fills the bounds cache for `shapes` from index `from` while `more()` says there is time;
 * returns where it stopped (`shapes.length` when done). Run in idle time after a render, so the
 * first move of a drag does not measure thousands of shapes in one task.
 */
export function warmBounds(shapes: readonly Shape[], from: number, more: () => boolean): number {
  let i = from;
  while (i < shapes.length) {
    boundsOf(shapes[i]!);
    i++;
    if ((i & 63) === 0 && !more()) break;
  }
  return i;
}

/** Sorted, merged snap lines from candidate bounds: their left/centre/right and top/middle/bottom. */
export function buildTargets(bounds: readonly Rect[]): SnapTargets {
  const xs: SnapLine[] = [];
  const ys: SnapLine[] = [];
  for (const b of bounds) {
    const right = b.x + b.width;
    const bottom = b.y + b.height;
    xs.push(
      { value: b.x, from: b.y, to: bottom },
      { value: b.x + b.width / 2, from: b.y, to: bottom },
      { value: right, from: b.y, to: bottom },
    );
    ys.push(
      { value: b.y, from: b.x, to: right },
      { value: b.y + b.height / 2, from: b.x, to: right },
      { value: bottom, from: b.x, to: right },
    );
  }
  return { xs: merge(xs), ys: merge(ys) };
}

/** Sorts by value and merges lines at the same value (shapes in a row share one line). */
function merge(lines: SnapLine[]): SnapLine[] {
  lines.sort((a, b) => a.value - b.value);
  const out: SnapLine[] = [];
  for (const l of lines) {
    const last = out.at(-1);
    if (last && Math.abs(last.value - l.value) < 1e-6) {
      last.from = Math.min(last.from, l.from);
      last.to = Math.max(last.to, l.to);
    } else out.push({ ...l });
  }
  return out;
}

/** Index of the first line whose value is ≥ v (binary search). */
function lowerBound(lines: readonly SnapLine[], v: number): number {
  let lo = 0;
  let hi = lines.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (lines[mid]!.value < v) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/** The nearest line to `v` within `threshold`, or null. */
export function nearestLine(
  lines: readonly SnapLine[],
  v: number,
  threshold: number,
): SnapLine | null {
  const i = lowerBound(lines, v);
  let best: SnapLine | null = null;
  for (const l of [lines[i - 1], lines[i]]) {
    if (!l) continue;
    const d = Math.abs(l.value - v);
    if (d <= threshold && (!best || d < Math.abs(best.value - v))) best = l;
  }
  return best;
}

/** The smallest shift that puts one of `values` on a line within `threshold`, or null. */
function axisSnap(lines: readonly SnapLine[], values: readonly number[], threshold: number) {
  let best: number | null = null;
  for (const v of values) {
    const line = nearestLine(lines, v, threshold);
    if (line && (best === null || Math.abs(line.value - v) < Math.abs(best))) best = line.value - v;
  }
  return best;
}

/** Rounds to the nearest multiple of `size`. */
export function snapToGrid(v: number, size = GRID_SIZE): number {
  return Math.round(v / size) * size;
}

/**
 * S1–S4: where `box` (the moving selection's bounds, as it would be without snapping) lands.
 * Per axis, object snapping (its left, centre or right on another shape's left, centre or
 * right; the same for top, middle, bottom) wins when a line lies within `thresholdPx / zoom`;
 * otherwise, with the grid on, its top-left rounds to the grid. Guides show every line the
 * snapped box now touches.
 */
export function snapBox(
  box: Rect,
  targets: SnapTargets,
  settings: SnapSettings,
  thresholdPx: number,
  zoom: number,
): SnapResult {
  const threshold = thresholdPx / zoom;
  const xsOf = (b: Rect) => [b.x, b.x + b.width / 2, b.x + b.width];
  const ysOf = (b: Rect) => [b.y, b.y + b.height / 2, b.y + b.height];
  let dx = settings.objects ? axisSnap(targets.xs, xsOf(box), threshold) : null;
  let dy = settings.objects ? axisSnap(targets.ys, ysOf(box), threshold) : null;
  const objectX = dx !== null;
  const objectY = dy !== null;
  if (dx === null) dx = settings.grid ? snapToGrid(box.x) - box.x : 0;
  if (dy === null) dy = settings.grid ? snapToGrid(box.y) - box.y : 0;
  const snapped = { ...box, x: box.x + dx, y: box.y + dy };
  const guides: Guide[] = [];
  if (objectX) guides.push(...guidesOn("x", targets.xs, xsOf(snapped), snapped.y, snapped.height));
  if (objectY) guides.push(...guidesOn("y", targets.ys, ysOf(snapped), snapped.x, snapped.width));
  return { dx, dy, guides };
}

/** A guide for each line one of `values` now sits on, spanning the line's shapes and the box. */
function guidesOn(
  axis: "x" | "y",
  lines: readonly SnapLine[],
  values: readonly number[],
  start: number,
  size: number,
): Guide[] {
  const out: Guide[] = [];
  for (const v of values) {
    const line = nearestLine(lines, v, 1e-6);
    if (!line || out.some((g) => g.at === line.value)) continue;
    out.push({
      axis,
      at: line.value,
      from: Math.min(line.from, start),
      to: Math.max(line.to, start + size),
    });
  }
  return out;
}

/** A point (a corner of a box being drawn) snapped as a zero-size box. */
export function snapPoint(
  p: Point,
  targets: SnapTargets,
  settings: SnapSettings,
  thresholdPx: number,
  zoom: number,
): { point: Point; guides: Guide[] } {
  const r = snapBox({ x: p.x, y: p.y, width: 0, height: 0 }, targets, settings, thresholdPx, zoom);
  return { point: { x: p.x + r.dx, y: p.y + r.dy }, guides: r.guides };
}

/** S5: `end` moved so the segment from `start` points in a multiple of `stepDeg`, its length kept. */
export function constrainAngle(start: Point, end: Point, stepDeg: number): Point {
  const dx = end.x - start.x;
  const dy = end.y - start.y;
  const length = Math.hypot(dx, dy);
  if (length === 0) return { ...end };
  const step = (stepDeg * Math.PI) / 180;
  const angle = Math.round(Math.atan2(dy, dx) / step) * step;
  // Rounded so a 90° line is exactly vertical, not off by 1e-14.
  const clean = (n: number) => Math.round(n * 1e9) / 1e9;
  return {
    x: start.x + clean(Math.cos(angle) * length),
    y: start.y + clean(Math.sin(angle) * length),
  };
}

/** S6: the angles the selection frame's rotation snaps to (Konva's `rotationSnaps`). */
export function rotationSnaps(stepDeg: number): number[] {
  const out: number[] = [];
  for (let a = 0; a < 360; a += stepDeg) out.push(a);
  return out;
}

/** S6: a rotation snapped to the nearest step when within `tolerance` degrees of it (as Konva does). */
export function snapRotation(deg: number, stepDeg: number, tolerance: number): number {
  const nearest = Math.round(deg / stepDeg) * stepDeg;
  return Math.abs(nearest - deg) <= tolerance ? ((nearest % 360) + 360) % 360 : deg;
}
