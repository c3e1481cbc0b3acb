import { bundleBenchmark } from "../bundle";
import type { Section } from "../lib/section";

export const bundleSection: Section = {
  name: "bundle",
  heading: "Bundle (issue 7)",
  run: bundleBenchmark,
  render(rows, ctx) {
    return [
      "The initial JavaScript a visitor downloads, minified and gzipped, built the way partykit.json",
      "builds it (esbuild, ESM, code splitting; bench/bundle.ts). Only static imports count as",
      "initial: export and import load on demand (`lazy_gzip_kb`). Baseline: the same build of the",
      "libraries alone (react, react-dom, konva, react-konva, yjs, y-protocols, partysocket), the floor.",
      "",
      ctx.table(
        "Bundle: initial JavaScript, minified + gzipped (baseline: the libraries alone)",
        rows,
      ),
    ].join("\n");
  },
  targets: [
    {
      issue: 7,
      what: "initial JS, gzipped",
      row: { bundle: "sketchroom initial JS" },
      field: "gzip_kb",
      unit: "KB",
      bound: { op: "<=", value: 250 },
      baseline: {
        label: "libraries alone",
        row: { bundle: "libraries alone (floor)" },
        field: "gzip_kb",
      },
    },
  ],
};
