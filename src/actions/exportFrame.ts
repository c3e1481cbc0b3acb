/**
 * Export one frame alone: PNG of its area as drawn, or SVG of the frame and its children. Run
 * from the main menu while exactly one frame is selected.
 */
import { loadImageCode } from "../assets/source";
import { frameWithChildren } from "../doc/diagram";
import type { Shape } from "../shared/schema";
import { type ActionContext, defineAction } from "./types";

function selectedFrame(ctx: ActionContext): Shape | null {
  const selection = ctx.selection();
  if (selection.length !== 1) return null;
  const shape = ctx.shapes().find((s) => s.id === selection[0]);
  return shape?.type === "frame" ? shape : null;
}

export const exportFramePng = defineAction({
  name: "export-frame-png",
  label: "Export frame (PNG)",
  viewerMay: true,
  perform(ctx) {
    const frame = selectedFrame(ctx);
    const layer = ctx.board()?.shapesLayer();
    if (!frame || !layer) return false;
    void import("../ui/exportFrame").then(({ exportFramePng }) =>
      exportFramePng(layer, frame, ctx.roomId),
    );
    return true;
  },
});

export const exportFrameSvg = defineAction({
  name: "export-frame-svg",
  label: "Export frame (SVG)",
  viewerMay: true,
  perform(ctx) {
    const frame = selectedFrame(ctx);
    if (!frame) return false;
    const shapes = frameWithChildren(ctx.shapes(), frame.id);
    void Promise.all([import("../export/svg"), import("../ui/exportFrame"), loadImageCode()]).then(
      async ([{ shapesToSvg }, { exportFrameSvg }, { svgImages }]) =>
        exportFrameSvg(
          shapesToSvg(shapes, { images: await svgImages(shapes) }),
          frame.name ?? "Frame",
          ctx.roomId,
        ),
    );
    return true;
  },
});
