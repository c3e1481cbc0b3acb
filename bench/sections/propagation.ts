import { propagationBenchmark } from "../document";
import type { Section } from "../lib/section";

export const propagationSection: Section = {
  name: "propagation",
  heading: "Edit propagation (issue 7)",
  run: () => propagationBenchmark(10, 300),
  render(rows, ctx) {
    return [
      "10 Node clients stay connected to one room; they take turns moving one shape, 300 edits one",
      "after another, and each edit's latency is the author's write → every other client holding it",
      "(bench/document.ts). `missed` counts arrivals that took over 2 s. Baseline: the same load on",
      "the stock y-partykit room (bench/stockRoom.ts), warm in the same way.",
      "",
      ctx.table(
        "Edit propagation: one of 10 clients edits, all others receive (baseline: stock room)",
        rows,
      ),
    ].join("\n");
  },
  targets: [
    {
      issue: 7,
      what: "edit propagation p99, 10 clients",
      row: { room: "sketchroom" },
      field: "p99_ms",
      unit: "ms",
      bound: { op: "<=", value: 30 },
      baseline: { label: "stock y-partykit", row: { room: "stock y-partykit" }, field: "p99_ms" },
    },
  ],
};
