/** Group, ungroup and lock the selection: each one update, so one undo step (GR6, GR7). */
import { expandGroups, groupPatches, lockPatches, ungroupPatches } from "../doc/diagram";
import { isMod } from "./keys";
import { defineAction } from "./types";

export const group = defineAction({
  name: "group",
  label: "Group",
  viewerMay: false,
  keyTest: (e) => isMod(e) && !e.shiftKey && !e.altKey && e.key.toLowerCase() === "g",
  perform(ctx) {
    const ids = expandGroups(ctx.shapes(), ctx.selection());
    const patches = groupPatches(ids);
    if (patches.length === 0) return false;
    ctx.store.update(patches);
    ctx.select(ids);
    return true;
  },
});

export const ungroup = defineAction({
  name: "ungroup",
  label: "Ungroup",
  viewerMay: false,
  keyTest: (e) => isMod(e) && e.shiftKey && !e.altKey && e.key.toLowerCase() === "g",
  perform(ctx) {
    const patches = ungroupPatches(ctx.shapes(), ctx.selection());
    if (patches.length === 0) return false;
    ctx.store.update(patches);
    return true;
  },
});

export const toggleLock = defineAction({
  name: "toggle-lock",
  label: "Lock / unlock",
  viewerMay: false,
  keyTest: (e) => isMod(e) && e.shiftKey && !e.altKey && e.key.toLowerCase() === "l",
  perform(ctx) {
    const patches = lockPatches(ctx.shapes(), ctx.selection());
    if (patches.length === 0) return false;
    ctx.store.update(patches);
    return true;
  },
});
