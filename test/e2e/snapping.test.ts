/**
 * Snapping, grid, angle constraints and align/distribute through the real UI in Chromium
 * (docs/architecture.md "Snapping"). Positions come from the room's HTTP snapshot; only the
 * guide check looks into the page, counting the overlay's guide lines on the Konva stage while
 * the mouse is still down.
 *
 *  [S1] A rectangle dragged to 4 px from another's right edge lands flush, and a guide shows
 *       during the drag (gone after).
 *  [S7] Alt held during the drag: no snap, no guide.
 *  [S4] Ctrl+' shows the grid and snaps drawn and moved shapes' top-left to it; the menu item
 *       turns it off again.
 *  [S5] Shift while drawing a line keeps it horizontal, an arrow at 45°.
 *  [S6] Rotating with the selection frame snaps to 15° steps; Alt frees it.
 *  [S9] Resizing with the selection frame snaps the dragged edge flush to another shape's.
 *  [AL1–AL3] The style panel's align and distribute buttons: one write, one undo step.
 */
import type { Page } from "playwright-core";
import { describe, expect, test } from "vitest";
import type { Shape } from "../../src/shared/schema";
import { roomHelpers, setupE2E } from "../helpers/e2e";
import { canvasBox, dragOnStage, drawRect, near } from "../helpers/pages";
import { waitFor } from "../helpers/wait";

const e2e = setupE2E();
const { openNewRoom, inSnapshot } = roomHelpers(e2e, "snap");

/** Snap guide lines on the stage's overlay right now (Konva's own registry of stages). */
function guideCount(page: Page): Promise<number> {
  return page.evaluate(() => {
    const konva = (window as unknown as { Konva?: { stages: { find(s: string): unknown[] }[] } })
      .Konva;
    return konva?.stages.reduce((n, stage) => n + stage.find(".snap-guide").length, 0) ?? -1;
  });
}

/** Draws two rects, A (100, 100, 200 × 100) and B (500, 400, 100 × 100); returns their ids. */
async function twoRects(page: Page, room: string) {
  await drawRect(page, 100, 100, 200, 100);
  await drawRect(page, 500, 400, 100, 100);
  return inSnapshot(
    room,
    (s) => {
      const a = s.find((x) => x.x === 100 && x.y === 100);
      const b = s.find((x) => x.x === 500 && x.y === 400);
      return a && b && { a, b };
    },
    "rects A and B where they were drawn",
  );
}

/**
 * Drags the selected B by its middle so that, unsnapped, its left edge would land at
 * canvas x = 304 (4 px right of A's right edge) and its top at 130 (no line within reach).
 * Returns the guide count seen with the mouse still down.
 */
async function dragBNextToA(page: Page, expectGuides: boolean): Promise<number> {
  const box = await canvasBox(page);
  await page.mouse.move(box.x + 550, box.y + 450);
  await page.mouse.down();
  await page.mouse.move(box.x + 354, box.y + 180, { steps: 10 });
  // Guides render with React's next commit: wait for them; their absence is read once (the
  // snapshot's position is what proves no snap happened).
  const guides = expectGuides
    ? await waitFor(
        async () => {
          const n = await guideCount(page);
          return n > 0 ? n : null;
        },
        { message: "a snap guide on the stage during the drag" },
      )
    : await guideCount(page);
  await page.mouse.up();
  return guides;
}

