/** Key tests shared by actions. */
import type { KeyInput } from "./types";

/** Ctrl on Windows and Linux, Cmd on macOS. */
export function isMod(e: KeyInput): boolean {
  return e.ctrlKey || e.metaKey;
}

/** No Ctrl, Cmd or Alt: a bare shortcut key (Shift allowed). */
export function isPlain(e: KeyInput): boolean {
  return !isMod(e) && !e.altKey;
}

/**
 * The event comes from a text field or the text editor: its keys are text, not commands.
 * Duck-typed rather than `instanceof HTMLElement`, so the check also runs in Node.
 */
export function isTyping(target: EventTarget | null): boolean {
  if (target === null || typeof target !== "object") return false;
  const el = target as { tagName?: unknown; isContentEditable?: unknown };
  if (el.isContentEditable === true) return true;
  return typeof el.tagName === "string" && ["INPUT", "TEXTAREA", "SELECT"].includes(el.tagName);
}
