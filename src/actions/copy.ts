import { withImageCode } from "../assets/source";
import { withFrameChildren } from "../doc/diagram";
import { clipboardJson } from "../doc/transfer";
import { imageAssets } from "../shared/schema";
import { isMod } from "./keys";
import { type ActionContext, type ActionInput, defineAction } from "./types";

/**
 * Copies the selection as our clipboard JSON: into the browser's copy event when there is one,
 * else (a key press, a button) into the system clipboard. Always into the internal clipboard,
 * which paste falls back on when the system clipboard is out of reach. Null if nothing is selected.
 */
export function copySelection(ctx: ActionContext, input: ActionInput): string | null {
  // A frame comes with its children (GR8).
  const wanted = new Set(withFrameChildren(ctx.shapes(), ctx.selection()));
  const picked = ctx.shapes().filter((s) => wanted.has(s.id));
  if (picked.length === 0) return null;
  const json = clipboardJson(picked);
  ctx.clipboard.text = json;
  // Their bytes stay on this device, so a paste into another room can upload them there.
  const assets = imageAssets(picked);
  if (assets.length > 0) withImageCode((m) => m.keepLocalCopies(assets));
  const event = input.clipboard;
  if (event?.clipboardData) {
    event.clipboardData.setData("text/plain", json);
    event.preventDefault();
  } else if (!event) {
    globalThis.navigator?.clipboard?.writeText(json).catch(() => {});
  }
  return json;
}

export const copy = defineAction({
  name: "copy",
  label: "Copy",
  viewerMay: true,
  // Ctrl/Cmd+Shift+C is copy as PNG.
  keyTest: (e) => isMod(e) && !e.shiftKey && e.key.toLowerCase() === "c",
  // The browser's copy event follows the key and fills the system clipboard.
  keepDefault: true,
  perform(ctx, input) {
    copySelection(ctx, input);
  },
});
