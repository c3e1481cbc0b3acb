/**
 * Groups, frames and locks through the real UI in Chromium (mouse and keyboard), each checked
 * in the room's HTTP snapshot. Canvas (0, 0) is the stage's top-left at zoom 1 in a new room.
 * Rules: docs/schema.md "Groups, frames and locks" (GR1–GR11).
 *
 *  [GR1][GR6] Ctrl+G groups the selection; a click on one member then drags the whole group;
 *             Ctrl+Shift+G ungroups, after which a drag moves one shape.
 *  [GR2] A double click on a member enters the group: a drag then moves that member alone;
 *        Escape leaves the group, and a click selects it whole again.
 *  [GR3] A marquee touching one member selects the whole group (Delete removes both).
 *  [GR8] Ctrl+D and Ctrl+C / Ctrl+V of a group make copies that form a new group each time.
 *  [GR9] The frame tool (F) draws "Frame" around shapes, which become its children; dragging
 *        the frame moves them; a child dragged out leaves it; a double click on the title
 *        renames it; deleting the frame keeps its children without frameId.
 *  [GR11] Resizing a frame with its corner handle takes in the shape it now holds, and shrinking
 *        it lets go of the one it no longer holds.
 *  [GR10] With a frame selected, the main menu exports it alone: an SVG of the frame and its
 *        children (not the shape outside it), and a PNG the frame's size.
 *  [GR5][GR7] Ctrl+Shift+L locks: a locked shape does not move, is not picked by a marquee and
 *        survives Delete; a click still selects it and Ctrl+Shift+L unlocks it. The style
 *        panel's Lock button does the same and reads Unlock while the selection is locked.
 */
import { readFileSync } from "node:fs";
import type { Page } from "playwright-core";
import { describe, expect, test } from "vitest";
import type { Shape } from "../../src/shared/schema";
import { roomHelpers, setupE2E } from "../helpers/e2e";
import { canvasBox, dragOnStage, drawRect, near } from "../helpers/pages";

const e2e = setupE2E();
const { openNewRoom, inSnapshot } = roomHelpers(e2e, "groups");

const byId = (shapes: Shape[], id: string) => shapes.find((s) => s.id === id);

/** Draws two 100 × 60 rects at (100, 100) and (300, 100) and returns them from the snapshot. */
async function twoRects(page: Page, room: string): Promise<[Shape, Shape]> {
  await drawRect(page, 100, 100, 100, 60);
  await page.keyboard.press("Escape");
  await drawRect(page, 300, 100, 100, 60);
  await page.keyboard.press("Escape");
  return inSnapshot(
    room,
    (shapes) => {
      const a = shapes.find((s) => s.type === "rect" && near(s.x, 100) && near(s.y, 100));
      const b = shapes.find((s) => s.type === "rect" && near(s.x, 300) && near(s.y, 100));
      return a && b && ([a, b] as [Shape, Shape]);
    },
    "two rects in the snapshot",
  );
}

/** A click on a stage point. */
async function clickAt(page: Page, x: number, y: number): Promise<void> {
  const box = await canvasBox(page);
  await page.mouse.click(box.x + x, box.y + y);
}

