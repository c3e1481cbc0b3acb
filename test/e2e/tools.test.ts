/**
 * The drawing and navigation tools through the real UI in Chromium (keyboard shortcuts from
 * DESIGN.md, mouse, wheel), each checked in the room's HTTP snapshot: what the room stored, not
 * what the page thinks. Canvas (0, 0) is the stage's top-left at zoom 1 in a new room, so a
 * stage point is a canvas point until the view pans or zooms.
 *
 *  [UT1] Ellipse, line and arrow (O, L, A) store their type and the dragged geometry.
 *  [UT2] The eraser (E) deletes what it is dragged across and nothing else.
 *  [UT3] The hand tool (H) and space+drag pan the view: later drawings land shifted in canvas.
 *  [UT4] A marquee drag with the select tool selects the shapes inside it, and only those.
 *  [UT5] The transformer's corner handle resizes and its rotation handle rotates the shape.
 *  [UT7] Diamond (D) and triangle (Y) store their type and the dragged box; an arrow (A) dragged
 *        from one to the other binds both ends (issue 11), and moving the triangle with the
 *        select tool moves the arrow's end with it.
 *  [UT6] The wheel pans; Ctrl+wheel (mouse notch) and small Ctrl+wheel steps (trackpad pinch)
 *        zoom about the pointer.
 *  [UT8] A shape dragged between two others goes back to its place in paint order when dropped:
 *        it still paints over the one below it and under the one above it (canvas pixels).
 */
import type { Page } from "playwright-core";
import { describe, expect, test } from "vitest";
import type { Shape } from "../../src/shared/schema";
import { roomHelpers, setupE2E } from "../helpers/e2e";
import { canvasBox, dragOnStage, drawRect, near, type StagePoint } from "../helpers/pages";
import { colorAt } from "../helpers/pixels";
import { waitFor } from "../helpers/wait";

const e2e = setupE2E();
const { openNewRoom, inSnapshot } = roomHelpers(e2e, "tools");

/** The zoom shown in the bottom-left (a number of percent). */
async function shownZoom(page: Page): Promise<number> {
  return Number.parseInt(((await page.getByTestId("zoom-value").textContent()) ?? "").trim(), 10);
}

/** Moves the mouse to a stage point (wheel events go where the mouse is). */
async function hover(page: Page, at: StagePoint): Promise<void> {
  const box = await canvasBox(page);
  await page.mouse.move(box.x + at.x, box.y + at.y);
}

