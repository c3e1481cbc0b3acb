import { withFrameChildren } from "../doc/diagram";
import { isMod } from "./keys";
import { defineAction } from "./types";

export const duplicate = defineAction({
  name: "duplicate",
  label: "Duplicate",
  viewerMay: false,
  keyTest: (e) => isMod(e) && e.key.toLowerCase() === "d",
  perform(ctx) {
    // A frame comes with its children (GR8).
    const ids = ctx.store.duplicate(withFrameChildren(ctx.shapes(), ctx.selection()));
    if (ids.length > 0) ctx.select(ids);
  },
});
