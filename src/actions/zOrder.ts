/** Bring forward / to front, send backward / to back: Ctrl+] and Ctrl+[, with Shift all the way. */
import type { ZMove } from "../doc/zorder";
import { isMod } from "./keys";
import { defineAction } from "./types";

function zAction<Name extends string>(
  name: Name,
  label: string,
  move: ZMove,
  keys: "]" | "Shift+]" | "[" | "Shift+[",
) {
  const code = keys.endsWith("]") ? "BracketRight" : "BracketLeft";
  const shift = keys.startsWith("Shift");
  return defineAction({
    name,
    label,
    viewerMay: false,
    // The code, not the key: Shift turns "]" into "}" on most layouts.
    keyTest: (e) => isMod(e) && e.code === code && e.shiftKey === shift,
    perform(ctx) {
      ctx.store.moveZ(ctx.selection(), move);
    },
  });
}

export const bringForward = zAction("bring-forward", "Bring forward", "forward", "]");
export const bringToFront = zAction("bring-to-front", "Bring to front", "front", "Shift+]");
export const sendBackward = zAction("send-backward", "Send backward", "backward", "[");
export const sendToBack = zAction("send-to-back", "Send to back", "back", "Shift+[");
