/**
 * View-only links and refused writes, end to end in a real Chromium against a real
 * `partykit dev`:
 *  - the Share menu holds the edit link and a view-only link that does not contain the room id;
 *    a viewer sees the board live and appears in the editor's presence list, and nothing the
 *    viewer does changes the document (the room enforces it; the UI also blocks it);
 *  - [C9] a write the room refuses (document over its cap) rolls the author's tab back to the
 *    room's state, with a message.
 */
import type { Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import type { Shape } from "../../src/shared/schema";
import { type BrowserSession, launchBrowser } from "../helpers/browser";
import { type DevServer, startDevServer } from "../helpers/devServer";
import { setupE2E } from "../helpers/e2e";
import { canvasBox, drawRect, openRoom, STATUS, setIdentity } from "../helpers/pages";
import { paintedAt } from "../helpers/pixels";
import { fetchSnapshot } from "../helpers/shapes";
import { waitFor } from "../helpers/wait";
import { uniqueRoomId } from "../helpers/yclient";

const e2e = setupE2E();
let capped: DevServer;
/** A second Chromium launch: the viewer shares nothing with the editor's browser. */
let otherBrowser: BrowserSession;

beforeAll(async () => {
  // A room that refuses anything past ~10 KB, so a single large write is refused.
  capped = await startDevServer({ vars: { MAX_DOCUMENT_BYTES: "10000" } });
  otherBrowser = await launchBrowser();
});

afterAll(async () => {
  await otherBrowser?.close();
  await capped?.dispose();
});

async function open(page: Page, url: string, name: string) {
  await setIdentity(page, name);
  await openRoom(page, url);
}

/** Ids of the shapes in the page's document (automation hook). */
function shapeIds(page: Page): Promise<string[]> {
  return page.evaluate(() => {
    const hook = (
      window as unknown as { __sketchroom: { doc: { getMap(n: string): Map<string, unknown> } } }
    ).__sketchroom;
    return [...hook.doc.getMap("shapes").keys()].sort();
  });
}

/** A mouse drag between canvas points, in steps, as a user makes it. */
async function drag(page: Page, from: [number, number], to: [number, number]): Promise<void> {
  const box = await canvasBox(page);
  await page.mouse.move(box.x + from[0], box.y + from[1]);
  await page.mouse.down();
  await page.mouse.move(box.x + (from[0] + to[0]) / 2, box.y + (from[1] + to[1]) / 2, {
    steps: 4,
  });
  await page.mouse.move(box.x + to[0], box.y + to[1], { steps: 4 });
  await page.mouse.up();
}

const DRAWING_TOOLS = ["rect", "ellipse", "line", "arrow", "pen", "text", "sticky"] as const;
const TOOL_KEYS: Record<(typeof DRAWING_TOOLS)[number] | "eraser", string> = {
  rect: "r",
  ellipse: "o",
  line: "l",
  arrow: "a",
  pen: "p",
  text: "t",
  sticky: "s",
  eraser: "e",
};

/** Counts paste events that carried data, so the test knows its pastes really happened. */
async function countPastes(page: Page): Promise<() => Promise<number>> {
  await page.evaluate(() => {
    const w = window as unknown as { __pastes: number };
    w.__pastes = 0;
    document.addEventListener(
      "paste",
      (e) => {
        if (e.clipboardData?.getData("text/plain")) w.__pastes++;
      },
      { capture: true },
    );
  });
  return () => page.evaluate(() => (window as unknown as { __pastes: number }).__pastes);
}

/**
 * Every way a user could try to change the board from a view-only page: each tool by its key
 * and by its toolbar button, then drawing; dragging, resizing and erasing the editor's rect
 * (whose top edge is at canvas y = first.y); the style panel; Delete/Backspace, undo/redo,
 * duplicate, cut, nudge, z-order, select all + Delete; real clipboard pastes of shapes and of
 * text; and importing a JSON file from the menu.
 */
async function tryToEdit(page: Page, first: Shape): Promise<void> {
  const edge: [number, number] = [first.x + first.width / 2, first.y];
  const corner: [number, number] = [first.x + first.width, first.y + first.height];
  for (const tool of [...DRAWING_TOOLS, "eraser"] as const) {
    for (const how of ["key", "button"] as const) {
      if (how === "key") await page.keyboard.press(TOOL_KEYS[tool]);
      // A disabled button swallows the click; force makes the test click it anyway.
      else await page.locator(`[data-testid="tool-${tool}"]`).click({ force: true });
      if (tool === "eraser") {
        await drag(page, [edge[0] - 40, edge[1]], [edge[0] + 40, edge[1]]);
      } else if (tool === "text") {
        await drag(page, [520, 520], [521, 521]);
        await page.keyboard.type("viewer text");
        await page.keyboard.press("Escape");
      } else {
        await drag(page, [520, 300], [640, 380]);
        await page.keyboard.press("Escape");
      }
    }
  }
  await page.keyboard.press("v");
  await drag(page, edge, [edge[0] + 150, edge[1] + 150]);
  await page.mouse.click((await canvasBox(page)).x + edge[0], (await canvasBox(page)).y + edge[1]);
  await drag(page, corner, [corner[0] + 60, corner[1] + 60]);
  const panel = page.locator('[data-testid="style-panel"] button');
  for (const button of await panel.all()) await button.click({ force: true });
  await page.mouse.dblclick((await canvasBox(page)).x + 700, (await canvasBox(page)).y + 500);
  await page.keyboard.type("typed");
  await page.keyboard.press("Escape");
  await page.mouse.click((await canvasBox(page)).x + edge[0], (await canvasBox(page)).y + edge[1]);
  for (const key of [
    "ArrowRight",
    "Shift+ArrowDown",
    "Control+d",
    "Control+]",
    "Control+Shift+[",
    "Delete",
    "Backspace",
    "Control+z",
    "Control+y",
    "Control+Shift+z",
    "Control+x",
    "Control+v",
    "Control+a",
    "Delete",
    "Control+a",
    "Backspace",
  ]) {
    await page.keyboard.press(key);
  }

  // Real clipboard pastes: our own shapes JSON, then plain text.
  const pastes = await countPastes(page);
  const box = await canvasBox(page);
  await page.mouse.move(box.x + 500, box.y + 500);
  const clipboardShapes = JSON.stringify({
    kind: "sketchroom/shapes",
    shapes: [{ ...first, id: "pasted" }],
  });
  for (const text of [clipboardShapes, "pasted text"]) {
    await page.evaluate((t) => navigator.clipboard.writeText(t), text);
    const before = await pastes();
    await page.keyboard.press("Control+v");
    await waitFor(async () => (await pastes()) > before, { message: "a real paste event" });
  }

  // Import a board from the main menu (a viewer may find the item disabled).
  await page.locator('[data-testid="main-menu"]').click();
  const importItem = page.locator('[data-testid="import-json"]');
  if (await importItem.isEnabled()) {
    const chooser = page.waitForEvent("filechooser");
    await importItem.click();
    await (await chooser).setFiles({
      name: "board.json",
      mimeType: "application/json",
      buffer: Buffer.from(JSON.stringify({ shapes: [{ ...first, id: "imported" }] })),
    });
  } else {
    await importItem.click({ force: true });
  }
}

/**
 * An editor's room with one rect, and a viewer who opened the view link from the editor's Share
 * menu in a browser of their own, sees the rect, and is listed in the editor's presence list.
 */
async function editorAndViewer() {
  const roomId = uniqueRoomId("share");
  const editor = await e2e.session.newPage("editor");
  await open(editor.page, `${e2e.server.url}/r/${roomId}`, "Edna");
  await drawRect(editor.page, 200, 200, 120, 80);
  const [first] = await waitFor(
    async () => {
      const shapes = await fetchSnapshot(e2e.server.url, roomId);
      return shapes.length === 1 ? shapes : null;
    },
    { message: "the room holds the editor's first rect" },
  );

  // The user's way to the view link: the Share button, then the link shown in its menu.
  await editor.page.locator('[data-testid="share"]').click();
  const editLink = await editor.page.locator('[data-testid="share-edit-link"]').inputValue();
  expect(editLink).toBe(`${e2e.server.url}/r/${roomId}`);
  const viewLink = await waitFor(
    async () => {
      const v = await editor.page.locator('[data-testid="share-view-link"]').inputValue();
      return v.startsWith(`${e2e.server.url}/v/`) ? v : null;
    },
    { message: "the view-only link in the Share menu" },
  );
  expect(viewLink).not.toContain(roomId);

  const viewer = await otherBrowser.newPage("viewer");
  await viewer.page.context().grantPermissions(["clipboard-read", "clipboard-write"], {
    origin: e2e.server.url,
  });
  await setIdentity(viewer.page, "Vic");
  await viewer.page.goto(viewLink, { waitUntil: "domcontentloaded" });
  await viewer.page
    .locator(`${STATUS}[data-state="connected"]`)
    .waitFor({ state: "attached", timeout: 30_000 });
  expect(await viewer.page.locator(STATUS).textContent()).toBe("Connected · View only");
  // (a) The board: the first rect's top edge is painted on the viewer's canvas.
  await waitFor(() => paintedAt(viewer.page, 260, 200), {
    message: "the viewer's canvas shows the editor's rect",
  });
  expect(await paintedAt(viewer.page, 600, 600)).toBe(false);
  await waitFor(async () => (await presenceNames(editor.page)).includes("Vic"), {
    message: "the editor sees the viewer",
  });
  expect(await viewer.page.content()).not.toContain(roomId);
  return { roomId, editor, viewer, first: first! };
}

function presenceNames(page: Page): Promise<string[]> {
  return page.locator('[data-testid="presence-user"]').allTextContents();
}

/**
 * Renames the viewer and waits until the editor lists the new name: the room has then handled
 * every frame the viewer sent before it (one socket, in order).
 */
async function viewerFlushed(viewer: Page, editor: Page, name: string): Promise<void> {
  await viewer.locator('[data-testid="user-name"]').fill(name);
  await viewer.locator('[data-testid="user-name"]').press("Enter");
  await waitFor(async () => (await presenceNames(editor)).includes(name), {
    timeout: 20_000,
    message: `the editor sees the viewer's new name ${name}`,
  });
}

/** Canvas points that tryToEdit's drawings, moves and pastes would paint, were they applied. */
function pointsTryToEditWouldPaint(first: Shape): [number, number][] {
  return [
    [580, 300],
    [580, 340],
    [560, 500],
    [first.x + first.width / 2 + 150, first.y + 150],
  ];
}

describe("sharing", () => {
  test("[VL1] a view link from the Share menu, opened in another browser, shows the board live and changes nothing", async () => {
    const { roomId, editor, viewer, first } = await editorAndViewer();

    // (c) Everything a user could try, by pointer, keyboard and paste.
    await tryToEdit(viewer.page, first);
    for (const [x, y] of pointsTryToEditWouldPaint(first)) {
      expect(await paintedAt(viewer.page, x, y), `viewer's canvas at (${x}, ${y})`).toBe(false);
    }

    await viewerFlushed(viewer.page, editor.page, "Vic2");
    expect(await fetchSnapshot(e2e.server.url, roomId)).toEqual([first]);

    // (b) A peer's new shape reaches the viewer's canvas within 5 s.
    expect(await paintedAt(viewer.page, 260, 420)).toBe(false);
    const drawnAt = Date.now();
    await drawRect(editor.page, 200, 420, 120, 80);
    await waitFor(() => paintedAt(viewer.page, 260, 420), {
      timeout: 5_000,
      interval: 20,
      message: "the viewer's canvas shows the editor's second rect within 5 s",
    });
    console.log(`[share] a new shape reached the viewer's canvas in ${Date.now() - drawnAt} ms`);
    const after = await fetchSnapshot(e2e.server.url, roomId);
    expect(after).toHaveLength(2);
    expect(after.find((s) => s.id === first.id)).toEqual(first);
    expect(editor.errors.messages).toEqual([]);
    expect(viewer.errors.messages).toEqual([]);
  }, 120_000);

  test("[VL2] a view page reloaded while the server is down shows the board and is read-only before the room says so", async () => {
    const { roomId, editor, viewer, first } = await editorAndViewer();
    // The viewer's copy of the shell is in place (platform API, not an app hook).
    await viewer.page.evaluate(() => navigator.serviceWorker.ready.then(() => true));

    await e2e.server.kill();
    await viewer.page.reload();
    await waitFor(() => paintedAt(viewer.page, 260, 200), {
      timeout: 20_000,
      message: "after an offline reload the viewer's canvas shows the rect (local copy)",
    });
    // No room has said "read-only" to this page yet: the view link alone must be enough.
    expect(await viewer.page.locator(STATUS).getAttribute("data-state")).not.toBe("connected");
    await expect.poll(() => viewer.page.locator(STATUS).textContent()).toContain("View only");
    await tryToEdit(viewer.page, first);
    expect(await paintedAt(viewer.page, 260, 200)).toBe(true);
    for (const [x, y] of pointsTryToEditWouldPaint(first)) {
      expect(await paintedAt(viewer.page, x, y), `viewer's canvas at (${x}, ${y})`).toBe(false);
    }

    await e2e.server.restart();
    await viewer.page
      .locator(`${STATUS}[data-state="connected"]`)
      .waitFor({ state: "attached", timeout: 45_000 });
    expect(await viewer.page.locator(STATUS).textContent()).toBe("Connected · View only");
    await editor.page
      .locator(`${STATUS}[data-state="connected"]`)
      .waitFor({ state: "attached", timeout: 45_000 });
    await viewerFlushed(viewer.page, editor.page, "Vic3");
    expect(await fetchSnapshot(e2e.server.url, roomId)).toEqual([first]);
    const offlineNoise =
      /WebSocket connection to|ERR_CONNECTION_REFUSED|Failed to load resource|fetching the script/;
    expect(viewer.errors.messages.filter((m) => !offlineNoise.test(m))).toEqual([]);
  }, 150_000);

  test("[C9] a write the room refuses rolls the author back to the room's state", async () => {
    const roomId = uniqueRoomId("capped");
    const author = await e2e.session.newPage("author");
    await open(author.page, `${capped.url}/r/${roomId}`, "Ann");
    await drawRect(author.page, 200, 200, 120, 80);
    await author.page
      .locator('[data-testid="connection-status"][data-saved="true"]')
      .waitFor({ state: "attached", timeout: 15_000 });
    const before = await shapeIds(author.page);
    expect(before).toHaveLength(1);

    // The notice shows for a few seconds once the tab has reloaded the room's state: watch for
    // it from before the write, so a slow reconnect cannot outlast it.
    const told = author.page
      .getByTestId("notice")
      .filter({ hasText: "reloaded" })
      .waitFor({ state: "attached", timeout: 30_000 });
    // A sticky note with 15,000 characters: past the room's 10 KB cap.
    await author.page.evaluate(() => {
      type YMapCtor = new () => { set(k: string, v: unknown): void };
      const hook = (
        window as unknown as {
          __sketchroom: {
            doc: {
              transact(fn: () => void): void;
              getMap(n: string): { set(k: string, v: unknown): void };
              constructor: unknown;
            };
          };
        }
      ).__sketchroom;
      const shapes = hook.doc.getMap("shapes");
      // Reach Yjs through the document's own map class (the page bundles Yjs, tests do not).
      const YMap = shapes.constructor as unknown as YMapCtor;
      hook.doc.transact(() => {
        const m = new YMap();
        m.set("type", "sticky");
        m.set("x", 10);
        m.set("y", 10);
        m.set("width", 200);
        m.set("height", 200);
        m.set("text", "x".repeat(15_000));
        m.set("z", "a5");
        shapes.set("too-big", m);
      });
    });
    // The tab reloads the room's state: the refused shape is gone, the first rect remains, and
    // the author is told why.
    await waitFor(
      async () => {
        const ids = await shapeIds(author.page).catch(() => []);
        return ids.length === 1 && ids[0] === before[0];
      },
      { timeout: 20_000, message: "the refused shape to roll back" },
    );
    await told;
    const snapshot = (await (await fetch(`${capped.url}/parties/main/${roomId}`)).json()) as {
      shapes: { id: string }[];
    };
    expect(snapshot.shapes.map((s) => s.id)).toEqual(before);
  });
});
