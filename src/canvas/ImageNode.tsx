/**
 * An image shape: the decoded asset stretched to the shape's box, or, while it loads or while
 * the room does not have it yet, a placeholder box that says so (src/assets/source.ts retries).
 */
import { useSyncExternalStore } from "react";
import { type AssetState, entryFor } from "../assets/source";
import type { Shape } from "../shared/schema";
import { Rect, Text } from "./konva";
import { FONT_FAMILY } from "./shapeMetrics";

export const IMAGE_PLACEHOLDER_FILL = "#f1f3f5";
const PLACEHOLDER_STROKE = "#adb5bd";
const PLACEHOLDER_TEXT = "#868e96";
const PLACEHOLDER_FONT_SIZE = 14;

/** The decoded image of `hash`, re-rendering the caller when it loads or goes missing. */
function useAssetImage(hash: string): { state: AssetState; image: HTMLImageElement | null } {
  const entry = entryFor(hash);
  return useSyncExternalStore(
    (listener) => {
      entry.listeners.add(listener);
      return () => entry.listeners.delete(listener);
    },
    () => entry.view,
  );
}

export function ImageBody({ shape }: { shape: Shape }) {
  const { state, image } = useAssetImage(shape.asset ?? "");
  if (image) {
    // A rect filled with the picture, scaled to the box: Konva's Rect is already loaded, and its
    // Image node would add 1 KB to every visitor's download for the same pixels.
    return (
      <Rect
        width={shape.width}
        height={shape.height}
        fillPatternImage={image}
        fillPatternRepeat="no-repeat"
        fillPatternScaleX={shape.width / (image.naturalWidth || 1)}
        fillPatternScaleY={shape.height / (image.naturalHeight || 1)}
      />
    );
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
