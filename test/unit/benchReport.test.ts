/**
 * The benchmark report (bench/report.ts): BENCHMARKS.md is rendered from bench/results.json alone,
 * partial runs keep other sections' stamps, targets are computed, charts are drawn from rows.
 */
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, test } from "vitest";
import {
  loadResults,
  mergeResults,
  parseResults,
  type Results,
  type SectionResult,
} from "../../bench/lib/results";
import type { Section } from "../../bench/lib/section";
import { lineChart } from "../../bench/lib/svg";
import { evaluate, type Target } from "../../bench/lib/targets";
import { CHART_DIR, REPORT_PATH, renderReport } from "../../bench/report";
import { REPO_ROOT } from "../helpers/devServer";

const stamped = (date: string, commit: string, rows: SectionResult["rows"]): SectionResult => ({
  date,
  commit,
  machine: { cores: 2, cpu: "Test CPU", memoryGiB: 8, node: "v20.0.0" },
  rows,
});

const target: Target = {
  issue: 7,
  what: "join, 10 shapes",
  row: { room: "ours", shapes: 10 },
  field: "ms",
  unit: "ms",
  bound: { op: "<=", value: 100 },
  baseline: { label: "stock", row: { room: "stock", shapes: 10 }, field: "ms" },
};

const section: Section = {
  name: "demo",
  heading: "Demo",
  method: "v2",
  earlierMethod: "Then it was measured cold.",
  run: () => [],
  render: (rows, ctx) =>
    [
      "Fixed prose.",
      ctx.table("Demo table", rows),
      ctx.chart("demo.svg", {
        title: "Demo chart",
        xLabel: "shapes",
        yLabel: "ms",
        series: [
          { name: "ours", points: rows.map((r) => [Number(r.shapes), Number(r.ms)]) },
          { name: "stock", points: [] },
        ],
      }),
    ].join("\n"),
  targets: [target],
};

