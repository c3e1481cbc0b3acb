/** Snapping toggles (docs/architecture.md "Snapping"): this tab's preference, not the document. */
import { setSnapSettings, snapSettings } from "../canvas/snapSettings";
import { isMod } from "./keys";
import { defineAction } from "./types";

/** Alt+S (Excalidraw's key for object snapping; the code, since Alt changes the key on macOS). */
export const toggleSnap = defineAction({
  name: "toggle-snap",
  label: "Snap to objects",
  viewerMay: true,
  keyTest: (e) => e.altKey && !isMod(e) && !e.shiftKey && e.code === "KeyS",
  perform() {
    setSnapSettings({ objects: !snapSettings().objects });
  },
});

/** Ctrl/Cmd+' (Excalidraw's and Figma's grid key). */
export const toggleGrid = defineAction({
  name: "toggle-grid",
  label: "Snap to grid",
  viewerMay: true,
  keyTest: (e) => isMod(e) && !e.altKey && (e.key === "'" || e.code === "Quote"),
  perform() {
    setSnapSettings({ grid: !snapSettings().grid });
  },
});
