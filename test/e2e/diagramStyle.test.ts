/**
 * Labels, stroke style, opacity and images through the real UI in Chromium against a real
 * `partykit dev`: what a user double-clicks, types, picks and exports, checked in the room's
 * HTTP snapshot, in downloaded files, on the clipboard, or in a second user's page — never
 * through the page's automation hook. Rules: docs/architecture.md "Labels, styles and images".
 *
 *  [LB1] Double-clicking a rect and typing stores its label; another page draws it. Two pages
 *        typing into one label at once merge (C5).
 *  [DS1] Dashed and 50 % opacity picked in the style panel land on the selection, and the next
 *        shape drawn gets them too (DS2).
 *  [EX1] Export SVG of a selection holds only the selected shapes and parses; PNG without the
 *        background has transparent corners (with it, white ones).
 *  [EX3] Copy as SVG puts the SVG text on the clipboard; Ctrl+Shift+C puts a PNG there.
 */
import { readFileSync } from "node:fs";
import type { Download, Page } from "playwright-core";
import { describe, expect, test } from "vitest";
import type { Shape } from "../../src/shared/schema";
import type { PageErrors } from "../helpers/browser";
import { roomHelpers, setupE2E } from "../helpers/e2e";
import { canvasBox, drawRect, openRoom } from "../helpers/pages";
import { waitFor } from "../helpers/wait";
import { uniqueRoomId } from "../helpers/yclient";

const e2e = setupE2E();
const { inSnapshot } = roomHelpers(e2e, "diagramstyle");

async function openPage(label: string, room: string): Promise<{ page: Page; errors: PageErrors }> {
  const opened = await e2e.session.newPage(label);
  await openRoom(opened.page, `${e2e.server.url}/r/${room}`);
  return opened;
}

async function stageClick(
  page: Page,
  x: number,
  y: number,
  opts: { clickCount?: number; modifiers?: ("Shift" | "Control")[] } = {},
): Promise<void> {
  const box = await canvasBox(page);
  for (const m of opts.modifiers ?? []) await page.keyboard.down(m);
  await page.mouse.click(box.x + x, box.y + y, { clickCount: opts.clickCount ?? 1 });
  for (const m of opts.modifiers ?? []) await page.keyboard.up(m);
}

/** The text of every visible Konva Text node on the page's stage (what the canvas draws). */
async function drawnTexts(page: Page): Promise<string[]> {
  return page.evaluate(() => {
    type TextNode = { text(): string; isVisible(): boolean };
    const Konva = (window as unknown as { Konva?: { stages: { find(s: string): TextNode[] }[] } })
      .Konva;
    return (Konva?.stages ?? []).flatMap((stage) =>
      stage
        .find("Text")
        .filter((n) => n.isVisible())
        .map((n) => n.text()),
    );
  });
}

/** Double-clicks canvas (x, y) and waits for the text editor. */
async function openEditor(page: Page, x: number, y: number) {
  await stageClick(page, x, y, { clickCount: 2 });
  const area = page.getByTestId("text-editor");
  await area.waitFor({ state: "visible" });
  return area;
}

async function menuItem(page: Page, testId: string): Promise<void> {
  await page.getByTestId("main-menu").click();
  await page.getByTestId(testId).click();
}

async function setMenuOption(page: Page, testId: string, checked: boolean): Promise<void> {
  await page.getByTestId("main-menu").click();
  await page.getByTestId(testId).setChecked(checked);
  // Close the menu again without touching the canvas.
  await page.getByTestId("main-menu").click();
}

async function download(page: Page, testId: string): Promise<{ file: Download; body: Buffer }> {
  const [file] = await Promise.all([page.waitForEvent("download"), menuItem(page, testId)]);
  return { file, body: readFileSync(await file.path()) };
}

/** RGBA of the given pixels of a PNG, decoded by the page's own image decoder. */
async function pngPixels(
  page: Page,
  png: Buffer,
  points: [number, number][],
): Promise<{ width: number; height: number; pixels: number[][] }> {
  return page.evaluate(
    async ({ src, points }) => {
      const img = new Image();
      img.src = src;
      await img.decode();
      const canvas = document.createElement("canvas");
      canvas.width = img.width;
      canvas.height = img.height;
      const ctx = canvas.getContext("2d")!;
      ctx.drawImage(img, 0, 0);
      const at = ([x, y]: [number, number]) => {
        const px = x < 0 ? img.width + x : x;
        const py = y < 0 ? img.height + y : y;
        return [...ctx.getImageData(px, py, 1, 1).data];
      };
      return { width: img.width, height: img.height, pixels: points.map(at) };
    },
    { src: `data:image/png;base64,${png.toString("base64")}`, points },
  );
}

