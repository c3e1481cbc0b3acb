import { BINDINGS_SCENARIO, bindingsBenchmark } from "../bindings";
import type { Section } from "../lib/section";

/** One frame at 60 Hz (ms): headless Chromium's rAF pacing cannot go faster. */
const FRAME_60HZ_MS = 16.7;

export const bindingsSection: Section = {
  name: "bindings",
  heading: "Bound arrows (issue 11)",
  usesChromium: true,
  run: bindingsBenchmark,
  render(rows, ctx) {
    return [
      "Headless Chromium (`--disable-gpu`, software raster), 1280×800, a room of 10,000 shapes:",
      "8,000 20×20 rectangles on a 100-column grid and 2,000 arrows bound at both ends",
      "(bench/bindings.ts). One rectangle with 50 bound arrows is dragged with the select tool",
      "(60 pointer moves); every frame re-routes those 50 arrows on their Konva lines and sends the",
      "rectangle's position as presence; the document is written once, on pointer up (the run",
      "checks that the 50 arrows were stored on the dropped rectangle).",
      "",
      ctx.table("Bound arrows: drag 1 of 10,000 with 50 bound arrows", rows),
      "",
      "- Columns as in Rendering (issue 7): `frame_*` are requestAnimationFrame intervals during",
      "  the drag, `long_tasks` PerformanceObserver entries over 50 ms, `draw_p95_ms` Konva layer",
      "  draws per frame.",
    ].join("\n");
  },
  targets: [
    {
      issue: 11,
      what: "drag with 50 bound arrows: p95 frame",
      row: { scenario: BINDINGS_SCENARIO },
      field: "frame_p95_ms",
      unit: "ms",
      bound: { op: "<=", value: FRAME_60HZ_MS },
    },
  ],
};
