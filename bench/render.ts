/**
 * Rendering benchmark (issue 7): a 10,000-shape room (BENCH_RENDER_SHAPES) in headless Chromium,
 * the optimized canvas beside the naive one (`/r/<room>?render=naive`, see
 * src/canvas/renderMode.ts) in the same run; then (issue 13) the optimized canvas alone on a
 * board of 50,000 compact shapes (BENCH_RENDER_COMPACT_SHAPES, 0 skips it): paint and pan/zoom
 * only, so the section does not double its time.
 *
 *  - paint: navigation → the first shapes-layer draw that holds the whole visible board;
 *  - pan/zoom: ~3 s of wheel pans and ctrl+wheel zooms;
 *  - drag: one shape among the 10,000, 60 small pointer moves;
 *  - all in view: zoom to fit (Shift+1), then ~3 s of small wheel pans.
 *
 * Frame times come from a requestAnimationFrame loop in the page, long tasks from a
 * PerformanceObserver. Headless Chromium paces rAF itself, so two main-thread costs are
 * reported beside them: Konva's layer draws per frame (timed around Layer#draw) and the
 * renderer's whole main-thread task time per frame (CDP Performance.getMetrics TaskDuration).
 */
import type { CDPSession, Page } from "playwright-core";
import { launchBrowser } from "../test/helpers/browser";
import { type DevServer, startDevServer } from "../test/helpers/devServer";
import { waitFor } from "../test/helpers/wait";
import { type Representation, type Row, seedRoom } from "./document";
import { fmt, percentile } from "./lib/table";

/** The board both variants are measured on (issue 7's figures are for 10,000). */
export const RENDER_SHAPES = Number(process.env.BENCH_RENDER_SHAPES ?? 10_000);
/** The compact board of issue 13, optimized canvas only. */
export const RENDER_COMPACT_SHAPES = Number(process.env.BENCH_RENDER_COMPACT_SHAPES ?? 50_000);

const count = (n: number) => n.toLocaleString("en-US");
/** Scenario names carry the board's size, so rows of different sizes never mix. */
export const scenarios = (n: number, representation: Representation = "Y.Map") => {
  const compact = representation === "compact" ? " compact" : "";
  return {
    paint: `paint ${count(n)}${compact} (ms)`,
    pan: compact ? `pan + zoom, ${count(n)}${compact}` : "pan + zoom",
    drag: `drag 1 of ${count(n)}`,
    allInView: `all ${count(n)} in view, pans`,
  };
};
/** The seeded grid: 100 columns, one shape every 30 canvas units, 20 × 20 each. */
const GRID_COLUMNS = 100;
const GRID_STEP = 30;
const GRID_SIZE = 20;
/** ms of input per interaction scenario. */
const GESTURE_MS = 3_000;
/** Upper bound on input events per scenario (bounded loop even if events dispatch fast). */
const MAX_EVENTS = 400;
/** ms between input events: about a trackpad's event rate. */
const EVENT_GAP_MS = 8;
const DRAG_MOVES = 60;
/** ms the shapes layer must keep the same node count before the board counts as settled. */
const SETTLE_MS = 750;

type Variant = "optimized" | "naive";

interface FrameStats {
  frames: number[];
  draws: number[];
  longTasks: number[];
  elapsed: number;
}

interface PaintProbe {
  /** performance.now() of each shapes-layer draw, with what it held. */
  draws: { t: number; nodes: number; docShapes: number }[];
}

/**
 * Runs in the page before its scripts: records shapes-layer draws (for the paint time), and
 * offers start()/stop() around an interaction to collect frame times, draw times and long tasks.
 */
