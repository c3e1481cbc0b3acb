/**
 * A benchmark section: how to run it, how its stored rows read in BENCHMARKS.md, and the targets
 * its figures are held to. Sections are registered in bench/sections/index.ts, in page order.
 */
import type { Row } from "./results";
import type { LineChart } from "./svg";
import type { Target } from "./targets";

export interface RenderContext {
  /** The section's run stamp in short, for charts that leave the page. */
  readonly stamp: string;
  /** The rows as an aligned text table in a code block, under `title`. */
  table(title: string, rows: Row[]): string;
  /**
   * Writes docs/bench/<file> (SVG) during the render and returns the Markdown that shows it.
   * `file` is a bare name like "join.svg".
   */
  chart(file: string, chart: LineChart): string;
}

export interface Section {
  /** Key in results.json and in BENCH_ONLY. */
  name: string;
  /** The section's heading in BENCHMARKS.md, e.g. "Presence (issue 3)". */
  heading: string;
  /**
   * Names how the section measures. Change it when the method changes, so figures stored by the
   * earlier method are labelled as such until the section is run again.
   */
  method?: string;
  /** How figures without the current `method` were measured (fixed prose for the page). */
  earlierMethod?: string;
  /** Record the Chromium version with the machine. */
  usesChromium?: boolean;
  /** Runs the benchmark; returns the rows stored in results.json. */
  run(): Promise<Row[]> | Row[];
  /**
   * The section's body from its stored rows alone: fixed prose (method, baseline) around the
   * table and charts. Computed figures only; nothing typed by hand.
   */
  render(rows: Row[], ctx: RenderContext): string;
  /** Shown in "Targets at a glance", each evaluated against this section's rows. */
  targets?: Target[];
}
