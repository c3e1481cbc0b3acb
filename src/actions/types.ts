/**
 * A command is one small registered object (after Excalidraw's actions/): a name, a label, the
 * keys that run it, what it does, and whether a view-only visitor may run it. The keyboard,
 * the toolbar, the menus and the panels all run commands through one ActionManager, which is
 * the only place that enforces view-only mode.
 */
import type { BoardHandle } from "../canvas/Board";
import type { NewShape, ShapeStore } from "../doc/shapeStore";
import type { Shape } from "../shared/schema";
import type { ShapeStyle } from "../tools/shapeFactory";
import type { ToolName } from "../tools/tools";

/** What the text editor overlay is open on: a shape in the document, or one not created yet. */
export type EditState = { kind: "existing"; id: string } | { kind: "new"; shape: NewShape };

/**
 * The parts of a KeyboardEvent an action looks at. A structural type, so unit tests in Node
 * (which has no KeyboardEvent) can hand the manager plain objects.
 */
export interface KeyInput {
  key: string;
  code: string;
  ctrlKey: boolean;
  metaKey: boolean;
  shiftKey: boolean;
  altKey: boolean;
  repeat: boolean;
  target: EventTarget | null;
  preventDefault(): void;
}

/** The browser's copy or paste event, as far as actions use it. */
export interface ClipboardInput {
  clipboardData: (Pick<DataTransfer, "getData" | "setData"> & { files?: FileList }) | null;
  target: EventTarget | null;
  preventDefault(): void;
}

/** Why an action runs: a key press, a copy/paste event, or a button with an optional value. */
export interface ActionInput {
  key?: KeyInput;
  clipboard?: ClipboardInput;
  /** A value chosen in the UI (a colour, a width) or handed over by the canvas. */
  value?: unknown;
}

/**
 * What an action may read and change. The room fills it from its React state; unit tests fill
 * it with plain variables around a real ShapeStore.
 */
export interface ActionContext {
  readonly store: ShapeStore;
  readonly roomId: string;
  board(): BoardHandle | null;
  /** The document's shapes in paint order, as last rendered. */
  shapes(): readonly Shape[];
  selection(): readonly string[];
  select(ids: string[]): void;
  setTool(tool: ToolName): void;
  /** The style for the next shape. */
  style(): ShapeStyle;
  setStyle(change: Partial<ShapeStyle>): void;
  /** Opens the text editor overlay. */
  edit(target: EditState): void;
  /** Height of a text box holding `text` wrapped at `width` (measured with the drawing engine). */
  textHeight(text: string, width: number, fontSize: number): number;
  /** The internal clipboard, and how many browser paste events have arrived (see paste.ts). */
  readonly clipboard: { text: string | null; pasteEvents: number };
  /** Tells the user something went wrong. */
  alert(message: string): void;
  /** Asks everyone else in the room to move their camera to this user's (presence). */
  summon?(): void;
}

/**
 * `false`: there was nothing to do, so a key press goes on to the browser (an arrow key with
 * nothing selected still scrolls, Enter still presses a focused button).
 */
// biome-ignore lint/suspicious/noConfusingVoidType: most actions return nothing; only `false` means something.
export type ActionResult = boolean | void;

export interface Action<Name extends string = string> {
  readonly name: Name;
  /** Human-readable, for tooltips and menus. */
  readonly label: string;
  /** A view-only visitor may run it: it changes neither the document nor what others see of it. */
  readonly viewerMay: boolean;
  /** The key press that runs it, if any (modifiers included: Ctrl+Z is not Z). */
  keyTest?(key: KeyInput): boolean;
  /**
   * The key's browser default still runs after the action: Ctrl+C and Ctrl+V must go on to the
   * browser's copy and paste events. Otherwise a key an action claims is prevented, even when a
   * viewer is refused, so Ctrl+D never opens the bookmark dialog on a view-only page either.
   */
  readonly keepDefault?: boolean;
  perform(context: ActionContext, input: ActionInput): ActionResult;
}

/** Declares an action, keeping its name as a literal type so `run("…")` is checked. */
export function defineAction<Name extends string>(action: Action<Name>): Action<Name> {
  return action;
}
