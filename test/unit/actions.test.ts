/**
 * Commands (src/actions): the ActionManager routes keys, ignores typing, and alone refuses
 * writing actions to a view-only visitor [A1–A6]; a few actions' perform against a real Y.Doc
 * ShapeStore [A7–A14]. The read-only tests leave the store writable on purpose, so only the
 * manager stands between a viewer and the document.
 */
import { afterEach, describe, expect, test, vi } from "vitest";
import * as Y from "yjs";
import {
  type ActionContext,
  type ActionName,
  ALL_ACTIONS,
  createRoomActions,
  type EditState,
  type KeyInput,
} from "../../src/actions";
import type { ClipboardInput } from "../../src/actions/types";
import type { BoardHandle } from "../../src/canvas/Board";
import { ZOOM_STEP } from "../../src/canvas/view";
import { DUPLICATE_OFFSET, type NewShape, ShapeStore } from "../../src/doc/shapeStore";
import { clipboardJson } from "../../src/doc/transfer";
import { NUDGE_STEP, NUDGE_STEP_BIG, PASTE_FALLBACK_MS } from "../../src/shared/constants";
import { DEFAULT_STYLE, type ShapeStyle } from "../../src/tools/shapeFactory";
import type { ToolName } from "../../src/tools/tools";
import { newRect as rect } from "./support/fakes";

const text = (words: string): NewShape => ({
  ...rect(),
  type: "text",
  height: 25,
  text: words,
  fontSize: 20,
});

/** A room's worth of state around a real ShapeStore; the board only records what it is asked. */
function setup() {
  const doc = new Y.Doc();
  const store = new ShapeStore(doc);
  const state = {
    selection: [] as string[],
    tool: "select" as ToolName,
    style: { ...DEFAULT_STYLE } as ShapeStyle,
    editing: null as EditState | null,
    gestureActive: false,
    pointer: { x: 400, y: 300 } as { x: number; y: number } | null,
  };
  const boardCalls: string[] = [];
  const board: Partial<BoardHandle> = {
    zoomBy: (f) => void boardCalls.push(`zoomBy ${f}`),
    zoomTo: (z) => void boardCalls.push(`zoomTo ${z}`),
    fit: () => void boardCalls.push("fit"),
    cancelGesture: () => {
      boardCalls.push("cancelGesture");
      return state.gestureActive;
    },
    setSpaceHeld: (held) => void boardCalls.push(`space ${held}`),
    lastPointer: () => state.pointer,
    viewportCenter: () => ({ x: 0, y: 0 }),
    shapesLayer: () => null,
  };
  const context: ActionContext = {
    store,
    roomId: "room-1",
    board: () => board as BoardHandle,
    shapes: () => store.read(),
    selection: () => state.selection,
    select: (ids) => {
      state.selection = ids;
    },
    setTool: (tool) => {
      state.tool = tool;
    },
    style: () => state.style,
    setStyle: (change) => {
      state.style = { ...state.style, ...change };
    },
    edit: (target) => {
      state.editing = target;
    },
    // One line per "\n" at 1.25 × the font size: enough to see the box follow the font.
    textHeight: (words, _width, fontSize) => fontSize * 1.25 * words.split("\n").length,
    clipboard: { text: null, pasteEvents: 0 },
    alert: () => {},
  };
  const actions = createRoomActions(context);
  return { doc, store, state, board, boardCalls, context, actions };
}

type TestKey = KeyInput & { defaultPrevented: boolean };

const CODES: Record<string, string> = { "[": "BracketLeft", "]": "BracketRight", "!": "Digit1" };

/** A key press as a browser would describe it: `key("z", { ctrlKey: true })`. */
function key(name: string, over: Partial<KeyInput> = {}): TestKey {
  const e: TestKey = {
    key: name,
    code: CODES[name] ?? (name.length === 1 ? `Key${name.toUpperCase()}` : name),
    ctrlKey: false,
    metaKey: false,
    shiftKey: false,
    altKey: false,
    repeat: false,
    target: null,
    defaultPrevented: false,
    preventDefault() {
      e.defaultPrevented = true;
    },
    ...over,
  };
  return e;
}

type TestClipboard = ClipboardInput & { data: Map<string, string>; defaultPrevented: boolean };