describe("drawing tools", () => {
  test("[UT8] a dragged shape goes back to its place in paint order", async () => {
    const { page, errors, room } = await openNewRoom("paint-order");
    const panel = page.getByTestId("style-panel");
    // Bottom to top: red, green, blue, each overlapping the next by 60 px.
    const fills = ["#ffc9c9", "#b2f2bb", "#a5d8ff"];
    for (const [i, fill] of fills.entries()) {
      await drawRect(page, 100 + i * 100, 100, 160, 120);
      await panel.getByRole("button", { name: `Fill ${fill}` }).click();
    }
    await inSnapshot(
      room,
      (shapes) =>
        shapes.filter((s) => s.type === "rect" && fills.includes(s.fill as string)).length === 3,
      "three filled rects",
    );
    await page.keyboard.press("v");
    await page.keyboard.press("Escape");
    // Drag the green one by its own middle strip, 20 px down.
    await dragOnStage(page, { x: 280, y: 150 }, { x: 280, y: 170 });
    await inSnapshot(
      room,
      (shapes) => shapes.some((s) => s.fill === fills[1] && near(s.y, 120, 2)),
      "the green rect moved down",
    );
    // Red∩green shows green; green∩blue shows blue, both before and after the drop is drawn.
    await waitFor(
      async () =>
        (await colorAt(page, 230, 200)) === fills[1] &&
        (await colorAt(page, 330, 200)) === fills[2],
      { timeout: 5_000, message: "green over red, blue over green" },
    );
    expect(await colorAt(page, 230, 200)).toBe(fills[1]);
    expect(await colorAt(page, 330, 200)).toBe(fills[2]);
    expect(errors.messages).toEqual([]);
  });

  test("[UT1] ellipse, line and arrow store their type and the dragged geometry", async () => {
    const { page, errors, room } = await openNewRoom("shapes");
    await page.keyboard.press("o");
    await dragOnStage(page, { x: 100, y: 100 }, { x: 260, y: 180 });
    await page.keyboard.press("l");
    await dragOnStage(page, { x: 100, y: 300 }, { x: 250, y: 380 });
    await page.keyboard.press("a");
    await dragOnStage(page, { x: 400, y: 300 }, { x: 300, y: 420 });

    const found = await inSnapshot(
      room,
      (shapes) => {
        const ellipse = shapes.find((s) => s.type === "ellipse");
        const line = shapes.find((s) => s.type === "line");
        const arrow = shapes.find((s) => s.type === "arrow");
        return ellipse && line && arrow && { ellipse, line, arrow };
      },
      "an ellipse, a line and an arrow in the snapshot",
    );
    expect(found.ellipse).toMatchObject({ type: "ellipse" });
    for (const [k, want] of Object.entries({ x: 100, y: 100, width: 160, height: 80 })) {
      expect(near(found.ellipse[k as keyof Shape], want), `ellipse ${k}`).toBe(true);
    }
    /** Absolute end points of a line-like shape. */
    const ends = (s: Shape) => {
      const p = s.points;
      return [s.x + p[0]!, s.y + p[1]!, s.x + p[p.length - 2]!, s.y + p[p.length - 1]!];
    };
    for (const [i, v] of ends(found.line).entries()) {
      expect(near(v, [100, 300, 250, 380][i]!), `line end ${i}: ${ends(found.line)}`).toBe(true);
    }
    for (const [i, v] of ends(found.arrow).entries()) {
      expect(near(v, [400, 300, 300, 420][i]!), `arrow end ${i}: ${ends(found.arrow)}`).toBe(true);
    }
    expect(errors.messages).toEqual([]);
  });

  test("[UT7] diamond and triangle draw their box; an arrow between them binds and follows a move", async () => {
    const { page, errors, room } = await openNewRoom("diagram");
    await page.keyboard.press("d");
    await dragOnStage(page, { x: 100, y: 100 }, { x: 220, y: 200 });
    await page.keyboard.press("y");
    await dragOnStage(page, { x: 400, y: 100 }, { x: 520, y: 200 });
    // From just inside the diamond's right corner to just inside the triangle's left slope.
    await page.keyboard.press("a");
    await dragOnStage(page, { x: 215, y: 150 }, { x: 445, y: 160 });
    const found = await inSnapshot(
      room,
      (shapes) => {
        const diamond = shapes.find((s) => s.type === "diamond");
        const triangle = shapes.find((s) => s.type === "triangle");
        const arrow = shapes.find((s) => s.type === "arrow");
        return diamond && triangle && arrow && { diamond, triangle, arrow };
      },
      "a diamond, a triangle and an arrow in the snapshot",
    );
    for (const [k, want] of Object.entries({ x: 100, y: 100, width: 120, height: 100 })) {
      expect(near(found.diamond[k as keyof Shape], want), `diamond ${k}`).toBe(true);
    }
    expect(near(found.triangle.x, 400) && near(found.triangle.width, 120)).toBe(true);
    expect(found.arrow.startId).toBe(found.diamond.id);
    expect(found.arrow.endId).toBe(found.triangle.id);
    // The start sits on the diamond's outline: its right corner is (220, 150).
    expect(near(found.arrow.x, 220) && near(found.arrow.y, 150)).toBe(true);

    // Select the triangle (Escape leaves the arrow tool) and drag it 100 px down.
    await page.keyboard.press("v");
    await page.keyboard.press("Escape");
    await dragOnStage(page, { x: 460, y: 185 }, { x: 460, y: 285 });
    const moved = await inSnapshot(
      room,
      (shapes) => {
        const t = shapes.find((s) => s.id === found.triangle.id);
        const a = shapes.find((s) => s.id === found.arrow.id);
        return t && a && near(t.y, 200) && a;
      },
      "the triangle moved 100 down",
    );
    const endY = moved.y + moved.points[moved.points.length - 1]!;
    const before = found.arrow.y + found.arrow.points[found.arrow.points.length - 1]!;
    expect(near(endY, before + 100), `arrow end y ${endY}, was ${before}`).toBe(true);
    expect(errors.messages).toEqual([]);
  });

  test("[UT2] the eraser deletes what it is dragged across and nothing else", async () => {
    const { page, errors, room } = await openNewRoom("eraser");
    await drawRect(page, 100, 100, 120, 80);
    await page.keyboard.press("Escape");
    await drawRect(page, 400, 100, 120, 80);
    await page.keyboard.press("Escape");
    const [first, second] = await inSnapshot(
      room,
      (shapes) => {
        const a = shapes.find((s) => near(s.x, 100) && near(s.y, 100));
        const b = shapes.find((s) => near(s.x, 400) && near(s.y, 100));
        return a && b && ([a, b] as const);
      },
      "two rects in the snapshot",
    );
    await page.keyboard.press("e");
    // Across the first rect's left edge, well away from the second.
    await dragOnStage(page, { x: 60, y: 140 }, { x: 160, y: 140 });
    await inSnapshot(
      room,
      (shapes) => !shapes.some((s) => s.id === first.id) && shapes.some((s) => s.id === second.id),
      "the erased rect is gone and the other is still there",
    );
    expect(errors.messages).toEqual([]);
  });

  test("[UT4] a marquee selects the shapes inside it, and only those", async () => {
    const { page, errors, room } = await openNewRoom("marquee");
    for (const x of [100, 250, 600]) {
      await drawRect(page, x, 150, 80, 60);
      await page.keyboard.press("Escape");
    }
    await inSnapshot(room, (s) => s.length === 3 && s, "three rects in the snapshot");
    await page.keyboard.press("v");
    // From empty canvas around the first two rects; the third stays outside.
    await dragOnStage(page, { x: 60, y: 100 }, { x: 400, y: 260 });
    await page.keyboard.press("Delete");
    const left = await inSnapshot(
      room,
      (s) => s.length === 1 && s,
      "only the rect outside the marquee is left",
    );
    expect(near(left[0]!.x, 600)).toBe(true);
    expect(errors.messages).toEqual([]);
  });

  test("[UT5] the transformer's corner handle resizes and its rotation handle rotates", async () => {
    const { page, errors, room } = await openNewRoom("transform");
    // A new shape is selected, so the transformer (padding 4 px) is around it.
    await drawRect(page, 200, 200, 200, 100);
    const drawn = await inSnapshot(room, (s) => s[0], "the rect in the snapshot");
    await dragOnStage(page, { x: 404, y: 304 }, { x: 504, y: 354 });
    const resized = await inSnapshot(
      room,
      (s) => s.find((x) => x.id === drawn.id && near(x.width, 300, 6) && near(x.height, 150, 6)),
      "the rect resized to about 300 × 150",
    );
    expect(near(resized.x, 200, 6) && near(resized.y, 200, 6)).toBe(true);

    // The rotation handle sits 24 px above the top edge's middle (plus padding). Dragging it
    // to the right of the centre turns the box a quarter turn clockwise.
    const centre = { x: 200 + 150, y: 200 + 75 };
    await dragOnStage(page, { x: centre.x, y: 200 - 4 - 24 }, { x: centre.x + 200, y: centre.y });
    const rotated = await inSnapshot(
      room,
      (s) => s.find((x) => x.id === drawn.id && near(x.rotation, 90, 4)),
      "the rect rotated by about 90°",
    );
    expect(near(rotated.width, 300, 6) && near(rotated.height, 150, 6)).toBe(true);
    expect(errors.messages).toEqual([]);
  });
});

