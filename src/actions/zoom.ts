/** The camera: zoom in and out, back to 100%, and fit the content. Viewers may all of it. */
import { ZOOM_STEP } from "../canvas/view";
import { isMod, isPlain } from "./keys";
import { defineAction, type KeyInput } from "./types";

/** `=`/`+` or `-` alone or with Ctrl/Cmd (which would otherwise zoom the whole page). */
const zoomKey = (e: KeyInput, keys: readonly string[]) =>
  (isMod(e) || !e.altKey) && keys.includes(e.key.toLowerCase());

export const zoomIn = defineAction({
  name: "zoom-in",
  label: "Zoom in",
  viewerMay: true,
  keyTest: (e) => zoomKey(e, ["=", "+"]),
  perform(ctx) {
    ctx.board()?.zoomBy(ZOOM_STEP);
  },
});

export const zoomOut = defineAction({
  name: "zoom-out",
  label: "Zoom out",
  viewerMay: true,
  keyTest: (e) => zoomKey(e, ["-"]),
  perform(ctx) {
    ctx.board()?.zoomBy(1 / ZOOM_STEP);
  },
});

export const zoomReset = defineAction({
  name: "zoom-reset",
  label: "Reset zoom to 100%",
  viewerMay: true,
  keyTest: (e) => isMod(e) && e.key === "0",
  perform(ctx) {
    ctx.board()?.zoomTo(1);
  },
});

export const zoomFit = defineAction({
  name: "zoom-fit",
  label: "Zoom to fit",
  viewerMay: true,
  // Shift+1: "!" on US layouts; the code catches layouts where Shift+1 is another character.
  keyTest: (e) => isPlain(e) && e.shiftKey && (e.key === "!" || e.code === "Digit1"),
  perform(ctx) {
    ctx.board()?.fit();
  },
});