export function pageProbe(expectedShapes: number): void {
  type KonvaNode = {
    children?: KonvaNode[];
    name(): string;
    on(evt: string, fn: () => void): void;
    draw(): unknown;
  };
  type KonvaGlobal = {
    stages: KonvaNode[];
    Layer: { prototype: { draw(this: KonvaNode): unknown } };
  };
  const w = window as unknown as {
    Konva?: KonvaGlobal;
    __sketchroom?: { doc: { getMap(name: string): { size: number } } };
    __renderBench: unknown;
  };
  const probe = {
    draws: [] as { t: number; nodes: number; docShapes: number }[],
    drawMs: 0,
    recording: false,
    frames: [] as number[],
    frameDraws: [] as number[],
    longTasks: [] as number[],
    startedAt: 0,
    stoppedAt: 0,
  };
  const shapesLayer = (): KonvaNode | undefined => {
    const stage = w.Konva?.stages[0];
    const layers = stage?.children ?? [];
    return layers.find((l) => l.name() === "shapes") ?? layers[0];
  };
  let hooked = false;
  const hook = () => {
    const Konva = w.Konva;
    const layer = shapesLayer();
    if (hooked || !Konva || !layer) return;
    hooked = true;
    const realDraw = Konva.Layer.prototype.draw;
    Konva.Layer.prototype.draw = function (this: KonvaNode) {
      const t0 = performance.now();
      try {
        return realDraw.call(this);
      } finally {
        probe.drawMs += performance.now() - t0;
      }
    };
    layer.on("draw", () => {
      if (probe.draws.length >= 200) return;
      probe.draws.push({
        t: performance.now(),
        nodes: shapesLayer()?.children?.length ?? 0,
        docShapes: w.__sketchroom?.doc.getMap("shapes").size ?? 0,
      });
    });
  };
  // Until the stage exists: look for it every frame (bounded: 30 s of frames).
  let tries = 0;
  const findStage = () => {
    hook();
    if (!hooked && tries++ < 1800) requestAnimationFrame(findStage);
  };
  requestAnimationFrame(findStage);

  new PerformanceObserver((list) => {
    if (!probe.recording) return;
    for (const e of list.getEntries()) probe.longTasks.push(e.duration);
  }).observe({ type: "longtask", buffered: false });

  let last = 0;
  const tick = (t: number) => {
    if (!probe.recording) return;
    if (last > 0) {
      probe.frames.push(t - last);
      probe.frameDraws.push(probe.drawMs);
    }
    probe.drawMs = 0;
    last = t;
    requestAnimationFrame(tick);
  };
  w.__renderBench = {
    expectedShapes,
    paint: () => ({ draws: probe.draws }),
    start() {
      probe.frames = [];
      probe.frameDraws = [];
      probe.longTasks = [];
      probe.recording = true;
      probe.startedAt = performance.now();
      last = 0;
      requestAnimationFrame(tick);
    },
    stop() {
      probe.recording = false;
      return {
        frames: probe.frames,
        draws: probe.frameDraws,
        longTasks: probe.longTasks,
        elapsed: performance.now() - probe.startedAt,
      };
    },
  };
}

export const bench = <T>(page: Page, fn: string): Promise<T> =>
  page.evaluate(`window.__renderBench.${fn}`) as Promise<T>;

async function taskSeconds(cdp: CDPSession): Promise<number> {
  const { metrics } = await cdp.send("Performance.getMetrics");
  return metrics.find((m) => m.name === "TaskDuration")?.value ?? 0;
}

/** Runs `drive` while the page records frames; returns the figures of one table row. */
export async function measure(
  page: Page,
  cdp: CDPSession,
  drive: () => Promise<void>,
): Promise<Omit<Row, "scenario" | "render">> {
  await bench(page, "start()");
  const busy0 = await taskSeconds(cdp);
  await drive();
  // One more frame so the last input's draw lands inside the window.
  await page.evaluate(() => new Promise((r) => requestAnimationFrame(() => r(null))));
  const busy1 = await taskSeconds(cdp);
  const s = await bench<FrameStats>(page, "stop()");
  const frames = [...s.frames].sort((a, b) => a - b);
  const draws = [...s.draws].sort((a, b) => a - b);
  const n = Math.max(1, s.frames.length);
  return {
    frames: s.frames.length,
    fps: fmt(
      (s.frames.length * 1000) /
        Math.max(
          1,
          s.frames.reduce((a, b) => a + b, 0),
        ),
    ),
    frame_p50_ms: fmt(percentile(frames, 50)),
    frame_p95_ms: fmt(percentile(frames, 95)),
    long_tasks: s.longTasks.length,
    longest_task_ms: s.longTasks.length ? fmt(Math.max(...s.longTasks), 0) : "-",
    busy_ms_per_frame: fmt(((busy1 - busy0) * 1000) / n),
    draw_p95_ms: fmt(percentile(draws, 95)),
  };
}

async function view(page: Page): Promise<{ x: number; y: number; zoom: number }> {
  return page.evaluate(() =>
    (
      window as unknown as { __sketchroom: { getView(): { x: number; y: number; zoom: number } } }
    ).__sketchroom.getView(),
  );
}

