/** `window.__sketchroom`: the page's automation hook (DESIGN.md "Automation hooks"). */
import { type RefObject, useEffect, useRef } from "react";
import type { BoardHandle } from "../canvas/Board";
import type { RoomClient } from "../net/types";

declare global {
  interface Window {
    /**
     * Test/automation hook (used by e2e tests and scripts, not by the app): the live document,
     * the room client and the camera. Stable: see DESIGN.md "Automation hooks".
     */
    __sketchroom?: {
      doc: RoomClient["doc"];
      roomClient: RoomClient;
      getView: () => { x: number; y: number; zoom: number };
      getSelection: () => string[];
    };
  }
}

export function useAutomationHook(
  client: RoomClient,
  boardRef: RefObject<BoardHandle | null>,
  selection: string[],
): void {
  const selectionRef = useRef(selection);
  selectionRef.current = selection;
  useEffect(() => {
    window.__sketchroom = {
      doc: client.doc,
      roomClient: client,
      getView: () => boardRef.current?.getView() ?? { x: 0, y: 0, zoom: 1 },
      getSelection: () => selectionRef.current,
    };
    return () => {
      delete window.__sketchroom;
    };
  }, [client, boardRef]);
}
