/**
 * The laser pointer's trail: where the pointer was over the last LASER_TRAIL_MS while the laser
 * tool is pressed. It is never stored in the document; it travels as presence (`laser`: flat
 * canvas points, oldest first), bounded so a presence state stays under the 2 KB cap, and every
 * receiver checks it like any other field of someone else's presence (src/presence/peers.ts).
 */
import * as v from "valibot";
import { LASER_MAX_NUMBERS, LASER_TRAIL_MS, MAX_COORDINATE } from "../shared/constants";
import type { Point } from "../tools/geometry";

/** A trail being drawn: timestamped points, the ones older than LASER_TRAIL_MS dropped. */
export class LaserTrail {
  private xs: number[] = [];
  private ys: number[] = [];
  private ts: number[] = [];

  add(p: Point, now: number): void {
    this.xs.push(p.x);
    this.ys.push(p.y);
    this.ts.push(now);
  }

  /** Drops points older than the trail's length; false when nothing is left. */
  prune(now: number): boolean {
    let drop = 0;
    while (drop < this.ts.length && now - this.ts[drop]! > LASER_TRAIL_MS) drop++;
    if (drop > 0) {
      this.xs.splice(0, drop);
      this.ys.splice(0, drop);
      this.ts.splice(0, drop);
    }
    return this.ts.length > 0;
  }

  /** Flat canvas points, oldest first. */
  flat(): number[] {
    const out: number[] = [];
    for (let i = 0; i < this.xs.length; i++) out.push(this.xs[i]!, this.ys[i]!);
    return out;
  }

  clear(): void {
    this.xs = [];
    this.ys = [];
    this.ts = [];
  }
}

const round = (n: number) => Math.round(n * 10) / 10;

/**
 * The presence payload for a trail: at most LASER_MAX_NUMBERS numbers, rounded to 0.1 unit. A
 * longer trail is thinned evenly, its newest point (where the pointer is) always kept.
 */
export function laserFor(points: readonly number[]): number[] {
  const n = Math.floor(points.length / 2);
  const keep = Math.floor(LASER_MAX_NUMBERS / 2);
  if (n <= keep) return points.slice(0, n * 2).map(round);
  const out: number[] = [];
  for (let i = 0; i < keep; i++) {
    const at = Math.round((i * (n - 1)) / (keep - 1));
    out.push(round(points[2 * at]!), round(points[2 * at + 1]!));
  }
  return out;
}

const coord = v.pipe(
  v.number(),
  v.finite(),
  v.minValue(-MAX_COORDINATE),
  v.maxValue(MAX_COORDINATE),
);

/** Someone else's `laser` field: pairs of finite coordinates, no more than a sender may send. */
export const LaserSchema = v.pipe(
  v.array(coord),
  v.maxLength(LASER_MAX_NUMBERS),
  v.check((a) => a.length % 2 === 0, "laser points come in pairs"),
);

/** How a trail looks, here and for others: a red stroke of constant screen width. */
export const LASER_STYLE = {
  stroke: "#fa5252",
  strokeWidth: 4,
  strokeScaleEnabled: false,
  lineCap: "round",
  lineJoin: "round",
  tension: 0.4,
  shadowColor: "#ff8787",
  shadowBlur: 8,
  listening: false,
  perfectDrawEnabled: false,
} as const;
