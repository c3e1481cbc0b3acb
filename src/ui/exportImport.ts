/**
 * Export (PNG, JSON) and import (JSON). Loaded on demand with import(): nobody pays for it in
 * the initial bundle.
 */
import type Konva from "konva";
import { type ParsedShapes, parseShapesJson, snapshotJson } from "../doc/transfer";
import type { Shape } from "../shared/schema";

/** Margin around the content in exported images, in canvas units. */
const EXPORT_PADDING = 24;
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

function stamp(): string {
  return new Date().toISOString().slice(0, 19).replaceAll(":", "-");
}

/** The content of `layer` as a PNG on white, at 2× canvas resolution (less if huge). Returns false if empty. */
export function exportPng(layer: Konva.Layer, roomId: string): boolean {
  const rect = layer.getClientRect();
  if (rect.width <= 0 || rect.height <= 0) return false;
  const zoom = layer.getStage()?.scaleX() ?? 1;
  const pad = EXPORT_PADDING * zoom;
  const box = {
    x: rect.x - pad,
    y: rect.y - pad,
    width: rect.width + pad * 2,
    height: rect.height + pad * 2,
  };
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
  download(out.toDataURL("image/png"), `sketchroom-${roomId.slice(0, 8)}-${stamp()}.png`);
  return true;
}

export function exportJson(shapes: readonly Shape[], roomId: string): void {
  const blob = new Blob([snapshotJson(shapes)], { type: "application/json" });
  const url = URL.createObjectURL(blob);
  download(url, `sketchroom-${roomId.slice(0, 8)}-${stamp()}.json`);
  setTimeout(() => URL.revokeObjectURL(url), 10_000);
}

/** Opens a file picker and parses the chosen file; null if cancelled or not our JSON. */
export function pickJsonFile(): Promise<ParsedShapes | null> {
  return new Promise((resolve) => {
    const input = document.createElement("input");
    input.type = "file";
    input.accept = "application/json,.json";
    input.addEventListener("change", async () => {
      const file = input.files?.[0];
      if (!file) return resolve(null);
      resolve(parseShapesJson(await file.text()));
    });
    input.addEventListener("cancel", () => resolve(null));
    input.click();
  });
}