describe("bench report", () => {
  test("a partial run replaces only its sections; the others keep their own stamps", () => {
    const previous: Results = {
      sections: {
        a: stamped("2026-01-01T00:00:00.000Z", "aaaaaaa", [{ x: 1 }]),
        b: stamped("2026-01-02T00:00:00.000Z", "bbbbbbb", [{ x: 2 }]),
      },
    };
    const fresh: Results = {
      sections: { b: stamped("2026-02-01T00:00:00.000Z", "ccccccc-dirty", [{ x: 3 }]) },
    };
    const merged = mergeResults(previous, fresh);
    expect(merged.sections.a).toEqual(previous.sections.a);
    expect(merged.sections.b).toEqual(fresh.sections.b);
  });

  test("the old flat results.json loads with unknown stamps, rendered as unknown", () => {
    const legacy = {
      date: "2026-11-30T23:21:40.844Z",
      machine: { cpus: 2, model: "Some CPU", memoryGiB: 24 },
      node: "v20.20.2",
      demo: [{ room: "ours", shapes: 10, ms: "42.0" }],
    };
    const results = parseResults(legacy);
    expect(Object.keys(results.sections)).toEqual(["demo"]);
    expect(results.sections.demo).toMatchObject({ date: null, commit: null, machine: null });
    const { markdown } = renderReport(results, [{ ...section, method: undefined }]);
    expect(markdown).toContain("Run: unknown · commit unknown · machine unknown.");
    // The file-wide stamp belonged to whichever run wrote last: it is not shown as this section's.
    expect(markdown).not.toContain("2026-11-30");
    expect(markdown).not.toContain("Some CPU");
  });

  test("targets: met, missed, recorded and not measured are computed from the rows", () => {
    const results = (ms: string | number): Results => ({
      sections: {
        demo: stamped("2026-01-01T00:00:00.000Z", "abc1234", [
          { room: "ours", shapes: 10, ms },
          { room: "stock", shapes: 10, ms: 300 },
        ]),
      },
    });
    expect(evaluate("demo", target, results("99.9")).status).toBe("met");
    expect(evaluate("demo", target, results(100)).status).toBe("met");
    expect(evaluate("demo", target, results("100.1")).status).toBe("missed");
    expect(evaluate("demo", target, results("")).status).toBe("not measured");
    expect(evaluate("demo", target, { sections: {} }).status).toBe("not measured");
    const atLeast: Target = { ...target, bound: { op: ">=", value: 20 } };
    expect(evaluate("demo", atLeast, results(19)).status).toBe("missed");
    expect(evaluate("demo", atLeast, results(20)).status).toBe("met");
    const unbounded: Target = { ...target, bound: undefined };
    expect(evaluate("demo", unbounded, results(5)).status).toBe("recorded");
    const e = evaluate("demo", target, results(120));
    expect(e.baseline).toBe(300);
    expect(e.path).toBe("demo[room=ours,shapes=10].ms");
  });

  test("the page shows each section's stamp, a missed target, and labels an earlier method", () => {
    const rows = [
      { room: "ours", shapes: 10, ms: 120 },
      { room: "stock", shapes: 10, ms: 300 },
    ];
    const current: Results = {
      sections: {
        demo: { ...stamped("2026-03-04T05:06:07.000Z", "abc1234", rows), method: "v2" },
      },
    };
    const page = renderReport(current, [section]);
    expect(page.markdown).toContain(
      "Run: 2026-03-04 05:06 UTC · commit `abc1234` · 2 cores (Test CPU), 8 GiB, Node v20.0.0.",
    );
    expect(page.markdown).toMatch(
      /\| join, 10 shapes \| ≤ 100 ms \| 120 ms \| stock: 300 ms \| \*\*missed\*\* \|/,
    );
    expect(page.markdown).not.toContain("earlier method");
    expect(page.charts.get("demo.svg")).toContain("Demo chart");
    expect(page.markdown).toContain(`![Demo chart](${CHART_DIR}/demo.svg)`);

    const older: Results = {
      sections: { demo: stamped("2026-01-01T00:00:00.000Z", "0000000", rows) },
    };
    const stale = renderReport(older, [section]).markdown;
    expect(stale).toContain("**These figures were measured by an earlier method**");
    expect(stale).toContain("Then it was measured cold.");
    expect(stale).toContain("**missed** (earlier method)");
    expect(renderReport(older, [section]).charts.get("demo.svg")).toContain(
      "commit 0000000 · earlier method",
    );
  });

  test("a section without results says how to measure it", () => {
    const { markdown } = renderReport({ sections: {} }, [section]);
    expect(markdown).toContain("Not measured yet: `BENCH_ONLY=demo npm run bench`.");
    expect(markdown).toContain("| not measured |");
  });

  test("line chart: one line and a marker per point for each series, a legend, ticks", () => {
    const svg = lineChart({
      title: "Join <time>",
      xLabel: "shapes",
      yLabel: "ms",
      series: [
        {
          name: "ours",
          points: [
            [1000, 20],
            [10000, 150],
            [5000, 80],
          ],
        },
        {
          name: "stock",
          points: [
            [1000, 40],
            [10000, 380],
          ],
        },
      ],
    });
    expect(svg.match(/<polyline /g)).toHaveLength(2);
    // 3 + 2 data markers, and one legend marker per series.
    expect(svg.match(/<circle /g)).toHaveLength(7);
    expect(svg).toContain(">ours</text>");
    expect(svg).toContain(">stock</text>");
    expect(svg).toContain("Join &lt;time&gt;");
    expect(svg).toContain(">10,000</text>");
    expect(svg).toContain(">400</text>");
    // Points are joined in ascending x, whatever order the rows came in.
    const ours = svg
      .match(/<polyline points="([^"]+)"/)![1]!
      .split(" ")
      .map((p) => Number(p.split(",")[0]));
    expect([...ours].sort((a, b) => a - b)).toEqual(ours);
    expect(lineChart({ title: "t", xLabel: "x", yLabel: "y", series: [] })).toContain(
      "no data yet",
    );
  });

  test("the committed BENCHMARKS.md and charts are exactly what results.json renders to", () => {
    const report = renderReport(loadResults());
    expect(readFileSync(join(REPO_ROOT, REPORT_PATH), "utf8")).toBe(report.markdown);
    for (const [file, svg] of report.charts) {
      expect(readFileSync(join(REPO_ROOT, CHART_DIR, file), "utf8")).toBe(svg);
    }
  });
});
