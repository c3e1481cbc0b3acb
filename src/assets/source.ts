/**
 * Decoded images by asset hash, shared by every shape that shows the same asset: each hash is
 * fetched and decoded once per page. An image comes from this device's copy first (IndexedDB:
 * what this user added, possibly offline and not yet uploaded), else from the room
 * (`GET …/assets/<hash>`, same origin, so PNG export stays untainted). One that is neither
 * there nor here yet (still uploading from someone's offline tab) is retried with backoff, and
 * at once when the connection comes back.
 */
import { useSyncExternalStore } from "react";
import { IMAGE_RETRY_MAX_MS, IMAGE_RETRY_MIN_MS } from "../shared/constants";

export type AssetState = "loading" | "ready" | "missing";

interface Entry {
  state: AssetState;
  image: HTMLImageElement | null;
  listeners: Set<() => void>;
  /** Failed attempts so far: the next retry waits IMAGE_RETRY_MIN_MS × 2^(attempts-1), capped. */
  attempts: number;
  timer: ReturnType<typeof setTimeout> | null;
  /** The snapshot useSyncExternalStore compares: a new object on every change. */
  view: { state: AssetState; image: HTMLImageElement | null };
}

const entries = new Map<string, Entry>();
let room: { party: "main" | "view"; roomId: string } | null = null;

/** Where assets are fetched from: the room (edit link) or its view link (read only). */
export function configureAssets(party: "main" | "view", roomId: string): void {
  room = { party, roomId };
}

/** The path of an asset under a room (`main`) or a view link (`view`), for GET and PUT. */
export function assetPath(party: "main" | "view", roomId: string, hash: string): string {
  return `/parties/${party}/${encodeURIComponent(roomId)}/assets/${hash}`;
}

export function assetUrl(hash: string): string | null {
  return room ? assetPath(room.party, room.roomId, hash) : null;
}

/** The wait before retry number `attempts` (1-based). */
export function retryDelay(attempts: number): number {
  return Math.min(IMAGE_RETRY_MAX_MS, IMAGE_RETRY_MIN_MS * 2 ** Math.max(0, attempts - 1));
}

function set(entry: Entry, state: AssetState, image: HTMLImageElement | null): void {
  entry.state = state;
  entry.image = image;
  entry.view = { state, image };
  for (const listener of entry.listeners) listener();
}

function decode(src: string): Promise<HTMLImageElement> {
  const img = new Image();
  img.src = src;
  return img.decode().then(() => img);
}

async function localBlob(hash: string): Promise<Blob | null> {
  try {
    const { getAssetBlob } = await import("./localStore");
    return await getAssetBlob(hash);
  } catch {
    return null;
  }
}

async function load(hash: string, entry: Entry): Promise<void> {
  entry.timer = null;
  const blob = await localBlob(hash);
  try {
    // The object URL stays: the decoded element keeps painting from it for the page's life.
    if (blob) return set(entry, "ready", await decode(URL.createObjectURL(blob)));
  } catch {
    // A corrupt local copy: try the room's.
  }
  const url = assetUrl(hash);
  try {
    if (url) return set(entry, "ready", await decode(url));
  } catch {
    // Not in the room yet (404) or the network is down: retry below.
  }
  entry.attempts++;
  set(entry, "missing", null);
  entry.timer = setTimeout(() => void load(hash, entry), retryDelay(entry.attempts));
}

function entryFor(hash: string): Entry {
  let entry = entries.get(hash);
  if (!entry) {
    entry = {
      state: "loading",
      image: null,
      listeners: new Set(),
      attempts: 0,
      timer: null,
      view: { state: "loading", image: null },
    };
    entries.set(hash, entry);
    void load(hash, entry);
  }
  return entry;
}

/** Tries every missing image again now (the connection is back, or an upload just finished). */
export function retryMissing(): void {
  for (const [hash, entry] of entries) {
    if (entry.state !== "missing" || entry.timer === null) continue;
    clearTimeout(entry.timer);
    entry.attempts = 0;
    void load(hash, entry);
  }
}

/** Shows a picture this tab has just added (from its bytes) without waiting for anything. */
export function provideLocal(hash: string, blob: Blob): void {
  const entry = entries.get(hash);
  if (entry?.state === "ready") return;
  if (!entry) {
    entries.set(hash, {
      state: "loading",
      image: null,
      listeners: new Set(),
      attempts: 0,
      timer: null,
      view: { state: "loading", image: null },
    });
  }
  const target = entries.get(hash) as Entry;
  if (target.timer !== null) clearTimeout(target.timer);
  target.timer = null;
  void decode(URL.createObjectURL(blob)).then(
    (img) => set(target, "ready", img),
    () => undefined,
  );
}

/** The decoded image of `hash` for a React component, re-rendering it when it loads. */
export function useAssetImage(hash: string): { state: AssetState; image: HTMLImageElement | null } {
  const entry = entryFor(hash);
  return useSyncExternalStore(
    (listener) => {
      entry.listeners.add(listener);
      return () => entry.listeners.delete(listener);
    },
    () => entry.view,
  );
}

const noticeListeners = new Set<(message: string) => void>();

/** Tells the user about an image (refused, unreadable): shown like the room's own notices. */
export function imageNotice(message: string): void {
  for (const listener of noticeListeners) listener(message);
}

export function onImageNotice(listener: (message: string) => void): () => void {
  noticeListeners.add(listener);
  return () => noticeListeners.delete(listener);
}
