/**
 * Labels, stroke style and opacity, and what an image export covers — the pure parts, against a
 * real Y.Doc ShapeStore and the real actions (docs/architecture.md "Labels, styles and images").
 *
 *  [LB1] Typing into a label writes the `label` Y.Text as minimal diffs, so two people typing
 *        into one label merge (C5); an empty label keeps its Y.Text while edited and is deleted
 *        on close; the editor's box is the label's box.
 *  [LB2] Enter with one labelled shape selected opens the editor on it.
 *  [DS1] Stroke style and opacity apply to the whole selection in one undo step; the default
 *        deletes the key; a value outside the schema is refused.
 *  [DS2] The chosen stroke style and opacity are the default for new shapes, stored only when
 *        not the schema's default.
 *  [EX1] An export covers the selection when asked and something is selected, else the board.
 *  [EX2] Its bounds are the union of what the covered shapes paint, plus padding.
 *  [EX3] Ctrl/Cmd+Shift+C is copy as PNG, and only that; Ctrl/Cmd+C stays copy.
 */
import { describe, expect, test } from "vitest";
import * as Y from "yjs";
import {
  type ActionContext,
  ALL_ACTIONS,
  createRoomActions,
  type EditState,
} from "../../src/actions";
import type { KeyInput } from "../../src/actions/types";
import { labelArea } from "../../src/canvas/labelArea";
import {
  CONNECTOR_LABEL_WIDTH,
  LABEL_FONT_SIZE,
  LABEL_PADDING,
} from "../../src/canvas/shapeMetrics";
import { ShapeStore } from "../../src/doc/shapeStore";
import {
  defaultExportOptions,
  exportBounds,
  exportTargets,
  paintedBounds,
  readExportOptions,
} from "../../src/export/scope";
import { getShapes } from "../../src/shared/doc";
import { DEFAULT_STYLE, type ShapeStyle, shapeFromDrag } from "../../src/tools/shapeFactory";
import { newRect as rect, validShape } from "./support/fakes";

function setup() {
  const doc = new Y.Doc();
  const store = new ShapeStore(doc);
  const state = {
    selection: [] as string[],
    style: { ...DEFAULT_STYLE } as ShapeStyle,
    editing: null as EditState | null,
  };
  const context: ActionContext = {
    store,
    roomId: "room-1",
    board: () => null,
    shapes: () => store.read(),
    selection: () => state.selection,
    select: (ids) => {
      state.selection = ids;
    },
    setTool: () => {},
    style: () => state.style,
    setStyle: (change) => {
      state.style = { ...state.style, ...change };
    },
    edit: (target) => {
      state.editing = target;
    },
    textHeight: (_t, _w, fontSize) => fontSize * 1.25,
    clipboard: { text: null, pasteEvents: 0 },
    alert: () => {},
  };
  return { doc, store, state, actions: createRoomActions(context) };
}

/** Both docs exchange everything they lack. */
function sync(a: Y.Doc, b: Y.Doc): void {
  Y.applyUpdate(b, Y.encodeStateAsUpdate(a, Y.encodeStateVector(b)));
  Y.applyUpdate(a, Y.encodeStateAsUpdate(b, Y.encodeStateVector(a)));
}

function key(name: string, over: Partial<KeyInput> = {}): KeyInput {
  return {
    key: name,
    code: `Key${name.toUpperCase()}`,
    ctrlKey: false,
    metaKey: false,
    shiftKey: false,
    altKey: false,
    repeat: false,
    target: null,
    preventDefault() {},
    ...over,
  };
}

