/**
 * Downloads of one frame (PNG of its area, SVG of it and its children). Loaded on demand with
 * import(), like the other exports.
 */
import type Konva from "konva";
import type { Shape } from "../shared/schema";
import { shapeBounds } from "../tools/geometry";

/** Margin around an exported frame, canvas units: its title sits above it. */
const FRAME_EXPORT_MARGIN = 24;
/** Largest exported image side, px: browsers refuse canvases much beyond this. */
const MAX_EXPORT_SIDE = 8192;

function download(href: string, filename: string): void {
  const link = document.createElement("a");
  link.href = href;
  link.download = filename;
  document.body.appendChild(link);
  link.click();
  link.remove();
}

/** A file name from the frame's title: letters, digits, dashes. */
function fileName(roomId: string, frameName: string, ext: string): string {
  const title = frameName.replace(/[^A-Za-z0-9_-]+/g, "-").slice(0, 40) || "frame";
  return `sketchroom-${roomId.slice(0, 8)}-${title}.${ext}`;
}

/** The frame's area of `layer` (what is drawn there, at 2× canvas resolution) as a PNG on white. */
export function exportFramePng(layer: Konva.Layer, frame: Shape, roomId: string): boolean {
  const stage = layer.getStage();
  if (!stage) return false;
  const zoom = stage.scaleX();
  const b = shapeBounds(frame);
  const m = FRAME_EXPORT_MARGIN;
  // Canvas units → the layer's screen pixels (toCanvas takes the stage's coordinates).
  const box = {
    x: (b.x - m) * zoom + stage.x(),
    y: (b.y - m) * zoom + stage.y(),
    width: (b.width + m * 2) * zoom,
    height: (b.height + m * 2) * zoom,
  };
  if (box.width <= 0 || box.height <= 0) return false;
  const pixelRatio = Math.min(2 / zoom, MAX_EXPORT_SIDE / Math.max(box.width, box.height));
  const content = layer.toCanvas({ ...box, pixelRatio });
  const out = document.createElement("canvas");
  out.width = content.width;
  out.height = content.height;
  const ctx = out.getContext("2d");
  if (!ctx) return false;
  ctx.fillStyle = "#ffffff";
  ctx.fillRect(0, 0, out.width, out.height);
  ctx.drawImage(content, 0, 0);
  download(out.toDataURL("image/png"), fileName(roomId, frame.name ?? "frame", "png"));
  return true;
}

export function exportFrameSvg(svg: string, frameName: string, roomId: string): void {
  const url = URL.createObjectURL(new Blob([svg], { type: "image/svg+xml" }));
  download(url, fileName(roomId, frameName, "svg"));
  setTimeout(() => URL.revokeObjectURL(url), 10_000);
}