describe("snapping while moving", () => {
  test("[S1] a rect dragged to 4 px from another's edge lands flush, with a guide during the drag", async () => {
    const { page, errors, room } = await openNewRoom("flush");
    const { a, b } = await twoRects(page, room);
    const guidesDuring = await dragBNextToA(page, true);
    const moved = await inSnapshot(
      room,
      (s) => s.find((x) => x.id === b.id && x.x !== 500),
      "B moved",
    );
    expect(moved.x).toBe(a.x + a.width);
    expect(moved.y).toBe(130);
    expect(guidesDuring).toBeGreaterThan(0);
    expect(await guideCount(page)).toBe(0);
    expect(errors.messages).toEqual([]);
  });

  test("[S7] Alt held while dragging: no snap and no guide", async () => {
    const { page, errors, room } = await openNewRoom("alt");
    const { b } = await twoRects(page, room);
    await page.keyboard.down("Alt");
    const guidesDuring = await dragBNextToA(page, false);
    await page.keyboard.up("Alt");
    const moved = await inSnapshot(
      room,
      (s) => s.find((x) => x.id === b.id && x.x !== 500),
      "B moved",
    );
    expect(moved.x).toBe(304);
    expect(guidesDuring).toBe(0);
    expect(errors.messages).toEqual([]);
  });

  test("[S8] Alt+S turns object snapping off, and on again", async () => {
    const { page, errors, room } = await openNewRoom("toggle");
    const { b } = await twoRects(page, room);
    await page.keyboard.press("Alt+s");
    await dragBNextToA(page, false);
    await inSnapshot(room, (s) => s.find((x) => x.id === b.id && x.x === 304), "B unsnapped");
    await page.getByTestId("main-menu").click();
    await waitFor(
      async () => (await page.getByTestId("toggle-snap").getAttribute("aria-checked")) === "false",
      { message: "the menu shows snapping off" },
    );
    await page.getByTestId("toggle-snap").click();
    // B is still selected: drag it 1 px left and 120 down, to 3 px from A's right edge.
    const box = await canvasBox(page);
    await page.mouse.move(box.x + 354, box.y + 180);
    await page.mouse.down();
    await page.mouse.move(box.x + 353, box.y + 300, { steps: 6 });
    await page.mouse.up();
    // Unsnapped it would be at 303; snapping on again puts it flush at 300.
    await inSnapshot(room, (s) => s.find((x) => x.id === b.id && x.x === 300), "B flush again");
    expect(errors.messages).toEqual([]);
  });
});

describe("snapping while resizing", () => {
  test("[S9] dragging the frame's left handle to 3 px from another's edge makes the edge flush", async () => {
    const { page, errors, room } = await openNewRoom("resize");
    const { a, b } = await twoRects(page, room);
    // B (500, 400, 100 × 100) is selected; its middle-left handle sits 4 px (padding) left of
    // its edge. Unsnapped, the edge would land at 303.
    await dragOnStage(page, { x: 496, y: 450 }, { x: 299, y: 452 });
    const resized = await inSnapshot(
      room,
      (s) => s.find((x) => x.id === b.id && x.x !== 500),
      "B resized",
    );
    expect(resized.x).toBe(a.x + a.width);
    expect(resized.x + resized.width).toBe(600);
    expect(resized.y).toBe(400);
    expect(errors.messages).toEqual([]);
  });
});

describe("grid", () => {
  test("[S4] Ctrl+' shows the grid and snaps drawn and moved shapes to it; the menu turns it off", async () => {
    const { page, errors, room } = await openNewRoom("grid");
    const canvas = page.getByTestId("canvas");
    expect(await canvas.getAttribute("data-grid")).toBe("off");
    await page.keyboard.press("Control+'");
    await waitFor(async () => (await canvas.getAttribute("data-grid")) === "on", {
      message: "the grid shown",
    });
    await drawRect(page, 103, 107, 142, 71);
    const drawn = await inSnapshot(room, (s) => s[0], "the rect");
    expect([drawn.x, drawn.y, drawn.width, drawn.height]).toEqual([100, 100, 140, 80]);
    // Move it by (13, 9): its top-left (113, 109) rounds to (120, 100).
    await dragOnStage(page, { x: 160, y: 140 }, { x: 173, y: 149 });
    await inSnapshot(
      room,
      (s) => s.find((x) => x.id === drawn.id && x.x === 120 && x.y === 100),
      "the rect moved onto the grid at (120, 100)",
    );
    await page.getByTestId("main-menu").click();
    await page.getByTestId("toggle-grid").click();
    await waitFor(async () => (await canvas.getAttribute("data-grid")) === "off", {
      message: "the grid hidden",
    });
    expect(errors.messages).toEqual([]);
  });
});

