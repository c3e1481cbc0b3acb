import type { EditRequest } from "../canvas/Board";
import { LABEL_TYPES, TEXT_TYPES } from "../shared/schema";
import { newTextShape } from "../tools/shapeFactory";
import { isPlain } from "./keys";
import { defineAction } from "./types";

const isEditRequest = (v: unknown): v is EditRequest =>
  typeof v === "object" && v !== null && "kind" in v && (v.kind === "existing" || v.kind === "new");

/**
 * Opens the text editor: on the canvas's request (a double click, the text tool's click), or
 * with Enter on the one selected text or sticky note (its text) or labelled shape (its label).
 */
export const editText = defineAction({
  name: "edit-text",
  label: "Edit text",
  viewerMay: false,
  keyTest: (e) => isPlain(e) && e.key === "Enter",
  perform(ctx, { value }) {
    if (isEditRequest(value)) {
      if (value.kind === "existing") {
        ctx.select([value.id]);
        ctx.edit({ kind: "existing", id: value.id });
      } else if (value.kind === "new") {
        ctx.select([]);
        ctx.edit({ kind: "new", shape: newTextShape(ctx.style(), value.at) });
      }
      return true;
    }
    const selection = ctx.selection();
    const id = selection.length === 1 ? selection[0] : undefined;
    const shape = ctx.shapes().find((s) => s.id === id);
    // Nothing to edit: Enter is the browser's (it presses a focused button).
    if (!shape || !(TEXT_TYPES.has(shape.type) || LABEL_TYPES.has(shape.type))) return false;
    ctx.edit({ kind: "existing", id: shape.id });
    return true;
  },
});
