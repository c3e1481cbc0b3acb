/**
 * `npm run bench`: every benchmark against a real `partykit dev`, one table per benchmark, each
 * figure beside its baseline from the same run; results go to bench/results.json.
 *
 * Environment: BENCH_SECONDS (presence and scale run length, default 20), BENCH_ONLY (comma list
 * of benchmark names to run), BENCH_SCALE_CONNECTIONS (clients in the scale room, default 1000).
 */
import { readFileSync, writeFileSync } from "node:fs";
import { cpus, totalmem } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { bundleBenchmark } from "./bundle";
import {
  joinBenchmark,
  memoryBenchmark,
  propagationBenchmark,
  type Row,
  sizeBenchmark,
} from "./document";
import { printTable } from "./lib/table";
import { presenceBenchmark } from "./presence";
import { renderBenchmark } from "./render";
import { resilienceBenchmark } from "./resilience";
import { scaleBenchmark } from "./scale";
import { transportBenchmark } from "./transport";

const here = dirname(fileURLToPath(import.meta.url));
const only = process.env.BENCH_ONLY?.split(",").map((s) => s.trim());
const want = (name: string) => !only || only.includes(name);
const seconds = Number(process.env.BENCH_SECONDS ?? 20);

const results: Record<string, unknown> = {
  date: new Date().toISOString(),
  machine: {
    cpus: cpus().length,
    model: cpus()[0]?.model,
    memoryGiB: Math.round(totalmem() / 2 ** 30),
  },
  node: process.version,
};

if (want("presence")) {
  const sizes = (process.env.BENCH_SIZES ?? "10,25,50,100").split(",").map(Number);
  const rows = await presenceBenchmark({ sizes, seconds });
  printTable(
    `Presence: cursors at 20 Hz per client, ${seconds} s per row (baseline = relay every message)`,
    rows as unknown as Record<string, number | string>[],
  );
  results.presence = rows;
}

async function section(name: string, title: string, run: () => Promise<Row[]> | Row[]) {
  if (!want(name)) return;
  const rows = await run();
  printTable(title, rows);
  results[name] = rows;
}

await section(
  "size",
  "Document size (in process; baseline: writing every frame of a drag)",
  sizeBenchmark,
);
await section(
  "bundle",
  "Bundle: initial JavaScript, minified + gzipped (baseline: the libraries alone)",
  bundleBenchmark,
);
await section(
  "join",
  "Join: Node client synced with a room (baseline: stock y-partykit room)",
  () => joinBenchmark([1_000, 10_000], 5),
);
await section(
  "propagation",
  "Edit propagation: one of 10 clients edits, all others receive (baseline: stock room)",
  () => propagationBenchmark(10, 300),
);
await section("memory", "Server memory for a 10,000-shape room (baseline: stock room)", () =>
  memoryBenchmark(10_000),
);

await section(
  "render",
  "Rendering: 10,000 shapes in headless Chromium, 1280×800 (baseline: ?render=naive)",
  renderBenchmark,
);

await section(
  "transport",
  "Transport: one writer, one reader, 300 sequential edits (baseline: WebSocket)",
  transportBenchmark,
);

await section(
  "resilience",
  "Resilience: server restart → every client resynced; half-open detection (budget: 12 s silence + 1 s check)",
  () => resilienceBenchmark(),
);

await section(
  "scale",
  `Scale: one room, ${process.env.BENCH_SCALE_CONNECTIONS ?? 1000} clients (50 editors and 50 viewers moving cursors at 20 Hz, 3 editors editing twice a second), ${seconds} s (baseline: today's plain coalesced relay, 100 clients all moving)`,
  () =>
    scaleBenchmark({
      connections: Number(process.env.BENCH_SCALE_CONNECTIONS ?? 1000),
      editors: 50,
      pointers: 50,
      writers: 3,
      seconds,
      baseline: 100,
    }),
);

// Sections not run this time (BENCH_ONLY) keep their previous figures.
const out = join(here, "results.json");
let previous: Record<string, unknown> = {};
try {
  previous = JSON.parse(readFileSync(out, "utf8")) as Record<string, unknown>;
} catch {
  // First run.
}
writeFileSync(out, `${JSON.stringify({ ...previous, ...results }, null, 2)}\n`);
console.log(`\nwrote ${out}`);
