import { isMod } from "./keys";
import { defineAction } from "./types";

export const redo = defineAction({
  name: "redo",
  label: "Redo",
  viewerMay: false,
  keyTest: (e) => {
    if (!isMod(e)) return false;
    const key = e.key.toLowerCase();
    return key === "y" || (key === "z" && e.shiftKey);
  },
  perform(ctx) {
    ctx.store.redo();
  },
});
