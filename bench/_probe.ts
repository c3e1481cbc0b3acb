/**
 * Bound arrows benchmark (issue 11): a 10,000-shape room in headless Chromium — 8,000 20 × 20
 * rectangles on a 100-column grid and 2,000 arrows bound to them — where one rectangle with 50
 * arrows bound to it is dragged with the select tool. Each frame re-routes those 50 arrows
 * (src/canvas/liveConnectors.ts, found once when the drag starts) and tells others where the
 * rectangle is; the document is written once, at the end. Frame times as in bench/render.ts.
 *
 * BINDINGS_SMOKE=1 seeds under half the board and drags for fewer moves (a quick check that the
 * benchmark runs, not a figure).
 */

import { getShapes, shapeToYMap } from "../src/shared/doc";
import type { Shape } from "../src/shared/schema";
import { launchBrowser } from "../test/helpers/browser";
import { startDevServer } from "../test/helpers/devServer";
import { makeShape } from "../test/helpers/shapes";
import { waitFor } from "../test/helpers/wait";
import { connectPeer } from "../test/helpers/yclient";
import type { Row } from "./document";
import { bench, measure, pageProbe, settle } from "./render";

const SMOKE = process.env.BINDINGS_SMOKE === "1";
const RECTS = SMOKE ? 4_000 : 8_000;
const ARROWS = SMOKE ? 400 : 2_000;
/** Arrows bound to the dragged rectangle. */
const HUB_ARROWS = 50;
const COLUMNS = 100;
const STEP = 30;
const SIZE = 20;
const DRAG_MOVES = SMOKE ? 20 : 60;
/** ms between input events: about a trackpad's event rate. */
const EVENT_GAP_MS = 8;
/** The hub sits under the middle of a 1280 × 800 screen at zoom 1: column 21, row 13. */
const HUB = 13 * COLUMNS + 21;

export const BINDINGS_SCENARIO = `drag 1 with ${HUB_ARROWS} bound arrows`;

const rectId = (i: number) => `r${i}`;
const centre = (i: number) => ({
  x: (i % COLUMNS) * STEP + SIZE / 2,
  y: Math.floor(i / COLUMNS) * STEP + SIZE / 2,
});

/**
 * An arrow from rect `a` to rect `b`, both ends bound: from the middle of a's top or bottom edge
 * (towards b) to the middle of b's facing edge, so the rects' middles stay free to grab.
 */
function arrow(n: number, a: number, b: number): Shape {
  const down = centre(b).y > centre(a).y;
  const sideways = centre(b).y === centre(a).y;
  const startAnchor = sideways ? { x: 1, y: 0.5 } : { x: 0.5, y: down ? 1 : 0 };
  const endAnchor = sideways ? { x: 0, y: 0.5 } : { x: 0.5, y: down ? 0 : 1 };
  const at = (i: number, anchor: { x: number; y: number }) => ({
    x: centre(i).x - SIZE / 2 + anchor.x * SIZE,
    y: centre(i).y - SIZE / 2 + anchor.y * SIZE,
  });
  const from = at(a, startAnchor);
  const to = at(b, endAnchor);
  return makeShape({
    id: `a${n}`,
    type: "arrow",
    x: from.x,
    y: from.y,
    width: 0,
    height: 0,
    points: [0, 0, to.x - from.x, to.y - from.y],
    startId: rectId(a),
    startAnchor,
    endId: rectId(b),
    endAnchor,
    z: `b${n}`,
  });
}

function board(): Shape[] {
  const shapes: Shape[] = [];
  for (let i = 0; i < RECTS; i++) {
    const c = centre(i);
    shapes.push(
      makeShape({
        id: rectId(i),
        x: c.x - SIZE / 2,
        y: c.y - SIZE / 2,
        width: SIZE,
        height: SIZE,
        z: `a${i}`,
      }),
    );
  }
  // 50 arrows from the hub to rects on the rows 5 above and 5 below it.
  for (let k = 0; k < HUB_ARROWS; k++) {
    const row = k % 2 === 0 ? 8 : 18;
    const col = 9 + Math.floor(k / 2);
    shapes.push(arrow(k, HUB, row * COLUMNS + col));
  }
  // The rest join neighbours further down the board (mostly off screen, as on a real board).
  const first = 30 * COLUMNS;
  for (let k = HUB_ARROWS; k < ARROWS; k++) {
    const a = first + ((k - HUB_ARROWS) % (RECTS - first - 1));
    shapes.push(arrow(k, a, a + 1));
  }
  return shapes;
}

