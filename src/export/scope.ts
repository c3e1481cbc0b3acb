/**
 * What an export (PNG, SVG, copy as image) covers: the selection or the whole board, and the
 * box around it. Pure, so the choice and the bounds are unit-tested in Node; the browser only
 * supplies how big a shape really paints (Konva's measure, text wrapping included).
 */
import type { Shape } from "../shared/schema";
import { type Rect, shapeBounds, unionRects } from "../tools/geometry";

export interface ExportOptions {
  /** Only the selected shapes (when something is selected); otherwise the whole board. */
  selectionOnly: boolean;
  /** A white background; false leaves it transparent. */
  background: boolean;
}

/** Without options from the menu (a key press): the selection if any, on white. */
export function defaultExportOptions(selection: readonly string[]): ExportOptions {
  return { selectionOnly: selection.length > 0, background: true };
}

/** Reads export options handed to an action, falling back to the defaults key by key. */
export function readExportOptions(value: unknown, selection: readonly string[]): ExportOptions {
  const base = defaultExportOptions(selection);
  if (typeof value !== "object" || value === null) return base;
  const v = value as Partial<Record<keyof ExportOptions, unknown>>;
  return {
    selectionOnly: typeof v.selectionOnly === "boolean" ? v.selectionOnly : base.selectionOnly,
    background: typeof v.background === "boolean" ? v.background : base.background,
  };
}

/**
 * The shapes an export covers, in paint order: the selected ones when `selectionOnly` and
 * something is selected, else every shape on the board.
 */
export function exportTargets(
  shapes: readonly Shape[],
  selection: readonly string[],
  selectionOnly: boolean,
): Shape[] {
  if (!selectionOnly || selection.length === 0) return [...shapes];
  const wanted = new Set(selection);
  return shapes.filter((s) => wanted.has(s.id));
}

/** Bounds a shape paints, canvas units: its geometry grown by half its stroke. */
export function paintedBounds(shape: Shape): Rect {
  const b = shapeBounds(shape);
  const grow = shape.strokeWidth / 2;
  return { x: b.x - grow, y: b.y - grow, width: b.width + grow * 2, height: b.height + grow * 2 };
}

/**
 * The box an export of `targets` covers, canvas units: the union of what each paints
 * (`boundsOf`), plus `padding` on every side. Null when there is nothing to export.
 */
export function exportBounds(
  targets: readonly Shape[],
  padding: number,
  boundsOf: (shape: Shape) => Rect = paintedBounds,
): Rect | null {
  const union = unionRects(targets.map(boundsOf));
  if (!union) return null;
  return {
    x: union.x - padding,
    y: union.y - padding,
    width: union.width + padding * 2,
    height: union.height + padding * 2,
  };
}
