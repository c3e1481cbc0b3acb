/**
 * `npm run bench`: runs the benchmark sections (bench/sections/) against a real `partykit dev`,
 * stores each section's rows with the date, commit and machine of this run in bench/results.json,
 * then renders BENCHMARKS.md and its charts from results.json (bench/report.ts).
 *
 * Environment: BENCH_ONLY (comma list of section names; the others keep their stored results and
 * stamps), BENCH_SECONDS (presence and scale run length), BENCH_SIZES (presence), BENCH_JOIN_SIZES
 * and BENCH_JOINS (join), BENCH_MEMORY_SIZES (memory), BENCH_COMPACT_SIZES (join and memory, boards
 * of compact shapes), BENCH_RENDER_SHAPES (render), BENCH_TRANSPORT_EDITS (transport),
 * BENCH_SCALE_CONNECTIONS (scale; default 1,000).
 */
import {
  commitStamp,
  loadResults,
  machineStamp,
  mergeResults,
  RESULTS_PATH,
  type Results,
  saveResults,
} from "./lib/results";
import { printTable } from "./lib/table";
import { renderReport, writeReport } from "./report";
import { SECTIONS } from "./sections";

const only = process.env.BENCH_ONLY?.split(",")
  .map((s) => s.trim())
  .filter(Boolean);
const unknown = only?.filter((name) => !SECTIONS.some((s) => s.name === name)) ?? [];
if (unknown.length > 0) {
  console.error(
    `BENCH_ONLY names no section: ${unknown.join(", ")} (sections: ${SECTIONS.map((s) => s.name).join(", ")})`,
  );
  process.exit(2);
}

for (const section of SECTIONS) {
  if (only && !only.includes(section.name)) continue;
  // Stamped at the start: a commit made while a long section runs must not claim its figures.
  const commit = commitStamp();
  const rows = await section.run();
  printTable(section.heading, rows);
  const fresh: Results = {
    sections: {
      [section.name]: {
        date: new Date().toISOString(),
        commit,
        machine: machineStamp(section.usesChromium ?? false),
        ...(section.method ? { method: section.method } : {}),
        rows,
      },
    },
  };
  // Stored section by section, so a failure later in a long run keeps what was measured. Sections
  // not run this time keep their stored rows and stamps.
  saveResults(mergeResults(loadResults(), fresh));
}

writeReport(renderReport(loadResults()));
console.log(`\nwrote ${RESULTS_PATH}, BENCHMARKS.md and docs/bench/*.svg`);