describe("labels", () => {
  test("[LB1] typing writes the label Y.Text as diffs; two people typing in one label merge", () => {
    const a = setup();
    const [id] = a.store.create([rect()]);
    a.store.setLabel(id!, "Start");
    const first = a.store.labelOf(id!);
    expect(first).toBeInstanceOf(Y.Text);
    a.store.setLabel(id!, "Start here");
    // The same Y.Text, edited in place: a replacement would drop a peer's concurrent letters.
    expect(a.store.labelOf(id!)).toBe(first);

    const b = setup();
    sync(a.doc, b.doc);
    a.store.setLabel(id!, "Start here now");
    b.store.setLabel(id!, "Big Start here");
    sync(a.doc, b.doc);
    const merged = "Big Start here now";
    expect(a.store.read()[0]!.label).toBe(merged);
    expect(b.store.read()[0]!.label).toBe(merged);
  });

  test("[LB1] an empty label keeps its Y.Text while edited; update with an empty label deletes the key", () => {
    const { store } = setup();
    const [id] = store.create([rect()]);
    // Nothing typed yet: no key is written.
    store.setLabel(id!, "");
    expect(getShapes(store.doc).get(id!)!.has("label")).toBe(false);
    store.setLabel(id!, "x");
    store.setLabel(id!, "");
    expect(store.labelOf(id!)?.toString()).toBe("");
    expect(store.read()[0]!.label).toBeUndefined();
    store.update([{ id: id!, label: "" }]);
    expect(getShapes(store.doc).get(id!)!.has("label")).toBe(false);
  });

  test("[LB1] a typing burst in a label is one undo step", () => {
    const { store } = setup();
    const [id] = store.create([rect()]);
    store.endStep();
    for (const s of ["H", "Hi", "Hi!"]) store.setLabel(id!, s);
    store.endStep();
    expect(store.read()[0]!.label).toBe("Hi!");
    store.undo();
    expect(store.read()[0]!.label).toBeUndefined();
    expect(store.read()).toHaveLength(1);
  });

  test("[LB1] the editor's box is the label's: inside a box shape's padding, centred on a connector", () => {
    const box = labelArea(validShape("diamond", "d", { width: 200, height: 120 }));
    expect(box).toEqual({
      x: LABEL_PADDING,
      y: LABEL_PADDING,
      width: 200 - LABEL_PADDING * 2,
      height: 120 - LABEL_PADDING * 2,
    });
    const arrow = labelArea(validShape("arrow", "a", { points: [0, 0, 100, 0, 100, 100] }));
    // The middle of a 200-long polyline is its corner (100, 0).
    expect(arrow).toEqual({
      x: 100 - CONNECTOR_LABEL_WIDTH / 2,
      y: -LABEL_FONT_SIZE / 2,
      width: CONNECTOR_LABEL_WIDTH,
      height: null,
    });
    expect(labelArea(validShape("pen", "p"))).toBeNull();
    expect(labelArea(validShape("sticky", "s"))).toBeNull();
  });

  test("[LB2] Enter with one labelled shape selected opens the editor on it", () => {
    const { store, state, actions } = setup();
    for (const shape of [rect(), { ...rect(), type: "arrow" as const, points: [0, 0, 50, 0] }]) {
      const [id] = store.create([shape]);
      state.selection = [id!];
      state.editing = null;
      expect(actions.handleKey(key("Enter"))).toBe(true);
      expect(state.editing).toEqual({ kind: "existing", id });
    }
  });

  test("[LB1] a viewer cannot open a label for editing, by key or by double click", () => {
    const { store, state, actions } = setup();
    const [id] = store.create([rect()]);
    state.selection = [id!];
    actions.readOnly = true;
    expect(actions.handleKey(key("Enter"))).toBe(false);
    expect(actions.run("edit-text", { value: { kind: "existing", id } })).toBe(false);
    expect(state.editing).toBeNull();
  });
});

