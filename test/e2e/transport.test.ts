/**
 * End to end (issue 8): Chromium behind an HTTP proxy that refuses WebSocket upgrades falls back
 * to Server-Sent Events + POST, and draws together with a page on a plain WebSocket.
 *
 *  [TE1] A rect drawn in either page shows in the other; the proxied page's badge says SSE.
 */
import type { Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { setupE2E } from "../helpers/e2e";
import { startUpgradeRefusingProxy, type UpgradeRefusingProxy } from "../helpers/httpProxy";
import { drawRect, isRectAt, shapesIn } from "../helpers/pages";
import { waitFor } from "../helpers/wait";
import { uniqueRoomId } from "../helpers/yclient";

let proxy: UpgradeRefusingProxy;

const e2e = setupE2E();

beforeAll(async () => {
  proxy = await startUpgradeRefusingProxy(e2e.server.port);
});

afterAll(async () => {
  await proxy?.close();
});

const rectAt = isRectAt;

describe("drawing with WebSockets blocked", () => {
  test("[TE1] a page behind an upgrade-refusing proxy falls back to SSE and draws together with a WebSocket page", async () => {
    const room = uniqueRoomId("e2e-fallback");
    const proxied = await e2e.session.newPage("proxied");
    const direct = await e2e.session.newPage("direct");
    await proxied.page.goto(`http://127.0.0.1:${proxy.port}/r/${room}`, {
      waitUntil: "domcontentloaded",
    });
    await direct.page.goto(`${e2e.server.url}/r/${room}`, { waitUntil: "domcontentloaded" });
    const badge = (p: Page) => p.locator('[data-testid="connection-status"]');
    await proxied.page
      .locator('[data-testid="connection-status"][data-state="connected"][data-transport="sse"]')
      .waitFor({ state: "attached", timeout: 45_000 });
    await direct.page
      .locator('[data-testid="connection-status"][data-state="connected"]')
      .waitFor({ state: "attached", timeout: 30_000 });
    expect(await badge(proxied.page).textContent()).toMatch(/via SSE/);
    expect(await badge(direct.page).getAttribute("data-transport")).toBe("websocket");
    expect(await badge(direct.page).textContent()).not.toMatch(/via/);
    expect(proxy.refusedUpgrades).toBeGreaterThanOrEqual(2);

    await drawRect(proxied.page, 200, 200, 200, 150);
    await waitFor(async () => (await shapesIn(direct.page)).some(rectAt(200, 200)), {
      timeout: 15_000,
      message: "the proxied page's rect reaches the WebSocket page",
    });
    await drawRect(direct.page, 600, 300, 150, 100);
    await waitFor(async () => (await shapesIn(proxied.page)).some(rectAt(600, 300)), {
      timeout: 15_000,
      message: "the WebSocket page's rect reaches the proxied page",
    });
    await proxied.page
      .locator('[data-testid="connection-status"][data-saved="true"]')
      .waitFor({ state: "attached", timeout: 15_000 });
    expect(await badge(proxied.page).textContent()).toMatch(/Saved · via SSE/);

    // Chromium logs each refused upgrade as a console error; anything else is a failure.
    const unexpected = [...proxied.errors.messages, ...direct.errors.messages].filter(
      (m) => !/WebSocket connection to .* failed/.test(m),
    );
    expect(unexpected).toEqual([]);
  });
});
