/**
 * Where a shape's label sits, in the shape's own coordinates (its Group: origin at (x, y),
 * before rotation). ShapeNode draws the label there and the text editor overlays the same box,
 * so what the user types lands where it will be drawn.
 */
import { polylineMidpoint } from "../shared/binding";
import { LABEL_TYPES, type Shape } from "../shared/schema";
import { CONNECTOR_LABEL_WIDTH, LABEL_FONT_SIZE, LABEL_PADDING } from "./shapeMetrics";

export interface LabelArea {
  x: number;
  y: number;
  width: number;
  /** Box shapes: the text is centred vertically in this height. Connectors: null (grows down). */
  height: number | null;
}

/** The label box of `shape`, or null for types that carry no label. */
export function labelArea(
  shape: Pick<Shape, "type" | "points" | "width" | "height">,
): LabelArea | null {
  if (!LABEL_TYPES.has(shape.type)) return null;
  if (shape.type === "line" || shape.type === "arrow") {
    const mid = polylineMidpoint(shape.points);
    // The first line is centred on the middle of the connector, as ShapeNode draws it.
    return {
      x: mid.x - CONNECTOR_LABEL_WIDTH / 2,
      y: mid.y - LABEL_FONT_SIZE / 2,
      width: CONNECTOR_LABEL_WIDTH,
      height: null,
    };
  }
  return {
    x: LABEL_PADDING,
    y: LABEL_PADDING,
    width: Math.max(0, shape.width - LABEL_PADDING * 2),
    height: Math.max(0, shape.height - LABEL_PADDING * 2),
  };
}
