/**
 * One open room: the canvas plus the chrome around it, the keyboard shortcuts, the clipboard,
 * and the local presence (user, cursor, selection).
 */
import { useCallback, useEffect, useMemo, useRef, useState } from "react";
import { Board, type BoardHandle, type EditRequest } from "../canvas/Board";
import { Layer } from "../canvas/konva";
import { type EditTarget, TextEditor } from "../canvas/TextEditor";
import { textBoxHeight } from "../canvas/textMetrics";
import { useShapes } from "../canvas/useShapes";
import { ZOOM_STEP } from "../canvas/view";
import { type NewShape, ShapeStore } from "../doc/shapeStore";
import { clipboardJson, parseShapesJson, placeAt } from "../doc/transfer";
import type { ZMove } from "../doc/zorder";
import type { RoomClient } from "../net/types";
import { trackActivity } from "../presence/activity";
import { cameraFollowing, viewportOf } from "../presence/follow";
import { applyPreviews } from "../presence/previews";
import { RemoteCursors } from "../presence/RemoteCursors";
import { RemoteDrafts } from "../presence/RemoteDrafts";
import { RemoteSelections } from "../presence/RemoteSelections";
import { usePeers } from "../presence/usePeers";
import { usePresenceCount } from "../presence/usePresenceCount";
import { TEXT_TYPES } from "../shared/schema";
import type { Point } from "../tools/geometry";
import { DEFAULT_STYLE, newTextShape, type ShapeStyle } from "../tools/shapeFactory";
import { type ToolName, toolForKey } from "../tools/tools";
import { loadIdentity, saveIdentity, type UserIdentity } from "./identity";
import { MainMenu } from "./MainMenu";
import { PresenceList } from "./PresenceList";
import { createPresenceSender } from "./presenceSender";
import { ShareButton } from "./ShareButton";
import { StatusBadge } from "./StatusBadge";
import { StylePanel } from "./StylePanel";
import { Toolbar } from "./Toolbar";
import { UserBadge } from "./UserBadge";
import { ZoomControls } from "./ZoomControls";

/** Arrow-key nudge, canvas units (with Shift: NUDGE_BIG). */
const NUDGE = 1;
const NUDGE_BIG = 10;
/** How long Ctrl/Cmd+V waits for the browser's paste event before using the internal clipboard, ms. */
const PASTE_FALLBACK_MS = 80;

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

function isTyping(target: EventTarget | null): boolean {
  if (!(target instanceof HTMLElement)) return false;
  return target.isContentEditable || ["INPUT", "TEXTAREA", "SELECT"].includes(target.tagName);
}

