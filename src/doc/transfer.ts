/**
 * Shapes leaving and entering the document as JSON: copy/paste and export/import. The format
 * is the HTTP snapshot's `{ "shapes": [...] }`. Incoming data is untrusted: every shape passes
 * checkShape, and anything not valid is skipped, never repaired into something surprising.
 */
import { checkShape, type Shape } from "../shared/schema";
import type { NewShape } from "./shapeStore";

/** Marks clipboard text as ours, so pasting someone's unrelated JSON does not import it. */
export const CLIPBOARD_KIND = "sketchroom/shapes";

/** A valid id to check shapes that arrive without one (the pasted copy gets a new id anyway). */
const PLACEHOLDER_ID = "incoming";

export function snapshotJson(shapes: readonly Shape[]): string {
  return JSON.stringify({ shapes }, null, 2);
}

export function clipboardJson(shapes: readonly Shape[]): string {
  return JSON.stringify({ kind: CLIPBOARD_KIND, shapes });
}

export interface ParsedShapes {
  shapes: NewShape[];
  skipped: number;
}

/** Parses `{ shapes: [...] }` (optionally requiring our clipboard marker). Null if not that shape of JSON. */
export function parseShapesJson(text: string, requireKind = false): ParsedShapes | null {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    return null;
  }
  if (typeof json !== "object" || json === null) return null;
  const record = json as Record<string, unknown>;
  if (requireKind && record.kind !== CLIPBOARD_KIND) return null;
  if (!Array.isArray(record.shapes)) return null;
  const shapes: NewShape[] = [];
  let skipped = 0;
  for (const raw of record.shapes) {
    const result = checkShape(PLACEHOLDER_ID, raw);
    if (result.status !== "valid") {
      skipped++;
      continue;
    }
    const { id: _id, z: _z, ...rest } = result.shape;
    shapes.push(rest);
  }
  return { shapes, skipped };
}

/** Moves shapes so their bounds' top-left lands at (x, y). */
export function placeAt(shapes: readonly NewShape[], x: number, y: number): NewShape[] {
  if (shapes.length === 0) return [];
  const minX = Math.min(...shapes.map((s) => s.x));
  const minY = Math.min(...shapes.map((s) => s.y));
  return shapes.map((s) => ({ ...s, x: s.x - minX + x, y: s.y - minY + y }));
}
