/**
 * The History panel (loaded on demand): the room's checkpoints, newest first, refreshed while the
 * panel is open; selecting one previews it read-only over the board; Restore applies it as one
 * undoable edit (C15). Viewers may preview, not restore (the action manager enforces it).
 */
import { useCallback, useEffect, useMemo, useState } from "react";
import type { RoomActions } from "../../actions";
import type { RestoreRequest } from "../../actions/history";
import type { BoardHandle } from "../../canvas/Board";
import { Layer, Stage } from "../../canvas/konva";
import { ShapeNode } from "../../canvas/ShapeNode";
import { clampZoom, fitView, type View, zoomAround } from "../../canvas/view";
import type { RoomClient } from "../../net/types";
import { HISTORY_POLL_MS } from "../../shared/constants";
import type { CheckpointSummary } from "../../shared/protocol";
import type { Shape } from "../../shared/schema";
import { rectsIntersect, shapeBounds, unionRects } from "../../tools/geometry";
import { type LoadedCheckpoint, listCheckpoints, loadCheckpoint, relativeTime } from "./historyApi";

interface Props {
  client: RoomClient;
  actions: RoomActions;
  board: BoardHandle | null;
  /** Reads a checkpoint's shapes (src/doc/restore.ts, from the initial bundle). */
  decode: (update: Uint8Array) => Shape[];
  onClose: () => void;
}

export default function HistoryPanel({ client, actions, board, decode, onClose }: Props) {
  const [checkpoints, setCheckpoints] = useState<CheckpointSummary[] | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [preview, setPreview] = useState<LoadedCheckpoint | null>(null);
  const [loading, setLoading] = useState<string | null>(null);
  const [now, setNow] = useState(Date.now);

  useEffect(() => {
    const controller = new AbortController();
    const refresh = () => {
      setNow(Date.now());
      listCheckpoints(client, controller.signal).then(
        (list) => {
          setCheckpoints(list);
          setError(null);
        },
        (e: unknown) => {
          if (!controller.signal.aborted) setError(String((e as Error).message ?? e));
        },
      );
    };
    refresh();
    const timer = setInterval(refresh, HISTORY_POLL_MS);
    return () => {
      clearInterval(timer);
      controller.abort();
    };
  }, [client]);

  const select = useCallback(
    (info: CheckpointSummary) => {
      setLoading(info.id);
      loadCheckpoint(client, info, decode).then(
        (loaded) => {
          setLoading(null);
          setPreview(loaded);
        },
        (e: unknown) => {
          setLoading(null);
          setError(String((e as Error).message ?? e));
        },
      );
    },
    [client, decode],
  );

  const restore = useCallback(() => {
    if (!preview) return;
    const request: RestoreRequest = {
      update: preview.update,
      done: () => {
        setPreview(null);
        onClose();
      },
    };
    actions.run("restore-checkpoint", { value: request });
  }, [actions, preview, onClose]);

  return (
    <>
      {preview && (
        <Preview
          checkpoint={preview}
          board={board}
          canRestore={actions.canRun("restore-checkpoint")}
          onRestore={restore}
          onBack={() => setPreview(null)}
        />
      )}
      <aside className="panel history-panel" data-testid="history-panel" aria-label="History">
        <header>
          <strong>History</strong>
          <button
            type="button"
            className="history-close"
            data-testid="history-close"
            aria-label="Close history"
            onClick={onClose}
          >
            ×
          </button>
        </header>
        {error && <p className="history-error">{error}</p>}
        {checkpoints === null && !error && <p className="history-empty">Loading…</p>}
        {checkpoints?.length === 0 && (
          <p className="history-empty">
            No saved versions yet. The room keeps one after each burst of edits.
          </p>
        )}
        <ol>
          {checkpoints?.map((c) => (
            <li key={c.id}>
              <button
                type="button"
                data-testid="history-item"
                data-id={c.id}
                aria-current={preview?.info.id === c.id}
                title={new Date(c.at).toLocaleString()}
                onClick={() => select(c)}
              >
                <span className="history-when">
                  {relativeTime(c.at, now)}
                  {loading === c.id ? " …" : ""}
                </span>
                <span className="history-who">
                  {c.present.length > 0 ? c.present.join(", ") : "nobody named"}
                </span>
                <span className="history-count">
                  {c.shapes} shape{c.shapes === 1 ? "" : "s"}
                  {c.reason === "empty" ? " · everyone left" : ""}
                </span>
              </button>
            </li>
          ))}
        </ol>
      </aside>
    </>
  );
}

