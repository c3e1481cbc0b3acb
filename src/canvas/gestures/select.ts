/**
 * The select tool's idle state: what a press does depends on what lies under it — a shape
 * (select it, then move), shift on a shape (toggle it), the empty middle of a multi-selection
 * (move it all), or empty canvas (marquee). A double click opens the text editor: on a text or
 * note its text, on a rect, ellipse, diamond, triangle, line or arrow its label.
 */

import { frameTitleAt, movableIds, pickOnPress } from "../../doc/diagram";
import { LABEL_TYPES, type Shape, TEXT_TYPES } from "../../shared/schema";
import { startMarquee } from "./marquee";
import { startMove } from "./move";
import type { Gesture, GestureContext, Hit, PointerInput, ToolBehaviour } from "./types";

/**
 * The group a double click entered (GR2), per board: presses pick single members of it until
 * the selection leaves it (Escape, a click outside, another shape).
 */
const entered = new WeakMap<GestureContext, string>();

function enteredGroup(ctx: GestureContext): string | null {
  const group = entered.get(ctx);
  if (group === undefined) return null;
  const selection = ctx.selection();
  if (selection.length > 0 && selection.every((id) => ctx.shape(id)?.groupId === group)) {
    return group;
  }
  entered.delete(ctx);
  return null;
}

function start(ctx: GestureContext, down: PointerInput, hit: Hit): Gesture | null {
  const selection = ctx.selection();
  const id = hit.shapeId;
  let next = selection;
  // A member of a group stands for the whole group, unless the group was entered (GR1, GR2).
  const picked = id ? pickOnPress(ctx.shapes(), id, enteredGroup(ctx)) : [];
  if (id && down.shiftKey) {
    const drop = new Set(picked);
    next = selection.includes(id)
      ? selection.filter((s) => !drop.has(s))
      : [...new Set([...selection, ...picked])];
    ctx.select([...next]);
    if (!next.includes(id)) return null;
  } else if (id && !selection.includes(id)) {
    next = picked;
    ctx.select(picked);
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
  // Locked shapes stay put; a frame carries its children (GR4, GR5).
  const moving = movableIds(ctx.shapes(), next);
  if (moving.length === 0) return null;
  return startMove(ctx, down, moving, id ?? "", picked);
}

const isEditable = (type: Shape["type"]) => TEXT_TYPES.has(type) || LABEL_TYPES.has(type);

function doubleClick(ctx: GestureContext, input: PointerInput): void {
  const hit = ctx.hitTest(input.screen);
  const shapes = ctx.shapes();
  // The title above a frame renames it (it is not part of the frame's hit area).
  const titled = hit.shapeId ? null : frameTitleAt(shapes, input.canvas);
  if (titled) {
    if (!ctx.readOnly()) ctx.edit({ kind: "frame-name", id: titled.id });
    return;
  }
  // A double click on a member of a group enters the group: that member alone is selected (GR2).
  const member = hit.shapeId ? ctx.shape(hit.shapeId) : undefined;
  if (member?.groupId && enteredGroup(ctx) !== member.groupId) {
    entered.set(ctx, member.groupId);
    ctx.select([member.id]);
    return;
  }
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
