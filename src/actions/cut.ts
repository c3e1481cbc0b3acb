import { unlockedIds } from "../doc/diagram";
import { copySelection } from "./copy";
import { isMod } from "./keys";
import { defineAction } from "./types";

export const cut = defineAction({
  name: "cut",
  label: "Cut",
  viewerMay: false,
  keyTest: (e) => isMod(e) && e.key.toLowerCase() === "x",
  keepDefault: true,
  perform(ctx, input) {
    if (copySelection(ctx, input) === null) return;
    // Locked shapes are copied but stay (GR5).
    const removable = unlockedIds(ctx.shapes(), ctx.selection());
    ctx.store.remove(removable);
    const gone = new Set(removable);
    ctx.select(ctx.selection().filter((id) => !gone.has(id)));
  },
});
