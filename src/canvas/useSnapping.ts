/**
 * The board's side of snapping (docs/architecture.md "Snapping"): the SnapContext the move and
 * draw gestures use (candidates from the culled set, never all shapes), the guides they show,
 * whether the grid is on, and the selection frame's rotation (S6) and resize (S9) snapping.
 */
import type Konva from "konva";
import { createElement, type RefObject, useEffect, useMemo, useRef, useState } from "react";
import type { Shape } from "../shared/schema";
import { viewportRect } from "./culling";
import type { SnapContext } from "./gestures/types";
import { Line } from "./konva";
import { type Guide, snapCandidates, warmBounds } from "./snapping";
import { snapSettings, useSnapSettings } from "./snapSettings";
import { useResizeSnap } from "./useResizeSnap";
import { useRotationSnap } from "./useRotationSnap";
import type { View } from "./view";

export function useSnapping(opts: {
  containerRef: RefObject<HTMLDivElement | null>;
  transformerRef: RefObject<Konva.Transformer | null>;
  viewRef: RefObject<View>;
  /** The culled shapes (near the viewport), as rendered. */
  rendered: Shape[];
  selection: () => readonly string[];
  shapesById: () => Map<string, Shape>;
}) {
  const { containerRef, transformerRef, viewRef } = opts;
  const [guides, setGuides] = useState<readonly Guide[]>([]);
  const { grid } = useSnapSettings();
  const renderedRef = useRef(opts.rendered);
  renderedRef.current = opts.rendered;

  const snap = useMemo(
    (): SnapContext => ({
      settings: snapSettings,
      candidates(exclude) {
        const el = containerRef.current;
        const area = viewportRect(viewRef.current, el?.clientWidth ?? 0, el?.clientHeight ?? 0);
        return snapCandidates(renderedRef.current, area, exclude);
      },
      showGuides: setGuides,
    }),
    [containerRef, viewRef],
  );

  // Measure the shapes on screen while the page is idle: a drag's first move then only reads them.
  useEffect(() => {
    const shapes = opts.rendered;
    if (typeof requestIdleCallback !== "function") return;
    let handle = 0;
    let at = 0;
    const step = (deadline: IdleDeadline) => {
      at = warmBounds(shapes, at, () => deadline.timeRemaining() > 1);
      if (at < shapes.length) handle = requestIdleCallback(step);
    };
    handle = requestIdleCallback(step);
    return () => cancelIdleCallback(handle);
  }, [opts.rendered]);

  useRotationSnap(transformerRef);
  const resize = useResizeSnap({
    transformerRef,
    viewRef,
    snap,
    selection: opts.selection,
    shapesById: opts.shapesById,
  });

  /** The guide lines, for the overlay layer (canvas units, 1 screen px wide at any zoom). */
  const guideNodes = guides.map((g) =>
    createElement(Line, {
      key: `${g.axis}${g.at}`,
      name: "snap-guide",
      points: g.axis === "x" ? [g.at, g.from, g.at, g.to] : [g.from, g.at, g.to, g.at],
      stroke: "#e8590c",
      strokeWidth: 1,
      strokeScaleEnabled: false,
      listening: false,
    }),
  );

  return { snap, grid, guideNodes, resize };
}
