/**
 * A small line chart as a standalone SVG string: axes from zero, "nice" ticks, a legend, one
 * line with point markers per series. Output depends only on the input, so re-rendering
 * unchanged results leaves the files unchanged.
 */

export interface Series {
  name: string;
  /** [x, y] pairs; drawn in ascending x. */
  points: [number, number][];
}

export interface LineChart {
  title: string;
  /** A second, smaller line under the title (e.g. the run it shows). */
  subtitle?: string;
  xLabel: string;
  yLabel: string;
  series: Series[];
}

const WIDTH = 640;
const HEIGHT = 380;
const MARGIN = { left: 72, right: 40, top: 72, bottom: 56 };
const TICKS = 5;
const LEGEND_ITEM_WIDTH = 200;
/** Colour-blind-safe pair (blue, orange), told apart by dash pattern too. */
const STYLES = [
  { color: "#1f77b4", dash: "" },
  { color: "#e8710a", dash: "6 4" },
  { color: "#2ca02c", dash: "2 3" },
  { color: "#9467bd", dash: "8 3 2 3" },
];

const escapeXml = (s: string) =>
  s.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;").replace(/"/g, "&quot;");

const r1 = (n: number) => Math.round(n * 10) / 10;

/** A step of 1, 2 or 5 × 10^k giving about `count` intervals up to `max`. */
export function niceStep(max: number, count = TICKS): number {
  if (!(max > 0)) return 1;
  const raw = max / count;
  const power = 10 ** Math.floor(Math.log10(raw));
  const unit = raw / power;
  const factor = unit <= 1 ? 1 : unit <= 2 ? 2 : unit <= 5 ? 5 : 10;
  return factor * power;
}

function tickLabel(n: number, step: number): string {
  const decimals = step >= 1 ? 0 : Math.min(3, Math.ceil(-Math.log10(step)));
  return n.toLocaleString("en-US", {
    minimumFractionDigits: decimals,
    maximumFractionDigits: decimals,
  });
}

export function lineChart(chart: LineChart): string {
  const plotW = WIDTH - MARGIN.left - MARGIN.right;
  const plotH = HEIGHT - MARGIN.top - MARGIN.bottom;
  const all = chart.series
    .flatMap((s) => s.points)
    .filter(([x, y]) => Number.isFinite(x) && Number.isFinite(y));
  const xStep = niceStep(Math.max(0, ...all.map(([x]) => x)));
  const yStep = niceStep(Math.max(0, ...all.map(([, y]) => y)));
  const xMax = Math.max(xStep, Math.ceil(Math.max(0, ...all.map(([x]) => x)) / xStep) * xStep);
  const yMax = Math.max(yStep, Math.ceil(Math.max(0, ...all.map(([, y]) => y)) / yStep) * yStep);
  const sx = (x: number) => r1(MARGIN.left + (x / xMax) * plotW);
  const sy = (y: number) => r1(MARGIN.top + plotH - (y / yMax) * plotH);

  const out: string[] = [];
  out.push(
    `<svg xmlns="http://www.w3.org/2000/svg" width="${WIDTH}" height="${HEIGHT}" viewBox="0 0 ${WIDTH} ${HEIGHT}" font-family="system-ui, sans-serif" font-size="12">`,
    `<title>${escapeXml(chart.title)}</title>`,
    `<rect width="${WIDTH}" height="${HEIGHT}" fill="#ffffff"/>`,
    `<text x="${WIDTH / 2}" y="22" text-anchor="middle" font-size="15" font-weight="600">${escapeXml(chart.title)}</text>`,
  );
  if (chart.subtitle) {
    out.push(
      `<text x="${WIDTH / 2}" y="40" text-anchor="middle" font-size="11" fill="#666">${escapeXml(chart.subtitle)}</text>`,
    );
  }

  // Grid and ticks.
  for (let v = 0; v <= yMax + yStep / 2; v += yStep) {
    const y = sy(v);
    out.push(
      `<line x1="${MARGIN.left}" y1="${y}" x2="${MARGIN.left + plotW}" y2="${y}" stroke="#e6e6e6"/>`,
      `<text x="${MARGIN.left - 8}" y="${r1(y + 4)}" text-anchor="end" fill="#444">${tickLabel(v, yStep)}</text>`,
    );
  }
  for (let v = 0; v <= xMax + xStep / 2; v += xStep) {
    const x = sx(v);
    out.push(
      `<line x1="${x}" y1="${MARGIN.top + plotH}" x2="${x}" y2="${MARGIN.top + plotH + 5}" stroke="#444"/>`,
      `<text x="${x}" y="${MARGIN.top + plotH + 19}" text-anchor="middle" fill="#444">${tickLabel(v, xStep)}</text>`,
    );
  }
  // Axes.
  out.push(
    `<line x1="${MARGIN.left}" y1="${MARGIN.top}" x2="${MARGIN.left}" y2="${MARGIN.top + plotH}" stroke="#444"/>`,
    `<line x1="${MARGIN.left}" y1="${MARGIN.top + plotH}" x2="${MARGIN.left + plotW}" y2="${MARGIN.top + plotH}" stroke="#444"/>`,
    `<text x="${MARGIN.left + plotW / 2}" y="${HEIGHT - 12}" text-anchor="middle">${escapeXml(chart.xLabel)}</text>`,
    `<text transform="translate(18 ${MARGIN.top + plotH / 2}) rotate(-90)" text-anchor="middle">${escapeXml(chart.yLabel)}</text>`,
  );

  if (all.length === 0) {
    out.push(
      `<text x="${MARGIN.left + plotW / 2}" y="${MARGIN.top + plotH / 2}" text-anchor="middle" fill="#888">no data yet</text>`,
    );
  }

  chart.series.forEach((series, i) => {
    const style = STYLES[i % STYLES.length]!;
    const points = series.points
      .filter(([x, y]) => Number.isFinite(x) && Number.isFinite(y))
      .sort((a, b) => a[0] - b[0]);
    const dash = style.dash ? ` stroke-dasharray="${style.dash}"` : "";
    if (points.length > 1) {
      const d = points.map(([x, y]) => `${sx(x)},${sy(y)}`).join(" ");
      out.push(
        `<polyline points="${d}" fill="none" stroke="${style.color}" stroke-width="2"${dash}/>`,
      );
    }
    for (const [x, y] of points) {
      out.push(`<circle cx="${sx(x)}" cy="${sy(y)}" r="3.5" fill="${style.color}"/>`);
    }
    // Legend: the series side by side above the plot.
    const ly = MARGIN.top - 16;
    const lx = MARGIN.left + 8 + i * LEGEND_ITEM_WIDTH;
    out.push(
      `<line x1="${lx}" y1="${ly}" x2="${lx + 24}" y2="${ly}" stroke="${style.color}" stroke-width="2"${dash}/>`,
      `<circle cx="${lx + 12}" cy="${ly}" r="3.5" fill="${style.color}"/>`,
      `<text x="${lx + 30}" y="${ly + 4}">${escapeXml(series.name)}</text>`,
    );
  });

  out.push("</svg>");
  return `${out.join("\n")}\n`;
}
