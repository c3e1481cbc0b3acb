/** Tools produce shapes from a drag: pure functions from pointer positions to a new shape. */

import type { NewShape } from "../doc/shapeStore";
import { type Dash, DEFAULT_FONT_SIZE, DEFAULT_STICKY_FILL } from "../shared/schema";
import { type Point, rectFromCorners, round2, simplifyPoints } from "./geometry";
import type { ToolName } from "./tools";

export interface ShapeStyle {
  stroke: string;
  fill: string;
  strokeWidth: number;
  /** Text and sticky notes only. */
  fontSize: number;
  /** Stroke pattern; "solid" is the schema's default and is not stored. */
  dash: Dash;
  /** 0.1–1; 1 is the schema's default and is not stored. */
  opacity: number;
}

export const DEFAULT_STYLE: ShapeStyle = {
  stroke: "#1e1e1e",
  fill: "transparent",
  strokeWidth: 2,
  fontSize: DEFAULT_FONT_SIZE,
  dash: "solid",
  opacity: 1,
};

export const STICKY_SIZE = 200;
export const TEXT_DEFAULT_WIDTH = 240;
/** Line height of text shapes, in multiples of the font size (sticky notes: STICKY_LINE_HEIGHT). */
export const TEXT_LINE_HEIGHT = 1.25;
export const STICKY_LINE_HEIGHT = 1.3;
/** Drags shorter than this (screen px) count as clicks. */
export const CLICK_SLOP_PX = 3;

const base = (style: ShapeStyle) => ({
  x: 0,
  y: 0,
  width: 0,
  height: 0,
  rotation: 0,
  points: [] as number[],
  stroke: style.stroke,
  fill: style.fill,
  strokeWidth: style.strokeWidth,
  text: "",
  fontSize: 0,
  // Only when not the default: a board of plain shapes stays byte-for-byte what it was.
  ...(style.dash !== "solid" ? { dash: style.dash } : {}),
  ...(style.opacity !== 1 ? { opacity: style.opacity } : {}),
});

/** Options of a drag: `square` (shift held), the pen's `path`, the least size that counts. */
export interface DragOptions {
  square?: boolean;
  path?: readonly number[];
  minSize?: number;
}

/** Builds the shape a drag draws, or null when the drag is too small (see shapeFromDrag). */
export type ShapeBuilder = (
  style: ShapeStyle,
  start: Point,
  end: Point,
  opts: DragOptions,
) => NewShape | null;

/**
 * The shape a drag from `start` to `end` draws (canvas units), or null when the drag is too
 * small to mean anything. `path` is the pen's sampled points, absolute.
 */
export function shapeFromDrag(
  tool: ToolName,
  style: ShapeStyle,
  start: Point,
  end: Point,
  opts: DragOptions = {},
): NewShape | null {
  const minSize = opts.minSize ?? 1;
  switch (tool) {
    case "rect":
    case "ellipse":
    case "diamond":
    case "triangle": {
      const r = rectFromCorners(start, end, opts.square);
      if (r.width < minSize && r.height < minSize) return null;
      return { ...base(style), type: tool, ...roundRect(r) };
    }
    case "sticky": {
      const r = rectFromCorners(start, end, opts.square);
      const clicked = r.width < minSize && r.height < minSize;
      const box = clicked ? { x: start.x, y: start.y, width: STICKY_SIZE, height: STICKY_SIZE } : r;
      return {
        ...base(style),
        type: "sticky",
        ...roundRect(box),
        fill: style.fill === "transparent" ? DEFAULT_STICKY_FILL : style.fill,
        fontSize: style.fontSize,
      };
    }
    case "line":
    case "arrow": {
      if (Math.hypot(end.x - start.x, end.y - start.y) < minSize) return null;
      return {
        ...base(style),
        type: tool,
        x: round2(start.x),
        y: round2(start.y),
        points: [0, 0, round2(end.x - start.x), round2(end.y - start.y)],
      };
    }
    case "pen": {
      const path = opts.path ?? [start.x, start.y, end.x, end.y];
      if (path.length < 2) return null;
      const relative = path.map((n, i) => n - (i % 2 === 0 ? start.x : start.y));
      // A click draws a dot: Konva needs two points to draw a round cap.
      const points = relative.length === 2 ? [0, 0, 0.01, 0] : simplifyPoints(relative, 0.75);
      return { ...base(style), type: "pen", x: round2(start.x), y: round2(start.y), points };
    }
    default:
      return null;
  }
}

function roundRect(r: { x: number; y: number; width: number; height: number }) {
  return { x: round2(r.x), y: round2(r.y), width: round2(r.width), height: round2(r.height) };
}

/** A new text shape at a point, before the user types (committed only if text is entered). */
export function newTextShape(style: ShapeStyle, at: Point, text = ""): NewShape {
  return {
    ...base(style),
    type: "text",
    x: round2(at.x),
    y: round2(at.y),
    width: TEXT_DEFAULT_WIDTH,
    height: Math.round(style.fontSize * TEXT_LINE_HEIGHT),
    fill: "transparent",
    text,
    fontSize: style.fontSize,
  };
}
