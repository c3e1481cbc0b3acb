/**
 * The chrome around the canvas through the real UI in Chromium: what a user clicks, types and
 * picks, checked in the room's HTTP snapshot, in downloaded files, or in a second user's page —
 * never through the page's automation hook.
 *
 *  [UI1] Double-clicking a text shape opens it again for editing; the new text is stored.
 *  [UI2] The style panel sets the selection's stroke, fill and stroke width.
 *  [UI3] The z-order buttons send the selection to the back and bring it to the front.
 *  [UI4] Export JSON and PNG download real files; Import JSON (file chooser) recreates the
 *        exported shapes in another room.
 *  [UI5] A new name and colour in the user badge reach the other user's presence list.
 *  [UI6] Ctrl+C / Ctrl+V paste a copy at the pointer; Ctrl+D duplicates it 16 px down-right.
 */
import { readFileSync } from "node:fs";
import type { Page } from "playwright-core";
import { describe, expect, test } from "vitest";
import type { Shape } from "../../src/shared/schema";
import type { PageErrors } from "../helpers/browser";
import { roomHelpers, setupE2E } from "../helpers/e2e";
import { canvasBox, drawRect, near, openRoom, setIdentity } from "../helpers/pages";
import { waitFor } from "../helpers/wait";
import { uniqueRoomId } from "../helpers/yclient";

const e2e = setupE2E();
const { inSnapshot } = roomHelpers(e2e, "ui");

async function openPage(
  label: string,
  room: string,
  identity?: { name: string; color: string },
): Promise<{ page: Page; errors: PageErrors }> {
  const opened = await e2e.session.newPage(label);
  if (identity) await setIdentity(opened.page, identity.name, identity.color);
  await openRoom(opened.page, `${e2e.server.url}/r/${room}`);
  return opened;
}

async function stageClick(page: Page, x: number, y: number, clickCount = 1): Promise<void> {
  const box = await canvasBox(page);
  await page.mouse.click(box.x + x, box.y + y, { clickCount });
}

describe("editing from the chrome", () => {
  test("[UI1] double-clicking a text shape edits it again", async () => {
    const room = uniqueRoomId("ui-retext");
    const { page, errors } = await openPage("writer", room);
    await page.keyboard.press("t");
    await stageClick(page, 300, 200);
    const area = page.locator("textarea");
    await area.waitFor({ state: "visible" });
    await area.pressSequentially("first words");
    await area.press("Escape");
    await area.waitFor({ state: "hidden" });
    const first = await inSnapshot(
      room,
      (s) => s.find((x) => x.type === "text" && x.text === "first words"),
      "the text in the snapshot",
    );
    await page.keyboard.press("Escape");
    await page.keyboard.press("v");
    await stageClick(page, first.x + 10, first.y + first.height / 2, 2);
    await area.waitFor({ state: "visible" });
    await area.press("Control+a");
    await area.pressSequentially("second take");
    await area.press("Escape");
    await inSnapshot(
      room,
      (s) => s.length === 1 && s[0]!.id === first.id && s[0]!.text === "second take",
      "the same shape now holds the new text",
    );
    expect(errors.messages).toEqual([]);
  });

  test("[UI2] the style panel sets stroke, fill and stroke width of the selection", async () => {
    const room = uniqueRoomId("ui-style");
    const { page, errors } = await openPage("stylist", room);
    await drawRect(page, 200, 200, 160, 100);
    const drawn = await inSnapshot(room, (s) => s[0], "the rect in the snapshot");
    expect(drawn).toMatchObject({ stroke: "#1e1e1e", fill: "transparent", strokeWidth: 2 });
    const panel = page.getByTestId("style-panel");
    await panel.getByRole("button", { name: "Stroke #e03131" }).click();
    await panel.getByRole("button", { name: "Fill #a5d8ff" }).click();
    await panel.getByRole("button", { name: "Bold", exact: true }).click();
    await inSnapshot(
      room,
      (s) =>
        s.find(
          (x) =>
            x.id === drawn.id &&
            x.stroke === "#e03131" &&
            x.fill === "#a5d8ff" &&
            x.strokeWidth === 4,
        ),
      "the rect is red, light blue and bold",
    );
    expect(
      await panel.getByRole("button", { name: "Stroke #e03131" }).getAttribute("aria-pressed"),
    ).toBe("true");
    expect(errors.messages).toEqual([]);
  });

  test("[UI3] the z-order buttons send the selection back and bring it to the front", async () => {
    const room = uniqueRoomId("ui-z");
    const { page, errors } = await openPage("stacker", room);
    await drawRect(page, 100, 100, 200, 150);
    await page.keyboard.press("Escape");
    await drawRect(page, 200, 150, 200, 150);
    // The second rect is selected; the snapshot lists shapes in paint order (bottom first).
    const [under, over] = await inSnapshot(
      room,
      (s) => s.length === 2 && ([s[0]!, s[1]!] as const),
      "two rects in the snapshot",
    );
    expect(near(over.x, 200)).toBe(true);
    await page.getByRole("button", { name: "Send to back" }).click();
    await inSnapshot(
      room,
      (s) => s.map((x) => x.id).join() === [over.id, under.id].join(),
      "the selected rect is painted first after Send to back",
    );
    await page.getByRole("button", { name: "Bring to front" }).click();
    await inSnapshot(
      room,
      (s) => s.map((x) => x.id).join() === [under.id, over.id].join(),
      "the selected rect is painted last after Bring to front",
    );
    expect(errors.messages).toEqual([]);
  });

  test("[UI6] Ctrl+C / Ctrl+V paste at the pointer, Ctrl+D duplicates", async () => {
    const room = uniqueRoomId("ui-clip");
    const { page, errors } = await openPage("copier", room);
    await drawRect(page, 100, 100, 120, 80);
    const original = await inSnapshot(room, (s) => s[0], "the rect in the snapshot");
    await page.keyboard.press("Control+c");
    const box = await canvasBox(page);
    await page.mouse.move(box.x + 500, box.y + 300);
    await page.keyboard.press("Control+v");
    const pasted = await inSnapshot(
      room,
      (s) => s.length === 2 && s.find((x) => x.id !== original.id),
      "a pasted copy in the snapshot",
    );
    expect(pasted).toMatchObject({ type: "rect" });
    expect(near(pasted.x, 500) && near(pasted.y, 300), `pasted at ${pasted.x}, ${pasted.y}`).toBe(
      true,
    );
    expect(
      near(pasted.width, original.width, 0.5) && near(pasted.height, original.height, 0.5),
    ).toBe(true);
    // The paste is selected: Ctrl+D copies it, offset by 16 px.
    await page.keyboard.press("Control+d");
    const dup = await inSnapshot(
      room,
      (s) => s.length === 3 && s.find((x) => x.id !== original.id && x.id !== pasted.id),
      "a duplicate in the snapshot",
    );
    expect(near(dup.x, pasted.x + 16, 0.5) && near(dup.y, pasted.y + 16, 0.5)).toBe(true);
    expect(errors.messages).toEqual([]);
  });
});

