/**
 * The frame tool: draws a named container like any box ("Frame", "Frame 2"…). The shapes fully
 * inside it when it is drawn become its children (`frameId`), and it goes just behind the
 * lowest of them, so it never covers what it holds: one write, one undo step (GR9).
 */
import { nextFrameName, shapesInside } from "../../doc/diagram";
import type { NewShape } from "../../doc/shapeStore";
import { generateKeyBetween } from "../../doc/zorder";
import type { Shape } from "../../shared/schema";
import { rectFromCorners, round2 } from "../../tools/geometry";
import type { ShapeBuilder } from "../../tools/shapeFactory";
import { startDraw } from "./draw";
import type { GestureContext, ShapeWriter, ToolBehaviour } from "./types";

/** A frame from a drag; null for a drag too small to mean anything. */
export function frameBuilder(name: string): ShapeBuilder {
  return (style, start, end, opts) => {
    const r = rectFromCorners(start, end, opts.square);
    const minSize = opts.minSize ?? 1;
    if (r.width < minSize && r.height < minSize) return null;
    return {
      type: "frame",
      x: round2(r.x),
      y: round2(r.y),
      width: round2(r.width),
      height: round2(r.height),
      rotation: 0,
      points: [],
      stroke: style.stroke,
      fill: "transparent",
      strokeWidth: style.strokeWidth,
      text: "",
      fontSize: 0,
      name,
    };
  };
}

/** A z key just below the lowest of `children` (and above whatever lies below it). */
function zBehind(shapes: readonly Shape[], children: ReadonlySet<string>): string | null {
  const lowest = shapes.findIndex((s) => children.has(s.id));
  if (lowest < 0) return null;
  const below = lowest > 0 ? shapes[lowest - 1]!.z : null;
  const at = shapes[lowest]!.z;
  // Equal keys (ties broken by id) leave no room between them: then no reorder is possible.
  if (below !== null && below >= at) return null;
  return generateKeyBetween(below, at);
}

/** Creates the frame, adopts the shapes inside it and puts it behind them, in one transaction. */
function adoptingWriter(ctx: GestureContext): ShapeWriter {
  const store = ctx.store();
  return {
    create(shapes: readonly NewShape[]) {
      let ids: string[] = [];
      store.transact(() => {
        ids = store.create(shapes);
        const frame = shapes[0];
        const id = ids[0];
        if (!frame || id === undefined) return;
        const board = ctx.shapes();
        const children = new Set(shapesInside(board, frame).filter((c) => c !== id));
        if (children.size === 0) return;
        const z = zBehind(board, children);
        store.update([
          ...[...children].map((c) => ({ id: c, frameId: id })),
          ...(z === null ? [] : [{ id, z }]),
        ]);
      });
      return ids;
    },
    update: (patches) => store.update(patches),
    remove: (ids) => store.remove(ids),
    transact: (fn) => store.transact(fn),
  };
}

export const frameTool: ToolBehaviour = {
  cursor: "crosshair",
  start(ctx, down) {
    // The board's context with one change: its writer adopts the frame's children.
    const writing: GestureContext = Object.create(ctx);
    writing.store = () => adoptingWriter(ctx);
    return startDraw(writing, down, "frame", frameBuilder(nextFrameName(ctx.shapes())));
  },
};
