/**
 * Images in an open room: where assets are fetched from, image files dropped on the canvas, and
 * the on-demand image code (the upload queue), loaded as the room opens.
 */
import { type RefObject, useEffect } from "react";
import type { RoomActions } from "../actions";
import { configureAssets, imageFiles, loadImageCode, withImageCode } from "../assets/source";
import type { BoardHandle } from "../canvas/Board";
import type { RoomClient } from "../net/types";

export function useImageWiring(
  client: RoomClient,
  actions: RoomActions,
  boardRef: RefObject<BoardHandle | null>,
): void {
  configureAssets(client.party, client.roomId);
  useEffect(() => {
    let stop: (() => void) | null = null;
    let cancelled = false;
    let loading = false;
    // The room may be unreachable as it opens (a reload while offline, with no copy of the
    // image code yet): then try again each time the connection comes back.
    const start = () => {
      if (stop || loading || cancelled) return;
      loading = true;
      loadImageCode().then(
        (m) => {
          loading = false;
          if (!cancelled) stop = m.startImages(client);
        },
        () => {
          loading = false;
        },
      );
    };
    start();
    const offStatus = client.onStatus((s) => {
      if (s.state === "connected") start();
    });
    // Files dragged over the canvas: without preventDefault the browser would open the file in
    // place of the board. The files are read now: a drop's data is gone once the event ends.
    const onDrag = (e: DragEvent) => {
      const canvas = e.target instanceof Element && e.target.closest('[data-testid="canvas"]');
      if (!canvas || !e.dataTransfer?.types.includes("Files")) return;
      e.preventDefault();
      if (e.type !== "drop") return;
      const files = imageFiles(e.dataTransfer);
      const box = canvas.getBoundingClientRect();
      const at = { x: e.clientX - box.left, y: e.clientY - box.top };
      withImageCode((m) => m.dropImages(actions, boardRef, files, at));
    };
    window.addEventListener("dragover", onDrag);
    window.addEventListener("drop", onDrag);
    return () => {
      cancelled = true;
      offStatus();
      stop?.();
      window.removeEventListener("dragover", onDrag);
      window.removeEventListener("drop", onDrag);
    };
  }, [client, actions, boardRef]);
}
