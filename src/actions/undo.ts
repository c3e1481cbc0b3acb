import { isMod } from "./keys";
import { defineAction } from "./types";

export const undo = defineAction({
  name: "undo",
  label: "Undo",
  viewerMay: false,
  keyTest: (e) => isMod(e) && !e.shiftKey && e.key.toLowerCase() === "z",
  perform(ctx) {
    ctx.store.undo();
  },
});
