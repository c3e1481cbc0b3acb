/**
 * Export and import of JSON, and the file helpers images share (src/ui/exportImage.ts). Loaded on
 * demand with import(): nobody pays for it in the initial bundle.
 */
import { type ParsedShapes, parseShapesJson, snapshotJson } from "../doc/transfer";
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
