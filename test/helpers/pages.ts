/** What the e2e tests do in a page: open a room, read its document, draw with the mouse. */
import type { Page } from "playwright-core";

/** A shape as read from the page's document (raw, before validation). */
export type RawShape = { id: string; type?: unknown; x?: unknown; y?: unknown } & Record<
  string,
  unknown
>;

export const STATUS = '[data-testid="connection-status"]';

/** Opens `url` and waits until the page says it is connected to its room. */
export async function openRoom(page: Page, url: string): Promise<void> {
  await page.goto(url, { waitUntil: "domcontentloaded" });
  await page
    .locator(`${STATUS}[data-state="connected"]`)
    .waitFor({ state: "attached", timeout: 30_000 });
}

/** Sets the user's name and colour before the page's scripts run (kept in localStorage). */
export async function setIdentity(page: Page, name: string, color = "#2f9e44"): Promise<void> {
  await page.addInitScript(
    ([n, c]) => localStorage.setItem("sketchroom:user", JSON.stringify({ name: n, color: c })),
    [name, color],
  );
}

/** Every entry of the page's shapes map, via the automation hook `window.__sketchroom`. */
export async function shapesIn(page: Page): Promise<RawShape[]> {
  return page.evaluate(() => {
    // A compact shape (docs/schema.md) is a plain object, not a Y.Map.
    type YMapLike = { toJSON?(): Record<string, unknown> };
    const hook = (
      window as unknown as {
        __sketchroom?: { doc: { getMap(name: string): Map<string, YMapLike> } };
      }
    ).__sketchroom;
    if (!hook) throw new Error("window.__sketchroom is missing");
    const out: { id: string }[] = [];
    hook.doc.getMap("shapes").forEach((value, id) => {
      out.push({ id, ...(typeof value.toJSON === "function" ? value.toJSON() : value) });
    });
    return out;
  });
}

/** Where the stage's canvas sits on the page (canvas (0, 0) is its top-left at zoom 1). */
export async function canvasBox(page: Page) {
  const box = await page.locator('[data-testid="canvas"] canvas').first().boundingBox();
  if (!box) throw new Error("the canvas has no bounding box");
  return box;
}

/** Draws a rectangle with the mouse (tool R) from canvas (x, y), sized w × h, at zoom 1. */
export async function drawRect(
  page: Page,
  x: number,
  y: number,
  w: number,
  h: number,
): Promise<void> {
  const box = await canvasBox(page);
  await page.keyboard.press("r");
  await page.mouse.move(box.x + x, box.y + y);
  await page.mouse.down();
  await page.mouse.move(box.x + x + w / 2, box.y + y + h / 2, { steps: 4 });
  await page.mouse.move(box.x + x + w, box.y + y + h, { steps: 4 });
  await page.mouse.up();
}

/** A rect at canvas (x, y), within a few pixels (snapping, stroke). */
export const isRectAt = (x: number, y: number) => (s: RawShape) =>
  s.type === "rect" && near(s.x, x) && near(s.y, y);

/** A point on the stage, in screen pixels from its top-left (= canvas units at zoom 1, no pan). */
export interface StagePoint {
  x: number;
  y: number;
}

/** Drags with the left button from one stage point to another, in small steps like a hand. */
export async function dragOnStage(
  page: Page,
  from: StagePoint,
  to: StagePoint,
  steps = 8,
): Promise<void> {
  const box = await canvasBox(page);
  await page.mouse.move(box.x + from.x, box.y + from.y);
  await page.mouse.down();
  await page.mouse.move(box.x + to.x, box.y + to.y, { steps });
  await page.mouse.up();
}

/** Whether `v` is a number within `tolerance` of `want`. */
export const near = (v: unknown, want: number, tolerance = 4) =>
  typeof v === "number" && Math.abs(v - want) <= tolerance;