/** Parses SVG text with the page's DOMParser: the root's name and any parser errors. */
async function parseSvg(page: Page, svg: string) {
  return page.evaluate((text) => {
    const doc = new DOMParser().parseFromString(text, "image/svg+xml");
    return {
      root: doc.documentElement.nodeName,
      errors: doc.getElementsByTagName("parsererror").length,
      ids: [...doc.querySelectorAll("[data-id]")].map((g) => g.getAttribute("data-id")),
      texts: [...doc.querySelectorAll("text")].map((t) => t.textContent),
    };
  }, svg);
}

describe("labels", () => {
  test("[LB1] double-clicking a rect and typing stores its label; another page draws it", async () => {
    const room = uniqueRoomId("label");
    const a = await openPage("writer", room);
    const b = await openPage("reader", room);
    await drawRect(a.page, 200, 200, 200, 120);
    const drawn = await inSnapshot(room, (s) => s[0], "the rect in the snapshot");
    const area = await openEditor(a.page, 300, 260);
    await area.pressSequentially("Start here");
    await area.press("Escape");
    await area.waitFor({ state: "hidden" });
    await inSnapshot(
      room,
      (s) => s.length === 1 && s[0]!.id === drawn.id && s[0]!.label === "Start here",
      "the rect's label in the snapshot",
    );
    await waitFor(async () => (await drawnTexts(b.page)).includes("Start here"), {
      message: "the reader's canvas draws the label",
    });
    // Emptied, the label goes: the key is deleted, not left as "".
    await openEditor(a.page, 300, 260);
    await area.press("Control+a");
    await area.press("Backspace");
    await area.press("Escape");
    await inSnapshot(
      room,
      (s) => s.length === 1 && !("label" in s[0]!),
      "no label key after emptying it",
    );
    expect([...a.errors.messages, ...b.errors.messages]).toEqual([]);
  });

  test("[LB1] two pages typing into one label at once merge (C5)", async () => {
    const room = uniqueRoomId("label-merge");
    const a = await openPage("left", room);
    const b = await openPage("right", room);
    await drawRect(a.page, 200, 200, 300, 160);
    const areaA = await openEditor(a.page, 350, 280);
    await areaA.pressSequentially("alpha");
    await waitFor(async () => (await drawnTexts(b.page)).includes("alpha"), {
      message: "the right page draws 'alpha'",
    });
    const areaB = await openEditor(b.page, 350, 280);
    expect(await areaB.inputValue()).toBe("alpha");
    await areaB.press("Control+Home");
    // Both type at the same time: the left page at the end, the right page at the start.
    await Promise.all([
      areaA.pressSequentially(" omega", { delay: 15 }),
      areaB.pressSequentially("zeta ", { delay: 15 }),
    ]);
    const merged = "zeta alpha omega";
    await waitFor(
      async () => (await areaA.inputValue()) === merged && (await areaB.inputValue()) === merged,
      { message: `both editors show "${merged}"` },
    );
    await areaA.press("Escape");
    await areaB.press("Escape");
    await inSnapshot(room, (s) => s[0]?.label === merged, `the label is "${merged}"`);
    expect([...a.errors.messages, ...b.errors.messages]).toEqual([]);
  });
});

describe("stroke style and opacity", () => {
  test("[DS1] dashed and 50 % from the style panel land on the selection and on the next shape", async () => {
    const room = uniqueRoomId("dash");
    const { page, errors } = await openPage("stylist", room);
    await drawRect(page, 200, 200, 160, 100);
    const drawn = await inSnapshot(room, (s) => s[0], "the rect in the snapshot");
    expect(drawn.dash).toBeUndefined();
    const panel = page.getByTestId("style-panel");
    await panel.getByRole("button", { name: "Stroke dashed" }).click();
    await panel.getByRole("button", { name: "Opacity 50%" }).click();
    await inSnapshot(
      room,
      (s) => s.find((x) => x.id === drawn.id && x.dash === "dashed" && x.opacity === 0.5),
      "the rect is dashed at 50 %",
    );
    expect(
      await panel.getByRole("button", { name: "Stroke dashed" }).getAttribute("aria-pressed"),
    ).toBe("true");
    await page.keyboard.press("Escape");
    await drawRect(page, 500, 200, 120, 80);
    await inSnapshot(
      room,
      (s) =>
        s.length === 2 &&
        s.find((x) => x.id !== drawn.id && x.dash === "dashed" && x.opacity === 0.5),
      "the next rect is drawn dashed at 50 %",
    );
    expect(errors.messages).toEqual([]);
  });
});

