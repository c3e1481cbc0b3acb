/**
 * Markup is text, never markup (issue 6, docs/threat-model.md): a Node peer writes a sticky note
 * and a text shape whose text is an `<img onerror>` payload and names itself with `<b>` and
 * `<script>`; in a real Chromium page of the same room the presence list shows the name's
 * literal characters, Konva draws the shapes' literal text, and no element or script is created.
 */
import type { Page } from "playwright-core";
import { afterAll, expect, test } from "vitest";
import { setupE2E } from "../helpers/e2e";
import { addShapes, makeShape } from "../helpers/shapes";
import { waitFor, withTimeout } from "../helpers/wait";
import { connectPeer, type Peer, uniqueRoomId } from "../helpers/yclient";

const SHAPE_TEXT = '<img src=x onerror="window.__pwned=1">';
const PEER_NAME = "<b>evil</b><script>window.__pwned=2</script>";
/** The page's own user, named with markup too (stored where the app keeps its identity). */
const OWN_NAME = "<img src=x onerror=window.__pwned=3>";

let peer: Peer | undefined;
let renew: ReturnType<typeof setInterval> | undefined;

const e2e = setupE2E();

afterAll(async () => {
  clearInterval(renew);
  await peer?.close();
});

/** Texts of every Konva Text node on the stage. */
async function konvaTexts(page: Page): Promise<string[]> {
  return page.evaluate(() => {
    const Konva = (
      window as unknown as { Konva?: { stages: { find(s: string): { text(): string }[] }[] } }
    ).Konva;
    return (Konva?.stages ?? []).flatMap((stage) => stage.find("Text").map((n) => n.text()));
  });
}

test("names, text shapes and sticky notes render markup as literal text", async () => {
  const room = uniqueRoomId("markup");
  peer = await connectPeer(e2e.server.wsUrl, room, {
    awareness: {
      user: { name: PEER_NAME, color: "#cc3333" },
      cursor: { x: 300, y: 300 },
      selection: [],
    },
  });
  await withTimeout(peer.synced, 10_000, "peer sync");
  addShapes(peer.doc, [
    makeShape({ id: "markup-sticky", type: "sticky", text: SHAPE_TEXT, x: 100, y: 100 }),
    makeShape({ id: "markup-text", type: "text", text: SHAPE_TEXT, x: 400, y: 100 }),
  ]);
  await peer.waitForSaved();
  // Receivers drop a peer silent for 4.5 s; a browser tab renews every 2 s, so do we.
  let tick = 0;
  renew = setInterval(() => {
    peer?.awareness.setLocalStateField("cursor", { x: 300 + (tick++ % 2), y: 300 });
  }, 1_000);

  const { page, errors } = await e2e.session.newPage("viewer");
  await page.addInitScript(
    (name) => localStorage.setItem("sketchroom:user", JSON.stringify({ name, color: "#3366cc" })),
    OWN_NAME,
  );
  await page.goto(`${e2e.server.url}/r/${room}`, { waitUntil: "domcontentloaded" });
  await page
    .locator('[data-testid="connection-status"][data-state="connected"]')
    .waitFor({ state: "attached", timeout: 30_000 });

  // The presence list shows the literal characters of the name.
  const entry = page.locator('[data-testid="presence-user"]');
  await entry.first().waitFor({ state: "attached", timeout: 15_000 });
  await waitFor(
    async () => (await entry.allTextContents()).some((t) => t.includes("<b>evil</b>")),
    {
      message: "the presence list shows the name's markup as text",
    },
  );

  // Both shapes are drawn by Konva with their literal text.
  const drawn = await waitFor(
    async () => {
      const texts = await konvaTexts(page);
      return texts.filter((t) => t === SHAPE_TEXT).length >= 2 ? texts : null;
    },
    { timeout: 15_000, message: "Konva draws both shapes' text literally" },
  );
  expect(drawn.filter((t) => t === SHAPE_TEXT)).toHaveLength(2);

  // Two frames later anything the markup could have created would exist (an <img src=x>
  // errors at once); nothing does.
  await page.evaluate(
    () => new Promise((r) => requestAnimationFrame(() => requestAnimationFrame(() => r(null)))),
  );
  const dom = await page.evaluate(() => ({
    pwned: (window as unknown as { __pwned?: unknown }).__pwned,
    imgs: [...document.querySelectorAll("img")].filter((i) => i.getAttribute("src") === "x").length,
    scripts: [...document.querySelectorAll("script")].filter((s) =>
      (s.textContent ?? "").includes("__pwned"),
    ).length,
    bold: [...document.querySelectorAll("b")].filter((b) => b.textContent === "evil").length,
    onerror: document.querySelectorAll("[onerror]").length,
  }));
  expect(dom).toEqual({ pwned: undefined, imgs: 0, scripts: 0, bold: 0, onerror: 0 });
  expect(errors.messages).toEqual([]);
});
