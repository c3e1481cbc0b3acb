/** Bottom-left: zoom out / percentage (click resets to 100%) / zoom in / fit, then undo and redo. */
import { ICONS } from "./icons";

interface Props {
  zoom: number;
  onZoomIn: () => void;
  onZoomOut: () => void;
  onZoomReset: () => void;
  onFit: () => void;
  onUndo: () => void;
  onRedo: () => void;
  canUndo: boolean;
  canRedo: boolean;
}

export function ZoomControls(p: Props) {
  return (
    <div className="bottom-left">
      <fieldset className="panel zoom" aria-label="Zoom">
        <button
          type="button"
          data-testid="zoom-out"
          title="Zoom out — Ctrl+−"
          aria-label="Zoom out"
          onClick={p.onZoomOut}
        >
          {ICONS.minus}
        </button>
        <button
          type="button"
          className="zoom-value"
          data-testid="zoom-value"
          title="Reset zoom to 100%"
          onClick={p.onZoomReset}
        >
          {Math.round(p.zoom * 100)}%
        </button>
        <button
          type="button"
          data-testid="zoom-in"
          title="Zoom in — Ctrl++"
          aria-label="Zoom in"
          onClick={p.onZoomIn}
        >
          {ICONS.plus}
        </button>
        <button
          type="button"
          data-testid="zoom-fit"
          title="Zoom to fit — Shift+1"
          aria-label="Zoom to fit"
          onClick={p.onFit}
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
          disabled={!p.canUndo}
          onClick={p.onUndo}
        >
          {ICONS.undo}
        </button>
        <button
          type="button"
          data-testid="redo"
          title="Redo — Ctrl+Shift+Z"
          aria-label="Redo"
          disabled={!p.canRedo}
          onClick={p.onRedo}
        >
          {ICONS.redo}
        </button>
      </fieldset>
    </div>
  );
}
