import { imageFiles, withImageCode } from "../assets/source";
import { membershipPatches, regroupCopies } from "../doc/diagram";
import { parseShapesJson, placeAt } from "../doc/transfer";
import { MAX_TEXT_LENGTH, PASTE_FALLBACK_MS } from "../shared/constants";
import { imageAssets } from "../shared/schema";
import { newTextShape } from "../tools/shapeFactory";
import { addImageFiles } from "./insertImage";
import { isMod } from "./keys";
import { type ActionContext, defineAction } from "./types";

/**
 * Pastes our clipboard JSON at the pointer (or the viewport's centre), or other text as a text
 * shape. Someone else's JSON is text, not shapes: only our marker makes it shapes.
 */
export function pasteText(ctx: ActionContext, text: string | null): void {
  const board = ctx.board();
  const at = board?.lastPointer() ?? board?.viewportCenter() ?? { x: 0, y: 0 };
  const parsed = text ? parseShapesJson(text, true) : null;
  if (parsed && parsed.shapes.length > 0) {
    // Pasted copies of a group form a new group (GR8); they belong to the frame they land in,
    // a pasted frame included, never to the one they were copied from (GR9). One undo step.
    const copies = regroupCopies(placeAt(parsed.shapes, at.x, at.y)).map(
      ({ frameId: _frameId, ...rest }) => rest,
    );
    let ids: string[] = [];
    ctx.store.transact(() => {
      ids = ctx.store.create(copies);
      const pasted = new Set(ids);
      const board = ctx.store.read();
      const placed = board.filter((s) => pasted.has(s.id));
      ctx.store.update(membershipPatches(board, placed));
    });
    ctx.select(ids);
    ctx.setTool("select");
    const assets = imageAssets(copies);
    if (assets.length > 0) {
      withImageCode((m) => m.requeueLocal(ctx.roomId, assets));
    }
    return;
  }
  if (text && !parsed && text.trim()) {
    ctx.select(ctx.store.create([newTextShape(ctx.style(), at, text.slice(0, MAX_TEXT_LENGTH))]));
    ctx.setTool("select");
  }
}

export const paste = defineAction({
  name: "paste",
  label: "Paste",
  viewerMay: false,
  keyTest: (e) => isMod(e) && e.key.toLowerCase() === "v",
  // The browser's paste event follows the key: it carries the system clipboard.
  keepDefault: true,
  perform(ctx, { key, clipboard, value }) {
    if (clipboard) {
      ctx.clipboard.pasteEvents++;
      clipboard.preventDefault();
      // A screenshot or copied image file: added as an image where the pointer is.
      const images = imageFiles(clipboard.clipboardData);
      if (images.length > 0) {
        const board = ctx.board();
        addImageFiles(ctx, images, board?.lastPointer() ?? board?.viewportCenter() ?? null);
        return;
      }
      pasteText(ctx, clipboard.clipboardData?.getData("text/plain") || ctx.clipboard.text);
      return;
    }
    if (key) {
      // Without clipboard permission (or with nothing in it) no paste event comes: then the
      // internal clipboard is pasted, once it is clear the event is not coming.
      const before = ctx.clipboard.pasteEvents;
      setTimeout(() => {
        if (ctx.clipboard.pasteEvents === before) pasteText(ctx, ctx.clipboard.text);
      }, PASTE_FALLBACK_MS);
      return;
    }
    pasteText(ctx, typeof value === "string" ? value : ctx.clipboard.text);
  },
});
