import { DEAD_AFTER_MS, HEARTBEAT_CHECK_MS } from "../../src/shared/constants";
import type { Section } from "../lib/section";
import { resilienceBenchmark } from "../resilience";

const RESTART = "restart → all resynced";
const HALF_OPEN = "half-open detected";
/** ms. Full jitter must spread the first reconnect attempts over at least this much. */
const MIN_SPREAD_MS = 1_000;
/** ms. A silent connection must be noticed within this (issue 4). */
const HALF_OPEN_BOUND_MS = 15_000;

export const resilienceSection: Section = {
  name: "resilience",
  heading: "Resilience (issue 4)",
  run: () => resilienceBenchmark(),
  render(rows, ctx) {
    return [
      "bench/resilience.ts with the real client (`createRoomClient` in Node). Restart = SIGKILL of the",
      "dev server while every client holds one unsaved edit made while it was down, then a restart on",
      "the same storage; measured from the restart until every client is connected, saved and holds",
      "every edit. `first_attempt_spread_ms` = max − min of the clients' first reconnect attempts",
      "after the drop (full jitter). Half-open = a TCP proxy that silently stops forwarding; measured",
      `until the client leaves \`connected\` (DEAD_AFTER_MS ${DEAD_AFTER_MS} ms + a`,
      `${HEARTBEAT_CHECK_MS} ms check).`,
      "",
      ctx.table("Resilience: server restart → every client resynced; half-open detection", rows),
    ].join("\n");
  },
  targets: [
    ...[10, 50].flatMap((clients) => [
      {
        issue: 4,
        what: `restart → all ${clients} clients resynced`,
        row: { measure: RESTART, clients },
        field: "ms",
        unit: "ms",
      },
      {
        issue: 4,
        what: `first reconnect attempts spread, ${clients} clients`,
        row: { measure: RESTART, clients },
        field: "first_attempt_spread_ms",
        unit: "ms",
        bound: { op: ">=" as const, value: MIN_SPREAD_MS },
      },
    ]),
    {
      issue: 4,
      what: "half-open connection detected",
      row: { measure: HALF_OPEN },
      field: "ms",
      unit: "ms",
      bound: { op: "<=", value: HALF_OPEN_BOUND_MS },
    },
  ],
};
