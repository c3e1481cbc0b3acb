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
import { type BrowserSession, launchBrowser } from "../helpers/browser";
import { type DevServer, startDevServer } from "../helpers/devServer";
import { drawRect, openRoom, setIdentity } from "../helpers/pages";
import { waitFor } from "../helpers/wait";
import { uniqueRoomId } from "../helpers/yclient";

let server: DevServer;
let capped: DevServer;
let session: BrowserSession;

beforeAll(async () => {
  server = await startDevServer();
  // A room that refuses anything past ~10 KB, so a single large write is refused.
  capped = await startDevServer({ vars: { MAX_DOCUMENT_BYTES: "10000" } });
  session = await launchBrowser();
});

afterAll(async () => {
  await session?.close();
  await server?.dispose();
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

describe("sharing", () => {
  test("edit and view-only links; a viewer watches live and cannot change anything", async () => {
    const roomId = uniqueRoomId("share");
    const editor = await session.newPage("editor");
    await open(editor.page, `${server.url}/r/${roomId}`, "Edna");
    await drawRect(editor.page, 200, 200, 120, 80);
    await waitFor(async () => (await shapeIds(editor.page)).length === 1, {
      message: "first rect",
    });

    await editor.page.locator('[data-testid="share"]').click();
    const editLink = await editor.page.locator('[data-testid="share-edit-link"]').inputValue();
    expect(editLink).toBe(`${server.url}/r/${roomId}`);
    const viewLink = await waitFor(
      async () => {
        const v = await editor.page.locator('[data-testid="share-view-link"]').inputValue();
        return v.startsWith(`${server.url}/v/`) ? v : null;
      },
      { message: "the view-only link" },
    );
    expect(viewLink).not.toContain(roomId);

    const viewer = await session.newPage("viewer");
    await open(viewer.page, viewLink, "Vic");
    await expect
      .poll(() => viewer.page.locator('[data-testid="connection-status"]').textContent())
      .toContain("View only");
    await waitFor(async () => (await shapeIds(viewer.page)).length === 1, {
      message: "viewer sees the board",
    });
    // The viewer is in the room: the editor's presence list shows them.
    await waitFor(
      async () =>
        (await editor.page.locator('[data-testid="presence-user"]').allTextContents()).includes(
          "Vic",
        ),
      { message: "the editor sees the viewer" },
    );
    // Nothing in the viewer's page ever leaks the room id.
    expect(await viewer.page.content()).not.toContain(roomId);

    // The viewer tries to draw and to delete; then the editor draws again. Once the viewer has
    // the editor's second rect, the room holds exactly two shapes: the viewer changed nothing.
    await drawRect(viewer.page, 500, 300, 120, 80);
    await viewer.page.keyboard.press("Control+a");
    await viewer.page.keyboard.press("Delete");
    await drawRect(editor.page, 200, 400, 120, 80);
    await waitFor(async () => (await shapeIds(viewer.page)).length === 2, {
      message: "viewer gets rect 2",
    });
    expect(await shapeIds(editor.page)).toEqual(await shapeIds(viewer.page));
    const snapshot = (await (await fetch(`${server.url}/parties/main/${roomId}`)).json()) as {
      shapes: unknown[];
    };
    expect(snapshot.shapes).toHaveLength(2);
    expect(editor.errors.messages).toEqual([]);
    expect(viewer.errors.messages).toEqual([]);
  });

  test("[C9] a write the room refuses rolls the author back to the room's state", async () => {
    const roomId = uniqueRoomId("capped");
    const author = await session.newPage("author");
    await open(author.page, `${capped.url}/r/${roomId}`, "Ann");
    await drawRect(author.page, 200, 200, 120, 80);
    await author.page
      .locator('[data-testid="connection-status"][data-saved="true"]')
      .waitFor({ state: "attached", timeout: 15_000 });
    const before = await shapeIds(author.page);
    expect(before).toHaveLength(1);

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
    await expect
      .poll(() => author.page.locator('[data-testid="notice"]').textContent())
      .toContain("reloaded");
    const snapshot = (await (await fetch(`${capped.url}/parties/main/${roomId}`)).json()) as {
      shapes: { id: string }[];
    };
    expect(snapshot.shapes.map((s) => s.id)).toEqual(before);
  });
});
