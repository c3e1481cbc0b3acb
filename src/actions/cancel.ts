import { isPlain } from "./keys";
import { defineAction } from "./types";

/** Escape: cancels the gesture in progress, or else clears the selection. */
export const cancel = defineAction({
  name: "cancel",
  label: "Cancel",
  viewerMay: true,
  keyTest: (e) => isPlain(e) && e.key === "Escape",
  keepDefault: true,
  perform(ctx) {
    if (!ctx.board()?.cancelGesture()) ctx.select([]);
  },
});
