/**
 * The room's commands: one ActionManager over the room's state, fed by the keyboard and the
 * clipboard events, and told by the room whether this connection may only watch.
 */
import {
  type Dispatch,
  type RefObject,
  type SetStateAction,
  useEffect,
  useMemo,
  useRef,
  useState,
} from "react";
import { createRoomActions, type EditState, type RoomActions } from "../actions";
import type { BoardHandle } from "../canvas/Board";
import { textBoxHeight } from "../canvas/textMetrics";
import type { ShapeStore } from "../doc/shapeStore";
import type { RoomClient } from "../net/types";
import type { Shape } from "../shared/schema";
import type { ShapeStyle } from "../tools/shapeFactory";
import type { ToolName } from "../tools/tools";

export interface RoomState {
  client: RoomClient;
  store: ShapeStore;
  boardRef: RefObject<BoardHandle | null>;
  shapes: Shape[];
  selection: string[];
  setSelection: Dispatch<SetStateAction<string[]>>;
  setTool: Dispatch<SetStateAction<ToolName>>;
  style: ShapeStyle;
  setStyle: Dispatch<SetStateAction<ShapeStyle>>;
  setEditing: Dispatch<SetStateAction<EditState | null>>;
  /** Asks everyone else to move their camera to this user's. */
  summon?: () => void;
}

export function useRoomActions(state: RoomState): { actions: RoomActions; readOnly: boolean } {
  const { client, store, boardRef, setSelection, setTool, setStyle, setEditing } = state;
  // Actions read the state of the last render, not of the render that created the manager.
  const latest = useRef(state);
  latest.current = state;

  const actions = useMemo(() => {
    const manager = createRoomActions({
      store,
      roomId: client.roomId,
      board: () => boardRef.current,
      shapes: () => latest.current.shapes,
      selection: () => latest.current.selection,
      select: setSelection,
      setTool,
      style: () => latest.current.style,
      setStyle: (change) => setStyle((s) => ({ ...s, ...change })),
      edit: setEditing,
      textHeight: textBoxHeight,
      clipboard: { text: null, pasteEvents: 0 },
      alert: (message) => window.alert(message),
      summon: () => latest.current.summon?.(),
    });
    manager.readOnly = client.getStatus().readOnly;
    return manager;
  }, [client, store, boardRef, setSelection, setTool, setStyle, setEditing]);

  const [readOnly, setReadOnly] = useState(() => client.getStatus().readOnly);
  useEffect(() => {
    const apply = (ro: boolean) => {
      // The store refuses writes too: a defence behind the manager, and the room's behind both.
      store.readOnly = ro;
      actions.readOnly = ro;
      setReadOnly(ro);
      if (ro) setTool((t) => (t === "hand" ? t : "select"));
    };
    apply(client.getStatus().readOnly);
    return client.onStatus((status) => apply(status.readOnly));
  }, [client, store, actions, setTool]);

  useEffect(() => {
    const onKeyDown = (e: KeyboardEvent) => actions.handleKey(e);
    // Space is held to pan: released on keyup, or when the window loses focus mid-hold.
    const onKeyUp = (e: KeyboardEvent) => {
      if (e.key === " ") boardRef.current?.setSpaceHeld(false);
    };
    const onBlur = () => boardRef.current?.setSpaceHeld(false);
    const onCopy = (e: ClipboardEvent) => actions.handleClipboard("copy", e);
    const onPaste = (e: ClipboardEvent) => actions.handleClipboard("paste", e);
    window.addEventListener("keydown", onKeyDown);
    window.addEventListener("keyup", onKeyUp);
    window.addEventListener("blur", onBlur);
    document.addEventListener("copy", onCopy);
    document.addEventListener("paste", onPaste);
    return () => {
      window.removeEventListener("keydown", onKeyDown);
      window.removeEventListener("keyup", onKeyUp);
      window.removeEventListener("blur", onBlur);
      document.removeEventListener("copy", onCopy);
      document.removeEventListener("paste", onPaste);
    };
  }, [actions, boardRef]);

  return { actions, readOnly };
}
