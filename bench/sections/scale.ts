import {
  MAX_CONNECTIONS_PER_ROOM,
  MAX_EDITORS_PER_ROOM,
  PRESENCE_MAX_PEERS,
} from "../../src/shared/constants";
import type { Section } from "../lib/section";
import { scaleBenchmark } from "../scale";

const seconds = () => Number(process.env.BENCH_SECONDS ?? 20);
const connections = () => Number(process.env.BENCH_SCALE_CONNECTIONS ?? MAX_CONNECTIONS_PER_ROOM);
/** Clients in the baseline room: today's design at its limit, everyone an editor moving a cursor. */
const BASELINE_CLIENTS = 100;
const EDITORS = 50;
const POINTERS = 50;
const WRITERS = 3;
/** The room size the targets hold (issue 13); a smaller BENCH_SCALE_CONNECTIONS run meets none. */
const TARGET_CONNECTIONS = 1000;
const BASELINE_ROW = { relay: "plain", connections: BASELINE_CLIENTS };

/** Prose with figures spliced in, wrapped like the other sections' hand-wrapped lines. */
function wrap(text: string, width = 98): string {
  const lines: string[] = [];
  let line = "";
  for (const word of text.split(" ")) {
    if (line && line.length + 1 + word.length > width) {
      lines.push(line);
      line = word;
    } else {
      line = line ? `${line} ${word}` : word;
    }
  }
  if (line) lines.push(line);
  return lines.join("\n");
}

export const scaleSection: Section = {
  name: "scale",
  heading: "Scale (issue 13)",
  run: () =>
    scaleBenchmark({
      connections: connections(),
      editors: EDITORS,
      pointers: POINTERS,
      writers: WRITERS,
      seconds: seconds(),
      baseline: BASELINE_CLIENTS,
    }),
  render(rows, ctx) {
    const bounded = rows.find((r) => r.relay === "bounded");
    const clients = bounded?.connections ?? "?";
    const runSeconds = bounded?.seconds ?? "?";
    const prose = [
      `One room, ${clients} raw WebSocket clients on loopback (bench/scale.ts; ${runSeconds} s measured after a`,
      "2 s warm-up; BENCH_SCALE_CONNECTIONS and BENCH_SECONDS change them):",
      `${EDITORS} editors and ${POINTERS} viewers (\`?mode=view\`) move cursors at 20 Hz, ${WRITERS} of the editors`,
      "also edit twice a second, every other client is a silent viewer. Presence is bounded per",
      `receiver (${PRESENCE_MAX_PEERS} others each, docs/scale.md); the room admits`,
      `${MAX_CONNECTIONS_PER_ROOM.toLocaleString("en-US")} connections, ${MAX_EDITORS_PER_ROOM} of them editors.`,
      "`presence_msgs_per_recv_s` counts awareness frames and `presence-count` messages per receiver",
      "per second, over every receiver; cursor latency is sampled on every 10th client;",
      "`edit_p99_ms` is each edit's arrival at every other client. Baseline, same run: today's",
      `design at its limit, ${BASELINE_CLIENTS} clients all moving, the plain coalesced relay without the bound`,
      "(`--var PRESENCE_MAX_PEERS=all`). The targets read only a run at",
      `${TARGET_CONNECTIONS.toLocaleString("en-US")} connections: a smaller run's figures stand in the table and its`,
      'targets read "not measured".',
    ].join(" ");
    return [
      wrap(prose),
      "",
      ctx.table(
        "Scale: one room, cursors at 20 Hz, 3 writers (baseline = plain relay, 100 clients)",
        rows,
      ),
    ].join("\n");
  },
  targets: [
    {
      issue: 13,
      what: "presence frames per second, every receiver (max), 1,000 connections",
      row: { relay: "bounded", connections: TARGET_CONNECTIONS },
      field: "presence_msgs_per_recv_s_max",
      unit: "frames/s",
      bound: { op: "<=", value: 40 },
      baseline: {
        label: "plain relay, 100 clients",
        row: BASELINE_ROW,
        field: "presence_msgs_per_recv_s_max",
      },
    },
    {
      issue: 13,
      what: "edit p99, 1,000 connections",
      row: { relay: "bounded", connections: TARGET_CONNECTIONS },
      field: "edit_p99_ms",
      unit: "ms",
      bound: { op: "<=", value: 200 },
      baseline: { label: "plain relay, 100 clients", row: BASELINE_ROW, field: "edit_p99_ms" },
    },
  ],
};
