/**
 * One shape on the canvas. Every shape is a Group at (x, y) rotated about that point, so the
 * schema's "rotation about (x, y)" is Konva's default, and the Transformer scales one node type.
 */
import { memo } from "react";
import { polylineMidpoint } from "../shared/binding";
import type { Shape } from "../shared/schema";
import { STICKY_LINE_HEIGHT, TEXT_LINE_HEIGHT } from "../tools/shapeFactory";
import { ImageBody } from "./ImageNode";
import { Arrow, Ellipse, Group, Line, Rect, Text } from "./konva";
import { NAIVE_RENDER } from "./renderMode";
import {
  CONNECTOR_LABEL_WIDTH,
  FONT_FAMILY,
  FRAME_TITLE_GAP,
  FRAME_TITLE_SIZE,
  LABEL_FONT_SIZE,
  LABEL_PADDING,
  STICKY_PADDING,
} from "./shapeMetrics";

export const SHAPE_NAME = "shape";
/** Thin strokes are hard to hit; this widens their hit area (screen px at zoom 1). */
const HIT_STROKE = 12;

interface Props {
  shape: Shape;
  /** Hide the text while it is being edited in the overlay. */
  editing: boolean;
  /** False for previews: never hit-tested. */
  listening?: boolean;
}

/** Konva dash pattern for a stroke style, scaled by the stroke width so it reads at any width. */
export function dashPattern(shape: Pick<Shape, "dash" | "strokeWidth">): number[] | undefined {
  const w = Math.max(1, shape.strokeWidth);
  switch (shape.dash) {
    case "dashed":
      return [w * 4, w * 3];
    case "dotted":
      // With round caps a zero-length dash is a dot.
      return [0.001, w * 2.5];
    default:
      return undefined;
  }
}

/** Closed outlines of the polygon shapes, in box coordinates. */
function polygonPoints(shape: Shape): number[] {
  const { width: w, height: h } = shape;
  return shape.type === "diamond"
    ? [w / 2, 0, w, h / 2, w / 2, h, 0, h / 2]
    : [w / 2, 0, w, h, 0, h];
}

/** Text inside a shape (or on a connector), wrapped and centred. */
function Label({ shape, editing }: Props) {
  if (!shape.label) return null;
  if (shape.type === "line" || shape.type === "arrow") {
    const mid = polylineMidpoint(shape.points);
    return (
      <Text
        x={mid.x - CONNECTOR_LABEL_WIDTH / 2}
        y={mid.y - LABEL_FONT_SIZE / 2}
        width={CONNECTOR_LABEL_WIDTH}
        text={shape.label}
        align="center"
        fontSize={LABEL_FONT_SIZE}
        fontFamily={FONT_FAMILY}
        fill={shape.stroke}
        visible={!editing}
        listening={false}
      />
    );
  }
  return (
    <Text
      x={LABEL_PADDING}
      y={LABEL_PADDING}
      width={Math.max(0, shape.width - LABEL_PADDING * 2)}
      height={Math.max(0, shape.height - LABEL_PADDING * 2)}
      text={shape.label}
      align="center"
      verticalAlign="middle"
      wrap="word"
      ellipsis
      fontSize={LABEL_FONT_SIZE}
      fontFamily={FONT_FAMILY}
      fill={shape.stroke}
      visible={!editing}
      listening={false}
    />
  );
}

function ShapeBody({ shape, editing }: Props) {
  // perfectDraw paints fill and stroke through an offscreen buffer; our fills are opaque or
  // transparent, so it only costs time.
  const common = {
    perfectDrawEnabled: NAIVE_RENDER,
    strokeScaleEnabled: true,
    dash: dashPattern(shape),
  } as const;
  switch (shape.type) {
    case "diamond":
    case "triangle":
      return (
        <>
          {/* A box behind the outline so the whole shape is clickable, not only the stroke. */}
          <Rect width={shape.width} height={shape.height} fill="transparent" />
          <Line
            {...common}
            points={polygonPoints(shape)}
            closed
            lineJoin="round"
            stroke={shape.stroke}
            strokeWidth={shape.strokeWidth}
            fill={shape.fill === "transparent" ? undefined : shape.fill}
          />
        </>
      );
    case "frame":
      return (
        <>
          <Rect
            {...common}
            width={shape.width}
            height={shape.height}
            stroke={shape.stroke}
            strokeWidth={Math.max(1, shape.strokeWidth / 2)}
            fill={shape.fill === "transparent" ? "#ffffff" : shape.fill}
            cornerRadius={2}
          />
          <Text
            y={-FRAME_TITLE_SIZE - FRAME_TITLE_GAP}
            width={shape.width}
            text={shape.name ?? "Frame"}
            fontSize={FRAME_TITLE_SIZE}
            fontFamily={FONT_FAMILY}
            fill="#666666"
            ellipsis
            wrap="none"
            listening={false}
          />
        </>
      );
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
    case "image":
      return <ImageBody shape={shape} />;
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
      opacity={shape.opacity ?? 1}
      listening={listening}
    >
      <ShapeBody shape={shape} editing={editing} />
      <Label shape={shape} editing={editing} />
    </Group>
  );
});
