/**
 * End to end in a real Chromium against a real `partykit dev`: two users in one room, one draws
 * a rectangle with the mouse, the other sees it; undo removes it for both; a reload shows the
 * board again. Reads the document through the page's automation hook `window.__sketchroom`.
 */
import type { Page } from "playwright-core";
import { describe, expect, test } from "vitest";
import type { PageErrors } from "../helpers/browser";
import { setupE2E } from "../helpers/e2e";
import { openRoom, type RawShape, shapesIn } from "../helpers/pages";
import { fetchSnapshot } from "../helpers/shapes";
import { waitFor } from "../helpers/wait";
import { uniqueRoomId } from "../helpers/yclient";

const e2e = setupE2E();

/** The drawn rect: where the drag was, within a few pixels (snapping, stroke). */
function isDrawnRect(s: RawShape): boolean {
  const near = (v: unknown, want: number) => typeof v === "number" && Math.abs(v - want) <= 4;
  return (
    s.type === "rect" &&
    near(s.x, 200) &&
    near(s.y, 200) &&
    near(s.width, 200) &&
    near(s.height, 150)
  );
}

/**
 * The pixels of every stage canvas in a small square around canvas point (x, y), as one string:
 * a change means something was painted there. Konva draws each layer on its own <canvas>.
 */
async function pixelsAround(page: Page, x: number, y: number): Promise<string> {
  return page.evaluate(
    ([px, py]) => {
      const canvases = [...document.querySelectorAll('[data-testid="canvas"] canvas')];
      if (canvases.length === 0) throw new Error("no stage canvas");
      return canvases
        .map((node) => {
          const c = node as HTMLCanvasElement;
          const ratio = c.width / (c.clientWidth || c.width);
          const r = Math.max(1, Math.round(3 * ratio));
          const data = c
            .getContext("2d")
            ?.getImageData(Math.round(px * ratio) - r, Math.round(py * ratio) - r, 2 * r, 2 * r);
          return data ? Array.from(data.data).join(",") : "";
        })
        .join("|");
    },
    [x, y] as const,
  );
}

function expectNoErrors(...all: PageErrors[]): void {
  expect(all.flatMap((e) => e.messages)).toEqual([]);
}

describe("drawing together", () => {
  test("a rectangle drawn in one page appears in another, undo removes it, reload keeps it", async () => {
    const room = uniqueRoomId("e2e");
    const a = await e2e.session.newPage("A");
    const b = await e2e.session.newPage("B");
    await openRoom(a.page, `${e2e.server.url}/r/${room}`);
    await openRoom(b.page, `${e2e.server.url}/r/${room}`);

    // The middle of the rect's top edge, before anything is drawn (grid, background).
    const blankEdge = await pixelsAround(b.page, 300, 200);

    // Canvas (0, 0) is the stage's top-left at zoom 1 in a new room.
    const stage = a.page.locator('[data-testid="canvas"] canvas').first();
    const box = await stage.boundingBox();
    if (!box) throw new Error("the canvas has no bounding box");
    await a.page.keyboard.press("r");
    await a.page.mouse.move(box.x + 200, box.y + 200);
    await a.page.mouse.down();
    await a.page.mouse.move(box.x + 300, box.y + 275, { steps: 5 });
    await a.page.mouse.move(box.x + 400, box.y + 350, { steps: 5 });
    await a.page.mouse.up();

    const drawn = await waitFor(async () => (await shapesIn(b.page)).find(isDrawnRect), {
      timeout: 10_000,
      message: "page B's document holds a rect at (200, 200) sized 200×150",
    }).catch(async (err: Error) => {
      await a.page.screenshot({ path: "test-results/e2e-draw-A.png" }).catch(() => {});
      const seen = async (p: Page) => JSON.stringify(await shapesIn(p).catch((e) => String(e)));
      throw new Error(
        `${err.message}\n  A has ${await seen(a.page)}\n  B has ${await seen(b.page)}` +
          `\n  console: ${JSON.stringify([...a.errors.messages, ...b.errors.messages])}` +
          "\n  (screenshot of A: test-results/e2e-draw-A.png)",
      );
    });
    expect((await shapesIn(a.page)).map((s) => s.id)).toEqual([drawn.id]);
    await waitFor(
      async () => (await fetchSnapshot(e2e.server.url, room)).some((s) => s.id === drawn.id),
      { message: "the HTTP snapshot holds the rect" },
    );

    await a.page.keyboard.press("Control+z");
    await waitFor(async () => (await shapesIn(a.page)).length === 0, {
      message: "undo removes the rect in A",
    });
    await waitFor(async () => (await shapesIn(b.page)).length === 0, {
      message: "undo removes the rect in B",
    });
    await waitFor(async () => (await fetchSnapshot(e2e.server.url, room)).length === 0, {
      message: "undo removes the rect from the HTTP snapshot",
    });

    await a.page.keyboard.press("Control+Shift+z");
    await waitFor(async () => (await shapesIn(b.page)).some((s) => s.id === drawn.id), {
      message: "redo brings the rect back in B",
    });
    await a.page
      .locator('[data-testid="connection-status"][data-saved="true"]')
      .waitFor({ state: "attached", timeout: 10_000 });

    await b.page.reload({ waitUntil: "domcontentloaded" });
    await b.page
      .locator('[data-testid="connection-status"][data-state="connected"]')
      .waitFor({ state: "attached", timeout: 30_000 });
    await waitFor(
      async () => (await shapesIn(b.page)).some((s) => s.id === drawn.id && isDrawnRect(s)),
      {
        message: "after a reload B's document holds the rect again",
      },
    );
    await waitFor(async () => (await pixelsAround(b.page, 300, 200)) !== blankEdge, {
      message: "after a reload B paints the rect's top edge at canvas (300, 200)",
    });

    expectNoErrors(a.errors, b.errors);
  });
});