describe("images", () => {
  test("[EX1] export SVG of a selection holds only the selected shapes and parses", async () => {
    const room = uniqueRoomId("svg");
    const { page, errors } = await openPage("exporter", room);
    await drawRect(page, 100, 100, 160, 100);
    await page.keyboard.press("Escape");
    await drawRect(page, 400, 100, 160, 100);
    await page.keyboard.press("Escape");
    await drawRect(page, 700, 100, 160, 100);
    const shapes = await inSnapshot(room, (s) => s.length === 3 && s, "three rects saved");
    const [left, middle, right] = [...shapes].sort((p, q) => p.x - q.x) as [Shape, Shape, Shape];
    // A label with markup in it: the SVG must keep it as text.
    const area = await openEditor(page, 180, 150);
    await area.pressSequentially('x < y & "z"');
    await area.press("Escape");
    await inSnapshot(room, (s) => s.find((x) => x.label === 'x < y & "z"'), "the label saved");
    // Select the left and the right rect.
    await page.keyboard.press("Escape");
    await stageClick(page, 180, 150);
    await stageClick(page, 780, 150, { modifiers: ["Shift"] });
    await setMenuOption(page, "export-selection-only", true);
    const { file, body } = await download(page, "export-svg");
    expect(file.suggestedFilename()).toMatch(/^sketchroom-.*\.svg$/);
    const parsed = await parseSvg(page, body.toString("utf8"));
    expect(parsed.root).toBe("svg");
    expect(parsed.errors).toBe(0);
    expect(parsed.ids.sort()).toEqual([left.id, right.id].sort());
    expect(parsed.ids).not.toContain(middle.id);
    expect(parsed.texts.join("")).toContain('x < y & "z"');
    expect(errors.messages).toEqual([]);
  });

  test("[EX1] PNG without the background has transparent corners; with it, white ones", async () => {
    const room = uniqueRoomId("png");
    const { page, errors } = await openPage("painter", room);
    await drawRect(page, 200, 200, 200, 120);
    await inSnapshot(room, (s) => s[0], "the rect in the snapshot");
    const corners: [number, number][] = [
      [0, 0],
      [-1, 0],
      [0, -1],
      [-1, -1],
    ];
    const white = await pngPixels(page, (await download(page, "export-png")).body, corners);
    expect(white.pixels).toEqual(corners.map(() => [255, 255, 255, 255]));
    await setMenuOption(page, "export-background", false);
    const clear = await pngPixels(page, (await download(page, "export-png")).body, corners);
    expect(clear.pixels.map((p) => p[3])).toEqual([0, 0, 0, 0]);
    // Still the rect: 200 × 120 plus padding, at 2×.
    expect(clear.width).toBeGreaterThan(400);
    expect(clear.height).toBeGreaterThan(240);
    expect(errors.messages).toEqual([]);
  });

  test("[EX3] copy as SVG puts SVG text on the clipboard; Ctrl+Shift+C a PNG", async () => {
    const room = uniqueRoomId("clip-image");
    const { page, errors } = await openPage("copier", room);
    await page.context().grantPermissions(["clipboard-read", "clipboard-write"], {
      origin: e2e.server.url,
    });
    await drawRect(page, 200, 200, 200, 120);
    const drawn = await inSnapshot(room, (s) => s[0], "the rect in the snapshot");
    await menuItem(page, "copy-as-svg");
    const svg = await waitFor(
      async () => {
        const text = await page.evaluate(() => navigator.clipboard.readText());
        return text.startsWith("<svg") ? text : undefined;
      },
      { message: "SVG text on the clipboard" },
    );
    const parsed = await parseSvg(page, svg);
    expect(parsed).toMatchObject({ root: "svg", errors: 0, ids: [drawn.id] });

    await page.keyboard.press("Control+Shift+C");
    const types = await waitFor(
      async () => {
        const found = await page.evaluate(async () => {
          const items = await navigator.clipboard.read();
          return items.flatMap((i) => i.types);
        });
        return found.includes("image/png") ? found : undefined;
      },
      { message: "a PNG on the clipboard" },
    );
    expect(types).toContain("image/png");
    expect(errors.messages).toEqual([]);
  });
});
