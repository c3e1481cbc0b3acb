/**
 * Decoded images by asset hash, shared by every shape that shows the same asset: each hash is
 * fetched and decoded once per page. This is the small, always-loaded half (what the canvas
 * asks for, without React: the on-demand chunk shares it, and sharing React would split it out
 * of the main bundle); the fetching, decoding and retrying live in loader.ts.
 */
import { IMAGE_RETRY_MAX_MS } from "../shared/constants";

export type AssetState = "loading" | "ready" | "missing";

export interface AssetEntry {
  state: AssetState;
  image: HTMLImageElement | null;
  listeners: Set<() => void>;
  /** Failed attempts so far (loader.ts backs off on them). */
  attempts: number;
  timer: ReturnType<typeof setTimeout> | null;
  /** The snapshot useSyncExternalStore compares: a new object on every change. */
  view: { state: AssetState; image: HTMLImageElement | null };
}

export const entries = new Map<string, AssetEntry>();
/** Where assets come from: the room (edit link) or its view link (read only). */
export const assetRoom = { party: "main" as "main" | "view", roomId: "" };

export function configureAssets(party: "main" | "view", roomId: string): void {
  assetRoom.party = party;
  assetRoom.roomId = roomId;
}

export function setAssetState(
  entry: AssetEntry,
  state: AssetState,
  image: HTMLImageElement | null,
): void {
  entry.state = state;
  entry.image = image;
  entry.view = { state, image };
  for (const listener of entry.listeners) listener();
}

/** The entry of `hash`, created (and its first load started) on first use. */
export function entryFor(hash: string, load = true): AssetEntry {
  let entry = entries.get(hash);
  if (!entry) {
    const view = { state: "loading" as AssetState, image: null };
    entry = { ...view, listeners: new Set(), attempts: 0, timer: null, view };
    entries.set(hash, entry);
    const created = entry;
    if (load) startLoad(hash, created);
  }
  return entry;
}

/**
 * Image files in a clipboard or drop (a screenshot, files dragged from the desktop): the one
 * check paste and drop make before any image code loads.
 */
export function imageFiles(data: { files?: FileList | null } | null | undefined): File[] {
  const files = data?.files;
  if (!files) return [];
  const out: File[] = [];
  for (let i = 0; i < files.length; i++) {
    const file = files.item(i);
    if (file?.type.startsWith("image/")) out.push(file);
  }
  return out;
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

/** Loads `hash` through the image code; if that code cannot be fetched (offline), tries again later. */
function startLoad(hash: string, entry: AssetEntry): void {
  loadImageCode().then(
    (m) => m.loadAsset(hash, entry),
    () => {
      setAssetState(entry, "missing", null);
      entry.timer = setTimeout(() => startLoad(hash, entry), IMAGE_RETRY_MAX_MS);
    },
  );
}

/** Runs `use` with the image code, or tells the user it cannot be had right now (offline). */
export function withImageCode(use: (code: typeof import("./lazy")) => unknown): void {
  loadImageCode()
    .then(use)
    .catch(() => imageNotice("Images are unavailable until the connection is back."));
}

/** What the on-demand image code uses from this module, handed over instead of imported. */
export const sourceApi = { entries, assetRoom, entryFor, setAssetState, imageNotice };
export type SourceApi = typeof sourceApi;

/**
 * The on-demand image code, ready to use. It is handed this module's state rather than
 * importing it: a module both halves import would be split out of the main bundle into a chunk
 * of its own, and every visitor would download that chunk's glue.
 */
export function loadImageCode(): Promise<typeof import("./lazy")> {
  return import("./lazy").then((m) => {
    m.connectSource(sourceApi);
    return m;
  });
}
