/**
 * An image shape: the decoded asset stretched to the shape's box, or, while it loads or while
 * the room does not have it yet, a placeholder box that says so (src/assets/source.ts retries).
 */
import { useAssetImage } from "../assets/source";
import type { Shape } from "../shared/schema";
import { Image, Rect, Text } from "./konva";
import { FONT_FAMILY } from "./shapeMetrics";

export const IMAGE_PLACEHOLDER_FILL = "#f1f3f5";
const PLACEHOLDER_STROKE = "#adb5bd";
const PLACEHOLDER_TEXT = "#868e96";
const PLACEHOLDER_FONT_SIZE = 14;

export function ImageBody({ shape }: { shape: Shape }) {
  const { state, image } = useAssetImage(shape.asset ?? "");
  if (image) {
    return <Image image={image} width={shape.width} height={shape.height} />;
  }
  return (
    <>
      <Rect
        width={shape.width}
        height={shape.height}
        fill={IMAGE_PLACEHOLDER_FILL}
        stroke={PLACEHOLDER_STROKE}
        strokeWidth={1}
        strokeScaleEnabled={false}
        dash={[6, 4]}
        name="image-placeholder"
      />
      <Text
        width={shape.width}
        height={shape.height}
        text={state === "missing" ? "image unavailable — retrying" : "image"}
        align="center"
        verticalAlign="middle"
        fontSize={PLACEHOLDER_FONT_SIZE}
        fontFamily={FONT_FAMILY}
        fill={PLACEHOLDER_TEXT}
        listening={false}
      />
    </>
  );
}