describe("groups", () => {
  test("[GR1][GR6] Ctrl+G groups; one member drags the group; Ctrl+Shift+G ungroups", async () => {
    const { page, errors, room } = await openNewRoom("group");
    const [a, b] = await twoRects(page, room);
    // A marquee around both, then group.
    await dragOnStage(page, { x: 60, y: 60 }, { x: 440, y: 200 });
    await page.keyboard.press("Control+g");
    const groupId = await inSnapshot(
      room,
      (shapes) => {
        const g = byId(shapes, a.id)?.groupId;
        return g !== undefined && byId(shapes, b.id)?.groupId === g && g;
      },
      "both rects share a groupId",
    );
    expect(groupId).toMatch(/^[A-Za-z0-9_-]+$/);
    await page.keyboard.press("Escape");
    // Drag the first rect's edge: the second moves with it.
    await dragOnStage(page, { x: 100, y: 130 }, { x: 100, y: 330 });
    await inSnapshot(
      room,
      (shapes) => near(byId(shapes, a.id)?.y, 300) && near(byId(shapes, b.id)?.y, 300),
      "the whole group moved 200 down",
    );
    // Ungroup (the group is still selected), then a drag on one rect moves it alone.
    await page.keyboard.press("Control+Shift+g");
    await inSnapshot(
      room,
      (shapes) =>
        byId(shapes, a.id)?.groupId === undefined && byId(shapes, b.id)?.groupId === undefined,
      "no groupId left",
    );
    await page.keyboard.press("Escape");
    await dragOnStage(page, { x: 100, y: 330 }, { x: 100, y: 430 });
    await inSnapshot(
      room,
      (shapes) => near(byId(shapes, a.id)?.y, 400) && near(byId(shapes, b.id)?.y, 300),
      "only the dragged rect moved",
    );
    expect(errors.messages).toEqual([]);
  });

  test("[GR2][GR3][GR8] a double click enters the group; copies regroup; a marquee on one member takes the group", async () => {
    const { page, errors, room } = await openNewRoom("enter");
    const [a, b] = await twoRects(page, room);
    await dragOnStage(page, { x: 60, y: 60 }, { x: 440, y: 200 });
    await page.keyboard.press("Control+g");
    await inSnapshot(
      room,
      (shapes) => byId(shapes, a.id)?.groupId && byId(shapes, b.id)?.groupId,
      "grouped",
    );
    await page.keyboard.press("Escape");
    const box = await canvasBox(page);
    await page.mouse.dblclick(box.x + 300, box.y + 130);
    // Entered: dragging the second rect (by its bottom edge, clear of the frame's handles)
    // moves it alone.
    await dragOnStage(page, { x: 320, y: 160 }, { x: 320, y: 260 });
    await inSnapshot(
      room,
      (shapes) => near(byId(shapes, b.id)?.y, 200) && near(byId(shapes, a.id)?.y, 100),
      "the entered member moved alone",
    );
    // Escape leaves the group: the next click selects it whole again.
    await page.keyboard.press("Escape");
    await dragOnStage(page, { x: 100, y: 130 }, { x: 150, y: 130 });
    await inSnapshot(
      room,
      (shapes) => near(byId(shapes, a.id)?.x, 150) && near(byId(shapes, b.id)?.x, 350),
      "the whole group moved again",
    );
    // [GR8] Ctrl+D on the selected group: the copies form a new group of their own.
    await page.keyboard.press("Control+d");
    const copies = await inSnapshot(
      room,
      (shapes) => {
        const fresh = shapes.filter((s) => s.id !== a.id && s.id !== b.id);
        return fresh.length === 2 && fresh;
      },
      "two copies",
    );
    const original = byId(await inSnapshot(room, (s) => s, "snapshot"), a.id)?.groupId;
    expect(copies[0]!.groupId).toBeDefined();
    expect(copies[0]!.groupId).not.toBe(original);
    expect(copies[1]!.groupId).toBe(copies[0]!.groupId);
    // [GR8] Copy and paste (the copies are selected): the pasted pair is a third group.
    await page.keyboard.press("Control+c");
    const box2 = await canvasBox(page);
    await page.mouse.move(box2.x + 500, box2.y + 400);
    await page.keyboard.press("Control+v");
    const pasted = await inSnapshot(
      room,
      (shapes) => {
        const known = new Set([a.id, b.id, ...copies.map((c) => c.id)]);
        const fresh = shapes.filter((s) => !known.has(s.id));
        return fresh.length === 2 && fresh;
      },
      "two pasted shapes",
    );
    expect(pasted[0]!.groupId).toBeDefined();
    expect(pasted[1]!.groupId).toBe(pasted[0]!.groupId);
    expect([original, copies[0]!.groupId]).not.toContain(pasted[0]!.groupId);
    // A marquee touching only the first rect selects its whole group: Delete removes both.
    await page.keyboard.press("Escape");
    await dragOnStage(page, { x: 120, y: 60 }, { x: 180, y: 110 });
    await page.keyboard.press("Delete");
    await inSnapshot(
      room,
      (shapes) => !byId(shapes, a.id) && !byId(shapes, b.id) && shapes.length === 4,
      "both members of the first group deleted, the copies kept",
    );
    expect(errors.messages).toEqual([]);
  });
});

