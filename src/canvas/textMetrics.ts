/** Text measurement with the same engine that draws the text, so boxes fit what is painted. */
import { Text } from "konva/lib/shapes/Text";
import { round2 } from "../tools/geometry";
import { TEXT_LINE_HEIGHT } from "../tools/shapeFactory";
import { FONT_FAMILY } from "./shapeMetrics";

/** Height of a text shape's box: `text` wrapped at `width` in `fontSize` (one line when empty). */
export function textBoxHeight(text: string, width: number, fontSize: number): number {
  const node = new Text({
    text: text.length > 0 ? text : " ",
    width,
    fontSize,
    fontFamily: FONT_FAMILY,
    lineHeight: TEXT_LINE_HEIGHT,
  });
  const height = node.height();
  node.destroy();
  return round2(height);
}
