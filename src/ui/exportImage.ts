/**
 * Images of the board or the selection: PNG through Konva (the same drawing as on screen), SVG
 * through src/export/svg.ts, as downloads or on the system clipboard. Loaded on demand with
 * import(), like the JSON export.
 */
import type Konva from "konva";
import { svgImages } from "../assets/bytes";
import { SHAPE_NAME } from "../canvas/ShapeNode";
import { FONT_FAMILY } from "../canvas/shapeMetrics";
import { type ExportOptions, exportBounds, paintedBounds } from "../export/scope";
import { shapesToSvg } from "../export/svg";
import { EXPORT_PADDING, EXPORT_PIXEL_RATIO, MAX_EXPORT_SIDE_PX } from "../shared/constants";
import type { Shape } from "../shared/schema";
import { download, stamp } from "./exportImport";

const fileName = (roomId: string, ext: string) =>
  `sketchroom-${roomId.slice(0, 8)}-${stamp()}.${ext}`;

/**
 * `targets` drawn by Konva into a new canvas, cropped to their bounds plus padding, on white or
 * transparent. The other shapes are hidden for the moment of drawing. Null when there is nothing.
 */
export function renderPng(
  layer: Konva.Layer,
  targets: readonly Shape[],
  background: boolean,
): HTMLCanvasElement | null {
  const groups = new Map<string, Konva.Node>();
  for (const node of layer.find(`.${SHAPE_NAME}`)) groups.set(node.id(), node);
  // Konva's own bounds: wrapped labels, arrowheads and shadows included.
  const box = exportBounds(targets, EXPORT_PADDING, (s) => {
    const node = groups.get(s.id);
    return node ? node.getClientRect({ relativeTo: layer }) : paintedBounds(s);
  });
  if (!box || box.width <= 0 || box.height <= 0) return null;
  const scale = layer.getAbsoluteScale().x;
  const corner = layer.getAbsoluteTransform().point({ x: box.x, y: box.y });
  const abs = { x: corner.x, y: corner.y, width: box.width * scale, height: box.height * scale };
  const pixelRatio = Math.min(
    EXPORT_PIXEL_RATIO / scale,
    MAX_EXPORT_SIDE_PX / Math.max(abs.width, abs.height),
  );
  const wanted = new Set(targets.map((s) => s.id));
  const hidden: Konva.Node[] = [];
  for (const [id, node] of groups) {
    if (!wanted.has(id) && node.visible()) {
      node.visible(false);
      hidden.push(node);
    }
  }
  let content: HTMLCanvasElement;
  try {
    content = layer.toCanvas({ ...abs, pixelRatio });
  } finally {
    for (const node of hidden) node.visible(true);
  }
  if (!background) return content;
  const out = document.createElement("canvas");
  out.width = content.width;
  out.height = content.height;
  const ctx = out.getContext("2d");
  if (!ctx) return null;
  ctx.fillStyle = "#ffffff";
  ctx.fillRect(0, 0, out.width, out.height);
  ctx.drawImage(content, 0, 0);
  return out;
}

/** Text widths from a canvas 2D context with Konva's font string, so SVG lines wrap as drawn. */
function canvasMeasure(): (text: string, fontSize: number) => number {
  const ctx = document.createElement("canvas").getContext("2d");
  if (!ctx) return (text, fontSize) => text.length * fontSize * 0.55;
  return (text, fontSize) => {
    ctx.font = `normal normal ${fontSize}px ${FONT_FAMILY}`;
    return ctx.measureText(text).width;
  };
}

/** The SVG of `targets`, images embedded as data: URLs so the file stands alone. */
export async function renderSvg(targets: readonly Shape[], background: boolean): Promise<string> {
  const images = await svgImages(targets);
  return shapesToSvg(targets, {
    background,
    padding: EXPORT_PADDING,
    measure: canvasMeasure(),
    images,
  });
}

export function downloadPng(
  layer: Konva.Layer,
  targets: readonly Shape[],
  options: ExportOptions,
  roomId: string,
): boolean {
  const canvas = renderPng(layer, targets, options.background);
  if (!canvas) return false;
  download(canvas.toDataURL("image/png"), fileName(roomId, "png"));
  return true;
}

export async function downloadSvg(
  targets: readonly Shape[],
  options: ExportOptions,
  roomId: string,
): Promise<boolean> {
  if (targets.length === 0) return false;
  const blob = new Blob([await renderSvg(targets, options.background)], {
    type: "image/svg+xml",
  });
  const url = URL.createObjectURL(blob);
  download(url, fileName(roomId, "svg"));
  // The download has read the blob long before this.
  setTimeout(() => URL.revokeObjectURL(url), 10_000);
  return true;
}

/** Puts the PNG on the clipboard. Rejects when the browser refuses (no permission, no focus). */
export async function copyPng(
  layer: Konva.Layer,
  targets: readonly Shape[],
  options: ExportOptions,
): Promise<boolean> {
  const canvas = renderPng(layer, targets, options.background);
  if (!canvas) return false;
  // A promised blob: Safari only accepts a clipboard write started inside the click itself.
  const png = new Promise<Blob>((resolve, reject) =>
    canvas.toBlob((b) => (b ? resolve(b) : reject(new Error("no PNG"))), "image/png"),
  );
  await navigator.clipboard.write([new ClipboardItem({ "image/png": png })]);
  return true;
}

/**
 * Puts the SVG on the clipboard: as "image/svg+xml" where the browser supports it, always also as
 * plain text (what editors and most apps paste), plain text alone if the rich write is refused.
 */
export async function copySvg(targets: readonly Shape[], options: ExportOptions): Promise<boolean> {
  if (targets.length === 0) return false;
  // Promised blobs: the write starts inside the click (Safari) while images are still read.
  const svg = renderSvg(targets, options.background);
  const as = (type: string) => svg.then((text) => new Blob([text], { type }));
  const item = ClipboardItem as unknown as { supports?: (type: string) => boolean };
  const items: Record<string, Promise<Blob>> = { "text/plain": as("text/plain") };
  if (item.supports?.("image/svg+xml")) items["image/svg+xml"] = as("image/svg+xml");
  try {
    await navigator.clipboard.write([new ClipboardItem(items)]);
  } catch {
    await navigator.clipboard.writeText(await svg);
  }
  return true;
}
