/** Bottom-left: zoom out / percentage (click resets to 100%) / zoom in / fit, then undo and redo. */
import type { RoomActions } from "../actions";
import type { UndoState } from "../doc/useUndo";
import { ICONS } from "./icons";

interface Props {
  zoom: number;
  history: UndoState;
  actions: RoomActions;
}

export function ZoomControls({ zoom, history, actions }: Props) {
  return (
    <div className="bottom-left">
      <fieldset className="panel zoom" aria-label="Zoom">
        <button
          type="button"
          data-testid="zoom-out"
          title="Zoom out — Ctrl+−"
          aria-label="Zoom out"
          onClick={() => actions.run("zoom-out")}
        >
          {ICONS.minus}
        </button>
        <button
          type="button"
          className="zoom-value"
          data-testid="zoom-value"
          title="Reset zoom to 100%"
          onClick={() => actions.run("zoom-reset")}
        >
          {Math.round(zoom * 100)}%
        </button>
        <button
          type="button"
          data-testid="zoom-in"
          title="Zoom in — Ctrl++"
          aria-label="Zoom in"
          onClick={() => actions.run("zoom-in")}
        >
          {ICONS.plus}
        </button>
        <button
          type="button"
          data-testid="zoom-fit"
          title="Zoom to fit — Shift+1"
          aria-label="Zoom to fit"
          onClick={() => actions.run("zoom-fit")}
        >
          {ICONS.fit}
        </button>
      </fieldset>
      <fieldset className="panel history" aria-label="History">
        <button
          type="button"
          data-testid="undo"
          title="Undo — Ctrl+Z"
          aria-label="Undo"
          disabled={!history.canUndo || !actions.canRun("undo")}
          onClick={() => actions.run("undo")}
        >
          {ICONS.undo}
        </button>
        <button
          type="button"
          data-testid="redo"
          title="Redo — Ctrl+Shift+Z"
          aria-label="Redo"
          disabled={!history.canRedo || !actions.canRun("redo")}
          onClick={() => actions.run("redo")}
        >
          {ICONS.redo}
        </button>
      </fieldset>
    </div>
  );
}