describe("stroke style and opacity", () => {
  test("[DS1] dashed and 50% on the selection land on every selected shape, in one undo step", () => {
    const { store, state, actions } = setup();
    const ids = store.create([rect(0, 0), rect(200, 0), rect(400, 0)]);
    state.selection = [ids[0]!, ids[2]!];
    expect(actions.run("change-dash", { value: "dashed" })).toBe(true);
    expect(actions.run("change-opacity", { value: 0.5 })).toBe(true);
    const byId = new Map(store.read().map((s) => [s.id, s]));
    for (const id of state.selection) {
      expect(byId.get(id)).toMatchObject({ dash: "dashed", opacity: 0.5 });
    }
    expect(byId.get(ids[1]!)!.dash).toBeUndefined();
    store.undo();
    // Undo takes back the opacity on both shapes at once, and leaves the dash.
    expect(store.read().filter((s) => s.opacity === 0.5)).toHaveLength(0);
    expect(store.read().filter((s) => s.dash === "dashed")).toHaveLength(2);
  });

  test("[DS1] the default deletes the key; values outside the schema are refused", () => {
    const { store, state, actions } = setup();
    state.selection = store.create([rect()]);
    actions.run("change-dash", { value: "dotted" });
    actions.run("change-opacity", { value: 0.25 });
    const map = getShapes(store.doc).get(state.selection[0]!)!;
    expect(map.get("dash")).toBe("dotted");
    actions.run("change-dash", { value: "solid" });
    actions.run("change-opacity", { value: 1 });
    expect(map.has("dash")).toBe(false);
    expect(map.has("opacity")).toBe(false);
    for (const value of [0, 0.05, 1.5, Number.NaN, "0.5"]) {
      expect(actions.run("change-opacity", { value }), String(value)).toBe(false);
    }
    expect(actions.run("change-dash", { value: "wavy" })).toBe(false);
    expect(map.has("opacity") || map.has("dash")).toBe(false);
  });

  test("[DS2] the chosen style is the default for new shapes, stored only when not the default", () => {
    const { store, state, actions } = setup();
    actions.run("change-dash", { value: "dashed" });
    actions.run("change-opacity", { value: 0.75 });
    expect(state.style).toMatchObject({ dash: "dashed", opacity: 0.75 });
    for (const tool of ["rect", "ellipse", "diamond", "arrow", "pen"] as const) {
      const drawn = shapeFromDrag(tool, state.style, { x: 0, y: 0 }, { x: 80, y: 60 });
      expect(drawn, tool).toMatchObject({ dash: "dashed", opacity: 0.75 });
    }
    const [styled] = store.create([
      shapeFromDrag("rect", state.style, { x: 0, y: 0 }, { x: 9, y: 9 })!,
    ]);
    expect(getShapes(store.doc).get(styled!)!.get("opacity")).toBe(0.75);
    const plain = shapeFromDrag("rect", DEFAULT_STYLE, { x: 0, y: 0 }, { x: 9, y: 9 })!;
    expect("dash" in plain || "opacity" in plain).toBe(false);
    const [id] = store.create([plain]);
    const map = getShapes(store.doc).get(id!)!;
    expect(map.has("dash") || map.has("opacity")).toBe(false);
  });
});

describe("what an export covers", () => {
  const board = [
    validShape("rect", "a", { x: 0, y: 0, width: 100, height: 50, strokeWidth: 2 }),
    validShape("ellipse", "b", { x: 300, y: 200, width: 40, height: 40, strokeWidth: 4 }),
    validShape("arrow", "c", { x: 500, y: 0, points: [0, 0, 100, 300], strokeWidth: 2 }),
  ];

  test("[EX1] the selection when asked and something is selected, else the whole board", () => {
    expect(exportTargets(board, ["c", "a"], true).map((s) => s.id)).toEqual(["a", "c"]);
    expect(exportTargets(board, ["c", "a"], false).map((s) => s.id)).toEqual(["a", "b", "c"]);
    expect(exportTargets(board, [], true).map((s) => s.id)).toEqual(["a", "b", "c"]);
    // A key press with no menu: the selection if any, on white.
    expect(defaultExportOptions(["a"])).toEqual({ selectionOnly: true, background: true });
    expect(defaultExportOptions([])).toEqual({ selectionOnly: false, background: true });
    expect(readExportOptions({ background: false }, [])).toEqual({
      selectionOnly: false,
      background: false,
    });
    expect(readExportOptions({ selectionOnly: "yes" }, ["a"]).selectionOnly).toBe(true);
  });

  test("[EX2] bounds: the union of what the covered shapes paint, plus padding", () => {
    expect(paintedBounds(board[0]!)).toEqual({ x: -1, y: -1, width: 102, height: 52 });
    expect(exportBounds(board, 10)).toEqual({ x: -11, y: -11, width: 622, height: 322 });
    expect(exportBounds(exportTargets(board, ["b"], true), 10)).toEqual({
      x: 288,
      y: 188,
      width: 64,
      height: 64,
    });
    expect(exportBounds([], 10)).toBeNull();
    // The browser's own measure (Konva's client rects) replaces the estimate.
    const measured = exportBounds(board.slice(0, 1), 0, () => ({
      x: 5,
      y: 5,
      width: 1,
      height: 1,
    }));
    expect(measured).toEqual({ x: 5, y: 5, width: 1, height: 1 });
  });

  test("[EX3] Ctrl/Cmd+Shift+C reaches copy as PNG only; Ctrl/Cmd+C stays copy", () => {
    const matching = (e: KeyInput) => ALL_ACTIONS.filter((a) => a.keyTest?.(e)).map((a) => a.name);
    expect(matching(key("C", { ctrlKey: true, shiftKey: true }))).toEqual(["copy-as-png"]);
    expect(matching(key("C", { metaKey: true, shiftKey: true }))).toEqual(["copy-as-png"]);
    expect(matching(key("c", { ctrlKey: true }))).toEqual(["copy"]);
  });
});