function clipboardEvent(contents?: string, target: EventTarget | null = null): TestClipboard {
  const data = new Map<string, string>();
  if (contents !== undefined) data.set("text/plain", contents);
  const e: TestClipboard = {
    data,
    target,
    clipboardData: {
      getData: (type) => data.get(type) ?? "",
      setData: (type, value) => void data.set(type, value),
    },
    defaultPrevented: false,
    preventDefault() {
      e.defaultPrevented = true;
    },
  };
  return e;
}

const ctrl = { ctrlKey: true };

/** Every shortcut DESIGN.md and the UI promise, with the action it must reach. */
const SHORTCUTS: [string, TestKey, ActionName][] = [
  ["V", key("v"), "tool-select"],
  ["H", key("h"), "tool-hand"],
  ["R", key("r"), "tool-rect"],
  ["O", key("o"), "tool-ellipse"],
  ["L", key("l"), "tool-line"],
  ["A", key("a"), "tool-arrow"],
  ["P", key("p"), "tool-pen"],
  ["T", key("t"), "tool-text"],
  ["S", key("s"), "tool-sticky"],
  ["E", key("e"), "tool-eraser"],
  ["Delete", key("Delete"), "delete"],
  ["Backspace", key("Backspace"), "delete"],
  ["Ctrl+Z", key("z", ctrl), "undo"],
  ["Cmd+Z", key("z", { metaKey: true }), "undo"],
  ["Ctrl+Shift+Z", key("Z", { ctrlKey: true, shiftKey: true }), "redo"],
  ["Ctrl+Y", key("y", ctrl), "redo"],
  ["Ctrl+D", key("d", ctrl), "duplicate"],
  ["Ctrl+C", key("c", ctrl), "copy"],
  ["Ctrl+X", key("x", ctrl), "cut"],
  ["Ctrl+V", key("v", ctrl), "paste"],
  ["Ctrl+A", key("a", ctrl), "select-all"],
  ["Escape", key("Escape"), "cancel"],
  ["Enter", key("Enter"), "edit-text"],
  ["ArrowLeft", key("ArrowLeft"), "nudge"],
  ["Shift+ArrowDown", key("ArrowDown", { shiftKey: true }), "nudge"],
  ["Ctrl+]", key("]", ctrl), "bring-forward"],
  [
    "Ctrl+Shift+]",
    key("}", { ctrlKey: true, shiftKey: true, code: "BracketRight" }),
    "bring-to-front",
  ],
  ["Ctrl+[", key("[", ctrl), "send-backward"],
  [
    "Ctrl+Shift+[",
    key("{", { ctrlKey: true, shiftKey: true, code: "BracketLeft" }),
    "send-to-back",
  ],
  ["Ctrl+=", key("=", ctrl), "zoom-in"],
  ["+", key("+"), "zoom-in"],
  ["Ctrl+-", key("-", ctrl), "zoom-out"],
  ["-", key("-"), "zoom-out"],
  ["Ctrl+0", key("0", ctrl), "zoom-reset"],
  ["Shift+1", key("!", { shiftKey: true }), "zoom-fit"],
  ["Space", key(" ", { code: "Space" }), "pan-hold"],
  ["F", key("f"), "tool-frame"],
  ["Ctrl+G", key("g", ctrl), "group"],
  ["Cmd+G", key("g", { metaKey: true }), "group"],
  ["Ctrl+Shift+G", key("G", { ctrlKey: true, shiftKey: true }), "ungroup"],
  ["Ctrl+Shift+L", key("L", { ctrlKey: true, shiftKey: true }), "toggle-lock"],
  // Snapping (docs/architecture.md "Snapping"); Alt changes `key` on macOS, so `code` decides.
  ["Alt+S", key("ß", { altKey: true, code: "KeyS" }), "toggle-snap"],
  ["Ctrl+'", key("'", { ctrlKey: true, code: "Quote" }), "toggle-grid"],
  ["Ctrl+Shift+ArrowLeft", key("ArrowLeft", { ctrlKey: true, shiftKey: true }), "align-left"],
  ["Ctrl+Shift+ArrowRight", key("ArrowRight", { ctrlKey: true, shiftKey: true }), "align-right"],
  ["Ctrl+Shift+ArrowUp", key("ArrowUp", { ctrlKey: true, shiftKey: true }), "align-top"],
  ["Ctrl+Shift+ArrowDown", key("ArrowDown", { ctrlKey: true, shiftKey: true }), "align-bottom"],
  ["Alt+H", key("˙", { altKey: true, code: "KeyH" }), "distribute-horizontal"],
  ["Alt+V", key("√", { altKey: true, code: "KeyV" }), "distribute-vertical"],
];

