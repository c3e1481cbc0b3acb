/**
 * The select tool's idle state: what a press does depends on what lies under it — a shape
 * (select it, then move), shift on a shape (toggle it), the empty middle of a multi-selection
 * (move it all), or empty canvas (marquee). A double click opens the text editor: on a text or
 * note its text, on a rect, ellipse, diamond, triangle, line or arrow its label.
 */

import { LABEL_TYPES, type Shape, TEXT_TYPES } from "../../shared/schema";
import { startMarquee } from "./marquee";
import { startMove } from "./move";
import type { Gesture, GestureContext, Hit, PointerInput, ToolBehaviour } from "./types";

function start(ctx: GestureContext, down: PointerInput, hit: Hit): Gesture | null {
  const selection = ctx.selection();
  const id = hit.shapeId;
  let next = selection;
  if (id && down.shiftKey) {
    next = selection.includes(id) ? selection.filter((s) => s !== id) : [...selection, id];
    ctx.select([...next]);
    if (!next.includes(id)) return null;
  } else if (id && !selection.includes(id)) {
    next = [id];
    ctx.select([id]);
  } else if (
    !id &&
    !down.shiftKey &&
    selection.length > 0 &&
    ctx.insideSelectionFrame(down.screen)
  ) {
    next = selection; // dragging the empty middle of a multi-selection moves it
  } else if (!id) {
    if (!down.shiftKey && selection.length > 0) ctx.select([]);
    return startMarquee(ctx, down, down.shiftKey ? selection : []);
  }
  if (ctx.readOnly()) return null;
  return startMove(ctx, down, next, id ?? "");
}

const isEditable = (type: Shape["type"]) => TEXT_TYPES.has(type) || LABEL_TYPES.has(type);

function doubleClick(ctx: GestureContext, input: PointerInput): void {
  const hit = ctx.hitTest(input.screen);
  if (hit.onSelectionFrame) {
    // Double-click on the selection frame: edit a single selected text shape.
    const selection = ctx.selection();
    const only = selection.length === 1 ? selection[0] : undefined;
    const shape = only === undefined ? undefined : ctx.shape(only);
    if (shape && isEditable(shape.type)) ctx.edit({ kind: "existing", id: shape.id });
    return;
  }
  const shape = hit.shapeId ? ctx.shape(hit.shapeId) : undefined;
  if (shape && isEditable(shape.type)) ctx.edit({ kind: "existing", id: shape.id });
  else if (!shape) ctx.edit({ kind: "new", at: input.canvas });
}

export const selectTool: ToolBehaviour = { cursor: "default", start, doubleClick };
