/**
 * Getting a picture ready for the room: its type checked, large photos shrunk on this device
 * before any byte is sent (a 12-megapixel phone photo is 4–8 MB; at IMAGE_MAX_EDGE_PX it is a
 * few hundred KB and still sharper than any screen shows it on a board). The size and format
 * choices are pure functions, tested in Node; the decoding and encoding use the browser.
 */
import { type AssetType, assetTypeOf } from "../shared/assets";
import { IMAGE_ENCODE_QUALITY, IMAGE_MAX_EDGE_PX, MAX_ASSET_BYTES } from "../shared/constants";

export interface PreparedImage {
  blob: Blob;
  type: AssetType;
  /** Natural size in px of what is stored (after any downscale). */
  width: number;
  height: number;
}

/** A picture that cannot be added, with the sentence the user reads. */
export class ImageRejected extends Error {}

/** The size to encode at: the same, or scaled down so the longest edge is `maxEdge` (whole px, ≥ 1). */
export function fitEdge(
  width: number,
  height: number,
  maxEdge: number,
): { width: number; height: number } {
  const longest = Math.max(width, height);
  if (longest <= maxEdge) return { width, height };
  const k = maxEdge / longest;
  return {
    width: Math.max(1, Math.round(width * k)),
    height: Math.max(1, Math.round(height * k)),
  };
}

/**
 * What to do with a picture of `type`, `bytes` long, `width`×`height` px: keep its bytes, or
 * re-encode at a size and type. GIF (animation) and SVG (vector) are never re-encoded: too
 * large is refused. PNG stays PNG (transparency, sharp edges) unless that is too large, then
 * WebP (which keeps transparency); JPEG stays JPEG; WebP stays WebP.
 */
export type EncodePlan =
  | { kind: "keep" }
  | { kind: "encode"; type: AssetType; width: number; height: number }
  | { kind: "refuse"; reason: string };

export function planEncode(
  type: AssetType,
  bytes: number,
  width: number,
  height: number,
  maxEdge = IMAGE_MAX_EDGE_PX,
  maxBytes = MAX_ASSET_BYTES,
): EncodePlan {
  const fits = bytes <= maxBytes;
  if (type === "image/gif" || type === "image/svg+xml") {
    return fits
      ? { kind: "keep" }
      : { kind: "refuse", reason: `${tooLarge(bytes, maxBytes)} GIF and SVG are not shrunk.` };
  }
  const size = fitEdge(width, height, maxEdge);
  if (fits && size.width === width && size.height === height) return { kind: "keep" };
  return { kind: "encode", type, ...size };
}

/** After an encode still over the cap: the next, smaller try (area scaled to fit, with a margin). */
export function shrinkAfter(
  plan: { type: AssetType; width: number; height: number },
  bytes: number,
  maxBytes = MAX_ASSET_BYTES,
): { type: AssetType; width: number; height: number } {
  // A PNG that will not fit goes lossy first: WebP keeps the transparency.
  if (plan.type === "image/png") return { ...plan, type: "image/webp" };
  const k = Math.sqrt(maxBytes / bytes) * 0.9;
  return {
    type: plan.type,
    width: Math.max(1, Math.floor(plan.width * k)),
    height: Math.max(1, Math.floor(plan.height * k)),
  };
}

function tooLarge(bytes: number, maxBytes: number): string {
  const mb = (n: number) => `${(n / 1024 / 1024).toFixed(1)} MB`;
  return `The image is ${mb(bytes)}; the most a room stores is ${mb(maxBytes)}.`;
}

/** Tries before giving up on fitting a picture under the cap (PNG → WebP, then two shrinks). */
const MAX_ENCODE_TRIES = 4;

async function naturalSize(blob: Blob): Promise<{ width: number; height: number }> {
  const url = URL.createObjectURL(blob);
  try {
    const img = new Image();
    img.src = url;
    await img.decode();
    return { width: img.naturalWidth || 300, height: img.naturalHeight || 150 };
  } finally {
    URL.revokeObjectURL(url);
  }
}

async function encode(
  bitmap: ImageBitmap,
  target: { type: AssetType; width: number; height: number },
): Promise<Blob> {
  const canvas = new OffscreenCanvas(target.width, target.height);
  const ctx = canvas.getContext("2d");
  if (!ctx) throw new ImageRejected("This browser cannot shrink images.");
  ctx.imageSmoothingQuality = "high";
  ctx.drawImage(bitmap, 0, 0, target.width, target.height);
  const blob = await canvas.convertToBlob({ type: target.type, quality: IMAGE_ENCODE_QUALITY });
  // A browser without a WebP encoder answers PNG: keep what it gave, under its real type.
  return blob;
}

/** Checks and, where needed, shrinks a picture the user added. Throws ImageRejected. */
export async function prepareImage(file: Blob): Promise<PreparedImage> {
  const type = assetTypeOf(file.type);
  if (!type) {
    throw new ImageRejected(
      `Images must be PNG, JPEG, GIF, WebP or SVG${file.type ? ` (this one is ${file.type})` : ""}.`,
    );
  }
  if (type === "image/gif" || type === "image/svg+xml") {
    const plan = planEncode(type, file.size, 1, 1);
    if (plan.kind === "refuse") throw new ImageRejected(plan.reason);
    let size: { width: number; height: number };
    try {
      size = await naturalSize(file);
    } catch {
      throw new ImageRejected("This image could not be read.");
    }
    return { blob: file, type, ...size };
  }
  let bitmap: ImageBitmap;
  try {
    bitmap = await createImageBitmap(file);
  } catch {
    throw new ImageRejected("This image could not be read.");
  }
  try {
    const plan = planEncode(type, file.size, bitmap.width, bitmap.height);
    if (plan.kind === "refuse") throw new ImageRejected(plan.reason);
    if (plan.kind === "keep") {
      return { blob: file, type, width: bitmap.width, height: bitmap.height };
    }
    let target = { type: plan.type, width: plan.width, height: plan.height };
    for (let i = 0; i < MAX_ENCODE_TRIES; i++) {
      const blob = await encode(bitmap, target);
      const actual = assetTypeOf(blob.type) ?? target.type;
      if (blob.size <= MAX_ASSET_BYTES) {
        return { blob, type: actual, width: target.width, height: target.height };
      }
      target = shrinkAfter({ ...target, type: actual }, blob.size);
    }
    throw new ImageRejected(tooLarge(file.size, MAX_ASSET_BYTES));
  } finally {
    bitmap.close();
  }
}
