import { isPlain } from "./keys";
import { defineAction } from "./types";

export const deleteSelection = defineAction({
  name: "delete",
  label: "Delete",
  viewerMay: false,
  keyTest: (e) => isPlain(e) && (e.key === "Delete" || e.key === "Backspace"),
  perform(ctx) {
    ctx.store.remove(ctx.selection());
    ctx.select([]);
  },
});
