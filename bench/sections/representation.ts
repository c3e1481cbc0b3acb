import { execFileSync } from "node:child_process";
import { join } from "node:path";
import type { Row } from "../lib/results";
import type { Section } from "../lib/section";

const REPO = join(import.meta.dirname, "../..");
const sizes = () =>
  (process.env.BENCH_REPRESENTATION_SIZES ?? "10000,50000").split(",").map(Number);

/** The representations bench/docHeap.ts knows, in table order. */
const REPRESENTATIONS = ["y-map per shape", "packed geometry", "plain value"];

/** One child process per size and representation, so each measures a fresh heap. */
function run(): Row[] {
  const rows: Row[] = [];
  for (const n of sizes()) {
    for (const representation of REPRESENTATIONS) {
      const out = execFileSync(
        process.execPath,
        [
          "--expose-gc",
          "--import",
          "tsx",
          join(REPO, "bench/docHeap.ts"),
          String(n),
          representation,
        ],
        { cwd: REPO, encoding: "utf8", timeout: 300_000 },
      );
      rows.push(JSON.parse(out.trim()) as Row);
    }
  }
  return rows;
}

export const representationSection: Section = {
  name: "representation",
  heading: "Boards of 50,000 shapes: room memory by representation (issue 13)",
  run,
  render(rows, ctx) {
    return [
      "In process (bench/docHeap.ts, `node --expose-gc`): the heap a room's Y.Doc takes for a board",
      "of plain rectangles, measured between two full collections around applying the board. V8 is",
      "the engine workerd runs. A deployed room has 128 MB in all, so the document must stay well",
      "under it. Today's schema (one Y.Map per shape) is the first row of each size; the others are",
      "the representations docs/scale.md weighs, and what they would change in docs/conflicts.md.",
      "",
      ctx.table("Room document heap by representation (rectangles, defaults left out)", rows),
    ].join("\n");
  },
  targets: [
    {
      issue: 13,
      what: "a 50,000-shape room's document under 128 MB (today's schema)",
      row: { representation: "y-map per shape", shapes: 50000 },
      field: "heap_mb",
      unit: "MB",
      bound: { op: "<=", value: 128 },
      baseline: {
        label: "plain value",
        row: { representation: "plain value", shapes: 50000 },
        field: "heap_mb",
      },
    },
  ],
};
