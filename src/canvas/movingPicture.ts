/**
 * Panning and zooming a layer that is too costly to redraw every frame: while the camera moves,
 * the layer's last picture (its <canvas>) is moved and scaled with a CSS transform, which costs
 * the compositor nothing on the main thread; the layer is redrawn for real once the camera has
 * rested for SETTLE_REDRAW_MS, or at once when the picture has slid or zoomed too far from
 * where it was drawn (so blank margins and blur stay small). Layers that draw within budget are
 * simply redrawn every frame. The hit graph is unaffected: it is redrawn on demand (hitGraph.ts)
 * for the current camera, whatever the picture shows.
 */
import type Konva from "konva";
import {
  LIVE_DRAW_BUDGET_MS,
  MAX_PICTURE_SHIFT,
  MAX_PICTURE_ZOOM,
  SETTLE_REDRAW_MS,
} from "./renderMode";
import type { View } from "./view";

export interface MovingPicture {
  /** The camera moved to `view` (already applied to the stage): redraw or move the picture. */
  viewChanged(view: View): void;
  /** ms the last full draw of the layer took. */
  lastDrawMs(): number;
  dispose(): void;
}

export function movingPicture(layer: Konva.Layer): MovingPicture {
  const canvas = layer.getNativeCanvasElement();
  canvas.style.transformOrigin = "0 0";
  let drawnView: View | null = null;
  let drawStart = 0;
  let drawMs = 0;
  let settleTimer: ReturnType<typeof setTimeout> | null = null;

  const stageView = (): View => {
    const stage = layer.getStage();
    return { x: stage?.x() ?? 0, y: stage?.y() ?? 0, zoom: stage?.scaleX() ?? 1 };
  };
  const onBeforeDraw = () => {
    drawStart = performance.now();
  };
  // Whoever drew the layer (a camera settle, a React commit, an erase), it now shows the
  // current camera: drop the transform.
  const onDraw = () => {
    drawMs = performance.now() - drawStart;
    drawnView = stageView();
    canvas.style.transform = "";
  };
  layer.on("beforeDraw.movingPicture", onBeforeDraw);
  layer.on("draw.movingPicture", onDraw);

  const clearSettle = () => {
    if (settleTimer !== null) clearTimeout(settleTimer);
    settleTimer = null;
  };

  return {
    viewChanged(view) {
      clearSettle();
      const from = drawnView;
      if (!from || drawMs <= LIVE_DRAW_BUDGET_MS) {
        layer.batchDraw();
        return;
      }
      const k = view.zoom / from.zoom;
      const tx = view.x - from.x * k;
      const ty = view.y - from.y * k;
      // Until the next draw, the old picture stands where the new camera puts it.
      canvas.style.transform = `translate(${tx}px, ${ty}px) scale(${k})`;
      const width = canvas.clientWidth || 1;
      const height = canvas.clientHeight || 1;
      const tooFar =
        Math.abs(tx) > width * MAX_PICTURE_SHIFT ||
        Math.abs(ty) > height * MAX_PICTURE_SHIFT ||
        k > MAX_PICTURE_ZOOM ||
        k < 1 / MAX_PICTURE_ZOOM;
      if (tooFar) {
        layer.batchDraw();
        return;
      }
      settleTimer = setTimeout(() => {
        settleTimer = null;
        layer.batchDraw();
      }, SETTLE_REDRAW_MS);
    },
    lastDrawMs: () => drawMs,
    dispose() {
      clearSettle();
      layer.off("beforeDraw.movingPicture");
      layer.off("draw.movingPicture");
      canvas.style.transform = "";
    },
  };
}