describe("files and identity", () => {
  test("[UI4] export JSON and PNG download files; import JSON recreates the shapes elsewhere", async () => {
    const room = uniqueRoomId("ui-export");
    const { page, errors } = await openPage("exporter", room);
    await drawRect(page, 100, 100, 160, 90);
    await page.keyboard.press("o");
    const box = await canvasBox(page);
    await page.mouse.move(box.x + 400, box.y + 150);
    await page.mouse.down();
    await page.mouse.move(box.x + 500, box.y + 250, { steps: 6 });
    await page.mouse.up();
    const source = await inSnapshot(room, (s) => s.length === 2 && s, "two shapes saved");

    const menuItem = async (p: Page, testId: string) => {
      await p.getByTestId("main-menu").click();
      await p.getByTestId(testId).click();
    };
    const [jsonDownload] = await Promise.all([
      page.waitForEvent("download"),
      menuItem(page, "export-json"),
    ]);
    expect(jsonDownload.suggestedFilename()).toMatch(/^sketchroom-.*\.json$/);
    const jsonPath = await jsonDownload.path();
    const exported = JSON.parse(readFileSync(jsonPath, "utf8")) as { shapes?: Shape[] };
    expect(exported.shapes?.map((s) => s.type).sort()).toEqual(["ellipse", "rect"]);

    const [pngDownload] = await Promise.all([
      page.waitForEvent("download"),
      menuItem(page, "export-png"),
    ]);
    expect(pngDownload.suggestedFilename()).toMatch(/^sketchroom-.*\.png$/);
    const png = readFileSync(await pngDownload.path());
    expect([...png.subarray(0, 8)]).toEqual([137, 80, 78, 71, 13, 10, 26, 10]);
    // IHDR: the image covers both shapes (400 × 150 canvas units plus padding, at 2×).
    expect(png.readUInt32BE(16)).toBeGreaterThan(400 * 2);
    expect(png.readUInt32BE(20)).toBeGreaterThan(150 * 2);

    const target = uniqueRoomId("ui-import");
    const other = await openPage("importer", target);
    const [chooser] = await Promise.all([
      other.page.waitForEvent("filechooser"),
      menuItem(other.page, "import-json"),
    ]);
    await chooser.setFiles({
      name: "board.json",
      mimeType: "application/json",
      buffer: readFileSync(jsonPath),
    });
    const imported = await inSnapshot(
      target,
      (s) => s.length === 2 && s,
      "the imported shapes in the other room's snapshot",
    );
    // Same shapes, same sizes and layout (the import may place the group elsewhere).
    const shape = (list: Shape[], type: string) => list.find((s) => s.type === type)!;
    for (const type of ["rect", "ellipse"]) {
      expect(near(shape(imported, type).width, shape(source, type).width, 0.5)).toBe(true);
      expect(near(shape(imported, type).height, shape(source, type).height, 0.5)).toBe(true);
    }
    const dx = (list: Shape[]) => shape(list, "ellipse").x - shape(list, "rect").x;
    expect(near(dx(imported), dx(source), 0.5)).toBe(true);
    expect(imported.map((s) => s.id).filter((id) => source.some((s) => s.id === id))).toEqual([]);
    expect([...errors.messages, ...other.errors.messages]).toEqual([]);
  });

  test("[UI5] a new name and colour in the user badge reach the other user's presence list", async () => {
    const room = uniqueRoomId("ui-badge");
    const a = await openPage("badge", room, { name: "Ada", color: "#e03131" });
    const b = await openPage("watcher", room, { name: "Bob", color: "#1971c2" });
    const entry = b.page.getByTestId("presence-user");
    await waitFor(async () => ((await entry.textContent()) ?? "").includes("Ada"), {
      message: "B lists Ada",
    });

    const name = a.page.getByTestId("user-name");
    await name.fill("Zed Painter");
    await name.press("Enter");
    await waitFor(async () => ((await entry.textContent()) ?? "").trim() === "Zed Painter", {
      message: "B lists the new name",
    });

    // The colour button steps to the next colour of the palette: #e03131 → #2f9e44.
    await a.page.getByRole("button", { name: "Change your colour" }).click();
    await waitFor(
      async () =>
        (await entry.evaluate((el) => getComputedStyle(el).borderTopColor)) === "rgb(47, 158, 68)",
      { message: "B shows the new colour (#2f9e44)" },
    );
    expect([...a.errors.messages, ...b.errors.messages]).toEqual([]);
  });
});
