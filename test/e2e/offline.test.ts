/**
 * Offline editing end to end (issue 4), in a real Chromium against a real `partykit dev`:
 *
 *  [OF1] Two pages; the server dies; page A draws a rectangle offline (badge leaves
 *        "connected", data-saved="false"); the server restarts; page B receives the rectangle
 *        and A shows data-saved="true".
 *  [OF2] The server is killed and the page reloaded at once: the page comes from the service
 *        worker's cache and the shapes from IndexedDB, checked on the canvas itself; once the
 *        server is back on the same port the page connects and edits flow both ways.
 *  [OF4] A rect drawn while the server is down survives a reload (IndexedDB) and reaches the
 *        room once it is back.
 *  [OF3] A hidden tab backs off; showing it again connects at once instead of waiting out the
 *        pending retry.
 */
import type { Page } from "playwright-core";
import { beforeEach, describe, expect, test } from "vitest";
import type { PageErrors } from "../helpers/browser";
import { setupE2E } from "../helpers/e2e";
import { drawRect, openRoom, type RawShape, STATUS, shapesIn } from "../helpers/pages";
import { paintedAt } from "../helpers/pixels";
import { fetchSnapshot } from "../helpers/shapes";
import { waitFor } from "../helpers/wait";
import { uniqueRoomId } from "../helpers/yclient";

const e2e = setupE2E();

beforeEach(async () => {
  // A test that failed while the server was down must not take the next one with it.
  if (e2e.server.pid === null) await e2e.server.restart();
});

async function badge(page: Page): Promise<{ state: string | null; saved: string | null }> {
  const el = page.locator(STATUS);
  return { state: await el.getAttribute("data-state"), saved: await el.getAttribute("data-saved") };
}

/** The rect drawn at canvas (x, y), within a few pixels (snapping, stroke). */
function rectAt(shapes: RawShape[], x: number, y: number): RawShape | undefined {
  const near = (v: unknown, want: number) => typeof v === "number" && Math.abs(v - want) <= 4;
  return shapes.find((s) => s.type === "rect" && near(s.x, x) && near(s.y, y));
}

async function waitForRect(page: Page, x: number, y: number, what: string): Promise<RawShape> {
  return waitFor(async () => rectAt(await shapesIn(page), x, y), {
    timeout: 30_000,
    message: what,
  });
}

/**
 * Failing WebSockets and fetches (including the browser's update check of sw.js) are expected
 * while the server is down; anything else is not.
 */
function unexpectedErrors(...all: PageErrors[]): string[] {
  return all
    .flatMap((e) => e.messages)
    .filter(
      (m) =>
        !/WebSocket connection to|ERR_CONNECTION_REFUSED|Failed to load resource|fetching the script/.test(
          m,
        ),
    );
}

