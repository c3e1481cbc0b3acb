/**
 * S6: rotating with the selection frame snaps to ROTATION_SNAP_DEG steps; Alt held frees it.
 * Konva's Transformer reads `rotationSnaps` on every mouse move of a rotation, from a window
 * listener, so the Alt state is set from pointer events (which come before the mouse events)
 * and key events (Alt pressed or released while the pointer is still).
 */
import type Konva from "konva";
import { type RefObject, useEffect } from "react";
import { ROTATION_SNAP_DEG, ROTATION_SNAP_TOLERANCE_DEG } from "../shared/constants";
import { rotationSnaps } from "./snapping";

const SNAPS = rotationSnaps(ROTATION_SNAP_DEG);

export function useRotationSnap(transformerRef: RefObject<Konva.Transformer | null>): void {
  useEffect(() => {
    const tr = transformerRef.current;
    if (!tr) return;
    tr.rotationSnapTolerance(ROTATION_SNAP_TOLERANCE_DEG);
    tr.rotationSnaps(SNAPS);
    let alt = false;
    const follow = (e: PointerEvent | KeyboardEvent) => {
      if (e.altKey === alt) return;
      alt = e.altKey;
      tr.rotationSnaps(alt ? [] : SNAPS);
    };
    const options = { capture: true };
    window.addEventListener("pointermove", follow, options);
    window.addEventListener("pointerdown", follow, options);
    window.addEventListener("keydown", follow, options);
    window.addEventListener("keyup", follow, options);
    return () => {
      window.removeEventListener("pointermove", follow, options);
      window.removeEventListener("pointerdown", follow, options);
      window.removeEventListener("keydown", follow, options);
      window.removeEventListener("keyup", follow, options);
    };
  }, [transformerRef]);
}