afterEach(() => vi.useRealTimers());

describe("ActionManager", () => {
  test.each(SHORTCUTS)("[A1] %s reaches exactly one action: %s", (_label, event, name) => {
    const matching = ALL_ACTIONS.filter((a) => a.keyTest?.(event)).map((a) => a.name);
    expect(matching).toEqual([name]);
  });

  test("[A1] keys route to their action: Ctrl+Z undoes, Ctrl+Shift+Z and Ctrl+Y redo, R picks the rectangle", () => {
    const { store, state, actions } = setup();
    store.create([rect()]);
    expect(actions.handleKey(key("z", ctrl))).toBe(true);
    expect(store.read()).toHaveLength(0);
    actions.handleKey(key("Z", { ctrlKey: true, shiftKey: true }));
    expect(store.read()).toHaveLength(1);
    actions.handleKey(key("z", ctrl));
    actions.handleKey(key("y", ctrl));
    expect(store.read()).toHaveLength(1);
    const r = key("r");
    actions.handleKey(r);
    expect(state.tool).toBe("rect");
  });

  test("[A2] modifiers keep shortcuts apart: Ctrl+R and Alt+R pick no tool and the browser keeps them", () => {
    const { state, actions } = setup();
    for (const event of [key("r", ctrl), key("r", { altKey: true }), key("r", { metaKey: true })]) {
      expect(actions.handleKey(event)).toBe(false);
      expect(event.defaultPrevented).toBe(false);
    }
    expect(state.tool).toBe("select");
  });

  test("[A3] keys typed into a field or the text editor are text, not commands", () => {
    const { store, state, actions } = setup();
    state.selection = store.create([rect()]);
    const fields = [{ tagName: "INPUT" }, { tagName: "TEXTAREA" }, { tagName: "SELECT" }];
    const editable = { tagName: "DIV", isContentEditable: true };
    for (const target of [...fields, editable] as unknown as EventTarget[]) {
      for (const event of [
        key("Delete", { target }),
        key("r", { target }),
        key("z", { ...ctrl, target }),
      ]) {
        expect(actions.handleKey(event)).toBe(false);
        expect(event.defaultPrevented).toBe(false);
      }
      const pasted = clipboardEvent(clipboardJson(store.read()), target);
      expect(actions.handleClipboard("paste", pasted)).toBe(false);
      expect(pasted.defaultPrevented).toBe(false);
    }
    expect(store.read()).toHaveLength(1);
    expect(state.tool).toBe("select");
  });

  test("[A4] a viewer is refused every action that is not viewerMay, paste included; the document never changes", () => {
    vi.useFakeTimers();
    const { doc, store, state, actions, context } = setup();
    const ids = store.create([rect(0, 0), text("hello")]);
    const copied = clipboardJson(store.read());
    context.clipboard.text = copied;
    actions.readOnly = true; // the store stays writable: only the manager may refuse
    const before = Y.encodeStateAsUpdate(doc);
    const writing = ALL_ACTIONS.filter((a) => !a.viewerMay);
    expect(writing.map((a) => a.name)).toEqual(
      expect.arrayContaining(["delete", "paste", "cut", "undo", "change-stroke", "tool-rect"]),
    );
    const inputs = [
      {},
      { value: "#e03131" },
      { value: 8 },
      { value: { dx: 5, dy: 5 } },
      { value: { kind: "new", at: { x: 1, y: 1 } } },
      { clipboard: clipboardEvent(copied) },
    ];
    for (const action of writing) {
      expect(actions.canRun(action.name)).toBe(false);
      for (const input of inputs) {
        state.selection = [...ids];
        expect(actions.run(action.name, input)).toBe(false);
      }
    }
    for (const [, event] of SHORTCUTS) {
      state.selection = [...ids];
      actions.handleKey({ ...event });
    }
    const pasteEvent = clipboardEvent(copied);
    expect(actions.handleClipboard("paste", pasteEvent)).toBe(false);
    expect(pasteEvent.defaultPrevented).toBe(false);
    vi.advanceTimersByTime(PASTE_FALLBACK_MS * 2);
    expect(Y.encodeStateAsUpdate(doc)).toEqual(before);
    expect(state.editing).toBeNull();
    expect(state.tool === "select" || state.tool === "hand").toBe(true);
  });

  test("[A4] a viewer may still select, pan, zoom, copy and cancel", () => {
    const { store, state, actions, boardCalls } = setup();
    store.create([rect(), rect(10, 10)]);
    actions.readOnly = true;
    actions.handleKey(key("a", ctrl));
    expect(state.selection).toHaveLength(2);
    const copyEvent = clipboardEvent();
    expect(actions.handleClipboard("copy", copyEvent)).toBe(true);
    expect(copyEvent.data.get("text/plain")).toContain("sketchroom/shapes");
    actions.handleKey(key("h"));
    expect(state.tool).toBe("hand");
    actions.handleKey(key("+"));
    actions.handleKey(key(" ", { code: "Space" }));
    expect(boardCalls).toEqual(["cancelGesture", `zoomBy ${ZOOM_STEP}`, "space true"]);
    for (const name of ["tool-select", "zoom-fit", "export-json", "cancel"] as const) {
      expect(actions.canRun(name)).toBe(true);
    }
  });

  test("[A5] a refused key is still the app's (Ctrl+D opens no bookmark dialog); copy and paste keys go on to the browser", () => {
    const { actions } = setup();
    actions.readOnly = true;
    const dup = key("d", ctrl);
    actions.handleKey(dup);
    expect(dup.defaultPrevented).toBe(true);
    const pasteKey = key("v", ctrl);
    actions.handleKey(pasteKey);
    expect(pasteKey.defaultPrevented).toBe(false);
    actions.readOnly = false;
    const copyKey = key("c", ctrl);
    actions.handleKey(copyKey);
    expect(copyKey.defaultPrevented).toBe(false);
  });

  test("[A6] a name is registered once; running an unknown name fails loudly", () => {
    const { actions } = setup();
    expect(() => actions.register(ALL_ACTIONS[0])).toThrow(/twice/);
    expect(() => actions.run("no-such-action" as ActionName)).toThrow(/no action/);
  });
});

