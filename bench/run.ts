/**
 * `npm run bench`: every benchmark against a real `partykit dev`, one table per benchmark, each
 * figure beside its baseline from the same run; results go to bench/results.json.
 *
 * Environment: BENCH_SECONDS (presence run length, default 20), BENCH_ONLY (comma list of
 * benchmark names to run).
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
