/**
 * One open room: composes the canvas, the chrome around it, presence and the commands. Commands
 * live in src/actions (one file each) and run through one ActionManager (useRoomActions), which
 * the keyboard, the toolbar, the menus and the panels share.
 */
import { useCallback, useEffect, useMemo, useRef, useState } from "react";
import type { EditState } from "../actions";
import { Board, type BoardHandle, type EditRequest } from "../canvas/Board";
import { FrameNameEditor } from "../canvas/FrameNameEditor";
import { Layer } from "../canvas/konva";
import { type EditTarget, TextEditor } from "../canvas/TextEditor";
import { useShapes } from "../canvas/useShapes";
import { ShapeStore } from "../doc/shapeStore";
import { useUndo } from "../doc/useUndo";
import type { RoomClient } from "../net/types";
import { applyPreviews } from "../presence/previews";
import { RemoteCursors } from "../presence/RemoteCursors";
import { RemoteDrafts } from "../presence/RemoteDrafts";
import { RemoteLasers } from "../presence/RemoteLasers";
import { RemoteSelections } from "../presence/RemoteSelections";
import { LABEL_TYPES, TEXT_TYPES } from "../shared/schema";
import { DEFAULT_STYLE, type ShapeStyle } from "../tools/shapeFactory";
import type { ToolName } from "../tools/tools";
import { AwayNotice } from "./AwayNotice";
import { useAutomationHook } from "./automationHook";
import { HistoryHost } from "./HistoryHost";
import { loadIdentity, saveIdentity, type UserIdentity } from "./identity";
import { MainMenu } from "./MainMenu";
import { PresenceList } from "./PresenceList";
import { ShareButton } from "./ShareButton";
import { StatusBadge } from "./StatusBadge";
import { StylePanel } from "./StylePanel";
import { Toolbar } from "./Toolbar";
import { UserBadge } from "./UserBadge";
import { useImageWiring } from "./useImageWiring";
import { useNotice } from "./useNotice";
import { usePresenceWiring } from "./usePresenceWiring";
import { useRoomActions } from "./useRoomActions";
import { ZoomControls } from "./ZoomControls";

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
  const [editing, setEditing] = useState<EditState | null>(null);
  /** The frame whose title is being renamed. */
  const [renaming, setRenaming] = useState<string | null>(null);
  const [zoom, setZoom] = useState(1);
  const [user, setUser] = useState<UserIdentity>(loadIdentity);
  const notice = useNotice(client, initialNotice);
  const history = useUndo(store);
  const { presence, peers, morePeers, following, setFollowing, summon } = usePresenceWiring(
    client,
    boardRef,
    user,
    selection,
  );
  const { actions, readOnly } = useRoomActions({
    client,
    store,
    boardRef,
    shapes,
    selection,
    setSelection,
    setTool,
    style,
    setStyle,
    setEditing,
    summon,
  });
  useAutomationHook(client, boardRef, selection);
  useImageWiring(client, actions, boardRef);

  // Shapes someone else is dragging right now are drawn where they are, not where they were.
  const displayShapes = useMemo(() => applyPreviews(shapes, peers), [shapes, peers]);
  const shapesById = useMemo(() => new Map(displayShapes.map((s) => [s.id, s])), [displayShapes]);

  // Drop selected ids that no longer exist (deleted remotely, undone).
  useEffect(() => {
    const present = new Set(shapes.map((s) => s.id));
    setSelection((sel) =>
      sel.every((id) => present.has(id)) ? sel : sel.filter((id) => present.has(id)),
    );
  }, [shapes]);

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
        dash: selectedShape.dash ?? "solid",
        opacity: selectedShape.opacity ?? 1,
      }
    : style;
  const { selectionLocked, onlyImages } = useMemo(() => {
    const wanted = new Set(selection);
    const held = shapes.filter((s) => wanted.has(s.id));
    return {
      selectionLocked: held.length > 0 && held.every((s) => s.locked === true),
      onlyImages: held.length > 0 && held.every((s) => s.type === "image"),
    };
  }, [shapes, selection]);
  // Font size applies to text and notes: shown for a selection holding one, or their tools.
  const showFontSize =
    selectedText !== undefined ||
    (selection.length === 0 && (tool === "text" || tool === "sticky"));
  const showStylePanel =
    actions.canRun("change-stroke") &&
    (selection.length > 0 || (tool !== "select" && tool !== "hand" && tool !== "eraser"));

  const openEditor = useCallback(
    (request: EditRequest) =>
      request.kind === "frame-name"
        ? setRenaming(request.id)
        : actions.run("edit-text", { value: request }),
    [actions],
  );

  const onCreated = useCallback((ids: string[], drawnWith: ToolName) => {
    if (drawnWith === "pen") return; // the pen stays, like Excalidraw
    setTool("select");
    setSelection(ids);
    if (drawnWith === "sticky" && ids[0]) setEditing({ kind: "existing", id: ids[0] });
  }, []);

  const editTarget: EditTarget | null = useMemo(() => {
    if (!editing) return null;
    if (editing.kind === "new") return { kind: "new", shape: editing.shape };
    const shape = shapes.find((s) => s.id === editing.id);
    const editable = shape && (TEXT_TYPES.has(shape.type) || LABEL_TYPES.has(shape.type));
    return editable ? { kind: "existing", shape } : null;
  }, [editing, shapes]);

  // The edited shape vanished (deleted by someone else): close the editor.
  useEffect(() => {
    if (editing && !editTarget) setEditing(null);
  }, [editing, editTarget]);

  const renamedFrame = renaming
    ? shapes.find((s) => s.id === renaming && s.type === "frame")
    : undefined;

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
        onLaser={presence.setLaser}
      >
        <Layer listening={false} name="remote">
          <RemoteDrafts peers={peers} />
          <RemoteSelections peers={peers} shapesById={shapesById} zoom={zoom} />
          <RemoteLasers peers={peers} />
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
      {renamedFrame && boardRef.current && (
        <FrameNameEditor
          key={renamedFrame.id}
          store={store}
          board={boardRef.current}
          frame={renamedFrame}
          onDone={() => setRenaming(null)}
        />
      )}
      <div className="top-left">
        <MainMenu
          actions={actions}
          selectionCount={selection.length}
          frameSelected={
            selection.length === 1 && shapes.find((s) => s.id === selection[0])?.type === "frame"
          }
        />
        <div className="panel room-info">
          <span className="brand">Sketchroom</span>
          <UserBadge user={user} onChange={updateUser} />
        </div>
      </div>
      <Toolbar tool={tool} actions={actions} />
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
          onSummon={
            actions.canRun("summon-everyone") ? () => actions.run("summon-everyone") : undefined
          }
        />
        <StatusBadge client={client} />
        <ShareButton client={client} />
      </div>
      {showStylePanel && (
        <StylePanel
          style={panelStyle}
          showFontSize={showFontSize}
          selectionCount={selection.length}
          locked={selectionLocked}
          strokes={!onlyImages}
          actions={actions}
        />
      )}
      <ZoomControls zoom={zoom} history={history} actions={actions} />
      <AwayNotice client={client} />
      <HistoryHost client={client} actions={actions} boardRef={boardRef} />
    </div>
  );
}
