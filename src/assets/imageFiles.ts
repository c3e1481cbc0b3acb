/**
 * The one check paste and drop make before anything image-related loads: does this clipboard or
 * drop carry image files? Everything else (downscale, hashing, IndexedDB, upload) is imported on
 * demand, so a board that never sees an image never downloads that code.
 */

/** Image files in a clipboard or drop (a screenshot, files dragged from the desktop). */
export function imageFiles(data: { files?: FileList | null } | null | undefined): File[] {
  const files = data?.files;
  if (!files) return [];
  const out: File[] = [];
  for (let i = 0; i < files.length; i++) {
    const file = files.item(i);
    if (file?.type.startsWith("image/")) out.push(file);
  }
  return out;
}
