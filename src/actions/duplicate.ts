import { isMod } from "./keys";
import { defineAction } from "./types";

export const duplicate = defineAction({
  name: "duplicate",
  label: "Duplicate",
  viewerMay: false,
  keyTest: (e) => isMod(e) && e.key.toLowerCase() === "d",
  perform(ctx) {
    const ids = ctx.store.duplicate(ctx.selection());
    if (ids.length > 0) ctx.select(ids);
  },
});
