/**
 * Text: a click edits the text shape or sticky note under it, or starts a new text there. The
 * editor opens on pointer up, so the new textarea keeps the focus the click would take.
 */
import { TEXT_TYPES } from "../../shared/schema";
import type { Gesture, GestureContext, PointerInput, ToolBehaviour } from "./types";

export function startText(ctx: GestureContext, down: PointerInput): Gesture {
  return {
    name: "text",
    pointerId: down.pointerId,
    pointerMove() {},
    pointerUp(input) {
      const id = ctx.hitTest(input.screen).shapeId;
      const shape = id ? ctx.shape(id) : undefined;
      if (shape && TEXT_TYPES.has(shape.type)) ctx.edit({ kind: "existing", id: shape.id });
      else ctx.edit({ kind: "new", at: input.canvas });
    },
    cancel() {},
  };
}

export const textTool: ToolBehaviour = { cursor: "text", start: startText };
