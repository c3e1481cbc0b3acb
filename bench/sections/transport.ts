import type { Section } from "../lib/section";
import { transportBenchmark } from "../transport";

export const transportSection: Section = {
  name: "transport",
  heading: "Transport (issue 8)",
  run: transportBenchmark,
  render(rows, ctx) {
    return [
      "One writer and one reader, 300 sequential edits over each transport (bench/transport.ts);",
      "latency is send → the reader holding the update; CPU is the dev server's whole process group.",
      "Baseline: WebSocket. docs/transport.md explains the decision.",
      "",
      ctx.table(
        "Transport: one writer, one reader, 300 sequential edits (baseline: WebSocket)",
        rows,
      ),
    ].join("\n");
  },
};
