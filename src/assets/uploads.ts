/**
 * The browser side of the upload queue: one Uploader per open room, over IndexedDB and fetch,
 * draining whenever the room's connection is up (queue rules IM1–IM4 in queue.ts).
 * Loaded on demand by the room page.
 */
import type { RoomClient } from "../net/types";
import type { AssetType } from "../shared/assets";
import { IMAGE_CACHE_PRUNE_DELAY_MS } from "../shared/constants";
import { source } from "./host";
import { assetPath, assetsPath, retryDelay, retryMissing } from "./loader";
import { localAssets, pruneAssetCache } from "./localStore";
import { classifyPut, type PutOutcome, Uploader } from "./queue";

let current: { roomId: string; uploader: Uploader } | null = null;
/** Pictures this page drew from the device's copy, not yet checked against the open room. */
const shownLocally = new Map<string, AssetType>();
/** The open room's stored assets, fetched once per room (null: could not be read). */
let roomAssets: { roomId: string; hashes: Promise<Set<string> | null> } | null = null;
let pruneScheduled = false;

/** Once per page, a while after a room opens and in idle time: drop stale copies of pictures. */
function schedulePrune(): void {
  if (pruneScheduled) return;
  pruneScheduled = true;
  setTimeout(() => {
    const run = () => void pruneAssetCache().catch(() => undefined);
    if (typeof requestIdleCallback === "function") requestIdleCallback(run, { timeout: 10_000 });
    else run();
  }, IMAGE_CACHE_PRUNE_DELAY_MS);
}

async function put(roomId: string, hash: string, type: AssetType, blob: Blob): Promise<PutOutcome> {
  try {
    const response = await fetch(assetPath("main", roomId, hash), {
      method: "PUT",
      headers: { "content-type": type },
      body: blob,
    });
    let error = "";
    if (!response.ok) {
      const body = (await response.json().catch(() => null)) as { error?: unknown } | null;
      if (typeof body?.error === "string") error = body.error;
    }
    return classifyPut(response.status, error);
  } catch (e) {
    return { kind: "transient", error: e instanceof Error ? e.message : String(e) };
  }
}

/**
 * An open room's images: missing ones retried when the connection comes back, and for an
 * editor, the room's upload queue drained while connected. Returns a stop function.
 */
export function startImages(client: RoomClient): () => void {
  schedulePrune();
  // Peers' images that were missing may have arrived while this tab was away: retry them when
  // the connection comes back (not on every status change: "saved" flips with each edit).
  let wasConnected = client.getStatus().state === "connected";
  const retryOnReconnect = (connected: boolean) => {
    if (connected && !wasConnected) retryMissing();
    wasConnected = connected;
  };
  if (client.party !== "main") {
    // A view link uploads nothing.
    return client.onStatus((s) => retryOnReconnect(s.state === "connected"));
  }
  const roomId = client.roomId;
  const uploader = new Uploader({
    roomId,
    store: localAssets,
    put: (hash, type, blob) => put(roomId, hash, type, blob),
    onRefused: (_hash, message) => source().imageNotice(message),
    retryDelay,
  });
  current = { roomId, uploader };
  const apply = () => {
    const status = client.getStatus();
    const writable = status.state === "connected" && !status.readOnly;
    uploader.setConnected(writable);
    retryOnReconnect(status.state === "connected");
    if (writable) void healRoom();
  };
  apply();
  const off = client.onStatus(apply);
  return () => {
    off();
    uploader.dispose();
    if (current?.uploader === uploader) current = null;
    roomAssets = null;
  };
}

async function storedHashes(roomId: string): Promise<Set<string> | null> {
  try {
    const response = await fetch(assetsPath("main", roomId));
    if (!response.ok) return null;
    const body = (await response.json()) as { assets?: { hash?: unknown }[] };
    return new Set((body.assets ?? []).map((a) => String(a.hash)));
  } catch {
    return null;
  }
}

/**
 * A picture this page drew from the device's copy. If the open room does not have its bytes
 * (pasted here from a device that had none, or deleted by the room after a month out of every
 * checkpoint and then brought back by an undo), they are queued for it: any editor's device
 * that has a picture heals the room's copy.
 */
export function offerLocalCopy(hash: string, type: AssetType): void {
  shownLocally.set(hash, type);
  void healRoom();
}

async function healRoom(): Promise<void> {
  const room = current;
  if (!room || shownLocally.size === 0) return;
  if (roomAssets?.roomId !== room.roomId) {
    roomAssets = { roomId: room.roomId, hashes: storedHashes(room.roomId) };
  }
  const stored = await roomAssets.hashes;
  if (current !== room) return;
  // Unreadable (offline, say): asked again on the next reconnect or picture.
  if (!stored) {
    roomAssets = null;
    return;
  }
  const offered = [...shownLocally];
  shownLocally.clear();
  for (const [hash, type] of offered) {
    if (stored.has(hash)) continue;
    stored.add(hash);
    await queueUpload(room.roomId, hash, type);
  }
}

/** Queues bytes (already in the local store) for `roomId` and starts uploading if connected. */
export async function queueUpload(roomId: string, hash: string, type: AssetType): Promise<void> {
  await localAssets.enqueue({ roomId, hash, type, state: "pending", at: Date.now() });
  if (current?.roomId === roomId) void current.uploader.kick();
}
