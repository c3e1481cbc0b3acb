/**
 * Headless Chromium for e2e tests: Debian's /usr/bin/chromium (override with CHROMIUM_PATH)
 * driven by playwright-core. Each page gets its own browser context, so two pages are two
 * users with separate storage (IndexedDB, localStorage), not two tabs of one.
 */
import { existsSync } from "node:fs";
import { type Browser, type BrowserContext, chromium, type Page } from "playwright-core";

export const CHROMIUM_PATH = process.env.CHROMIUM_PATH ?? "/usr/bin/chromium";

const CHROMIUM_ARGS = [
  "--no-sandbox",
  "--disable-gpu",
  "--disable-quic",
  "--no-first-run",
  "--disable-background-networking",
  "--disable-component-update",
  "--disable-sync",
];

export interface PageErrors {
  /** console.error messages and uncaught exceptions, labelled with the page. */
  readonly messages: string[];
}

export interface BrowserSession {
  readonly browser: Browser;
  /** A fresh user (own context) with one page; console errors are collected into `errors`. */
  newPage(label: string): Promise<{ page: Page; errors: PageErrors }>;
  close(): Promise<void>;
}

/**
 * Launches Chromium. A missing binary is a failure, never a skip, locally and in CI: the e2e
 * tier is part of `npm test`.
 */
export async function launchBrowser(): Promise<BrowserSession> {
  if (!existsSync(CHROMIUM_PATH)) {
    const where = process.env.CI ? "CI" : "this machine";
    throw new Error(
      `Chromium not found at ${CHROMIUM_PATH} on ${where}. Install Debian's chromium ` +
        "(`apt-get install -y chromium`, or run `bash .ci/run`) or set CHROMIUM_PATH.",
    );
  }
  // Playwright gives each launch a fresh temporary profile and deletes it on close().
  const browser = await chromium.launch({
    executablePath: CHROMIUM_PATH,
    headless: true,
    args: CHROMIUM_ARGS,
    timeout: 60_000,
  });
  const contexts: BrowserContext[] = [];
  return {
    browser,
    async newPage(label) {
      const context = await browser.newContext({ viewport: { width: 1280, height: 800 } });
      contexts.push(context);
      const page = await context.newPage();
      const errors: PageErrors = { messages: [] };
      page.on("console", (msg) => {
        if (msg.type() !== "error") return;
        const url = msg.location().url;
        errors.messages.push(`[${label}] console.error: ${msg.text()}${url ? ` (${url})` : ""}`);
      });
      page.on("pageerror", (err) => {
        errors.messages.push(`[${label}] uncaught: ${err.stack ?? err.message}`);
      });
      return { page, errors };
    },
    async close() {
      for (const c of contexts.splice(0)) await c.close().catch(() => {});
      await browser.close();
    },
  };
}