describe("frames", () => {
  test("[GR9] draw a frame around shapes, move it with them, drag one out, rename, delete", async () => {
    const { page, errors, room } = await openNewRoom("frame");
    const [a, b] = await twoRects(page, room);
    await page.keyboard.press("f");
    await dragOnStage(page, { x: 60, y: 60 }, { x: 460, y: 260 });
    const frame = await inSnapshot(
      room,
      (shapes) => {
        const f = shapes.find((s) => s.type === "frame");
        return (
          f &&
          byId(shapes, a.id)?.frameId === f.id &&
          byId(shapes, b.id)?.frameId === f.id &&
          // Behind its children in paint order.
          shapes.indexOf(f) < shapes.indexOf(byId(shapes, a.id)!) &&
          f
        );
      },
      "a frame that holds both rects, behind them",
    );
    expect(frame.name).toBe("Frame");
    await page.keyboard.press("Escape");
    // Drag the frame by its empty lower part: its children come along.
    await dragOnStage(page, { x: 250, y: 230 }, { x: 250, y: 330 });
    await inSnapshot(
      room,
      (shapes) =>
        near(byId(shapes, frame.id)?.y, 160) &&
        near(byId(shapes, a.id)?.y, 200) &&
        near(byId(shapes, b.id)?.y, 200),
      "the frame and its children moved 100 down",
    );
    // Drag the second rect out of the frame: it leaves it.
    await page.keyboard.press("Escape");
    await dragOnStage(page, { x: 300, y: 230 }, { x: 600, y: 530 });
    await inSnapshot(
      room,
      (shapes) =>
        near(byId(shapes, b.id)?.x, 600) &&
        byId(shapes, b.id)?.frameId === undefined &&
        byId(shapes, a.id)?.frameId === frame.id,
      "the dragged-out rect left the frame",
    );
    // And back in: it joins again.
    await page.keyboard.press("Escape");
    await dragOnStage(page, { x: 600, y: 530 }, { x: 300, y: 230 });
    await inSnapshot(
      room,
      (shapes) => byId(shapes, b.id)?.frameId === frame.id,
      "the rect dropped inside joined the frame",
    );
    // Rename: double click on the title above the frame's top-left.
    await page.keyboard.press("Escape");
    const box = await canvasBox(page);
    await page.mouse.dblclick(box.x + 80, box.y + 160 - 10);
    const input = page.getByTestId("frame-name-editor");
    await input.waitFor();
    await input.fill("Checkout flow");
    await input.press("Enter");
    await inSnapshot(
      room,
      (shapes) => byId(shapes, frame.id)?.name === "Checkout flow",
      "the frame renamed",
    );
    // Delete the frame: its children stay, without frameId.
    await clickAt(page, 250, 330);
    await page.keyboard.press("Delete");
    await inSnapshot(
      room,
      (shapes) =>
        !byId(shapes, frame.id) &&
        shapes.length === 2 &&
        shapes.every((s) => s.frameId === undefined),
      "the frame gone, both rects kept without frameId",
    );
    expect(errors.messages).toEqual([]);
  });

  test("[GR11] a frame resized with its handle takes in and lets go of shapes", async () => {
    const { page, errors, room } = await openNewRoom("frame-resize");
    const [a, b] = await twoRects(page, room);
    await page.keyboard.press("f");
    // Around the first rect only.
    await dragOnStage(page, { x: 60, y: 60 }, { x: 260, y: 260 });
    const frame = await inSnapshot(
      room,
      (shapes) => {
        const f = shapes.find((s) => s.type === "frame");
        return (
          f &&
          byId(shapes, a.id)?.frameId === f.id &&
          byId(shapes, b.id)?.frameId === undefined &&
          f
        );
      },
      "a frame holding the first rect only",
    );
    // The new frame is selected: its bottom-right handle (padding 4 px) grows it over the second.
    await dragOnStage(page, { x: 264, y: 264 }, { x: 464, y: 264 });
    await inSnapshot(
      room,
      (shapes) =>
        near(byId(shapes, frame.id)?.width, 400, 8) &&
        byId(shapes, a.id)?.frameId === frame.id &&
        byId(shapes, b.id)?.frameId === frame.id,
      "the grown frame holds both rects",
    );
    // Shrunk from the left edge's handle past the first rect: it lets go of it. The selection
    // frame takes in the title band (22 px) above the frame, so that handle sits at y 149.
    await dragOnStage(page, { x: 56, y: 149 }, { x: 250, y: 149 });
    await inSnapshot(
      room,
      (shapes) =>
        near(byId(shapes, frame.id)?.x, 250, 8) &&
        byId(shapes, a.id)?.frameId === undefined &&
        byId(shapes, b.id)?.frameId === frame.id,
      "the shrunk frame lets go of the first rect",
    );
    expect(errors.messages).toEqual([]);
  });
});

