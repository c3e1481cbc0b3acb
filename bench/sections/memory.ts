import { memoryBenchmark } from "../document";
import type { Section } from "../lib/section";
import { bySize, compactSeries, compactSizes } from "./join";

const sizes = () => (process.env.BENCH_MEMORY_SIZES ?? "1000,5000,10000").split(",").map(Number);

export const memorySection: Section = {
  name: "memory",
  heading: "Server memory (issue 7)",
  method: "open room: the writer stays connected; steady RSS; fresh server per size",
  earlierMethod:
    "Then memory was read a fixed second after every client had left the room (the stock room " +
    "unloads its document then; ours keeps it for as long as the runtime keeps the room), " +
    "at 10,000 shapes only.",
  run: () => memoryBenchmark(sizes(), compactSizes()),
  render(rows, ctx) {
    return [
      "What an open room adds to the dev server's resident memory (the workerd processes' RSS;",
      "bench/document.ts), measured the same way for both rooms on a fresh server each: a first",
      "client opens the room and stays connected, so the room is loaded and stays loaded, and memory",
      "is read (`rss_before_mb`); that client draws the shapes, a second client joins and leaves,",
      "and memory is read again with the first still connected (`rss_after_mb`). Each reading waits",
      "until the figure holds still for a second. Baseline: the stock y-partykit room",
      '(`persist: { mode: "snapshot" }`, as its docs recommend), which keeps the document and,',
      "with persistence on, its history in memory while anyone is connected (BENCH_MEMORY_SIZES).",
      "Rows with representation `compact` (issue 13, BENCH_COMPACT_SIZES) are our room holding one",
      "plain value per shape (docs/schema.md); 128 MB is a deployed room's whole memory.",
      "",
      ctx.table("Server memory for an open room (baseline: stock room)", rows),
      "",
      ctx.chart("memory.svg", {
        title: "Room memory vs shapes on the board",
        xLabel: "shapes",
        yLabel: "resident memory added (MB)",
        series: [
          { name: "Sketchroom", points: bySize(rows, "sketchroom", "added_mb") },
          { name: "stock y-partykit", points: bySize(rows, "stock y-partykit", "added_mb") },
          // Only once measured: an empty series would still take a legend entry.
          ...compactSeries(rows, "added_mb"),
        ],
      }),
    ].join("\n");
  },
  targets: [
    {
      issue: 7,
      what: "memory a 10,000-shape room adds to the server",
      row: { room: "sketchroom", shapes: 10000 },
      field: "added_mb",
      unit: "MB",
      bound: { op: "<=", value: 64 },
      baseline: {
        label: "stock y-partykit",
        row: { room: "stock y-partykit", shapes: 10000 },
        field: "added_mb",
      },
    },
    {
      issue: 13,
      what: "memory a 50,000-shape compact room adds to the server",
      row: { room: "sketchroom", representation: "compact", shapes: 50000 },
      field: "added_mb",
      unit: "MB",
      bound: { op: "<=", value: 128 },
    },
  ],
};
