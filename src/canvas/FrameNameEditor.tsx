/**
 * Renames a frame in place: a small input laid over the frame's title, following the camera.
 * Enter or leaving the field writes `name` once (one undo step); Escape keeps the old name.
 */
import { useEffect, useLayoutEffect, useRef, useState } from "react";
import { FRAME_TITLE_BAND } from "../doc/diagram";
import type { ShapeStore } from "../doc/shapeStore";
import { MAX_NAME_LENGTH, type Shape } from "../shared/schema";
import type { BoardHandle } from "./Board";
import type { View } from "./view";

interface Props {
  store: ShapeStore;
  board: BoardHandle;
  frame: Shape;
  onDone: () => void;
}

export function FrameNameEditor({ store, board, frame, onDone }: Props) {
  const inputRef = useRef<HTMLInputElement>(null);
  const [view, setView] = useState<View>(() => board.getView());
  const [value, setValue] = useState(frame.name ?? "Frame");
  const done = useRef(false);
  useEffect(() => board.onView((v) => setView(v)), [board]);
  useLayoutEffect(() => {
    inputRef.current?.focus();
    inputRef.current?.select();
  }, []);

  const finish = (commit: boolean) => {
    if (done.current) return;
    done.current = true;
    const name = value.trim().slice(0, MAX_NAME_LENGTH);
    if (commit && name && name !== (frame.name ?? "Frame")) {
      store.update([{ id: frame.id, name }]);
    }
    onDone();
  };

  return (
    <input
      ref={inputRef}
      data-testid="frame-name-editor"
      aria-label="Frame name"
      className="frame-name-editor"
      value={value}
      maxLength={MAX_NAME_LENGTH}
      style={{
        position: "absolute",
        left: frame.x * view.zoom + view.x,
        top: (frame.y - FRAME_TITLE_BAND) * view.zoom + view.y,
        width: Math.max(80, frame.width * view.zoom),
        height: FRAME_TITLE_BAND * view.zoom,
        fontSize: 14 * view.zoom,
        zIndex: 5,
      }}
      onChange={(e) => setValue(e.target.value)}
      onKeyDown={(e) => {
        if (e.key === "Enter") finish(true);
        else if (e.key === "Escape") finish(false);
      }}
      onBlur={() => finish(true)}
    />
  );
}