async function seed(url: string, room: string, shapes: Shape[]): Promise<void> {
  const writer = await connectPeer(`ws://${url.replace(/^http:\/\//, "")}/parties/main`, room);
  try {
    await writer.synced;
    for (let i = 0; i < shapes.length; i += 250) {
      writer.doc.transact(() => {
        const map = getShapes(writer.doc);
        for (const s of shapes.slice(i, i + 250)) map.set(s.id, shapeToYMap(s));
      });
    }
    await writer.waitForSaved({ timeout: 60_000 });
  } finally {
    await writer.close();
  }
}

export async function bindingsBenchmark(): Promise<Row[]> {
  const server = await startDevServer();
  const session = await launchBrowser();
  try {
    const room = `bench-bindings-${Date.now()}-${Math.random().toString(36).slice(2, 8)}`;
    const shapes = board();
    await seed(server.url, room, shapes);
    const { page, errors } = await session.newPage("bindings");
    await page.addInitScript({ content: "window.__name = (f) => f;" });
    await page.addInitScript(pageProbe, shapes.length);
    const cdp = await page.context().newCDPSession(page);
    await cdp.send("Performance.enable");
    await page.goto(`${server.url}/r/${room}`, { waitUntil: "commit" });
    await waitFor(
      () =>
        page.evaluate(
          (n) =>
            (
              window as unknown as {
                __sketchroom?: { doc: { getMap(name: string): { size: number } } };
              }
            ).__sketchroom?.doc.getMap("shapes").size === n,
          shapes.length,
        ),
      { timeout: 60_000, interval: 50, message: "the page to hold every shape" },
    );
    await settle(page);
    const box = await page.locator('[data-testid="canvas"]').boundingBox();
    if (!box) throw new Error("no canvas");
    const hub = centre(HUB);
    await page.evaluate(() => { (window as any).__lt = []; new PerformanceObserver((l) => { for (const e of l.getEntries()) (window as any).__lt.push([e.startTime, e.duration]); }).observe({ type: "longtask" }); });
    await cdp.send("Profiler.enable");
    await cdp.send("Profiler.setSamplingInterval", { interval: 200 });
    await cdp.send("Profiler.start");
    const marks: Record<string, number> = {};
    const now = () => page.evaluate(() => performance.now());
    marks.before = await now();
    await page.mouse.move(box.x + hub.x, box.y + hub.y);
    await page.mouse.down();
    marks.down = await now();
    for (let i = 1; i <= DRAG_MOVES; i++) {
      await page.mouse.move(box.x + hub.x + i * 3, box.y + hub.y + i * 2);
      if (i === 1) marks.move1 = await now();
      if (i === 3) marks.move3 = await now();
      await page.waitForTimeout(EVENT_GAP_MS);
    }
    marks.beforeUp = await now();
    await page.mouse.up();
    marks.up = await now();
    await page.waitForTimeout(500);
    const { profile } = await cdp.send("Profiler.stop");
    (await import("node:fs")).writeFileSync("/tmp/drag.cpuprofile", JSON.stringify(profile));
    console.log("marks", marks, "longtasks", await page.evaluate(() => (window as any).__lt));
    const figures = {};
    // The drag was committed, and the hub's arrows were re-routed with it: each starts on the
    // middle of the dropped hub's top or bottom edge.
    const end = { x: hub.x + DRAG_MOVES * 3, y: hub.y + DRAG_MOVES * 2 };
    await waitFor(
      () =>
        page.evaluate(
          ([want, n, half]) => {
            const doc = (
              window as unknown as {
                __sketchroom: {
                  doc: { getMap(n: string): Map<string, { get(k: string): unknown }> };
                };
              }
            ).__sketchroom.doc;
            const shapes = doc.getMap("shapes");
            for (let k = 0; k < n; k++) {
              const a = shapes.get(`a${k}`);
              if (!a) return false;
              const x = a.get("x") as number;
              const y = a.get("y") as number;
              const raw = a.get("points") as number[] | { toArray(): number[] };
              const p = Array.isArray(raw) ? raw : raw.toArray();
              const dy = Math.abs(Math.abs(y + p[1]! - want!.y) - half);
              if (Math.abs(x + p[0]! - want!.x) > 1 || dy > 1) {
                return false;
              }
            }
            return true;
          },
          [end, HUB_ARROWS, SIZE / 2] as const,
        ),
      { timeout: 15_000, message: "the hub's 50 arrows to start where the hub was dropped" },
    );
    const nodes = (await bench<{ draws: { nodes: number }[] }>(page, "paint()")).draws.at(-1);
    if (errors.messages.length > 0) throw new Error(`page errors:\n${errors.messages.join("\n")}`);
    return [
      {
        scenario: BINDINGS_SCENARIO,
        shapes: shapes.length,
        bound_arrows: ARROWS,
        ...figures,
        nodes: nodes?.nodes ?? 0,
      },
    ];
  } finally {
    await session.close();
    await server.dispose();
  }
}

bindingsBenchmark().then((r) => { console.log(r); process.exit(0); });
