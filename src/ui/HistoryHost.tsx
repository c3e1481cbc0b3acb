/**
 * Where the History panel appears while it is open. The panel, its preview and the restore code
 * load on demand (React.lazy): the initial bundle carries only this host.
 */
import { lazy, type RefObject, Suspense } from "react";
import type { RoomActions } from "../actions";
import type { BoardHandle } from "../canvas/Board";
import { checkpointShapes } from "../doc/restore";
import type { RoomClient } from "../net/types";
import { closeHistory, useHistoryOpen } from "./historyState";

const HistoryPanel = lazy(() => import("./history/HistoryPanel"));

export function HistoryHost(props: {
  client: RoomClient;
  actions: RoomActions;
  boardRef: RefObject<BoardHandle | null>;
}) {
  const open = useHistoryOpen();
  if (!open) return null;
  return (
    <Suspense fallback={null}>
      <HistoryPanel
        client={props.client}
        actions={props.actions}
        board={props.boardRef.current}
        decode={checkpointShapes}
        onClose={closeHistory}
      />
    </Suspense>
  );
}
