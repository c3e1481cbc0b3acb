/**
 * "Bring everyone to my view": asks every other person in the room to move their camera to
 * this user's (presence `summon`, src/presence/summon.ts). It writes nothing to the document,
 * but it changes what others see, so a view-only visitor may not run it.
 */
import { defineAction } from "./types";

export const summonEveryone = defineAction({
  name: "summon-everyone",
  label: "Bring everyone to my view",
  viewerMay: false,
  perform(ctx) {
    if (!ctx.summon) return false;
    ctx.summon();
    return true;
  },
});
