/**
 * In-place text editing: an HTML textarea laid exactly over a text shape or sticky note — or over
 * the label area of a rect, ellipse, diamond, triangle, line or arrow — moving with the camera.
 * Typing goes into the shape's Y.Text (`text`, or `label`) as minimal diffs, so two people typing
 * in one note or label merge (C5); a remote edit during typing updates the textarea and keeps the
 * caret in place.
 */
import { useCallback, useEffect, useLayoutEffect, useRef, useState } from "react";
import * as Y from "yjs";
import { LOCAL_ORIGIN } from "../doc/origin";
import type { NewShape, ShapeStore } from "../doc/shapeStore";
import { mapCaret } from "../doc/textDiff";
import { MAX_TEXT_LENGTH } from "../shared/constants";
import { LABEL_TYPES, type Shape } from "../shared/schema";
import { round2 } from "../tools/geometry";
import { STICKY_LINE_HEIGHT, TEXT_LINE_HEIGHT } from "../tools/shapeFactory";
import type { BoardHandle } from "./Board";
import { labelArea } from "./labelArea";
import { FONT_FAMILY, LABEL_FONT_SIZE, STICKY_PADDING } from "./shapeMetrics";
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
  // A label of a rect, ellipse, diamond, triangle, line or arrow, not the shape's own text.
  const label = LABEL_TYPES.has(shape.type) ? labelArea(shape) : null;
  const textKey = label ? "label" : "text";
  const padX = label ? label.x : isSticky ? STICKY_PADDING : 0;
  const padY = label ? label.y : isSticky ? STICKY_PADDING : 0;
  const fontSize = label ? LABEL_FONT_SIZE : shape.fontSize;
  // Konva draws labels at its default line height (1).
  const lineHeight = label ? 1 : isSticky ? STICKY_LINE_HEIGHT : TEXT_LINE_HEIGHT;
  const [initial] = useState(() => {
    if (!existingId) return "";
    // A compact shape has no Y.Text until the effect below makes its map: start from its own.
    const live = label ? store.labelOf(existingId) : store.textOf(existingId);
    return live?.toString() ?? (label ? (shape.label ?? "") : shape.text);
  });
  const doneRef = useRef(false);
  /** How far the text sits below the label box's top: labels are centred vertically. */
  const centreRef = useRef(0);

  const place = useCallback(
    (view: View) => {
      const area = areaRef.current;
      if (!area) return;
      const left = view.x + shape.x * view.zoom;
      const top = view.y + shape.y * view.zoom;
      area.style.transform = `translate(${left}px, ${top}px) scale(${view.zoom}) rotate(${shape.rotation}deg) translate(${padX}px, ${padY + centreRef.current}px)`;
    },
    [shape.x, shape.y, shape.rotation, padX, padY],
  );

  // Follow the camera and the shape.
  useLayoutEffect(() => {
    place(board.getView());
    return board.onView(place);
  }, [board, place]);

  const labelHeight = label?.height ?? null;
  const autoSize = useCallback(() => {
    const area = areaRef.current;
    if (!area || isSticky) return;
    area.style.height = "0px";
    area.style.height = `${area.scrollHeight}px`;
    if (labelHeight !== null) {
      centreRef.current = Math.max(0, (labelHeight - area.scrollHeight) / 2);
      place(board.getView());
    }
  }, [isSticky, labelHeight, place, board]);

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

  // Remote edits to the text while we type. Watched through the shape's map, because a label's
  // Y.Text comes and goes: the first letter creates it, and a peer may create or replace it.
  useEffect(() => {
    if (!existingId) return;
    // A compact shape becomes a Y.Map now (its own undo step, nothing visible changes), so
    // remote typing merges from the first keystroke (C14, C5).
    if (textKey === "label") store.editLabel(existingId);
    else store.editText(existingId);
    const map = store.shapes.get(existingId);
    if (!(map instanceof Y.Map)) return;
    const onChange = (events: Y.YEvent<Y.AbstractType<unknown>>[], tr: Y.Transaction) => {
      if (tr.origin === LOCAL_ORIGIN) return;
      const area = areaRef.current;
      const ytext = map.get(textKey);
      if (!area) return;
      let start = area.selectionStart;
      let end = area.selectionEnd;
      let touched = false;
      for (const event of events) {
        if (event.target === map && event.changes.keys.has(textKey)) {
          // The Y.Text itself was replaced or removed: the caret can only be kept in range.
          touched = true;
        } else if (event.target === ytext && event instanceof Y.YTextEvent) {
          const delta = event.delta as { retain?: number; insert?: unknown; delete?: number }[];
          start = mapCaret(start, delta);
          end = mapCaret(end, delta);
          touched = true;
        }
      }
      if (!touched) return;
      const next = ytext instanceof Y.Text ? ytext.toString() : "";
      area.value = next;
      area.setSelectionRange(Math.min(start, next.length), Math.min(end, next.length));
      autoSize();
    };
    map.observeDeep(onChange);
    return () => map.unobserveDeep(onChange);
  }, [store, existingId, textKey, autoSize]);

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
    } else if (label) {
      // An empty label is no label: the key goes (docs/schema.md: absent = none).
      if (text.trim() === "" && store.labelOf(id)) store.update([{ id, label: "" }]);
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
        width: label ? Math.max(10, label.width) : Math.max(10, shape.width - padX * 2),
        height: isSticky ? Math.max(10, shape.height - padY * 2) : undefined,
        fontSize,
        lineHeight,
        fontFamily: FONT_FAMILY,
        color: shape.stroke,
        textAlign: label ? "center" : undefined,
      }}
      onInput={(e) => {
        autoSize();
        if (!existingId) return;
        if (label) store.setLabel(existingId, e.currentTarget.value);
        else store.setText(existingId, e.currentTarget.value);
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