describe("actions against a real ShapeStore", () => {
  test("[A7] delete removes the selection in one undo step and clears it", () => {
    const { store, state, actions } = setup();
    state.selection = store.create([rect(), rect(10, 10)]);
    store.create([rect(50, 50)]);
    const del = key("Delete");
    actions.handleKey(del);
    expect(del.defaultPrevented).toBe(true);
    expect(store.read()).toHaveLength(1);
    expect(state.selection).toEqual([]);
    store.undo();
    expect(store.read()).toHaveLength(3);
  });

  test("[A8] duplicate copies the selection, offset, on top, and selects the copies", () => {
    const { store, state, actions } = setup();
    const [id] = store.create([rect(5, 5)]);
    state.selection = [id!];
    actions.run("duplicate");
    const shapes = store.read();
    expect(shapes).toHaveLength(2);
    expect(state.selection).toEqual([shapes[1]!.id]);
    expect(shapes[1]).toMatchObject({ x: 5 + DUPLICATE_OFFSET, y: 5 + DUPLICATE_OFFSET });
  });

  test("[A9] copy then paste puts copies at the pointer; cut removes what it copied", () => {
    const { store, state, actions } = setup();
    state.selection = store.create([rect(0, 0)]);
    const copyEvent = clipboardEvent();
    actions.handleClipboard("copy", copyEvent);
    expect(copyEvent.defaultPrevented).toBe(true);
    const pasteEvent = clipboardEvent(copyEvent.data.get("text/plain"));
    expect(actions.handleClipboard("paste", pasteEvent)).toBe(true);
    expect(pasteEvent.defaultPrevented).toBe(true);
    const shapes = store.read();
    expect(shapes).toHaveLength(2);
    expect(state.selection).toEqual([shapes[1]!.id]);
    expect(shapes[1]).toMatchObject({ type: "rect", x: 400, y: 300 });

    actions.run("cut", { clipboard: clipboardEvent() });
    expect(store.read()).toHaveLength(1);
    expect(state.selection).toEqual([]);
  });

  test("[A9] pasted plain text (or someone else's JSON) becomes a text shape", () => {
    const { store, actions } = setup();
    actions.handleClipboard("paste", clipboardEvent('{"shapes":[]}'));
    expect(store.read()).toMatchObject([{ type: "text", text: '{"shapes":[]}', x: 400, y: 300 }]);
  });

  test("[A10] Ctrl+V with no paste event pastes the internal clipboard once the event is overdue, and only then", () => {
    vi.useFakeTimers();
    const { store, state, actions } = setup();
    state.selection = store.create([rect()]);
    actions.handleKey(key("c", ctrl));
    actions.handleKey(key("v", ctrl));
    vi.advanceTimersByTime(PASTE_FALLBACK_MS - 1);
    expect(store.read()).toHaveLength(1);
    vi.advanceTimersByTime(1);
    expect(store.read()).toHaveLength(2);
    // With the browser's event in time, the event pastes and the fallback stands down.
    actions.handleKey(key("v", ctrl));
    actions.handleClipboard("paste", clipboardEvent());
    vi.advanceTimersByTime(PASTE_FALLBACK_MS);
    expect(store.read()).toHaveLength(3);
  });

  test("[A11] arrow keys nudge the selection (Shift: further); with nothing selected the key is the browser's", () => {
    const { store, state, actions } = setup();
    const idle = key("ArrowLeft");
    expect(actions.handleKey(idle)).toBe(false);
    expect(idle.defaultPrevented).toBe(false);
    state.selection = store.create([rect(100, 100)]);
    actions.handleKey(key("ArrowLeft"));
    actions.handleKey(key("ArrowDown", { shiftKey: true }));
    expect(store.read()[0]).toMatchObject({ x: 100 - NUDGE_STEP, y: 100 + NUDGE_STEP_BIG });
  });

  test("[A12] z-order: Ctrl+Shift+] brings the selection to the front, Ctrl+[ sends it back one", () => {
    const { store, state, actions } = setup();
    const [a, b, c] = store.create([rect(), rect(), rect()]);
    state.selection = [a!];
    actions.handleKey(key("}", { ctrlKey: true, shiftKey: true, code: "BracketRight" }));
    expect(store.read().map((s) => s.id)).toEqual([b, c, a]);
    actions.handleKey(key("[", ctrl));
    expect(store.read().map((s) => s.id)).toEqual([b, a, c]);
  });

  test("[A13] style changes apply to the selection and the next shape; a text box follows its font size", () => {
    const { store, state, actions } = setup();
    state.selection = store.create([rect(), text("two\nlines")]);
    actions.run("change-stroke", { value: "#e03131" });
    actions.run("change-font-size", { value: 36 });
    const [box, words] = store.read();
    expect(box).toMatchObject({ stroke: "#e03131" });
    expect(words).toMatchObject({ stroke: "#e03131", fontSize: 36, height: 36 * 1.25 * 2 });
    expect(state.style).toMatchObject({ stroke: "#e03131", fontSize: 36 });
    expect(actions.run("change-stroke-width", { value: "wide" })).toBe(false);
  });

  test("[A14] Escape cancels a gesture first and clears the selection only when there was none", () => {
    const { store, state, actions } = setup();
    state.selection = store.create([rect()]);
    state.gestureActive = true;
    actions.handleKey(key("Escape"));
    expect(state.selection).toHaveLength(1);
    state.gestureActive = false;
    actions.handleKey(key("Escape"));
    expect(state.selection).toEqual([]);
  });

  test("[A14] Enter opens the editor on the one selected text shape, and the text tool's click opens a new one", () => {
    const { store, state, actions } = setup();
    // A pen stroke holds no text and no label: Enter goes on to the browser.
    state.selection = store.create([{ ...rect(), type: "pen", points: [0, 0, 10, 10] }]);
    const onPen = key("Enter");
    actions.handleKey(onPen);
    expect(onPen.defaultPrevented).toBe(false);
    expect(state.editing).toBeNull();
    const [id] = store.create([text("hi")]);
    state.selection = [id!];
    actions.handleKey(key("Enter"));
    expect(state.editing).toEqual({ kind: "existing", id });
    actions.run("edit-text", { value: { kind: "new", at: { x: 7, y: 8 } } });
    expect(state.editing).toMatchObject({ kind: "new", shape: { type: "text", x: 7, y: 8 } });
    expect(state.selection).toEqual([]);
  });
});