describe("navigating the canvas", () => {
  test("[UT3] the hand tool and space+drag pan the view", async () => {
    const { page, errors, room } = await openNewRoom("pan");
    await page.keyboard.press("h");
    await dragOnStage(page, { x: 500, y: 400 }, { x: 600, y: 460 });
    // Stage (300, 300) is now canvas (200, 240).
    await drawRect(page, 300, 300, 80, 60);
    await inSnapshot(
      room,
      (s) => s.find((x) => near(x.x, 200) && near(x.y, 240)),
      "a rect at canvas (200, 240) after the hand tool panned by (100, 60)",
    );
    await page.keyboard.press("Escape");
    await page.keyboard.press("v");
    await page.keyboard.down("Space");
    await dragOnStage(page, { x: 700, y: 500 }, { x: 650, y: 540 });
    await page.keyboard.up("Space");
    // Panned by (-50, +40) more: stage (300, 300) is canvas (250, 200).
    await drawRect(page, 300, 300, 80, 60);
    await inSnapshot(
      room,
      (s) => s.find((x) => near(x.x, 250) && near(x.y, 200)),
      "a rect at canvas (250, 200) after space+drag panned by (-50, 40)",
    );
    expect(await shownZoom(page)).toBe(100);
    expect(errors.messages).toEqual([]);
  });

  test("[UT6] the wheel pans, Ctrl+wheel and pinch steps zoom about the pointer", async () => {
    const { page, errors, room } = await openNewRoom("wheel");
    await hover(page, { x: 400, y: 300 });
    await page.mouse.wheel(0, 100);
    await drawRect(page, 300, 300, 80, 60);
    await inSnapshot(
      room,
      (s) => s.find((x) => near(x.x, 300) && near(x.y, 400)),
      "a rect at canvas (300, 400) after the wheel scrolled down 100 px",
    );
    expect(await shownZoom(page)).toBe(100);
    await page.keyboard.press("Escape");

    // One mouse-wheel notch with Ctrl zooms in 10% about the pointer.
    await hover(page, { x: 400, y: 300 });
    await page.keyboard.down("Control");
    await page.mouse.wheel(0, -100);
    await page.keyboard.up("Control");
    await waitFor(async () => (await shownZoom(page)) === 110, { message: "zoom shows 110%" });
    // The point under the pointer stays put: stage (400, 300) is still canvas (400, 400).
    await drawRect(page, 400, 300, 110, 55);
    await inSnapshot(
      room,
      (s) =>
        s.find(
          (x) => near(x.x, 400) && near(x.y, 400) && near(x.width, 100, 3) && near(x.height, 50, 3),
        ),
      "a 100 × 50 rect at canvas (400, 400) drawn as 110 × 55 px at 110%",
    );
    await page.keyboard.press("Escape");

    // A trackpad pinch: many small Ctrl+wheel deltas, zooming smoothly rather than by notches.
    const before = await shownZoom(page);
    await hover(page, { x: 400, y: 300 });
    await page.keyboard.down("Control");
    for (let i = 0; i < 5; i++) await page.mouse.wheel(0, -4);
    await page.keyboard.up("Control");
    // exp(0.01 × 20) ≈ 1.22: about 134% from 110%.
    // Settled: the same zoom on two reads in a row, so all five steps have landed.
    let last = Number.NaN;
    const after = await waitFor(
      async () => {
        const z = await shownZoom(page);
        const settled = z === last && z > before + 10;
        last = z;
        return settled ? z : 0;
      },
      { interval: 150, message: "a pinch zooms in and settles" },
    );
    expect(after).toBeGreaterThanOrEqual(130);
    expect(after).toBeLessThanOrEqual(138);
    expect(errors.messages).toEqual([]);
  });
});