describe("frame export", () => {
  test("[GR10] the main menu exports the selected frame alone as SVG and PNG", async () => {
    const { page, errors, room } = await openNewRoom("export");
    const [a, b] = await twoRects(page, room);
    await page.keyboard.press("f");
    // Around the first rect only.
    await dragOnStage(page, { x: 60, y: 60 }, { x: 260, y: 260 });
    const frame = await inSnapshot(
      room,
      (shapes) => {
        const f = shapes.find((s) => s.type === "frame");
        return f && byId(shapes, a.id)?.frameId === f.id && f;
      },
      "a frame around the first rect",
    );
    // The new frame is selected: its exports are in the menu.
    const exportVia = async (testId: string) => {
      const [download] = await Promise.all([
        page.waitForEvent("download"),
        (async () => {
          await page.getByTestId("main-menu").click();
          await page.getByTestId(testId).click();
        })(),
      ]);
      return download;
    };
    const svgDownload = await exportVia("export-frame-svg");
    expect(svgDownload.suggestedFilename()).toMatch(/^sketchroom-.*-Frame\.svg$/);
    const svg = readFileSync(await svgDownload.path(), "utf8");
    expect(svg).toContain(`data-id="${frame.id}"`);
    expect(svg).toContain(`data-id="${a.id}"`);
    expect(svg).not.toContain(`data-id="${b.id}"`);
    const pngDownload = await exportVia("export-frame-png");
    const png = readFileSync(await pngDownload.path());
    expect([...png.subarray(0, 8)]).toEqual([137, 80, 78, 71, 13, 10, 26, 10]);
    // IHDR: the frame's 200 × 200 plus margins at 2×, not the whole board (340 wide).
    expect(png.readUInt32BE(16)).toBeGreaterThanOrEqual(200 * 2);
    expect(png.readUInt32BE(16)).toBeLessThan(340 * 2);
    // With no frame selected the menu offers no frame export.
    await page.keyboard.press("Escape");
    await page.getByTestId("main-menu").click();
    expect(await page.getByTestId("export-frame-svg").count()).toBe(0);
    expect(errors.messages).toEqual([]);
  });
});

describe("locks", () => {
  test("[GR5][GR7] a locked shape does not move, escapes the marquee, survives Delete; unlock frees it", async () => {
    const { page, errors, room } = await openNewRoom("lock");
    const [a, b] = await twoRects(page, room);
    await clickAt(page, 100, 130);
    await page.keyboard.press("Control+Shift+l");
    await inSnapshot(room, (shapes) => byId(shapes, a.id)?.locked === true, "the rect locked");
    // A drag on it (its bottom edge, clear of the selection frame's handles) does not move it.
    await dragOnStage(page, { x: 120, y: 160 }, { x: 120, y: 360 });
    // Delete with it selected (a click still selects it) removes nothing.
    await page.keyboard.press("Delete");
    // A marquee over both, then Delete: only the unlocked one goes.
    await dragOnStage(page, { x: 60, y: 60 }, { x: 440, y: 200 });
    await page.keyboard.press("Delete");
    await inSnapshot(
      room,
      (shapes) => !byId(shapes, b.id) && shapes.length === 1,
      "the unlocked rect deleted",
    );
    const locked = await inSnapshot(room, (shapes) => byId(shapes, a.id), "the locked rect kept");
    expect(near(locked.y, 100), `locked rect y ${locked.y}`).toBe(true);
    // Unlock: click selects it, Ctrl+Shift+L, then it moves.
    await clickAt(page, 100, 130);
    await page.keyboard.press("Control+Shift+l");
    await inSnapshot(room, (shapes) => byId(shapes, a.id)?.locked === undefined, "unlocked");
    await dragOnStage(page, { x: 120, y: 160 }, { x: 120, y: 260 });
    await inSnapshot(room, (shapes) => near(byId(shapes, a.id)?.y, 200), "the unlocked rect moved");
    expect(errors.messages).toEqual([]);
  });

  test("[GR7] the style panel's Lock button locks the selection, then reads Unlock and unlocks it", async () => {
    const { page, errors, room } = await openNewRoom("lock-button");
    const [a] = await twoRects(page, room);
    await clickAt(page, 100, 130);
    const panel = page.getByTestId("style-panel");
    await panel.getByRole("button", { name: "Lock", exact: true }).click();
    await inSnapshot(room, (shapes) => byId(shapes, a.id)?.locked === true, "the rect locked");
    const unlock = panel.getByRole("button", { name: "Unlock", exact: true });
    expect(await unlock.getAttribute("aria-pressed")).toBe("true");
    await unlock.click();
    await inSnapshot(room, (shapes) => byId(shapes, a.id)?.locked === undefined, "unlocked");
    expect(await panel.getByRole("button", { name: "Lock", exact: true }).count()).toBe(1);
    expect(errors.messages).toEqual([]);
  });
});
