/**
 * The fixture every e2e file shares: one real `partykit dev` and one headless Chromium for the
 * whole file, started in beforeAll and stopped in afterAll (browser first, so no page is left
 * talking to a server that is going away).
 */
import type { Page } from "playwright-core";
import { afterAll, beforeAll } from "vitest";
import type { Shape } from "../../src/shared/schema";
import { type BrowserSession, launchBrowser, type PageErrors } from "./browser";
import { type DevServer, type DevServerOptions, startDevServer } from "./devServer";
import { openRoom } from "./pages";
import { waitForSnapshot } from "./shapes";
import { uniqueRoomId } from "./yclient";

export interface E2E {
  /** The file's dev server; only valid inside tests and later hooks. */
  readonly server: DevServer;
  /** The file's Chromium; only valid inside tests and later hooks. */
  readonly session: BrowserSession;
}

/**
 * Call once at the top level of an e2e file (not a React hook, hence not `use…`). Hooks a file registers after this one run after
 * the server and browser exist, and (vitest runs after-hooks in reverse) tear down before them.
 */
export function setupE2E(opts: DevServerOptions = {}): E2E {
  let server: DevServer | undefined;
  let session: BrowserSession | undefined;
  beforeAll(async () => {
    server = await startDevServer(opts);
    session = await launchBrowser();
  });
  afterAll(async () => {
    await session?.close();
    await server?.dispose();
  });
  return {
    get server() {
      if (!server) throw new Error("setupE2E: the dev server is not running (outside a test?)");
      return server;
    },
    get session() {
      if (!session) throw new Error("setupE2E: Chromium is not running (outside a test?)");
      return session;
    },
  };
}

/**
 * What the UI suites do in every test: open a fresh room (ids start with `prefix`) in a new
 * page, and poll that room's HTTP snapshot until `pick` finds what the test waits for.
 */
export function roomHelpers(e2e: E2E, prefix: string) {
  return {
    async openNewRoom(label: string): Promise<{ page: Page; errors: PageErrors; room: string }> {
      const room = uniqueRoomId(`${prefix}-${label}`);
      const { page, errors } = await e2e.session.newPage(label);
      await openRoom(page, `${e2e.server.url}/r/${room}`);
      return { page, errors, room };
    },
    inSnapshot<T>(
      room: string,
      pick: (shapes: Shape[]) => T | undefined | null | false,
      message: string,
    ) {
      return waitForSnapshot(e2e.server.url, room, pick, message);
    },
  };
}
