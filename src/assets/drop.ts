/**
 * Image files dropped on the canvas become images centred at the drop point, through the
 * insert-image action (so a view-only page ignores them, like any edit). The listener itself is
 * in useImageWiring (it must be there before the first drop); this is the rest.
 */
import type { RefObject } from "react";
import type { RoomActions } from "../actions";
import type { BoardHandle } from "../canvas/Board";

export function dropImages(
  actions: RoomActions,
  boardRef: RefObject<BoardHandle | null>,
  files: File[],
  screen: { x: number; y: number },
): void {
  const board = boardRef.current;
  if (files.length === 0 || !board) return;
  // screenToCanvas, written out: importing view.ts here would split it out of the main bundle.
  const v = board.getView();
  const at = { x: (screen.x - v.x) / v.zoom, y: (screen.y - v.y) / v.zoom };
  actions.run("insert-image", { value: { files, at } });
}
