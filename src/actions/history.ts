/**
 * The board's history (docs/architecture.md "History"): open the panel, and restore a checkpoint
 * as one undoable edit (C15). The restore lives here, in the initial bundle, with the Yjs it needs:
 * the lazily loaded panel reaches it only through this action, so that chunk imports no Yjs.
 */
import { LOCAL_ORIGIN } from "../doc/origin";
import { type RestoreResult, restoreCheckpoint as restore } from "../doc/restore";
import { toggleHistory } from "../ui/historyState";
import { defineAction } from "./types";

export const history = defineAction({
  name: "history",
  label: "History",
  // Viewers may look back; restoring is a separate action they may not run.
  viewerMay: true,
  perform() {
    toggleHistory();
  },
});

/** What the panel hands the restore: the checkpoint's Yjs update, and who to tell when done. */
export interface RestoreRequest {
  update: Uint8Array;
  done?: (result: RestoreResult) => void;
}

export const restoreCheckpoint = defineAction({
  name: "restore-checkpoint",
  label: "Restore this version",
  viewerMay: false,
  perform(ctx, input) {
    const request = input.value as RestoreRequest | undefined;
    if (!request || ctx.store.readOnly) return false;
    // Its own undo step: neither merged into a typing burst before it nor into the next edit.
    ctx.store.endStep();
    const result = restore(ctx.store.doc, request.update, LOCAL_ORIGIN);
    ctx.store.endStep();
    ctx.select([]);
    request.done?.(result);
    return true;
  },
});
