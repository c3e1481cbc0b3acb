/**
 * This tab's snapping preferences (object snapping on, grid off by default). A per-user view
 * setting like the tool, not part of the shared document, so it lives outside Yjs: the
 * toggle actions write it, the move and draw gestures and the board read it.
 */
import { useSyncExternalStore } from "react";
import type { SnapSettings } from "./snapping";

let current: SnapSettings = { objects: true, grid: false };
const listeners = new Set<() => void>();

export function snapSettings(): SnapSettings {
  return current;
}

export function setSnapSettings(change: Partial<SnapSettings>): void {
  current = { ...current, ...change };
  for (const listener of listeners) listener();
}

export function onSnapSettings(listener: () => void): () => void {
  listeners.add(listener);
  return () => listeners.delete(listener);
}

/** The settings as React state. */
export function useSnapSettings(): SnapSettings {
  return useSyncExternalStore(onSnapSettings, snapSettings);
}
