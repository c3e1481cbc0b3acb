/**
 * Images in an open room: where assets are fetched from, the upload queue (loaded on demand, and
 * only by a tab that may write), and image files dropped on the canvas.
 */
import { type RefObject, useEffect } from "react";
import type { RoomActions } from "../actions";
import { imageFiles } from "../assets/imageFiles";
import { configureAssets, retryMissing } from "../assets/source";
import type { BoardHandle } from "../canvas/Board";
import { screenToCanvas } from "../canvas/view";
import type { RoomClient } from "../net/types";

export function useImageWiring(
  client: RoomClient,
  actions: RoomActions,
  boardRef: RefObject<BoardHandle | null>,
): void {
  configureAssets(client.party, client.roomId);

  useEffect(() => {
    if (client.party !== "main") {
      // A view link uploads nothing, but still retries missing images when it reconnects.
      return client.onStatus((s) => {
        if (s.state === "connected") retryMissing();
      });
    }
    let stop: (() => void) | null = null;
    let cancelled = false;
    void import("../assets/uploads").then((m) => {
      if (!cancelled) stop = m.startUploads(client);
      // Adding an image must work offline too: load that code while the server is reachable
      // (the service worker keeps lazy chunks for a reload, but not every tab has one yet).
      void import("../assets/insert");
    });
    return () => {
      cancelled = true;
      stop?.();
    };
  }, [client]);

  useEffect(() => {
    const onCanvas = (e: DragEvent) =>
      e.target instanceof Element && e.target.closest('[data-testid="canvas"]') !== null;
    const hasFiles = (e: DragEvent) => e.dataTransfer?.types.includes("Files") ?? false;
    const onDragOver = (e: DragEvent) => {
      if (!onCanvas(e) || !hasFiles(e)) return;
      // Without this the browser opens the dropped file in place of the board.
      e.preventDefault();
      if (e.dataTransfer)
        e.dataTransfer.dropEffect = actions.canRun("insert-image") ? "copy" : "none";
    };
    const onDrop = (e: DragEvent) => {
      if (!onCanvas(e) || !hasFiles(e)) return;
      e.preventDefault();
      const files = imageFiles(e.dataTransfer);
      const board = boardRef.current;
      const canvas = (e.target as Element).closest('[data-testid="canvas"]');
      if (files.length === 0 || !board || !canvas) return;
      const box = canvas.getBoundingClientRect();
      const at = screenToCanvas(board.getView(), {
        x: e.clientX - box.left,
        y: e.clientY - box.top,
      });
      actions.run("insert-image", { value: { files, at } });
    };
    window.addEventListener("dragover", onDragOver);
    window.addEventListener("drop", onDrop);
    return () => {
      window.removeEventListener("dragover", onDragOver);
      window.removeEventListener("drop", onDrop);
    };
  }, [actions, boardRef]);
}
