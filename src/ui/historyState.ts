/**
 * Whether this tab's History panel is open. A per-tab view setting, not part of the document:
 * the "history" action toggles it, the room shows the (lazily loaded) panel while it is open.
 */
import { useSyncExternalStore } from "react";

let open = false;
const listeners = new Set<() => void>();

function set(next: boolean): void {
  if (open === next) return;
  open = next;
  for (const listener of listeners) listener();
}

export const toggleHistory = (): void => set(!open);
export const closeHistory = (): void => set(false);

function subscribe(listener: () => void): () => void {
  listeners.add(listener);
  return () => listeners.delete(listener);
}

export function useHistoryOpen(): boolean {
  return useSyncExternalStore(subscribe, () => open);
}