describe("angles", () => {
  test("[S5] Shift keeps a line horizontal and an arrow at 45°", async () => {
    const { page, errors, room } = await openNewRoom("angles");
    await page.keyboard.press("l");
    await page.keyboard.down("Shift");
    await dragOnStage(page, { x: 100, y: 500 }, { x: 300, y: 530 });
    await page.keyboard.up("Shift");
    await page.keyboard.press("a");
    await page.keyboard.down("Shift");
    await dragOnStage(page, { x: 500, y: 300 }, { x: 600, y: 420 });
    await page.keyboard.up("Shift");
    const { line, arrow } = await inSnapshot(
      room,
      (s) => {
        const line = s.find((x) => x.type === "line");
        const arrow = s.find((x) => x.type === "arrow");
        return line && arrow && { line, arrow };
      },
      "a line and an arrow",
    );
    const points = (x: Shape) => x.points as number[];
    expect(points(line)[3]).toBe(0);
    expect(near(points(line)[2], Math.hypot(200, 30), 1)).toBe(true);
    expect(near(points(arrow)[2], points(arrow)[3]!, 0.02)).toBe(true);
    expect(points(arrow)[2]).toBeGreaterThan(100);
    expect(errors.messages).toEqual([]);
  });

  test("[S6] rotation snaps to 15° steps; Alt frees it", async () => {
    const { page, errors, room } = await openNewRoom("rotate");
    await drawRect(page, 200, 200, 200, 100);
    const drawn = await inSnapshot(room, (s) => s[0], "the rect");
    // The rotation handle sits 24 px above the top edge's middle (plus 4 px padding); the
    // centre is (300, 250). Dragging the handle to an angle of 47° from straight up turns the
    // box by 47°, which snaps to 45.
    const centre = { x: 300, y: 250 };
    const angle = (deg: number) => ({
      x: centre.x + 150 * Math.sin((deg * Math.PI) / 180),
      y: centre.y - 150 * Math.cos((deg * Math.PI) / 180),
    });
    await dragOnStage(page, { x: 300, y: 200 - 4 - 24 }, angle(47));
    const snapped = await inSnapshot(
      room,
      (s) => s.find((x) => x.id === drawn.id && x.rotation !== 0),
      "the rect rotated",
    );
    expect(snapped.rotation).toBeCloseTo(45, 1);
    // Alt held: the handle, now 45° from straight up, dragged to 93° stays at 93 (snapping
    // would make it 90).
    const start = {
      x: centre.x + (snapped.height / 2 + 28) * Math.sin(Math.PI / 4),
      y: centre.y - (snapped.height / 2 + 28) * Math.cos(Math.PI / 4),
    };
    await page.keyboard.down("Alt");
    await dragOnStage(page, start, angle(93));
    await page.keyboard.up("Alt");
    const free = await inSnapshot(
      room,
      (s) => s.find((x) => x.id === drawn.id && Math.abs(x.rotation - 45) > 1),
      "the rect rotated again",
    );
    expect(near(free.rotation, 93, 1.5)).toBe(true);
    expect(errors.messages).toEqual([]);
  });
});

describe("align and distribute", () => {
  test("[AL1–AL3] the style panel's buttons align and distribute; each is one undo step", async () => {
    const { page, errors, room } = await openNewRoom("align");
    await drawRect(page, 100, 100, 100, 60);
    await drawRect(page, 260, 220, 80, 40);
    await drawRect(page, 520, 340, 60, 80);
    const [a, b, c] = await inSnapshot(
      room,
      (s) => {
        const byX = (x: number) => s.find((r) => r.x === x);
        const found = [byX(100), byX(260), byX(520)];
        return found.every(Boolean) && (found as Shape[]);
      },
      "three rects",
    );
    await page.keyboard.press("v");
    // One shape selected: no align row.
    expect(await page.getByTestId("align-row").count()).toBe(0);
    await page.keyboard.press("Control+a");
    await page.getByTestId("align-left").click();
    await inSnapshot(
      room,
      (s) => [a, b, c].every((r) => s.find((x) => x.id === r!.id)?.x === 100),
      "all three at x = 100",
    );
    await page.keyboard.press("Control+z");
    await inSnapshot(
      room,
      (s) => s.find((x) => x.id === b!.id)?.x === 260 && s.find((x) => x.id === c!.id)?.x === 520,
      "one undo puts both back",
    );
    // Span 100..580, widths 240: gaps of 120, so B moves to 200 + 120.
    await page.getByTestId("distribute-horizontal").click();
    await inSnapshot(
      room,
      (s) => s.find((x) => x.id === b!.id)?.x === 320,
      "B distributed to x = 320",
    );
    await page.getByTestId("align-top").click();
    await inSnapshot(
      room,
      (s) => [a, b, c].every((r) => s.find((x) => x.id === r!.id)?.y === 100),
      "all three at y = 100",
    );
    expect(errors.messages).toEqual([]);
  });
});
