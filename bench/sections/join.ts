import { joinBenchmark } from "../document";
import type { Row } from "../lib/results";
import type { Section } from "../lib/section";

const sizes = () => (process.env.BENCH_JOIN_SIZES ?? "1000,2500,5000,10000").split(",").map(Number);
const joins = () => Number(process.env.BENCH_JOINS ?? 5);
/** Boards of compact shapes (issue 13), in our room only; shared with the memory section. */
export const compactSizes = () =>
  (process.env.BENCH_COMPACT_SIZES ?? "50000").split(",").filter(Boolean).map(Number);

/**
 * [shapes, field] of one room's rows in one representation. Rows stored before the
 * representation column existed are Y.Map rows.
 */
export function bySize(
  rows: Row[],
  room: string,
  field: string,
  representation = "Y.Map",
): [number, number][] {
  return rows
    .filter((r) => r.room === room && (r.representation ?? "Y.Map") === representation)
    .map((r) => [Number(r.shapes), Number(r[field])]);
}

/** The compact rows as a chart series, or none before they are measured. */
export function compactSeries(rows: Row[], field: string) {
  const points = bySize(rows, "sketchroom", field, "compact");
  return points.length === 0 ? [] : [{ name: "Sketchroom, compact", points }];
}

export const joinSection: Section = {
  name: "join",
  heading: "Join (issue 7)",
  method: "open room: the writer stays connected; one untimed join first",
  earlierMethod:
    "Then no client stayed connected between joins: the stock room, which unloads its document " +
    "when its last client leaves, re-read it from storage for every join, while ours keeps " +
    "its document for as long as the runtime keeps the room: the stock figures below are " +
    "cold joins and ours warm ones. Sizes 1,000 and 10,000 only.",
  run: () => joinBenchmark(sizes(), joins(), compactSizes()),
  render(rows, ctx) {
    return [
      "Join = a fresh Node client's socket open → its document holds every shape (bench/document.ts).",
      "Both rooms are measured the same way, warm, as a user meets them: the client who drew the",
      "board stays connected the whole time, so the room is loaded and serves each join from memory",
      "rather than re-reading storage; one untimed join goes first, then the timed ones",
      "(BENCH_JOIN_SIZES, BENCH_JOINS). Baseline: a stock y-partykit room (bench/stockRoom.ts)",
      'configured as its docs recommend, `persist: { mode: "snapshot" }`, in the same dev server.',
      "Both rooms receive the same shapes from the same client code. Rows with representation",
      "`compact` (issue 13, BENCH_COMPACT_SIZES) are our room holding one plain value per shape, as",
      "an import or a big paste stores them (docs/schema.md); the stock room is not run for them.",
      "",
      ctx.table(
        "Join: Node client synced with an open room (baseline: stock y-partykit room)",
        rows,
      ),
      "",
      ctx.chart("join.svg", {
        title: "Join time vs shapes on the board",
        xLabel: "shapes",
        yLabel: "join, median (ms)",
        series: [
          { name: "Sketchroom", points: bySize(rows, "sketchroom", "median_ms") },
          { name: "stock y-partykit", points: bySize(rows, "stock y-partykit", "median_ms") },
          // Only once measured: an empty series would still take a legend entry.
          ...compactSeries(rows, "median_ms"),
        ],
      }),
    ].join("\n");
  },
  targets: [
    {
      issue: 7,
      what: "join, 1,000 shapes: median",
      row: { room: "sketchroom", shapes: 1000 },
      field: "median_ms",
      unit: "ms",
      bound: { op: "<=", value: 150 },
      baseline: {
        label: "stock y-partykit",
        row: { room: "stock y-partykit", shapes: 1000 },
        field: "median_ms",
      },
    },
    {
      issue: 7,
      what: "join, 10,000 shapes: median",
      row: { room: "sketchroom", shapes: 10000 },
      field: "median_ms",
      unit: "ms",
      bound: { op: "<=", value: 800 },
      baseline: {
        label: "stock y-partykit",
        row: { room: "stock y-partykit", shapes: 10000 },
        field: "median_ms",
      },
    },
    {
      issue: 13,
      what: "join, 50,000 compact shapes: median",
      row: { room: "sketchroom", representation: "compact", shapes: 50000 },
      field: "median_ms",
      unit: "ms",
      bound: { op: "<=", value: 1000 },
    },
  ],
};