/** Keys and clipboard events the board must not see while a preview covers it. */
const BLOCKED_EVENTS = ["keydown", "paste", "copy", "cut", "drop", "dragover"] as const;

/**
 * The checkpoint drawn read-only over the whole window with the board's own shape renderer. It
 * swallows pointer, key and clipboard input, so nothing can edit the live board underneath while
 * it shows; Escape goes back.
 */
function Preview({
  checkpoint,
  board,
  canRestore,
  onRestore,
  onBack,
}: {
  checkpoint: LoadedCheckpoint;
  board: BoardHandle | null;
  canRestore: boolean;
  onRestore: () => void;
  onBack: () => void;
}) {
  const size = board?.size() ?? { width: window.innerWidth, height: window.innerHeight };
  // The board's own camera if the checkpoint's shapes are in view there, else a view that fits
  // them: a wiped board's viewer is usually still looking where the shapes were.
  const initial = useMemo((): View => {
    const bounds = unionRects(checkpoint.shapes.map(shapeBounds));
    const view = board?.getView();
    if (view && bounds) {
      const visible = {
        x: -view.x / view.zoom,
        y: -view.y / view.zoom,
        width: size.width / view.zoom,
        height: size.height / view.zoom,
      };
      if (rectsIntersect(bounds, visible)) return view;
    }
    return fitView(bounds, size.width, size.height);
  }, [checkpoint, board, size.width, size.height]);
  const [view, setView] = useState(initial);
  useEffect(() => setView(initial), [initial]);

  useEffect(() => {
    // Keys keep their browser defaults (Tab, Enter on a focused button); only the board's
    // listeners are kept from them.
    const swallow = (e: Event) => {
      if (e instanceof KeyboardEvent && e.key === "Escape") onBack();
      e.stopImmediatePropagation();
      if (e.type !== "keydown") e.preventDefault();
    };
    for (const type of BLOCKED_EVENTS) window.addEventListener(type, swallow, { capture: true });
    return () => {
      for (const type of BLOCKED_EVENTS) {
        window.removeEventListener(type, swallow, { capture: true });
      }
    };
  }, [onBack]);

  const when = new Date(checkpoint.info.at).toLocaleString();
  return (
    <div
      className="history-preview"
      data-testid="history-preview"
      data-id={checkpoint.info.id}
      data-shapes={checkpoint.shapes.length}
      onWheel={(e) => {
        if (e.ctrlKey || e.metaKey) {
          setView((v) =>
            zoomAround(v, clampZoom(v.zoom * Math.exp(-e.deltaY / 300)), {
              x: e.clientX,
              y: e.clientY,
            }),
          );
        } else {
          setView((v) => ({ ...v, x: v.x - e.deltaX, y: v.y - e.deltaY }));
        }
      }}
    >
      <Stage width={size.width} height={size.height} listening={false}>
        <Layer x={view.x} y={view.y} scaleX={view.zoom} scaleY={view.zoom} listening={false}>
          {checkpoint.shapes.map((shape) => (
            <ShapeNode key={shape.id} shape={shape} editing={false} listening={false} />
          ))}
        </Layer>
      </Stage>
      <div className="panel history-banner" role="status" data-testid="history-banner">
        <span>Previewing {when}</span>
        {canRestore && (
          <button
            type="button"
            className="primary"
            data-testid="history-restore"
            onClick={onRestore}
          >
            Restore
          </button>
        )}
        <button type="button" data-testid="history-back" onClick={onBack}>
          Back
        </button>
      </div>
    </div>
  );
}
