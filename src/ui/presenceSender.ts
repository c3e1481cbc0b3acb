/**
 * Sends this tab's presence through Yjs awareness. The cursor is throttled (leading + trailing,
 * so the final position always goes out); selection and user changes go at once.
 */
import throttle from "lodash-es/throttle";
import type { Awareness } from "y-protocols/awareness";
import { CURSOR_THROTTLE_MS } from "../shared/constants";
import type { Point } from "../tools/geometry";
import type { UserIdentity } from "./identity";

export interface PresenceSender {
  setUser(user: UserIdentity): void;
  /** Cursor in canvas units, or null when the pointer leaves the canvas. */
  setCursor(cursor: Point | null): void;
  setSelection(ids: readonly string[]): void;
  destroy(): void;
}

export function createPresenceSender(awareness: Awareness): PresenceSender {
  const sendCursor = throttle(
    (cursor: Point | null) => awareness.setLocalStateField("cursor", cursor),
    CURSOR_THROTTLE_MS,
    { leading: true, trailing: true },
  );
  return {
    setUser: (user) => awareness.setLocalStateField("user", { name: user.name, color: user.color }),
    setCursor: (cursor) => {
      if (cursor === null) {
        // Leaving: drop any pending position so the cursor does not reappear after hiding.
        sendCursor.cancel();
        awareness.setLocalStateField("cursor", null);
        return;
      }
      sendCursor({ x: Math.round(cursor.x * 10) / 10, y: Math.round(cursor.y * 10) / 10 });
    },
    setSelection: (ids) => awareness.setLocalStateField("selection", [...ids]),
    destroy: () => sendCursor.cancel(),
  };
}
