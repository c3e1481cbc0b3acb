/**
 * Font size in a real Chromium against a real `partykit dev`: one user writes a text and picks
 * a larger font for it; the text box grows to fit; a sticky note gets the size chosen before it
 * was placed; a second user's page draws both at those sizes.
 */
import type { Page } from "playwright-core";
import { expect, test } from "vitest";
import { setupE2E } from "../helpers/e2e";
import { canvasBox, openRoom, type RawShape, shapesIn } from "../helpers/pages";
import { waitFor } from "../helpers/wait";
import { uniqueRoomId } from "../helpers/yclient";

const e2e = setupE2E();

/** Text and font size of every Konva Text node drawn on the page's stage, except labels. */
async function drawnTexts(page: Page): Promise<{ text: string; fontSize: number }[]> {
  return page.evaluate(() => {
    type TextNode = { text(): string; fontSize(): number; isVisible(): boolean };
    const Konva = (window as unknown as { Konva?: { stages: { find(s: string): TextNode[] }[] } })
      .Konva;
    return (Konva?.stages ?? []).flatMap((stage) =>
      stage
        .find("Text")
        .filter((n) => n.isVisible())
        .map((n) => ({ text: n.text(), fontSize: n.fontSize() })),
    );
  });
}

const withText = (text: string) => (shapes: RawShape[]) =>
  shapes.find((s) => s.text === text && (s.type === "text" || s.type === "sticky"));

test("a chosen font size is stored, resizes the text box and reaches the other page", async () => {
  const room = uniqueRoomId("font");
  const a = await e2e.session.newPage("writer");
  const b = await e2e.session.newPage("reader");
  await openRoom(a.page, `${e2e.server.url}/r/${room}`);
  await openRoom(b.page, `${e2e.server.url}/r/${room}`);
  const box = await canvasBox(a.page);

  // A text at the default size.
  await a.page.keyboard.press("t");
  await a.page.mouse.click(box.x + 300, box.y + 200);
  const area = a.page.locator("textarea");
  await area.waitFor({ state: "visible", timeout: 10_000 });
  await area.pressSequentially("Big words here");
  await area.press("Escape");
  const before = await waitFor(async () => withText("Big words here")(await shapesIn(a.page)), {
    message: "the text shape in the writer's document",
  });
  expect(before.fontSize ?? 20).toBe(20);

  // The new text is selected: the style panel offers font sizes; pick the largest.
  const xl = a.page.getByRole("button", { name: "Font size extra large" });
  await xl.click();
  const after = await waitFor(
    async () => {
      const s = withText("Big words here")(await shapesIn(a.page));
      return s?.fontSize === 36 ? s : undefined;
    },
    { message: "fontSize 36 in the writer's document" },
  );
  expect(await xl.getAttribute("aria-pressed")).toBe("true");
  // The box grows with the font (36 px lines instead of 20 px).
  expect(after.height as number).toBeGreaterThan((before.height as number) * 1.5);

  // A sticky note placed after choosing the small size gets it.
  await a.page.keyboard.press("Escape");
  await a.page.keyboard.press("s");
  await a.page.getByRole("button", { name: "Font size small" }).click();
  await a.page.mouse.click(box.x + 700, box.y + 300);
  await area.waitFor({ state: "visible", timeout: 10_000 });
  await area.pressSequentially("small note");
  await area.press("Escape");
  await waitFor(async () => withText("small note")(await shapesIn(a.page))?.fontSize === 16, {
    message: "fontSize 16 on the new sticky note",
  });

  // The other page draws both at their sizes.
  await waitFor(
    async () => {
      const texts = await drawnTexts(b.page);
      return (
        texts.some((t) => t.text === "Big words here" && t.fontSize === 36) &&
        texts.some((t) => t.text === "small note" && t.fontSize === 16)
      );
    },
    { timeout: 15_000, message: "the reader draws the text at 36 and the note at 16" },
  );
  expect([...a.errors.messages, ...b.errors.messages]).toEqual([]);
});
