/**
 * Images of the selection or the whole board: export PNG and SVG as files, copy as PNG
 * (Ctrl/Cmd+Shift+C) and as SVG to the clipboard. The value from the main menu says what to
 * cover and whether to paint the background; without one, the selection if any, on white.
 * The image code loads on demand.
 */
import { exportTargets, readExportOptions } from "../export/scope";
import { isMod } from "./keys";
import { type ActionContext, defineAction } from "./types";

function scope(ctx: ActionContext, value: unknown) {
  const selection = ctx.selection();
  const options = readExportOptions(value, selection);
  return { options, targets: exportTargets(ctx.shapes(), selection, options.selectionOnly) };
}

const loadImages = () => import("../ui/exportImage");

export const exportPng = defineAction({
  name: "export-png",
  label: "Export image (PNG)",
  viewerMay: true,
  perform(ctx, { value }) {
    const layer = ctx.board()?.shapesLayer();
    const { options, targets } = scope(ctx, value);
    if (!layer || targets.length === 0) return false;
    void loadImages().then((m) => m.downloadPng(layer, targets, options, ctx.roomId));
    return true;
  },
});

export const exportSvg = defineAction({
  name: "export-svg",
  label: "Export SVG",
  viewerMay: true,
  perform(ctx, { value }) {
    const { options, targets } = scope(ctx, value);
    if (targets.length === 0) return false;
    void loadImages().then((m) => m.downloadSvg(targets, options, ctx.roomId));
    return true;
  },
});

export const copyAsPng = defineAction({
  name: "copy-as-png",
  label: "Copy as PNG",
  viewerMay: true,
  keyTest: (e) => isMod(e) && e.shiftKey && !e.altKey && e.key.toLowerCase() === "c",
  perform(ctx, { value }) {
    const layer = ctx.board()?.shapesLayer();
    const { options, targets } = scope(ctx, value);
    if (!layer || targets.length === 0) return false;
    void loadImages()
      .then((m) => m.copyPng(layer, targets, options))
      .catch(() => ctx.alert("The browser did not allow copying the image."));
    return true;
  },
});

export const copyAsSvg = defineAction({
  name: "copy-as-svg",
  label: "Copy as SVG",
  viewerMay: true,
  perform(ctx, { value }) {
    const { options, targets } = scope(ctx, value);
    if (targets.length === 0) return false;
    void loadImages()
      .then((m) => m.copySvg(targets, options))
      .catch(() => ctx.alert("The browser did not allow copying the SVG."));
    return true;
  },
});
