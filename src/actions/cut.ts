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
    ctx.store.remove(ctx.selection());
    ctx.select([]);
  },
});