export function Room({
  client,
  initialNotice = null,
}: {
  client: RoomClient;
  /** A message to show on arrival (why the room was reloaded). */
  initialNotice?: string | null;
}) {
  const store = useMemo(() => new ShapeStore(client.doc), [client]);
  useEffect(() => () => store.destroy(), [store]);
  const shapes = useShapes(client.doc);
  const boardRef = useRef<BoardHandle>(null);
  const [tool, setTool] = useState<ToolName>("select");
  const [style, setStyle] = useState<ShapeStyle>(DEFAULT_STYLE);
  const [selection, setSelection] = useState<string[]>([]);
  const [editing, setEditing] = useState<
    { kind: "existing"; id: string } | { kind: "new"; shape: NewShape } | null
  >(null);
  const [zoom, setZoom] = useState(1);
  const [history, setHistory] = useState({ canUndo: false, canRedo: false });
  const [user, setUser] = useState<UserIdentity>(loadIdentity);
  const [readOnly, setReadOnly] = useState(() => client.getStatus().readOnly);
  const [notice, setNotice] = useState<string | null>(initialNotice);
  const clipboard = useRef<string | null>(null);
  const pasteHandled = useRef(0);

  useEffect(() => {
    const apply = (ro: boolean) => {
      store.readOnly = ro;
      setReadOnly(ro);
      if (ro) setTool((t) => (t === "hand" ? t : "select"));
    };
    apply(client.getStatus().readOnly);
    return client.onStatus((status) => apply(status.readOnly));
  }, [client, store]);

  // Notices from the room (a repaired shape, a refused write) show briefly.
  useEffect(() => client.onNotice((n) => setNotice(n.message)), [client]);
  useEffect(() => {
    if (!notice) return;
    const timer = setTimeout(() => setNotice(null), 4000);
    return () => clearTimeout(timer);
  }, [notice]);

  const presence = useMemo(() => createPresenceSender(client.awareness), [client]);
  useEffect(() => {
    // A complete presence state from the start: no cursor until the pointer enters the canvas.
    presence.setCursor(null);
    return () => presence.destroy();
  }, [presence]);
  useEffect(() => presence.setUser(user), [presence, user]);
  useEffect(() => presence.setSelection(selection), [presence, selection]);
  useEffect(() => trackActivity(client.awareness), [client]);

  // ---- Other people ---------------------------------------------------------------------------
  const peers = usePeers(client.awareness);
  const morePeers = usePresenceCount(client.awareness);
  // Shapes someone else is dragging right now are drawn where they are, not where they were.
  const displayShapes = useMemo(() => applyPreviews(shapes, peers), [shapes, peers]);
  const shapesById = useMemo(() => new Map(displayShapes.map((s) => [s.id, s])), [displayShapes]);
  const [following, setFollowing] = useState<number | null>(null);
  const followingRef = useRef(following);
  followingRef.current = following;

  // Publish our viewport (for followers); stop following as soon as this user moves the camera.
  useEffect(() => {
    const board = boardRef.current;
    if (!board) return;
    const publish = () => {
      const { width, height } = board.size();
      presence.setViewport(viewportOf(board.getView(), width, height));
    };
    publish();
    return board.onView((_view, source) => {
      publish();
      if (source === "user" && followingRef.current !== null) setFollowing(null);
    });
  }, [presence]);

  // Follow: copy the followed person's viewport whenever it changes; stop when they leave.
  useEffect(() => {
    if (following === null) return;
    const peer = peers.find((p) => p.clientId === following);
    if (!peer) {
      setFollowing(null);
      return;
    }
    const board = boardRef.current;
    if (!board) return;
    const { width, height } = board.size();
    const camera = cameraFollowing(peer, width, height);
    if (camera) board.followView(camera);
  }, [following, peers]);

  // Drop selected ids that no longer exist (deleted remotely, undone).
  useEffect(() => {
    const present = new Set(shapes.map((s) => s.id));
    setSelection((sel) =>
      sel.every((id) => present.has(id)) ? sel : sel.filter((id) => present.has(id)),
    );
  }, [shapes]);

  useEffect(() => {
    const um = store.undoManager;
    const update = () => setHistory({ canUndo: um.canUndo(), canRedo: um.canRedo() });
    um.on("stack-item-added", update);
    um.on("stack-item-popped", update);
    um.on("stack-cleared", update);
    return () => {
      um.off("stack-item-added", update);
      um.off("stack-item-popped", update);
      um.off("stack-cleared", update);
    };
  }, [store]);

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
  }, [client]);

  const selectionRef = useRef(selection);
  selectionRef.current = selection;
  const shapesRef = useRef(shapes);
  shapesRef.current = shapes;

  // The style panel shows the first selected shape's style (the font size of the first selected
  // text or note), else the style for the next shape.
  const selectedShape = shapes.find((s) => s.id === selection[0]);
  const selectedText = useMemo(() => {
    if (selection.length === 0) return undefined;
    const wanted = new Set(selection);
    return shapes.find((s) => wanted.has(s.id) && TEXT_TYPES.has(s.type));
  }, [shapes, selection]);
  const panelStyle: ShapeStyle = selectedShape
    ? {
        stroke: selectedShape.stroke,
        fill: selectedShape.fill,
        strokeWidth: selectedShape.strokeWidth,
        fontSize: selectedText?.fontSize ?? style.fontSize,
      }
    : style;
  // Font size applies to text and notes: shown for a selection holding one, or their tools.
  const showFontSize =
    selectedText !== undefined ||
    (selection.length === 0 && (tool === "text" || tool === "sticky"));

  const changeStyle = useCallback(
    (change: Partial<ShapeStyle>) => {
      setStyle((s) => ({ ...s, ...change }));
      const ids = selectionRef.current;
      if (ids.length === 0) return;
      const { fontSize } = change;
      if (fontSize === undefined) {
        store.update(ids.map((id) => ({ id, ...change })));
        return;
      }
      // A text box grows or shrinks with its font, so its frame keeps fitting the words.
      const wanted = new Set(ids);
      const patches = shapesRef.current
        .filter((s) => wanted.has(s.id))
        .map((s) =>
          s.type === "text"
            ? { id: s.id, ...change, height: textBoxHeight(s.text, s.width, fontSize) }
            : { id: s.id, ...change },
        );
      store.update(patches);
    },
    [store],
  );

  const chooseTool = useCallback((next: ToolName) => {
    boardRef.current?.cancelGesture();
    setTool(next);
    if (next !== "select") setSelection([]);
  }, []);

  const moveZ = useCallback((move: ZMove) => store.moveZ(selectionRef.current, move), [store]);
  const duplicate = useCallback(() => {
    const ids = store.duplicate(selectionRef.current);
    if (ids.length > 0) setSelection(ids);
  }, [store]);
  const remove = useCallback(() => {
    store.remove(selectionRef.current);
    setSelection([]);
  }, [store]);

  const copy = useCallback((): string | null => {
    const wanted = new Set(selectionRef.current);
    const picked = shapesRef.current.filter((s) => wanted.has(s.id));
    if (picked.length === 0) return null;
    const json = clipboardJson(picked);
    clipboard.current = json;
    return json;
  }, []);

  /** Pastes our JSON (from the system clipboard or the internal one), or plain text as a text shape. */
  const paste = useCallback(
    (text: string | null) => {
      const board = boardRef.current;
      const at: Point = board?.lastPointer() ?? board?.viewportCenter() ?? { x: 0, y: 0 };
      const parsed = text ? parseShapesJson(text, true) : null;
      if (parsed && parsed.shapes.length > 0) {
        setSelection(store.create(placeAt(parsed.shapes, at.x, at.y)));
        setTool("select");
        return;
      }
      if (text && !parsed && text.trim()) {
        setSelection(store.create([newTextShape(style, at, text.slice(0, 20_000))]));
        setTool("select");
      }
    },
    [store, style],
  );

  const openEditor = useCallback(
    (request: EditRequest) => {
      if (store.readOnly) return;
      if (request.kind === "existing") {
        setSelection([request.id]);
        setEditing({ kind: "existing", id: request.id });
      } else {
        setSelection([]);
        setEditing({ kind: "new", shape: newTextShape(style, request.at) });
      }
    },
    [store, style],
  );

  const onCreated = useCallback((ids: string[], drawnWith: ToolName) => {
    if (drawnWith === "pen") return; // the pen stays, like Excalidraw
    setTool("select");
    setSelection(ids);
    if (drawnWith === "sticky" && ids[0]) setEditing({ kind: "existing", id: ids[0] });
  }, []);

  // ---- Keyboard -------------------------------------------------------------------------------
  useEffect(() => {
    const onKeyDown = (e: KeyboardEvent) => {
      if (isTyping(e.target)) return;
      const board = boardRef.current;
      const mod = e.ctrlKey || e.metaKey;
      const key = e.key.toLowerCase();
      if (e.key === " ") {
        if (!e.repeat) board?.setSpaceHeld(true);
        e.preventDefault();
        return;
      }
      if (mod) {
        if (key === "z") {
          e.preventDefault();
          if (e.shiftKey) store.redo();
          else store.undo();
        } else if (key === "y") {
          e.preventDefault();
          store.redo();
        } else if (key === "d") {
          e.preventDefault();
          duplicate();
        } else if (key === "a") {
          e.preventDefault();
          setTool("select");
          setSelection(shapesRef.current.map((s) => s.id));
        } else if (key === "c" || key === "x") {
          // The browser's copy event fills the system clipboard; this keeps an internal copy.
          const json = copy();
          if (json) navigator.clipboard?.writeText(json).catch(() => {});
          if (key === "x" && json) remove();
        } else if (key === "v") {
          const before = pasteHandled.current;
          setTimeout(() => {
            if (pasteHandled.current === before) paste(clipboard.current);
          }, PASTE_FALLBACK_MS);
        } else if (e.code === "BracketRight") {
          e.preventDefault();
          moveZ(e.shiftKey ? "front" : "forward");
        } else if (e.code === "BracketLeft") {
          e.preventDefault();
          moveZ(e.shiftKey ? "back" : "backward");
        } else if (key === "=" || key === "+") {
          e.preventDefault();
          board?.zoomBy(ZOOM_STEP);
        } else if (key === "-") {
          e.preventDefault();
          board?.zoomBy(1 / ZOOM_STEP);
        } else if (key === "0") {
          e.preventDefault();
          board?.zoomTo(1);
        }
        return;
      }
      if (e.altKey) return;
      switch (e.key) {
        case "Delete":
        case "Backspace":
          e.preventDefault();
          remove();
          return;
        case "Escape":
          if (!board?.cancelGesture()) setSelection([]);
          return;
        case "Enter": {
          const id = selectionRef.current.length === 1 ? selectionRef.current[0] : undefined;
          const shape = shapesRef.current.find((s) => s.id === id);
          if (shape && TEXT_TYPES.has(shape.type)) {
            e.preventDefault();
            setEditing({ kind: "existing", id: shape.id });
          }
          return;
        }
        case "ArrowLeft":
        case "ArrowRight":
        case "ArrowUp":
        case "ArrowDown": {
          const step = e.shiftKey ? NUDGE_BIG : NUDGE;
          const dx = e.key === "ArrowLeft" ? -step : e.key === "ArrowRight" ? step : 0;
          const dy = e.key === "ArrowUp" ? -step : e.key === "ArrowDown" ? step : 0;
          const wanted = new Set(selectionRef.current);
          const moving = shapesRef.current.filter((s) => wanted.has(s.id));
          if (moving.length === 0) return;
          e.preventDefault();
          store.update(moving.map((s) => ({ id: s.id, x: s.x + dx, y: s.y + dy })));
          return;
        }
        case "!":
          if (e.shiftKey) board?.fit(); // Shift+1
          return;
        case "+":
        case "=":
          board?.zoomBy(ZOOM_STEP);
          return;
        case "-":
          board?.zoomBy(1 / ZOOM_STEP);
          return;
      }
      if (e.shiftKey && e.code === "Digit1") {
        board?.fit();
        return;
      }
      const next = toolForKey(e.key);
      if (next && (!store.readOnly || next === "select" || next === "hand")) chooseTool(next);
    };
    const onKeyUp = (e: KeyboardEvent) => {
      if (e.key === " ") boardRef.current?.setSpaceHeld(false);
    };
    const onBlur = () => boardRef.current?.setSpaceHeld(false);
    const onCopy = (e: ClipboardEvent) => {
      if (isTyping(e.target)) return;
      const json = copy();
      if (json && e.clipboardData) {
        e.clipboardData.setData("text/plain", json);
        e.preventDefault();
      }
    };
    const onPaste = (e: ClipboardEvent) => {
      if (isTyping(e.target)) return;
      pasteHandled.current++;
      e.preventDefault();
      const text = e.clipboardData?.getData("text/plain") || clipboard.current;
      paste(text);
    };
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
  }, [store, copy, paste, duplicate, remove, moveZ, chooseTool]);

  // ---- Export / import (loaded on demand) -------------------------------------------------
  const exportPng = useCallback(async () => {
    const layer = boardRef.current?.shapesLayer();
    if (!layer) return;
    const { exportPng } = await import("./exportImport");
    exportPng(layer, client.roomId);
  }, [client]);
  const exportJson = useCallback(async () => {
    const { exportJson } = await import("./exportImport");
    exportJson(store.read(), client.roomId);
  }, [client, store]);
  const importJson = useCallback(async () => {
    const { pickJsonFile } = await import("./exportImport");
    const parsed = await pickJsonFile();
    if (!parsed || parsed.shapes.length === 0) {
      if (parsed === null) window.alert("That file is not a Sketchroom JSON export.");
      return;
    }
    const center = boardRef.current?.viewportCenter() ?? { x: 0, y: 0 };
    setSelection(store.create(placeAt(parsed.shapes, center.x, center.y)));
    setTool("select");
  }, [store]);

  const editTarget: EditTarget | null = useMemo(() => {
    if (!editing) return null;
    if (editing.kind === "new") return { kind: "new", shape: editing.shape };
    const shape = shapes.find((s) => s.id === editing.id);
    return shape && TEXT_TYPES.has(shape.type) ? { kind: "existing", shape } : null;
  }, [editing, shapes]);

  // The edited shape vanished (deleted by someone else): close the editor.
  useEffect(() => {
    if (editing && !editTarget) setEditing(null);
  }, [editing, editTarget]);

  const updateUser = useCallback((next: UserIdentity) => {
    saveIdentity(next);
    setUser(next);
  }, []);

  return (
    <div className="room">
      <Board
        ref={boardRef}
        store={store}
        shapes={displayShapes}
        tool={tool}
        style={style}
        selection={selection}
        editingId={editing?.kind === "existing" ? editing.id : null}
        readOnly={readOnly}
        onSelect={setSelection}
        onCreated={onCreated}
        onEdit={openEditor}
        onZoom={setZoom}
        onCursor={presence.setCursor}
        onGesture={presence.setGesture}
        onDraft={presence.setDraft}
      >
        <Layer listening={false} name="remote">
          <RemoteDrafts peers={peers} />
          <RemoteSelections peers={peers} shapesById={shapesById} zoom={zoom} />
        </Layer>
        <RemoteCursors peers={peers} zoom={zoom} />
      </Board>
      {editTarget && boardRef.current && (
        <TextEditor
          key={editing?.kind === "existing" ? editing.id : "new"}
          store={store}
          board={boardRef.current}
          target={editTarget}
          onDone={(createdId) => {
            setEditing(null);
            if (createdId) {
              setSelection([createdId]);
              setTool("select");
            }
          }}
        />
      )}
      <div className="top-left">
        <MainMenu onExportPng={exportPng} onExportJson={exportJson} onImportJson={importJson} />
        <div className="panel room-info">
          <span className="brand">Sketchroom</span>
          <UserBadge user={user} onChange={updateUser} />
        </div>
      </div>
      <Toolbar tool={tool} onTool={chooseTool} readOnly={readOnly} />
      {notice && (
        <div className="notice" role="status" data-testid="notice">
          {notice}
        </div>
      )}
      <div className="top-right">
        <PresenceList
          peers={peers}
          more={morePeers}
          following={following}
          onFollow={setFollowing}
        />
        <StatusBadge client={client} />
        <ShareButton client={client} />
      </div>
      {!readOnly &&
        (selection.length > 0 || (tool !== "select" && tool !== "hand" && tool !== "eraser")) && (
          <StylePanel
            style={panelStyle}
            onStyle={changeStyle}
            showFontSize={showFontSize}
            selectionCount={selection.length}
            onZ={moveZ}
            onDuplicate={duplicate}
            onDelete={remove}
          />
        )}
      <ZoomControls
        zoom={zoom}
        onZoomIn={() => boardRef.current?.zoomBy(ZOOM_STEP)}
        onZoomOut={() => boardRef.current?.zoomBy(1 / ZOOM_STEP)}
        onZoomReset={() => boardRef.current?.zoomTo(1)}
        onFit={() => boardRef.current?.fit()}
        onUndo={() => store.undo()}
        onRedo={() => store.redo()}
        canUndo={history.canUndo}
        canRedo={history.canRedo}
      />
    </div>
  );
}
