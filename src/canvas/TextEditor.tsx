/**
 * In-place text editing: an HTML textarea laid exactly over a text shape or sticky note, moving
 * with the camera. Typing goes into the shape's Y.Text as minimal diffs (so two people typing in
 * one note merge); a remote edit during typing updates the textarea and keeps the caret in place.
 */
import { useCallback, useEffect, useLayoutEffect, useRef, useState } from "react";
import * as Y from "yjs";
import { LOCAL_ORIGIN } from "../doc/origin";
import type { NewShape, ShapeStore } from "../doc/shapeStore";
import { mapCaret } from "../doc/textDiff";
import { MAX_TEXT_LENGTH } from "../shared/constants";
import type { Shape } from "../shared/schema";
import { round2 } from "../tools/geometry";
import { STICKY_LINE_HEIGHT, TEXT_LINE_HEIGHT } from "../tools/shapeFactory";
import type { BoardHandle } from "./Board";
import { FONT_FAMILY, STICKY_PADDING } from "./ShapeNode";
import type { View } from "./view";

export type EditTarget =
  | { kind: "existing"; shape: Shape }
  /** Not in the document yet: created on commit only if the user typed something. */
  | { kind: "new"; shape: NewShape };

interface Props {
  store: ShapeStore;
  board: BoardHandle;
  target: EditTarget;
  /** Called once when editing ends; `createdId` is set when a new text shape was created. */
  onDone: (createdId: string | null) => void;
}

export function TextEditor({ store, board, target, onDone }: Props) {
  const areaRef = useRef<HTMLTextAreaElement>(null);
  const { shape } = target;
  const existingId = target.kind === "existing" ? target.shape.id : null;
  const isSticky = shape.type === "sticky";
  const pad = isSticky ? STICKY_PADDING : 0;
  const fontSize = shape.fontSize;
  const lineHeight = isSticky ? STICKY_LINE_HEIGHT : TEXT_LINE_HEIGHT;
  // A compact shape has no Y.Text until the effect below makes one: start from its text.
  const [initial] = useState(() =>
    existingId ? (store.textOf(existingId)?.toString() ?? shape.text) : "",
  );
  const doneRef = useRef(false);

  // Follow the camera and the shape.
  useLayoutEffect(() => {
    const area = areaRef.current;
    if (!area) return;
    const place = (view: View) => {
      const left = view.x + shape.x * view.zoom;
      const top = view.y + shape.y * view.zoom;
      area.style.transform = `translate(${left}px, ${top}px) scale(${view.zoom}) rotate(${shape.rotation}deg) translate(${pad}px, ${pad}px)`;
    };
    place(board.getView());
    return board.onView(place);
  }, [board, shape.x, shape.y, shape.rotation, pad]);

  const autoSize = useCallback(() => {
    const area = areaRef.current;
    if (!area || isSticky) return;
    area.style.height = "0px";
    area.style.height = `${area.scrollHeight}px`;
  }, [isSticky]);

  useLayoutEffect(() => {
    autoSize();
    const area = areaRef.current;
    if (!area) return;
    const focus = () => {
      if (document.activeElement === area) return;
      area.focus();
      area.setSelectionRange(area.value.length, area.value.length);
    };
    focus();
    // Again after the click that opened us has finished moving focus around.
    const frame = requestAnimationFrame(focus);
    return () => cancelAnimationFrame(frame);
  }, [autoSize]);

  // Remote edits to the text while we type.
  useEffect(() => {
    if (!existingId) return;
    // Turns a compact shape into a Y.Map now, so remote typing merges from the first keystroke.
    const ytext: Y.Text | null = store.editText(existingId);
    if (!ytext) return;
    const onChange = (event: Y.YTextEvent) => {
      if (event.transaction.origin === LOCAL_ORIGIN) return;
      const area = areaRef.current;
      if (!area) return;
      const delta = event.delta as { retain?: number; insert?: unknown; delete?: number }[];
      const start = mapCaret(area.selectionStart, delta);
      const end = mapCaret(area.selectionEnd, delta);
      area.value = ytext.toString();
      area.setSelectionRange(start, end);
      autoSize();
    };
    ytext.observe(onChange);
    return () => ytext.unobserve(onChange);
  }, [store, existingId, autoSize]);

  const finish = () => {
    if (doneRef.current) return;
    doneRef.current = true;
    const area = areaRef.current;
    const text = (area?.value ?? "").slice(0, MAX_TEXT_LENGTH);
    const height = area && !isSticky ? round2(area.scrollHeight) : shape.height;
    if (target.kind === "new") {
      if (text.trim() === "") return onDone(null);
      const [id] = store.create([{ ...target.shape, text, height }]);
      return onDone(id ?? null);
    }
    const id = target.shape.id;
    if (store.readOnly) {
      // Nothing was written; nothing to close.
    } else if (!isSticky && text.trim() === "") {
      store.remove([id]);
    } else {
      // Height joins the typing's undo step (within the capture window), then the step closes.
      store.doc.transact(() => {
        const map = store.shapes.get(id);
        if (map instanceof Y.Map && !isSticky && map.get("height") !== height) {
          map.set("height", height);
        }
      }, LOCAL_ORIGIN);
    }
    store.endStep();
    onDone(null);
  };

  return (
    <textarea
      ref={areaRef}
      className="text-editor"
      data-testid="text-editor"
      defaultValue={initial}
      maxLength={MAX_TEXT_LENGTH}
      spellCheck
      style={{
        width: Math.max(10, shape.width - pad * 2),
        height: isSticky ? Math.max(10, shape.height - pad * 2) : undefined,
        fontSize,
        lineHeight,
        fontFamily: FONT_FAMILY,
        color: shape.stroke,
      }}
      onInput={(e) => {
        autoSize();
        if (existingId) store.setText(existingId, e.currentTarget.value);
      }}
      onBlur={finish}
      onKeyDown={(e) => {
        if (e.key === "Escape" || (e.key === "Enter" && (e.ctrlKey || e.metaKey))) {
          e.preventDefault();
          e.currentTarget.blur();
        }
        e.stopPropagation();
      }}
    />
  );
}
