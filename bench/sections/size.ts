import { sizeBenchmark } from "../document";
import type { Section } from "../lib/section";

export const PER_SHAPE = "bytes per simple shape (rect, 21-char id)";
export const DRAG = "bytes a 120-frame drag adds (one commit)";

export const sizeSection: Section = {
  name: "size",
  heading: "Document size (issue 7)",
  run: sizeBenchmark,
  render(rows, ctx) {
    return [
      "In process, no server (bench/document.ts): the encoded Yjs document that storage keeps and",
      "every joining client downloads. Baseline for the drag: the same 120-frame drag written to the",
      "document on every frame instead of once when the gesture ends. The history row is what",
      "10,000 committed moves leave behind in a 1,000-shape board.",
      "",
      ctx.table("Document size (in process; baseline: writing every frame of a drag)", rows),
    ].join("\n");
  },
  targets: [
    {
      issue: 7,
      what: "bytes per simple shape",
      row: { measure: PER_SHAPE },
      field: "value",
      unit: "B",
      bound: { op: "<=", value: 250 },
    },
    {
      issue: 7,
      what: "bytes a drag adds to the document",
      row: { measure: DRAG },
      field: "value",
      unit: "B",
      bound: { op: "<=", value: 150 },
      baseline: { label: "", row: { measure: DRAG }, field: "baseline" },
    },
  ],
};
