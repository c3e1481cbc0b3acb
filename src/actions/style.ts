/**
 * Stroke, fill, stroke width and font size: for the next shape, and for the selected shapes.
 * The value comes from the style panel.
 */
import type { ShapePatch } from "../doc/shapeStore";
import type { ShapeStyle } from "../tools/shapeFactory";
import { selectedShapes } from "./selection";
import { type ActionContext, defineAction } from "./types";

export function applyStyle(ctx: ActionContext, change: Partial<ShapeStyle>): void {
  ctx.setStyle(change);
  const { fontSize } = change;
  const patches: ShapePatch[] = selectedShapes(ctx).map((s) =>
    // A text box grows or shrinks with its font, so its frame keeps fitting the words.
    fontSize !== undefined && s.type === "text"
      ? { id: s.id, ...change, height: ctx.textHeight(s.text, s.width, fontSize) }
      : { id: s.id, ...change },
  );
  ctx.store.update(patches);
}

const isColor = (v: unknown): v is string => typeof v === "string";
const isSize = (v: unknown): v is number => typeof v === "number" && Number.isFinite(v) && v > 0;

export const changeStroke = defineAction({
  name: "change-stroke",
  label: "Stroke colour",
  viewerMay: false,
  perform(ctx, { value }) {
    if (!isColor(value)) return false;
    applyStyle(ctx, { stroke: value });
    return true;
  },
});

export const changeFill = defineAction({
  name: "change-fill",
  label: "Fill colour",
  viewerMay: false,
  perform(ctx, { value }) {
    if (!isColor(value)) return false;
    applyStyle(ctx, { fill: value });
    return true;
  },
});

export const changeStrokeWidth = defineAction({
  name: "change-stroke-width",
  label: "Stroke width",
  viewerMay: false,
  perform(ctx, { value }) {
    if (!isSize(value)) return false;
    applyStyle(ctx, { strokeWidth: value });
    return true;
  },
});

export const changeFontSize = defineAction({
  name: "change-font-size",
  label: "Font size",
  viewerMay: false,
  perform(ctx, { value }) {
    if (!isSize(value)) return false;
    applyStyle(ctx, { fontSize: value });
    return true;
  },
});
