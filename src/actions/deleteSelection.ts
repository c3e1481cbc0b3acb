import { unlockedIds } from "../doc/diagram";
import { isPlain } from "./keys";
import { defineAction } from "./types";

export const deleteSelection = defineAction({
  name: "delete",
  label: "Delete",
  viewerMay: false,
  keyTest: (e) => isPlain(e) && (e.key === "Delete" || e.key === "Backspace"),
  perform(ctx) {
    // Locked shapes stay (GR5), and stay selected so they can be unlocked.
    const removable = unlockedIds(ctx.shapes(), ctx.selection());
    ctx.store.remove(removable);
    const left = new Set(removable);
    ctx.select(ctx.selection().filter((id) => !left.has(id)));
  },
});
