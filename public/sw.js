/*
 * Sketchroom service worker: keeps the app shell (page, styles, script bundle) so a reload with
 * the server unreachable still shows the board. The board itself comes from IndexedDB
 * (y-indexeddb), never from here. Plain JS, served as is from public/ (no build step).
 *
 * Policy: network first for same-origin GETs of the shell, falling back to the cache, so a
 * reachable server always serves the newest build. Room traffic (/parties/*, /party/*: sockets
 * and HTTP snapshots) is never touched.
 */

/** Bump to drop every older cache on activate. */
const VERSION = "v1";
const CACHE = `sketchroom-shell-${VERSION}`;
const CACHE_PREFIX = "sketchroom-shell-";
const SHELL = ["/", "/index.html", "/styles.css", "/favicon.svg", "/dist/main.js"];
const ENTRY = "/dist/main.js";
/** ms. A network that neither answers nor fails (captive portal, dead Wi-Fi) falls back after this. */
const NETWORK_TIMEOUT_MS = 5000;
/** Most bundle files followed from main.js's imports at install (a guard against loops). */
const MAX_CRAWL = 64;

/** Relative `import … from "./x.js"`, `import "./x.js"` and `import("./x.js")` in a bundle. */
const IMPORT_RE = /(?:\bfrom|\bimport)\s*\(?\s*["'](\.{1,2}\/[^"']+?\.js)["']/g;

self.addEventListener("install", (event) => {
  event.waitUntil(
    (async () => {
      const cache = await caches.open(CACHE);
      // The page that registered this worker has just loaded the whole shell, so every file is in
      // the browser's HTTP cache: take it from there (force-cache) instead of the network. The
      // shell is then complete within moments of the first visit, and a server that dies while
      // this worker installs ("it crashed, I reloaded") cannot leave it half cached. Those copies
      // are what the page itself runs; every online load replaces them (network first, below).
      await cacheOpenPages(cache);
      // One missing file must not keep the rest from being cached.
      await Promise.all(SHELL.map((path) => cache.add(fromHttpCache(path)).catch(() => undefined)));
      await precacheChunks(cache);
      // Without a page and the entry script an offline reload cannot show anything: fail the
      // install (the next visit tries again) rather than activate a shell that cannot start.
      if (!(await cache.match("/index.html")) || !(await cache.match(ENTRY))) {
        throw new Error("the app shell could not be cached");
      }
      await self.skipWaiting();
    })(),
  );
});

/** A GET that any stored copy answers, however stale; the network only when there is none. */
function fromHttpCache(path) {
  return new Request(path, { cache: "force-cache" });
}

/** The pages open right now (e.g. `/r/<room>`, which registered us): the shell, as /index.html. */
async function cacheOpenPages(cache) {
  const windows = await self.clients.matchAll({ type: "window", includeUncontrolled: true });
  for (const client of windows) {
    const url = new URL(client.url);
    if (url.origin !== self.location.origin) continue;
    try {
      const response = await fetch(fromHttpCache(url.pathname));
      const html = (response.headers.get("content-type") || "").includes("text/html");
      if (cacheable(response) && html) {
        await cache.put("/index.html", response);
        return;
      }
    } catch {
      // Try the next page, then SHELL.
    }
  }
}

self.addEventListener("activate", (event) => {
  event.waitUntil(
    (async () => {
      const names = await caches.keys();
      await Promise.all(
        names
          .filter((name) => name.startsWith(CACHE_PREFIX) && name !== CACHE)
          .map((name) => caches.delete(name)),
      );
      await self.clients.claim();
    })(),
  );
});

self.addEventListener("fetch", (event) => {
  const request = event.request;
  if (request.method !== "GET") return;
  const url = new URL(request.url);
  if (url.origin !== self.location.origin) return;
  if (url.pathname.startsWith("/parties/") || url.pathname.startsWith("/party/")) return;
  if (request.mode === "navigate") {
    event.respondWith(navigation(request, url));
    return;
  }
  if (
    url.pathname.startsWith("/dist/") ||
    url.pathname === "/styles.css" ||
    url.pathname === "/favicon.svg"
  ) {
    event.respondWith(networkFirst(request));
  }
});

/**
 * The bundle is split: main.js imports chunks that the first visit fetched before this worker
 * controlled the page. Follow the imports so an offline reload has every file it needs.
 */
async function precacheChunks(cache) {
  const seen = new Set([ENTRY]);
  const queue = [ENTRY];
  while (queue.length > 0 && seen.size <= MAX_CRAWL) {
    const path = queue.shift();
    const response = await cache.match(path);
    if (!response) continue;
    const text = await response.text();
    for (const match of text.matchAll(IMPORT_RE)) {
      const next = new URL(match[1], new URL(path, self.location.origin)).pathname;
      if (seen.has(next) || !next.startsWith("/dist/")) continue;
      seen.add(next);
      const added = await cache.add(fromHttpCache(next)).then(
        () => true,
        () => false,
      );
      if (added) queue.push(next);
    }
  }
}

async function fetchWithTimeout(request) {
  const controller = new AbortController();
  const timer = setTimeout(() => controller.abort(), NETWORK_TIMEOUT_MS);
  try {
    return await fetch(request, { signal: controller.signal });
  } finally {
    clearTimeout(timer);
  }
}

function cacheable(response) {
  // A redirected response may not answer a navigation later, so it is never kept.
  return response.ok && response.type === "basic" && !response.redirected;
}

async function networkFirst(request) {
  const cache = await caches.open(CACHE);
  try {
    const response = await fetchWithTimeout(request);
    if (cacheable(response)) await cache.put(request, response.clone());
    return response;
  } catch (error) {
    const cached = await cache.match(request, { ignoreSearch: true });
    if (cached) return cached;
    throw error;
  }
}

/**
 * Pages: every route (`/`, `/r/<room>`, `/v/<view>`) is the same single-page shell, so the
 * latest copy is kept once, as /index.html, not once per room.
 */
async function navigation(request, url) {
  const cache = await caches.open(CACHE);
  try {
    const response = await fetchWithTimeout(request);
    const html = (response.headers.get("content-type") || "").includes("text/html");
    if (cacheable(response) && html) await cache.put("/index.html", response.clone());
    return response;
  } catch (error) {
    const exact = url.pathname === "/" ? await cache.match("/") : undefined;
    const shell = exact || (await cache.match("/index.html"));
    if (shell) return shell;
    throw error;
  }
}
