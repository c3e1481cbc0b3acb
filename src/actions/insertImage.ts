/**
 * Add pictures: the file picker (toolbar button, I), and files dropped on the canvas or pasted
 * (paste.ts hands them here). View-only links may not (viewerMay), so a viewer's drop is ignored
 * by the manager like any other edit. The image code loads on first use.
 */
import { withImageCode } from "../assets/source";
import type { Point } from "../tools/geometry";
import { isPlain } from "./keys";
import { type ActionContext, defineAction } from "./types";

/** Files to add, and where (canvas units; absent = the pointer or the viewport's centre). */
export interface ImageDrop {
  files: File[];
  at?: Point;
}

export function addImageFiles(ctx: ActionContext, files: File[], at: Point | null): void {
  withImageCode((m) => m.insertImages(ctx, files, at));
}

function isImageDrop(value: unknown): value is ImageDrop {
  return typeof value === "object" && value !== null && Array.isArray((value as ImageDrop).files);
}

export const insertImage = defineAction({
  name: "insert-image",
  label: "Insert image",
  viewerMay: false,
  keyTest: (e) => isPlain(e) && !e.shiftKey && e.key.toLowerCase() === "i",
  perform(ctx, { value }) {
    if (isImageDrop(value)) {
      if (value.files.length === 0) return false;
      addImageFiles(ctx, value.files, value.at ?? null);
      return true;
    }
    // The room page loads this module up front, so the picker still opens within the click's
    // user activation.
    withImageCode((m) => m.pickImages(ctx));
    return true;
  },
});
