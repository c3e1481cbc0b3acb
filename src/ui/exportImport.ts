/**
 * Export and import of JSON, and the file helpers images share (src/ui/exportImage.ts). Loaded on
 * demand with import(): nobody pays for it in the initial bundle.
 */
import { exportAssets } from "../assets/bytes";
import { type ParsedShapes, parseShapesJson } from "../doc/transfer";
import type { Shape } from "../shared/schema";

export function download(href: string, filename: string): void {
  const link = document.createElement("a");
  link.href = href;
  link.download = filename;
  document.body.appendChild(link);
  link.click();
  link.remove();
}

export function stamp(): string {
  return new Date().toISOString().slice(0, 19).replaceAll(":", "-");
}

/**
 * The snapshot's `{ shapes }` plus `assets`: the bytes of every image shown, base64 by hash, so
 * the file restores its pictures in any room (docs/schema.md "Images").
 */
export async function exportJson(shapes: readonly Shape[], roomId: string): Promise<void> {
  const assets = await exportAssets(shapes);
  const json =
    Object.keys(assets).length > 0
      ? JSON.stringify({ shapes, assets }, null, 2)
      : JSON.stringify({ shapes }, null, 2);
  const blob = new Blob([json], { type: "application/json" });
  const url = URL.createObjectURL(blob);
  download(url, `sketchroom-${roomId.slice(0, 8)}-${stamp()}.json`);
  setTimeout(() => URL.revokeObjectURL(url), 10_000);
}

export type ImportedFile = ParsedShapes & { assets?: Record<string, unknown> };

/** Opens a file picker and parses the chosen file; null if cancelled or not our JSON. */
export function pickJsonFile(): Promise<ImportedFile | null> {
  return new Promise((resolve) => {
    const input = document.createElement("input");
    input.type = "file";
    input.accept = "application/json,.json";
    input.addEventListener("change", async () => {
      const file = input.files?.[0];
      if (!file) return resolve(null);
      const text = await file.text();
      const parsed = parseShapesJson(text);
      if (!parsed) return resolve(null);
      const { assets } = JSON.parse(text) as { assets?: unknown };
      const isRecord = typeof assets === "object" && assets !== null && !Array.isArray(assets);
      resolve(isRecord ? { ...parsed, assets: assets as Record<string, unknown> } : parsed);
    });
    input.addEventListener("cancel", () => resolve(null));
    input.click();
  });
}
