/**
 * The board's history and the "While you were away" notice through the real UI in Chromium.
 * The dev server takes checkpoints after 1.5 s of quiet instead of 30 s (`--var`).
 *
 *  [HI1][C15] Draw, wait for a checkpoint, select all + delete (vandalism), open History from the
 *        menu, select the checkpoint: the preview paints it and nothing can be drawn on the board
 *        meanwhile; Restore brings the shapes back for a second browser too; one Ctrl+Z removes
 *        them again on both.
 *  [HI2] A view-only link previews a checkpoint but offers no Restore.
 *  [AW5] A page goes offline while a peer adds shapes and deletes the one the page is editing;
 *        back online, its notice names the peer's additions and its own edit that was removed.
 */
import type { Page } from "playwright-core";
import { describe, expect, test } from "vitest";
import type { Shape } from "../../src/shared/schema";
import type { PageErrors } from "../helpers/browser";
import { roomHelpers, setupE2E } from "../helpers/e2e";
import {
  canvasBox,
  drawRect,
  near,
  openRoom,
  STATUS,
  setIdentity,
  shapesIn,
} from "../helpers/pages";
import { paintedAt } from "../helpers/pixels";
import { waitFor } from "../helpers/wait";
import { uniqueRoomId } from "../helpers/yclient";

const QUIET_MS = 1_500;
const e2e = setupE2E({
  vars: { CHECKPOINT_QUIET_MS: String(QUIET_MS), CHECKPOINT_MAX_INTERVAL_MS: "60000" },
});
const { inSnapshot } = roomHelpers(e2e, "history");

async function openAs(name: string, url: string): Promise<{ page: Page; errors: PageErrors }> {
  const { page, errors } = await e2e.session.newPage(name);
  await setIdentity(page, name);
  await openRoom(page, url);
  return { page, errors };
}

interface Summary {
  id: string;
  shapes: number;
}

/** The room's checkpoint holding `count` shapes, once the room has taken it. */
function checkpointWith(room: string, count: number): Promise<Summary> {
  return waitFor(
    async () => {
      const res = await fetch(`${e2e.server.url}/parties/main/${room}/history`);
      const { checkpoints } = (await res.json()) as { checkpoints: Summary[] };
      return checkpoints.find((c) => c.shapes === count);
    },
    { timeout: QUIET_MS + 20_000, message: `a checkpoint of ${count} shapes` },
  );
}

/** Whether the preview's canvas has paint (not the background) around stage point (x, y). */
const previewPaintedAt = (page: Page, x: number, y: number) =>
  paintedAt(page, x, y, '[data-testid="history-preview"]');

/** Opens the History panel from the main menu and previews checkpoint `id`. */
async function previewCheckpoint(page: Page, id: string): Promise<void> {
  await page.locator('[data-testid="main-menu"]').click();
  await page.locator('[data-testid="menu-history"]').click();
  const item = page.locator(`[data-testid="history-item"][data-id="${id}"]`);
  await item.waitFor({ state: "visible", timeout: 15_000 });
  await item.click();
  await page
    .locator(`[data-testid="history-preview"][data-id="${id}"]`)
    .waitFor({ state: "visible", timeout: 15_000 });
}

/** A rect at canvas (x, y) in the snapshot, within a few pixels (snapping, stroke). */
const rectAt = (x: number, y: number) => (s: Shape) =>
  s.type === "rect" && near(s.x, x) && near(s.y, y);

const rectCount = async (page: Page) =>
  (await shapesIn(page)).filter((s) => s.type === "rect").length;

