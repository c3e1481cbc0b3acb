import { defineAction } from "./types";

/**
 * Space held down pans with any tool (released by the keyup listener). Always prevented, repeats
 * included, so a held space never scrolls the page or presses a focused button.
 */
export const panHold = defineAction({
  name: "pan-hold",
  label: "Pan (hold Space)",
  viewerMay: true,
  keyTest: (e) => e.key === " ",
  perform(ctx, { key }) {
    if (!key?.repeat) ctx.board()?.setSpaceHeld(true);
  },
});
