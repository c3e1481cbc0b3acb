/**
 * Sends this tab's presence through Yjs awareness. Per-frame values (cursor, shapes in motion,
 * viewport) are throttled with lodash-es `throttle`, leading + trailing, so the final value always
 * goes out; selection and user changes go at once. Nothing is queued while disconnected: the room
 * client drops presence it cannot send, and sends the current state on reconnect.
 */
import throttle from "lodash-es/throttle";
import type { Awareness } from "y-protocols/awareness";
import { laserFor } from "../presence/laser";
import { draftFor, gestureFor } from "../presence/previews";
import type { Summon } from "../presence/summon";
import { CURSOR_THROTTLE_MS } from "../shared/constants";
import type { Shape } from "../shared/schema";
import type { Point } from "../tools/geometry";
import type { UserIdentity } from "./identity";

export interface PresenceSender {
  setUser(user: UserIdentity): void;
  /** Cursor in canvas units, or null when the pointer leaves the canvas. */
  setCursor(cursor: Point | null): void;
  setSelection(ids: readonly string[]): void;
  /** Shapes this user is moving right now (live geometry), or null when the gesture ends. */
  setGesture(moving: readonly Shape[] | null): void;
  /** The shape this user is drawing (before it is committed), or null when the drawing ends. */
  setDraft(shape: Shape | null): void;
  /** The canvas point at the centre of this user's screen, and their zoom (for followers). */
  setViewport(viewport: { x: number; y: number; zoom: number }): void;
  /** The laser trail this user is drawing (flat canvas points, oldest first), or null. */
  setLaser(points: readonly number[] | null): void;
  /** Asks everyone else to move their camera to this user's (src/presence/summon.ts). */
  summon(request: Summon): void;
  destroy(): void;
}

const round = (n: number) => Math.round(n * 10) / 10;

export function createPresenceSender(awareness: Awareness): PresenceSender {
  const options = { leading: true, trailing: true };
  const sendCursor = throttle(
    (cursor: Point | null) => awareness.setLocalStateField("cursor", cursor),
    CURSOR_THROTTLE_MS,
    options,
  );
  const sendGesture = throttle(
    (moving: readonly Shape[]) => awareness.setLocalStateField("gesture", gestureFor(moving)),
    CURSOR_THROTTLE_MS,
    options,
  );
  const sendDraft = throttle(
    (shape: Shape) => awareness.setLocalStateField("draft", draftFor(shape)),
    CURSOR_THROTTLE_MS,
    options,
  );
  const sendViewport = throttle(
    (viewport: { x: number; y: number; zoom: number }) =>
      awareness.setLocalStateField("viewport", viewport),
    CURSOR_THROTTLE_MS * 2,
    options,
  );
  const sendLaser = throttle(
    (points: readonly number[]) => awareness.setLocalStateField("laser", laserFor(points)),
    CURSOR_THROTTLE_MS,
    options,
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
      sendCursor({ x: round(cursor.x), y: round(cursor.y) });
    },
    setSelection: (ids) => awareness.setLocalStateField("selection", [...ids]),
    setGesture: (moving) => {
      if (moving === null || moving.length === 0) {
        // The gesture ended (its commit is already on the wire): a pending frame must not follow.
        sendGesture.cancel();
        const state = awareness.getLocalState();
        if (state?.gesture && Object.keys(state.gesture).length > 0) {
          awareness.setLocalStateField("gesture", {});
        }
        return;
      }
      sendGesture(moving);
    },
    setDraft: (shape) => {
      if (shape === null) {
        // Drawing ended (the new shape, if any, is already on the wire): no late frame may follow.
        sendDraft.cancel();
        if (awareness.getLocalState()?.draft) awareness.setLocalStateField("draft", null);
        return;
      }
      sendDraft(shape);
    },
    setViewport: (viewport) => sendViewport(viewport),
    setLaser: (points) => {
      if (points === null || points.length < 2) {
        // The trail ended: others fade what they have; a pending frame must not restart it.
        sendLaser.cancel();
        if (awareness.getLocalState()?.laser) awareness.setLocalStateField("laser", null);
        return;
      }
      sendLaser(points);
    },
    summon: (request) => awareness.setLocalStateField("summon", request),
    destroy: () => {
      sendLaser.cancel();
      sendCursor.cancel();
      sendGesture.cancel();
      sendDraft.cancel();
      sendViewport.cancel();
    },
  };
}