describe("offline editing", () => {
  test("[OF1] a rectangle drawn while the server is down reaches the other page after a restart", async () => {
    const room = uniqueRoomId("offline");
    const a = await e2e.session.newPage("A");
    const b = await e2e.session.newPage("B");
    await openRoom(a.page, `${e2e.server.url}/r/${room}`);
    await openRoom(b.page, `${e2e.server.url}/r/${room}`);

    await e2e.server.kill();
    await waitFor(async () => (await badge(a.page)).state !== "connected", {
      timeout: 20_000,
      message: "A's badge leaves connected once the server is gone",
    });

    await drawRect(a.page, 200, 200, 160, 120);
    const drawn = await waitForRect(a.page, 200, 200, "A holds its offline rect");
    await waitFor(async () => (await badge(a.page)).saved === "false", {
      message: 'A shows data-saved="false" for the offline rect',
    });
    expect((await badge(a.page)).state).not.toBe("connected");
    expect(rectAt(await shapesIn(b.page), 200, 200)).toBeUndefined();

    await e2e.server.restart();
    await waitFor(async () => (await shapesIn(b.page)).some((s) => s.id === drawn.id), {
      timeout: 45_000,
      message: "B receives A's offline rect after the restart",
    });
    await waitFor(async () => (await badge(a.page)).saved === "true", {
      timeout: 30_000,
      message: 'A shows data-saved="true" once the room has stored the rect',
    });
    expect((await badge(a.page)).state).toBe("connected");
    expect((await fetchSnapshot(e2e.server.url, room)).map((s) => s.id)).toContain(drawn.id);
    expect(unexpectedErrors(a.errors, b.errors)).toEqual([]);
  }, 150_000);

  test("[OF2] a reload right after the server dies shows the board; the page reconnects once it is back", async () => {
    const room = uniqueRoomId("reload");
    const a = await e2e.session.newPage("A");
    await openRoom(a.page, `${e2e.server.url}/r/${room}`);
    await drawRect(a.page, 150, 150, 120, 90);
    await drawRect(a.page, 400, 300, 100, 80);
    await a.page
      .locator(`${STATUS}[data-saved="true"]`)
      .waitFor({ state: "attached", timeout: 15_000 });
    await waitFor(async () => (await fetchSnapshot(e2e.server.url, room)).length === 2, {
      message: "the room holds both rects",
    });
    // A crash, and the user reloads at once: nothing answers on the server's port any more.
    // No wait for the service worker: a user cannot see it, so it must be ready by now.
    await e2e.server.kill();
    await a.page.reload();
    await waitFor(
      async () => (await paintedAt(a.page, 210, 150)) && (await paintedAt(a.page, 450, 300)),
      { timeout: 20_000, message: "after the reload A's canvas shows both rects (local copy)" },
    );
    expect((await badge(a.page)).state).not.toBe("connected");

    await e2e.server.restart();
    await a.page
      .locator(`${STATUS}[data-state="connected"]`)
      .waitFor({ state: "attached", timeout: 30_000 });

    // Both ways: A's new rect reaches the room, and another user's rect reaches A's canvas.
    await drawRect(a.page, 150, 450, 100, 60);
    await waitFor(
      async () =>
        (await fetchSnapshot(e2e.server.url, room)).some(
          (s) => s.type === "rect" && Math.abs(s.x - 150) <= 4 && Math.abs(s.y - 450) <= 4,
        ),
      {
        timeout: 15_000,
        message: "A's rect drawn after the reconnect reaches the room",
      },
    );
    const b = await e2e.session.newPage("B");
    await openRoom(b.page, `${e2e.server.url}/r/${room}`);
    expect(await paintedAt(a.page, 660, 150)).toBe(false);
    await drawRect(b.page, 600, 150, 120, 80);
    await waitFor(() => paintedAt(a.page, 660, 150), {
      timeout: 15_000,
      message: "B's rect reaches A's canvas",
    });
    expect(unexpectedErrors(a.errors, b.errors)).toEqual([]);
  }, 150_000);

  test("[OF4] a rect drawn offline survives a reload and reaches the room once it is back", async () => {
    const room = uniqueRoomId("offline-reload");
    const a = await e2e.session.newPage("A");
    await openRoom(a.page, `${e2e.server.url}/r/${room}`);
    await a.page.evaluate(() => navigator.serviceWorker.ready.then(() => true));

    await e2e.server.kill();
    await waitFor(async () => (await badge(a.page)).state !== "connected", {
      timeout: 20_000,
      message: "A's badge leaves connected once the server is gone",
    });
    /** Updates in the page's IndexedDB copy of the room (y-indexeddb's store). */
    const stored = () =>
      a.page.evaluate(
        (name) =>
          new Promise<number>((resolve, reject) => {
            const open = indexedDB.open(name);
            open.onerror = () => reject(open.error);
            open.onsuccess = () => {
              const db = open.result;
              try {
                const count = db.transaction("updates").objectStore("updates").count();
                count.onsuccess = () => {
                  resolve(count.result);
                  db.close();
                };
                count.onerror = () => reject(count.error);
              } catch (error) {
                // No copy at all (no "updates" store): say so instead of never answering.
                db.close();
                reject(error);
              }
            };
          }),
        `sketchroom:${room}`,
      );
    const before = await stored();
    await drawRect(a.page, 400, 300, 100, 80);
    await waitFor(async () => (await stored()) > before, {
      message: "A's offline rect is written to IndexedDB",
    });

    await a.page.reload();
    await waitFor(() => paintedAt(a.page, 450, 300), {
      timeout: 20_000,
      message: "after the reload A's canvas shows the rect drawn offline",
    });
    await e2e.server.restart();
    await waitFor(
      async () =>
        (await fetchSnapshot(e2e.server.url, room)).some(
          (s) => s.type === "rect" && Math.abs(s.x - 400) <= 4 && Math.abs(s.y - 300) <= 4,
        ),
      { timeout: 45_000, message: "the rect drawn offline before the reload reaches the room" },
    );
    await a.page
      .locator(`${STATUS}[data-saved="true"]`)
      .waitFor({ state: "attached", timeout: 30_000 });
    expect(unexpectedErrors(a.errors)).toEqual([]);
  }, 150_000);

  test("[OF3] showing a hidden tab reconnects at once instead of waiting out the backoff", async () => {
    const room = uniqueRoomId("visible");
    const a = await e2e.session.newPage("A");
    await openRoom(a.page, `${e2e.server.url}/r/${room}`);

    // A test-only gate in front of the page's WebSocket: while closed, every attempt goes to a
    // port nobody listens on, so the pending retry cannot connect by itself while the server
    // restarts, and only the visibility handler can be what connects afterwards. The gate also
    // fails the page's HTTP requests to the room: it models an unreachable room, not blocked
    // WebSockets, so the HTTP fallback (which a hidden retry after the restart would otherwise
    // pick, finding HTTP up and WebSockets failing) must not engage.
    await a.page.evaluate(() => {
      const w = window as unknown as {
        __wsGateClosed: boolean;
        __wsCreated: number[];
        WebSocket: typeof WebSocket;
      };
      const Real = w.WebSocket;
      w.__wsGateClosed = false;
      w.__wsCreated = [];
      w.WebSocket = class extends Real {
        constructor(url: string | URL, protocols?: string | string[]) {
          w.__wsCreated.push(performance.now());
          super(w.__wsGateClosed ? "ws://127.0.0.1:9/closed" : url, protocols);
        }
      };
      const realFetch = window.fetch.bind(window);
      window.fetch = (input, init) => {
        const url = input instanceof Request ? input.url : String(input);
        if (w.__wsGateClosed && url.includes("/parties/")) {
          return Promise.reject(new TypeError("gate closed"));
        }
        return realFetch(input, init);
      };
      Object.defineProperty(document, "visibilityState", { value: "hidden", configurable: true });
      document.dispatchEvent(new Event("visibilitychange"));
      w.__wsGateClosed = true;
    });

    await e2e.server.kill();
    // Hidden: the retries back off (full jitter, windows 1.5 s, 3 s, 6 s, … up to 5 min).
    await waitFor(
      () => a.page.evaluate(() => (window.__sketchroom?.roomClient.getStatus().attempt ?? 0) >= 2),
      { timeout: 30_000, message: "A backed off over at least two failed retries while hidden" },
    );
    await e2e.server.restart();
    expect((await badge(a.page)).state).toBe("reconnecting");

    const shown = await a.page.evaluate(() => {
      const w = window as unknown as { __wsGateClosed: boolean; __wsCreated: number[] };
      const client = window.__sketchroom!.roomClient;
      const attemptBefore = client.getStatus().attempt;
      const createdBefore = w.__wsCreated.length;
      w.__wsGateClosed = false;
      Object.defineProperty(document, "visibilityState", { value: "visible", configurable: true });
      const at = performance.now();
      document.dispatchEvent(new Event("visibilitychange"));
      const status = client.getStatus();
      return { attemptBefore, createdBefore, at, state: status.state, attempt: status.attempt };
    });
    // The handler starts a fresh attempt synchronously (a timer retry would keep the count).
    expect(shown.attemptBefore).toBeGreaterThanOrEqual(2);
    expect(shown.state).toBe("reconnecting");
    expect(shown.attempt).toBe(0);

    const connectedAfter = await waitFor(
      async () => {
        const { state } = await badge(a.page);
        return state === "connected" ? a.page.evaluate(() => performance.now()) : null;
      },
      { timeout: 10_000, interval: 20, message: "A connects once the tab is visible again" },
    ).catch(async (error) => {
      const detail = await a.page.evaluate(() => ({
        status: window.__sketchroom?.roomClient.getStatus(),
        sockets: (window as unknown as { __wsCreated: number[] }).__wsCreated.length,
      }));
      throw new Error(`${String(error)}; page: ${JSON.stringify(detail)}`);
    });
    const firstSocketAt = await a.page.evaluate(
      (n) => (window as unknown as { __wsCreated: number[] }).__wsCreated[n] ?? null,
      shown.createdBefore,
    );
    expect(firstSocketAt).not.toBeNull();
    // A new socket at once, not after a backoff window (the smallest is 1.5 s).
    expect(firstSocketAt! - shown.at).toBeLessThan(250);
    console.log(
      `[offline] visible → socket after ${Math.round(firstSocketAt! - shown.at)} ms, ` +
        `connected after ${Math.round(connectedAfter - shown.at)} ms`,
    );
    expect(unexpectedErrors(a.errors)).toEqual([]);
  }, 150_000);
});
