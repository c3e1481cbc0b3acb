/**
 * Stroke style (solid, dashed, dotted) and opacity: for the next shape, and for the selected
 * shapes in one write (one undo step). The default value deletes the key (docs/schema.md).
 */
import { DASH_STYLES, type Dash, MIN_OPACITY } from "../shared/schema";
import { applyStyle } from "./style";
import { defineAction } from "./types";

const isDash = (v: unknown): v is Dash => (DASH_STYLES as readonly unknown[]).includes(v);
const isOpacity = (v: unknown): v is number =>
  typeof v === "number" && Number.isFinite(v) && v >= MIN_OPACITY && v <= 1;

export const changeDash = defineAction({
  name: "change-dash",
  label: "Stroke style",
  viewerMay: false,
  perform(ctx, { value }) {
    if (!isDash(value)) return false;
    applyStyle(ctx, { dash: value });
    return true;
  },
});

export const changeOpacity = defineAction({
  name: "change-opacity",
  label: "Opacity",
  viewerMay: false,
  perform(ctx, { value }) {
    if (!isOpacity(value)) return false;
    applyStyle(ctx, { opacity: value });
    return true;
  },
});