/** Waits until the shapes layer keeps the same node count for SETTLE_MS. */
export async function settle(page: Page): Promise<number> {
  let last = -1;
  let since = Date.now();
  return waitFor(
    async () => {
      const probe = await bench<PaintProbe>(page, "paint()");
      const nodes = probe.draws.at(-1)?.nodes ?? -1;
      if (nodes !== last) {
        last = nodes;
        since = Date.now();
      }
      return nodes > 0 && Date.now() - since >= SETTLE_MS ? nodes : 0;
    },
    { timeout: 60_000, interval: 50, message: "the shapes layer to settle" },
  );
}

async function paintTime(page: Page, shapes: number): Promise<{ ms: number; nodes: number }> {
  await waitFor(
    () =>
      page.evaluate(
        (n) =>
          (
            window as unknown as {
              __sketchroom?: { doc: { getMap(name: string): { size: number } } };
            }
          ).__sketchroom?.doc.getMap("shapes").size === n,
        shapes,
      ),
    { timeout: 60_000, interval: 20, message: "the page to hold every shape" },
  );
  const nodes = await settle(page);
  const probe = await bench<PaintProbe>(page, "paint()");
  const first = probe.draws.find((d) => d.docShapes === shapes && d.nodes === nodes);
  return { ms: first?.t ?? Number.NaN, nodes };
}

async function panAndZoom(page: Page): Promise<void> {
  await page.mouse.move(640, 400);
  const t0 = Date.now();
  for (let i = 0; i < MAX_EVENTS && Date.now() - t0 < GESTURE_MS; i++) {
    // Sweeps back and forth so the view stays over the board; every 8th event zooms.
    const dir = Math.floor(i / 60) % 2 === 0 ? 1 : -1;
    if (i % 8 === 7) {
      await page.keyboard.down("Control");
      await page.mouse.wheel(0, (Math.floor(i / 40) % 2 === 0 ? 1 : -1) * 12);
      await page.keyboard.up("Control");
    } else {
      await page.mouse.wheel(dir * 14, dir * 9);
    }
    await page.waitForTimeout(EVENT_GAP_MS);
  }
}

/** The grid shape nearest the middle of the screen, and where it is on screen. */
async function middleShape(page: Page, shapes: number) {
  const v = await view(page);
  const cx = (640 - v.x) / v.zoom;
  const cy = (400 - v.y) / v.zoom;
  const clamp = (n: number, max: number) => Math.max(0, Math.min(max - 1, n));
  const col = clamp(Math.round((cx - GRID_SIZE / 2) / GRID_STEP), GRID_COLUMNS);
  // A smaller board (BENCH_RENDER_SHAPES) has fewer full rows.
  const row = clamp(
    Math.round((cy - GRID_SIZE / 2) / GRID_STEP),
    Math.floor(shapes / GRID_COLUMNS),
  );
  return {
    id: `s${row * GRID_COLUMNS + col}`,
    sx: (col * GRID_STEP + GRID_SIZE / 2) * v.zoom + v.x,
    sy: (row * GRID_STEP + GRID_SIZE / 2) * v.zoom + v.y,
  };
}

async function dragOne(page: Page, shapes: number): Promise<string> {
  let { id, sx, sy } = await middleShape(page, shapes);
  if (sx < 0 || sx > 1280 || sy < 0 || sy > 800) {
    // The pans left a small board off screen: zoom to fit, then pick again.
    await page.keyboard.press("Shift+Digit1");
    await settle(page);
    ({ id, sx, sy } = await middleShape(page, shapes));
  }
  await page.mouse.move(sx, sy);
  await page.mouse.down();
  for (let i = 1; i <= DRAG_MOVES; i++) {
    await page.mouse.move(sx + i * 3, sy + i * 2);
    await page.waitForTimeout(EVENT_GAP_MS);
  }
  await page.mouse.up();
  return id;
}

async function smallPans(page: Page): Promise<void> {
  await page.mouse.move(640, 400);
  const t0 = Date.now();
  for (let i = 0; i < MAX_EVENTS && Date.now() - t0 < GESTURE_MS; i++) {
    const dir = Math.floor(i / 20) % 2 === 0 ? 1 : -1;
    await page.mouse.wheel(dir * 4, dir * 3);
    await page.waitForTimeout(EVENT_GAP_MS);
  }
}

