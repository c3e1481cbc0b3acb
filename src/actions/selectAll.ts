import { isMod } from "./keys";
import { defineAction } from "./types";

export const selectAll = defineAction({
  name: "select-all",
  label: "Select all",
  // Selecting writes nothing: a viewer may select to see what is there.
  viewerMay: true,
  keyTest: (e) => isMod(e) && e.key.toLowerCase() === "a",
  perform(ctx) {
    ctx.setTool("select");
    ctx.select(ctx.shapes().map((s) => s.id));
  },
});
