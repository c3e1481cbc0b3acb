/**
 * Align and distribute (rules AL1–AL3, docs/architecture.md "Snapping"): pure geometry over
 * shapes' bounds (rotation included, so what lines up is what the user sees), and one action
 * per direction. Each is one `ShapeStore.update` call, so one undo step, and connectors bound
 * to the moved shapes are re-routed in the same transaction.
 */
import type { ShapePatch } from "../doc/shapeStore";
import type { Shape } from "../shared/schema";
import { type Rect, round2, shapeBounds, unionRects } from "../tools/geometry";
import { isMod } from "./keys";
import { selectedShapes } from "./selection";
import { type Action, defineAction, type KeyInput } from "./types";

export type AlignKind = "left" | "center" | "right" | "top" | "middle" | "bottom";
export type DistributeKind = "horizontal" | "vertical";

/** AL1: every shape moved so its bounds' edge or centre lines up with the selection's bounds. */
export function alignPatches(shapes: readonly Shape[], kind: AlignKind): ShapePatch[] {
  if (shapes.length < 2) return [];
  const boxes = shapes.map(shapeBounds);
  const all = unionRects(boxes)!;
  const patches: ShapePatch[] = [];
  shapes.forEach((s, i) => {
    const b = boxes[i]!;
    let dx = 0;
    let dy = 0;
    switch (kind) {
      case "left":
        dx = all.x - b.x;
        break;
      case "center":
        dx = all.x + all.width / 2 - (b.x + b.width / 2);
        break;
      case "right":
        dx = all.x + all.width - (b.x + b.width);
        break;
      case "top":
        dy = all.y - b.y;
        break;
      case "middle":
        dy = all.y + all.height / 2 - (b.y + b.height / 2);
        break;
      case "bottom":
        dy = all.y + all.height - (b.y + b.height);
        break;
    }
    if (dx !== 0 || dy !== 0) patches.push({ id: s.id, x: round2(s.x + dx), y: round2(s.y + dy) });
  });
  return patches;
}

/**
 * AL2: the shapes spaced evenly along an axis, in the order of their centres: the first and
 * last stay, the gaps between neighbours' bounds become equal (they may be negative when the
 * shapes overlap more than the span allows, as in Figma).
 */
export function distributePatches(shapes: readonly Shape[], kind: DistributeKind): ShapePatch[] {
  if (shapes.length < 3) return [];
  const horizontal = kind === "horizontal";
  const start = (b: Rect) => (horizontal ? b.x : b.y);
  const size = (b: Rect) => (horizontal ? b.width : b.height);
  const items = shapes
    .map((s) => ({ s, b: shapeBounds(s) }))
    .sort((p, q) => start(p.b) + size(p.b) / 2 - (start(q.b) + size(q.b) / 2));
  const first = items[0]!.b;
  const last = items.at(-1)!.b;
  const span = start(last) + size(last) - start(first);
  const total = items.reduce((sum, { b }) => sum + size(b), 0);
  const gap = (span - total) / (items.length - 1);
  const patches: ShapePatch[] = [];
  let at = start(first) + size(first) + gap;
  for (const { s, b } of items.slice(1, -1)) {
    const d = at - start(b);
    if (Math.abs(d) > 1e-9) {
      patches.push(
        horizontal
          ? { id: s.id, x: round2(s.x + d), y: s.y }
          : { id: s.id, x: s.x, y: round2(s.y + d) },
      );
    }
    at += size(b) + gap;
  }
  return patches;
}

const ARROWS: Partial<Record<AlignKind, string>> = {
  left: "ArrowLeft",
  right: "ArrowRight",
  top: "ArrowUp",
  bottom: "ArrowDown",
};

function alignAction(kind: AlignKind, label: string): Action<`align-${AlignKind}`> {
  const arrow = ARROWS[kind];
  return defineAction({
    name: `align-${kind}`,
    label,
    viewerMay: false,
    // Excalidraw's keys: Ctrl/Cmd+Shift+arrow aligns to that side.
    keyTest: arrow
      ? (e: KeyInput) => isMod(e) && e.shiftKey && !e.altKey && e.key === arrow
      : undefined,
    perform(ctx) {
      const patches = alignPatches(selectedShapes(ctx), kind);
      if (patches.length === 0) return false;
      ctx.store.update(patches);
      return true;
    },
  });
}

function distributeAction(
  kind: DistributeKind,
  label: string,
  code: string,
): Action<`distribute-${DistributeKind}`> {
  return defineAction({
    name: `distribute-${kind}`,
    label,
    viewerMay: false,
    // Excalidraw's keys: Alt+H, Alt+V (the code, since Alt changes the key on macOS).
    keyTest: (e) => e.altKey && !isMod(e) && !e.shiftKey && e.code === code,
    perform(ctx) {
      const patches = distributePatches(selectedShapes(ctx), kind);
      if (patches.length === 0) return false;
      ctx.store.update(patches);
      return true;
    },
  });
}

export const alignLeft = alignAction("left", "Align left");
export const alignCenter = alignAction("center", "Align centres horizontally");
export const alignRight = alignAction("right", "Align right");
export const alignTop = alignAction("top", "Align top");
export const alignMiddle = alignAction("middle", "Align middles vertically");
export const alignBottom = alignAction("bottom", "Align bottom");
export const distributeHorizontal = distributeAction(
  "horizontal",
  "Distribute horizontally",
  "KeyH",
);
export const distributeVertical = distributeAction("vertical", "Distribute vertically", "KeyV");

export const alignActions = [
  alignLeft,
  alignCenter,
  alignRight,
  alignTop,
  alignMiddle,
  alignBottom,
  distributeHorizontal,
  distributeVertical,
] as const;