describe("history", () => {
  test("[HI1][C15] preview a checkpoint after vandalism, restore it for everyone, Ctrl+Z undoes it everywhere", async () => {
    const room = uniqueRoomId("history-restore");
    const url = `${e2e.server.url}/r/${room}`;
    const ann = await openAs("Ann", url);
    const bo = await openAs("Bo", url);
    await drawRect(ann.page, 100, 100, 120, 80);
    await ann.page.keyboard.press("Escape");
    await drawRect(ann.page, 300, 100, 120, 80);
    await ann.page.keyboard.press("Escape");
    await inSnapshot(
      room,
      (s) => s.some(rectAt(100, 100)) && s.some(rectAt(300, 100)),
      "both rects stored",
    );
    const checkpoint = await checkpointWith(room, 2);

    // Vandalism: select all, delete.
    await ann.page.keyboard.press("Control+a");
    await ann.page.keyboard.press("Delete");
    await inSnapshot(room, (s) => s.length === 0, "the board is empty");
    await waitFor(async () => (await rectCount(bo.page)) === 0, { message: "Bo sees it empty" });

    await previewCheckpoint(ann.page, checkpoint.id);
    const banner = ann.page.locator('[data-testid="history-banner"]');
    expect(await banner.textContent()).toContain("Previewing");
    expect(
      await ann.page.locator('[data-testid="history-preview"]').getAttribute("data-shapes"),
    ).toBe("2");
    // The rects' left edges are painted in the preview, empty canvas between them is not.
    const box = await canvasBox(ann.page);
    const stage = (x: number, y: number) => ({ x: box.x + x, y: box.y + y });
    await waitFor(
      async () =>
        (await previewPaintedAt(ann.page, stage(100, 140).x, stage(100, 140).y)) &&
        (await previewPaintedAt(ann.page, stage(300, 140).x, stage(300, 140).y)),
      { message: "the preview paints both rects" },
    );
    expect(await previewPaintedAt(ann.page, stage(260, 400).x, stage(260, 400).y)).toBe(false);
    // Read-only while previewing: a rectangle dragged over the preview is not drawn.
    await ann.page.keyboard.press("r");
    await ann.page.mouse.move(box.x + 500, box.y + 300);
    await ann.page.mouse.down();
    await ann.page.mouse.move(box.x + 600, box.y + 380, { steps: 4 });
    await ann.page.mouse.up();
    expect(await shapesIn(ann.page)).toEqual([]);

    await ann.page.locator('[data-testid="history-restore"]').click();
    await ann.page.locator('[data-testid="history-preview"]').waitFor({ state: "detached" });
    await inSnapshot(
      room,
      (s) => s.length === 2 && s.some(rectAt(100, 100)) && s.some(rectAt(300, 100)),
      "the restored rects are stored",
    );
    await waitFor(async () => (await rectCount(bo.page)) === 2, {
      message: "Bo sees the rects back",
    });
    expect(await rectCount(ann.page)).toBe(2);

    // One undo reverts the whole restore, for everyone.
    await ann.page.keyboard.press("Control+z");
    await inSnapshot(room, (s) => s.length === 0, "undo empties the board again");
    await waitFor(async () => (await rectCount(bo.page)) === 0, {
      message: "Bo sees the undo",
    });
    expect(await rectCount(ann.page)).toBe(0);
    expect([...ann.errors.messages, ...bo.errors.messages]).toEqual([]);
  });

  test("[HI2] a view-only link previews a checkpoint but cannot restore it", async () => {
    const room = uniqueRoomId("history-view");
    const editor = await openAs("Edna", `${e2e.server.url}/r/${room}`);
    await drawRect(editor.page, 100, 100, 120, 80);
    await editor.page.keyboard.press("Escape");
    const checkpoint = await checkpointWith(room, 1);
    await editor.page.locator('[data-testid="share"]').click();
    const viewLink = await waitFor(
      async () => {
        const v = await editor.page.locator('[data-testid="share-view-link"]').inputValue();
        return v.startsWith(`${e2e.server.url}/v/`) ? v : null;
      },
      { message: "the view-only link in the Share menu" },
    );
    const viewer = await openAs("Vic", viewLink);
    await viewer.page.locator(`${STATUS}[data-state="connected"]`).waitFor({ state: "attached" });
    await previewCheckpoint(viewer.page, checkpoint.id);
    expect(await viewer.page.locator('[data-testid="history-banner"]').textContent()).toContain(
      "Previewing",
    );
    expect(await viewer.page.locator('[data-testid="history-restore"]').count()).toBe(0);
    await viewer.page.locator('[data-testid="history-back"]').click();
    await viewer.page.locator('[data-testid="history-preview"]').waitFor({ state: "detached" });
    expect([...editor.errors.messages, ...viewer.errors.messages]).toEqual([]);
  });
});

describe("while you were away", () => {
  test("[AW5] back online, the notice names the peer's changes and the own edit they removed", async () => {
    const room = uniqueRoomId("away");
    const url = `${e2e.server.url}/r/${room}`;
    const ann = await openAs("Ann", url);
    const bo = await openAs("Bo", url);
    await drawRect(ann.page, 100, 100, 120, 80);
    await ann.page.keyboard.press("Escape");
    const [rect] = await inSnapshot(room, (s) => s.length === 1 && s, "Ann's rect is stored");
    await waitFor(async () => (await rectCount(bo.page)) === 1, { message: "Bo sees the rect" });
    // Bo's name reaches Ann through presence before she leaves.
    await ann.page
      .locator('[data-testid="presence-user"]', { hasText: "Bo" })
      .waitFor({ state: "attached" });

    // The away code loads just after the page (AwayNotice.tsx); a user who goes offline later
    // relies on that, so the test goes offline only once it has arrived.
    await waitFor(() =>
      ann.page.evaluate(() =>
        performance.getEntriesByType("resource").some((e) => /\/away-[^/]*\.js$/.test(e.name)),
      ),
    );
    await ann.page.context().setOffline(true);
    await ann.page.locator(`${STATUS}[data-state="offline"]`).waitFor({ state: "attached" });
    // Offline, Ann selects her rect (a click on its left edge) and nudges it right.
    const box = await canvasBox(ann.page);
    await ann.page.mouse.click(box.x + 100, box.y + 140);
    await ann.page.keyboard.press("ArrowRight");
    await waitFor(
      async () => (await shapesIn(ann.page)).some((s) => s.id === rect!.id && s.x !== rect!.x),
      { message: "Ann's offline nudge" },
    );
    // Meanwhile Bo draws two rects and deletes Ann's.
    await drawRect(bo.page, 400, 300, 80, 60);
    await bo.page.keyboard.press("Escape");
    await drawRect(bo.page, 600, 300, 80, 60);
    await bo.page.keyboard.press("Escape");
    await bo.page.mouse.click(
      (await canvasBox(bo.page)).x + 100,
      (await canvasBox(bo.page)).y + 140,
    );
    await bo.page.keyboard.press("Delete");
    await inSnapshot(
      room,
      (s) => s.length === 2 && !s.some((x) => x.id === rect!.id),
      "Bo's two rects stored, Ann's gone",
    );

    await ann.page.context().setOffline(false);
    const notice = ann.page.locator('[data-testid="away-notice"]');
    await notice.waitFor({ state: "visible", timeout: 30_000 });
    // The deletion of Ann's rect is listed once, as her own edit that did not stick.
    expect(await ann.page.locator('[data-testid="away-other"]').allTextContents()).toEqual([
      "Bo added 2 shapes",
    ]);
    expect(await ann.page.locator('[data-testid="away-lost"]').allTextContents()).toEqual([
      "A shape you edited was removed",
    ]);
    await ann.page.locator('[data-testid="away-dismiss"]').click();
    await notice.waitFor({ state: "detached" });
    expect([...ann.errors.messages, ...bo.errors.messages]).toEqual([]);
  });
});
