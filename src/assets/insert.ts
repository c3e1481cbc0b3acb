/**
 * Adding pictures to the board (paste, drop, file picker, JSON import): each is checked and
 * shrunk (downscale.ts), named by its hash, kept on this device and queued for the room before
 * its shape is written (IM1), and drawn at once from the local copy, online or not.
 */
import type { ActionContext } from "../actions/types";
import type { NewShape } from "../doc/shapeStore";
import { ALLOWED_ASSET_TYPES, type AssetType, assetTypeOf, sha256Hex } from "../shared/assets";
import { IMAGE_FIT_VIEWPORT, MAX_ALT_LENGTH } from "../shared/constants";
import { DEFAULT_STROKE, DEFAULT_STROKE_WIDTH, parseShape } from "../shared/schema";
import type { Point } from "../tools/geometry";
import { keepLocalCopies } from "./bytes";
import { ImageRejected, prepareImage } from "./downscale";
import { source } from "./host";
import { provideLocal } from "./loader";
import { localAssets } from "./localStore";
import { queueUpload } from "./uploads";

/** Keeps `blob` on this device and queues it for `roomId`; returns its hash. */
export async function storeAsset(roomId: string, blob: Blob, type: AssetType): Promise<string> {
  const hash = await sha256Hex(new Uint8Array(await blob.arrayBuffer()));
  // The Blob is re-typed: a file's own type may be missing or differ from what was encoded.
  const typed = blob.type === type ? blob : new Blob([blob], { type });
  await localAssets.putBlob(hash, typed);
  provideLocal(hash, typed);
  await queueUpload(roomId, hash, type);
  return hash;
}

/** A natural size scaled down (never up) to fit `fraction` of the viewport (in canvas units). */
export function fitToView(
  width: number,
  height: number,
  view: { width: number; height: number },
  fraction = IMAGE_FIT_VIEWPORT,
): { width: number; height: number } {
  const k = Math.min(1, (view.width * fraction) / width, (view.height * fraction) / height);
  return { width: Math.round(width * k * 100) / 100, height: Math.round(height * k * 100) / 100 };
}

/** Adds `files` as image shapes centred at `at` (else the viewport's centre) and selects them. */
export async function insertImages(
  ctx: ActionContext,
  files: readonly File[],
  at: Point | null,
): Promise<string[]> {
  const board = ctx.board();
  const centre = at ?? board?.lastPointer() ?? board?.viewportCenter() ?? { x: 0, y: 0 };
  const zoom = board?.getView().zoom ?? 1;
  const screen = board?.size() ?? { width: 1200, height: 800 };
  const view = { width: screen.width / zoom, height: screen.height / zoom };
  const shapes: NewShape[] = [];
  let offset = 0;
  for (const file of files) {
    try {
      const prepared = await prepareImage(file);
      const hash = await storeAsset(ctx.roomId, prepared.blob, prepared.type);
      const size = fitToView(prepared.width, prepared.height, view);
      shapes.push({
        type: "image",
        x: centre.x - size.width / 2 + offset,
        y: centre.y - size.height / 2 + offset,
        width: size.width,
        height: size.height,
        rotation: 0,
        points: [],
        stroke: DEFAULT_STROKE,
        fill: "transparent",
        strokeWidth: DEFAULT_STROKE_WIDTH,
        text: "",
        fontSize: 0,
        asset: hash,
        mime: prepared.type,
        ...(file.name ? { alt: file.name.slice(0, MAX_ALT_LENGTH) } : {}),
      });
      // Several files at once fan out a little, so none hides another completely.
      offset += 24 / zoom;
    } catch (e) {
      source().imageNotice(
        e instanceof ImageRejected ? e.message : "This image could not be added.",
      );
    }
  }
  // What this tab writes must pass the same check every reader applies.
  const valid = shapes.filter((s) => parseShape("new", { ...s, z: "a0" }) !== null);
  if (valid.length === 0) return [];
  const ids = ctx.store.create(valid);
  ctx.select(ids);
  ctx.setTool("select");
  return ids;
}

/**
 * Image shapes pasted from another room: the bytes this device has are queued for this room too
 * (the room dedupes by hash, so one it has already costs a 200 and nothing else). Copying kept
 * them on this device (`keepLocalCopies`); a copy still being kept is waited for.
 */
export async function requeueLocal(roomId: string, hashes: readonly string[]): Promise<void> {
  await keepLocalCopies(hashes);
  for (const hash of new Set(hashes)) {
    const blob = await localAssets.getBlob(hash).catch(() => null);
    const type = assetTypeOf(blob?.type);
    if (blob && type) await queueUpload(roomId, hash, type);
  }
}

/** Opens the file picker; the chosen pictures land at the viewport's centre. */
export function pickImages(ctx: ActionContext): void {
  const input = document.createElement("input");
  input.type = "file";
  input.accept = ALLOWED_ASSET_TYPES.join(",");
  input.multiple = true;
  input.addEventListener("change", () => {
    const files = [...(input.files ?? [])];
    if (files.length > 0) void insertImages(ctx, files, ctx.board()?.viewportCenter() ?? null);
  });
  input.click();
}

/** Re-adds assets carried by a JSON export: each checked against its hash, then queued. */
export async function importAssets(
  roomId: string,
  assets: Readonly<Record<string, unknown>>,
): Promise<number> {
  let added = 0;
  for (const [hash, raw] of Object.entries(assets)) {
    const entry = raw as { type?: unknown; data?: unknown } | null;
    const type = typeof entry?.type === "string" ? assetTypeOf(entry.type) : null;
    if (!type || typeof entry?.data !== "string") continue;
    let bytes: Uint8Array;
    try {
      bytes = Uint8Array.from(atob(entry.data), (c) => c.charCodeAt(0));
    } catch {
      continue;
    }
    // A file edited by hand must not smuggle bytes under another picture's name.
    if ((await sha256Hex(bytes)) !== hash) continue;
    await storeAsset(roomId, new Blob([bytes as BlobPart], { type }), type);
    added++;
  }
  return added;
}