/**
 * One browser on one board. `full`: every scenario; otherwise paint and pan/zoom only (the
 * 50,000-shape compact run).
 */
async function runVariant(
  server: DevServer,
  variant: Variant,
  shapes: number,
  representation: Representation = "Y.Map",
  full = true,
): Promise<Row[]> {
  const names = scenarios(shapes, representation);
  // A room per variant: the drag writes to the document.
  const room = `bench-render-${variant}-${Date.now()}-${Math.random().toString(36).slice(2, 8)}`;
  await seedRoom(server, "main", room, shapes, representation);
  const session = await launchBrowser();
  try {
    const { page, errors } = await session.newPage(variant);
    // tsx compiles with keepNames: functions sent to the page call its `__name` helper.
    await page.addInitScript({ content: "window.__name = (f) => f;" });
    await page.addInitScript(pageProbe, shapes);
    const cdp = await page.context().newCDPSession(page);
    await cdp.send("Performance.enable");
    const query = variant === "naive" ? "?render=naive" : "";
    await page.goto(`${server.url}/r/${room}${query}`, { waitUntil: "commit" });
    const paint = await paintTime(page, shapes);
    const rows: Row[] = [];
    const row = (scenario: string, figures: Omit<Row, "scenario" | "render">): Row => ({
      scenario,
      render: variant,
      ...figures,
    });
    rows.push(
      row(names.paint, {
        frames: "",
        fps: "",
        frame_p50_ms: "",
        frame_p95_ms: "",
        long_tasks: "",
        longest_task_ms: "",
        busy_ms_per_frame: "",
        draw_p95_ms: "",
        paint_ms: fmt(paint.ms, 0),
        nodes: paint.nodes,
      }),
    );
    const withNodes = async (scenario: string, drive: () => Promise<void>) => {
      const figures = await measure(page, cdp, drive);
      const nodes = (await bench<PaintProbe>(page, "paint()")).draws.at(-1)?.nodes ?? 0;
      rows.push(row(scenario, { ...figures, paint_ms: "", nodes }));
    };
    await withNodes(names.pan, () => panAndZoom(page));
    if (!full) return rows;
    // Back to 100% before the drag, so the shape under the pointer is a normal size.
    await page.keyboard.press("Control+0");
    await settle(page);
    let dragged = "";
    await withNodes(names.drag, async () => {
      dragged = await dragOne(page, shapes);
    });
    const moved = await waitFor(
      () =>
        page.evaluate((id) => {
          const doc = (
            window as unknown as {
              __sketchroom: {
                doc: { getMap(n: string): Map<string, { get?(k: string): unknown; x?: unknown }> };
              };
            }
          ).__sketchroom.doc;
          // A compact shape is a plain value until the drag's commit turns it into a Y.Map.
          const entry = doc.getMap("shapes").get(id);
          const x = typeof entry?.get === "function" ? entry.get("x") : entry?.x;
          const col = Number(id.slice(1)) % 100;
          return typeof x === "number" && x !== col * 30;
        }, dragged),
      { timeout: 10_000, message: `the drag of ${dragged} to be committed` },
    );
    if (!moved) throw new Error("drag was not committed");
    await page.keyboard.press("Shift+Digit1");
    await settle(page);
    await withNodes(names.allInView, () => smallPans(page));
    if (errors.messages.length > 0) {
      throw new Error(`page errors (${variant}):\n${errors.messages.join("\n")}`);
    }
    return rows;
  } finally {
    await session.close();
  }
}

export async function renderBenchmark(): Promise<Row[]> {
  const server = await startDevServer();
  try {
    const rows: Row[] = [];
    // Each variant gets its own browser, so neither inherits the other's warm caches or heap.
    for (const variant of ["optimized", "naive"] as Variant[]) {
      rows.push(...(await runVariant(server, variant, RENDER_SHAPES)));
    }
    if (RENDER_COMPACT_SHAPES > 0) {
      rows.push(
        ...(await runVariant(server, "optimized", RENDER_COMPACT_SHAPES, "compact", false)),
      );
    }
    // Side by side: each scenario's optimized row, then its naive row.
    const order = [...new Set(rows.map((r) => r.scenario))];
    return order.flatMap((s) => rows.filter((r) => r.scenario === s));
  } finally {
    await server.dispose();
  }
}
