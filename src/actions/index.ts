/**
 * Every command the room offers. A new command is one file in this folder plus one line here;
 * the keyboard, the toolbar, the menus and the panels reach it by name through the manager.
 */
import { alignActions } from "./align";
import { cancel } from "./cancel";
import { copy } from "./copy";
import { cut } from "./cut";
import { deleteSelection } from "./deleteSelection";
import { changeDash, changeOpacity } from "./diagramStyle";
import { duplicate } from "./duplicate";
import { editText } from "./editText";
import { exportFramePng, exportFrameSvg } from "./exportFrame";
import { copyAsPng, copyAsSvg, exportPng, exportSvg } from "./exportImage";
import { exportJson, importJson } from "./exportImport";
import { group, toggleLock, ungroup } from "./groups";
import { history, restoreCheckpoint } from "./history";
import { insertImage } from "./insertImage";
import { ActionManager } from "./manager";
import { nudge } from "./nudge";
import { panHold } from "./panHold";
import { paste } from "./paste";
import { redo } from "./redo";
import { selectAll } from "./selectAll";
import { toggleGrid, toggleSnap } from "./snap";
import { changeFill, changeFontSize, changeStroke, changeStrokeWidth } from "./style";
import { summonEveryone } from "./summon";
import { toolActions } from "./tools";
import type { ActionContext } from "./types";
import { undo } from "./undo";
import { bringForward, bringToFront, sendBackward, sendToBack } from "./zOrder";
import { zoomFit, zoomIn, zoomOut, zoomReset } from "./zoom";

/** In key-routing order: the first action whose keyTest matches a key press runs. */
export const ALL_ACTIONS = [
  panHold,
  undo,
  redo,
  duplicate,
  selectAll,
  copy,
  cut,
  paste,
  bringForward,
  bringToFront,
  sendBackward,
  sendToBack,
  zoomIn,
  zoomOut,
  zoomReset,
  zoomFit,
  deleteSelection,
  cancel,
  editText,
  nudge,
  ...toolActions,
  changeStroke,
  changeFill,
  changeStrokeWidth,
  changeFontSize,
  changeDash,
  changeOpacity,
  exportPng,
  exportSvg,
  copyAsPng,
  copyAsSvg,
  exportJson,
  importJson,
  group,
  ungroup,
  toggleLock,
  exportFramePng,
  exportFrameSvg,
  ...alignActions,
  toggleSnap,
  toggleGrid,
  summonEveryone,
  history,
  restoreCheckpoint,
  insertImage,
] as const;

export type ActionName = (typeof ALL_ACTIONS)[number]["name"];

export type RoomActions = ActionManager<ActionName>;

/** A manager holding every action, working on `context`. */
export function createRoomActions(context: ActionContext): RoomActions {
  const manager = new ActionManager<ActionName>(context);
  manager.register(...ALL_ACTIONS);
  return manager;
}

export { ActionManager } from "./manager";
export { toolActionName } from "./tools";
export type { Action, ActionContext, ActionInput, EditState, KeyInput } from "./types";
