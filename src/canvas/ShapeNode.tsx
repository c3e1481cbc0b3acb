/**
 * One shape on the canvas. Every shape is a Group at (x, y) rotated about that point, so the
 * schema's "rotation about (x, y)" is Konva's default, and the Transformer scales one node type.
 */
import { memo } from "react";
import type { Shape } from "../shared/schema";
import { STICKY_LINE_HEIGHT, TEXT_LINE_HEIGHT } from "../tools/shapeFactory";
import { Arrow, Ellipse, Group, Line, Rect, Text } from "./konva";
import { NAIVE_RENDER } from "./renderMode";

export const SHAPE_NAME = "shape";
export const FONT_FAMILY = 'system-ui, -apple-system, "Segoe UI", Roboto, sans-serif';
export const STICKY_PADDING = 12;
/** Thin strokes are hard to hit; this widens their hit area (screen px at zoom 1). */
const HIT_STROKE = 12;

interface Props {
  shape: Shape;
  /** Hide the text while it is being edited in the overlay. */
  editing: boolean;
  /** False for previews: never hit-tested. */
  listening?: boolean;
}

function ShapeBody({ shape, editing }: Props) {
  // perfectDraw paints fill and stroke through an offscreen buffer; our fills are opaque or
  // transparent, so it only costs time.
  const common = { perfectDrawEnabled: NAIVE_RENDER, strokeScaleEnabled: true } as const;
  switch (shape.type) {
    case "rect":
      return (
        <Rect
          {...common}
          width={shape.width}
          height={shape.height}
          stroke={shape.stroke}
          strokeWidth={shape.strokeWidth}
          fill={shape.fill}
          cornerRadius={Math.min(8, shape.width / 8, shape.height / 8)}
        />
      );
    case "ellipse":
      return (
        <Ellipse
          {...common}
          x={shape.width / 2}
          y={shape.height / 2}
          radiusX={shape.width / 2}
          radiusY={shape.height / 2}
          stroke={shape.stroke}
          strokeWidth={shape.strokeWidth}
          fill={shape.fill}
        />
      );
    case "line":
    case "pen":
      return (
        <Line
          {...common}
          points={shape.points}
          stroke={shape.stroke}
          strokeWidth={shape.strokeWidth}
          hitStrokeWidth={Math.max(HIT_STROKE, shape.strokeWidth)}
          tension={shape.type === "pen" ? 0.4 : 0}
          lineCap="round"
          lineJoin="round"
          fill={shape.fill === "transparent" ? undefined : shape.fill}
          closed={false}
        />
      );
    case "arrow":
      return (
        <Arrow
          {...common}
          points={shape.points}
          stroke={shape.stroke}
          fill={shape.stroke}
          strokeWidth={shape.strokeWidth}
          hitStrokeWidth={Math.max(HIT_STROKE, shape.strokeWidth)}
          pointerLength={8 + shape.strokeWidth * 2}
          pointerWidth={8 + shape.strokeWidth * 2}
          lineCap="round"
          lineJoin="round"
        />
      );
    case "text":
      return (
        <>
          {/* An invisible box so the whole text area is clickable, not only the glyphs. */}
          <Rect width={shape.width} height={shape.height} fill="transparent" />
          <Text
            {...common}
            text={shape.text}
            width={shape.width}
            fontSize={shape.fontSize}
            fontFamily={FONT_FAMILY}
            lineHeight={TEXT_LINE_HEIGHT}
            fill={shape.stroke}
            visible={!editing}
            listening={false}
          />
        </>
      );
    case "sticky":
      return (
        <>
          <Rect
            {...common}
            width={shape.width}
            height={shape.height}
            fill={shape.fill === "transparent" ? "#ffffff" : shape.fill}
            cornerRadius={4}
            shadowColor="#000000"
            shadowOpacity={0.18}
            shadowBlur={10}
            shadowOffsetY={3}
            shadowForStrokeEnabled={false}
          />
          <Text
            {...common}
            x={STICKY_PADDING}
            y={STICKY_PADDING}
            width={Math.max(0, shape.width - STICKY_PADDING * 2)}
            height={Math.max(0, shape.height - STICKY_PADDING * 2)}
            text={shape.text}
            fontSize={shape.fontSize}
            fontFamily={FONT_FAMILY}
            lineHeight={STICKY_LINE_HEIGHT}
            fill={shape.stroke}
            ellipsis
            visible={!editing}
            listening={false}
          />
        </>
      );
    default: {
      const never: never = shape.type;
      return never;
    }
  }
}

/** Memoized by value: the shapes list reuses unchanged Shape objects, so only edits re-render. */
export const ShapeNode = memo(function ShapeNode({ shape, editing, listening = true }: Props) {
  return (
    <Group
      id={shape.id}
      name={SHAPE_NAME}
      x={shape.x}
      y={shape.y}
      rotation={shape.rotation}
      listening={listening}
    >
      <ShapeBody shape={shape} editing={editing} />
    </Group>
  );
});
