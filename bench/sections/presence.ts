import { PRESENCE_TICK_MS } from "../../src/shared/constants";
import type { Section } from "../lib/section";
import { presenceBenchmark } from "../presence";

const seconds = () => Number(process.env.BENCH_SECONDS ?? 20);
const sizes = () => (process.env.BENCH_SIZES ?? "10,25,50,100").split(",").map(Number);

export const presenceSection: Section = {
  name: "presence",
  heading: "Presence (issue 3)",
  async run() {
    const rows = await presenceBenchmark({ sizes: sizes(), seconds: seconds() });
    return rows.map((r) => ({ ...r }));
  },
  render(rows, ctx) {
    const series = (mode: string) =>
      rows
        .filter((r) => r.mode === mode)
        .map((r) => [Number(r.clients), Number(r.p99_ms)] as [number, number]);
    const runSeconds = rows[0]?.seconds ?? "?";
    return [
      `N simulated clients in one room, each moving its cursor at 20 Hz (bench/presence.ts; ${runSeconds} s`,
      "measured per row after a 2 s warm-up; BENCH_SECONDS and BENCH_SIZES change both). Latency is",
      "send → arrival at every receiver; `delivered_pct` counts updates that reached every other",
      "client (coalescing may merge two positions of one client in one tick). Baseline: the same room",
      "with coalescing switched off (`--var PRESENCE_COALESCE=off`), which relays every message to",
      `everyone at once. Coalescing trades up to one tick (${PRESENCE_TICK_MS} ms) of latency for a`,
      "message rate per receiver that stays flat as the room grows. Clients run in the benchmark's",
      "process and share the cores with the server.",
      "",
      ctx.table("Presence: cursors at 20 Hz per client (baseline = relay every message)", rows),
      "",
      ctx.chart("presence-p99.svg", {
        title: "Cursor latency p99 vs people per room",
        xLabel: "people in the room",
        yLabel: "cursor p99 (ms)",
        series: [
          { name: "coalesced (Sketchroom)", points: series("coalesced") },
          { name: "relay every message", points: series("baseline") },
        ],
      }),
    ].join("\n");
  },
  targets: [
    {
      issue: 3,
      what: "cursor p99, 50 people",
      row: { mode: "coalesced", clients: 50 },
      field: "p99_ms",
      unit: "ms",
      bound: { op: "<=", value: 50 },
      baseline: { label: "relay-all", row: { mode: "baseline", clients: 50 }, field: "p99_ms" },
    },
    {
      issue: 3,
      what: "messages per receiver per second, 50 people",
      row: { mode: "coalesced", clients: 50 },
      field: "msgs_per_recv_s",
      unit: "msg/s",
      bound: { op: "<=", value: 40 },
      baseline: {
        label: "relay-all",
        row: { mode: "baseline", clients: 50 },
        field: "msgs_per_recv_s",
      },
    },
    {
      issue: 3,
      what: "cursor p99, 100 people",
      row: { mode: "coalesced", clients: 100 },
      field: "p99_ms",
      unit: "ms",
      bound: { op: "<=", value: 100 },
      baseline: { label: "relay-all", row: { mode: "baseline", clients: 100 }, field: "p99_ms" },
    },
  ],
};
