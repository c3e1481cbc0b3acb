/**
 * This tab's presence status: `active`, `idle` after IDLE_AFTER_MS without input, `away` while
 * the tab is hidden. Written to awareness only when it changes.
 */
import type { Awareness } from "y-protocols/awareness";
import { IDLE_AFTER_MS } from "../shared/constants";
import type { PeerStatus } from "./peers";

const INPUT_EVENTS = ["pointermove", "pointerdown", "keydown", "wheel", "touchstart"] as const;

export function trackActivity(awareness: Awareness, win: Window = window): () => void {
  let status: PeerStatus | null = null;
  let idleTimer: ReturnType<typeof setTimeout> | null = null;
  const set = (next: PeerStatus) => {
    if (next === status) return;
    status = next;
    awareness.setLocalStateField("status", next);
  };
  const armIdle = () => {
    if (idleTimer !== null) clearTimeout(idleTimer);
    idleTimer = setTimeout(() => set("idle"), IDLE_AFTER_MS);
  };
  const onInput = () => {
    if (win.document.visibilityState === "hidden") return;
    set("active");
    armIdle();
  };
  const onVisibility = () => {
    if (win.document.visibilityState === "hidden") {
      if (idleTimer !== null) clearTimeout(idleTimer);
      set("away");
    } else {
      onInput();
    }
  };
  for (const e of INPUT_EVENTS) win.addEventListener(e, onInput, { passive: true });
  win.document.addEventListener("visibilitychange", onVisibility);
  onVisibility();
  return () => {
    if (idleTimer !== null) clearTimeout(idleTimer);
    for (const e of INPUT_EVENTS) win.removeEventListener(e, onInput);
    win.document.removeEventListener("visibilitychange", onVisibility);
  };
}
