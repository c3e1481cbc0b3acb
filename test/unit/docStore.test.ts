/** The document model (src/doc/shapeStore.ts): one user action = one transaction = one undo step. */
import { describe, expect, test } from "vitest";
import * as Y from "yjs";
import { LOCAL_ORIGIN } from "../../src/doc/origin";
import { type NewShape, ShapeStore } from "../../src/doc/shapeStore";
import { getShapes, readShapes, shapeToYMap } from "../../src/shared/doc";
import { parseShape } from "../../src/shared/schema";
import { newRect as rect } from "./support/fakes";

const sticky = (text: string): NewShape => ({
  ...rect(),
  type: "sticky",
  fill: "#ffec99",
  text,
  fontSize: 20,
});

function setup() {
  const doc = new Y.Doc();
  return { doc, store: new ShapeStore(doc) };
}

/** Counts transactions with our origin. */
function countLocalTransactions(doc: Y.Doc): () => number {
  let n = 0;
  doc.on("afterTransaction", (tr: Y.Transaction) => {
    if (tr.origin === LOCAL_ORIGIN && tr.changed.size > 0) n++;
  });
  return () => n;
}

describe("ShapeStore", () => {
  test("create writes valid shapes on top, in order, in one transaction", () => {
    const { doc, store } = setup();
    const transactions = countLocalTransactions(doc);
    const first = store.create([rect(0, 0)]);
    const [a, b] = store.create([rect(10, 10), rect(20, 20)]);
    expect(transactions()).toBe(2);
    const shapes = readShapes(doc);
    expect(shapes.map((s) => s.id)).toEqual([first[0], a, b]);
    for (const [id, value] of getShapes(doc)) expect(parseShape(id, value.toJSON())).not.toBeNull();
  });

  test("update writes only keys that change", () => {
    const { doc, store } = setup();
    const [id] = store.create([rect()]);
    const writes: string[] = [];
    getShapes(doc).observeDeep((events) => {
      for (const e of events) if (e instanceof Y.YMapEvent) writes.push(...e.keysChanged);
    });
    store.update([{ id: id!, x: 0, y: 30, width: 100 }]);
    expect(writes).toEqual(["y"]);
  });

  test("update ignores keys the shape type does not store and unknown ids", () => {
    const { doc, store } = setup();
    const [id] = store.create([rect()]);
    store.update([
      { id: id!, points: [0, 0, 1, 1], text: "nope" },
      { id: "missing", x: 5 },
    ]);
    const map = getShapes(doc).get(id!)!;
    expect(map.has("points")).toBe(false);
    expect(map.has("text")).toBe(false);
    expect(getShapes(doc).has("missing")).toBe(false);
  });

  test("a move gesture of several shapes is one undo step", () => {
    const { doc, store } = setup();
    const ids = store.create([rect(0, 0), rect(100, 0)]);
    store.update(ids.map((id, i) => ({ id, x: 500 + i * 100, y: 500 })));
    store.undo();
    expect(readShapes(doc).map((s) => [s.x, s.y])).toEqual([
      [0, 0],
      [100, 0],
    ]);
    store.redo();
    expect(readShapes(doc).map((s) => [s.x, s.y])).toEqual([
      [500, 500],
      [600, 500],
    ]);
  });

  test("consecutive gestures are separate undo steps even within the capture window", () => {
    const { doc, store } = setup();
    const [id] = store.create([rect()]);
    store.update([{ id: id!, x: 10 }]);
    store.update([{ id: id!, x: 20 }]);
    store.undo();
    expect(readShapes(doc)[0]!.x).toBe(10);
    store.undo();
    expect(readShapes(doc)[0]!.x).toBe(0);
    store.undo();
    expect(readShapes(doc)).toEqual([]);
  });

  test("undo never reverts a remote change", () => {
    const { doc, store } = setup();
    const [id] = store.create([rect()]);
    const remote = new Y.Doc();
    Y.applyUpdate(remote, Y.encodeStateAsUpdate(doc));
    getShapes(remote).get(id!)!.set("fill", "#ffc9c9");
    Y.applyUpdate(doc, Y.encodeStateAsUpdate(remote), "remote");
    store.update([{ id: id!, x: 42 }]);
    store.undo();
    const [shape] = readShapes(doc);
    expect(shape!.x).toBe(0);
    expect(shape!.fill).toBe("#ffc9c9");
  });

  test("remove deletes in one step and undo restores", () => {
    const { doc, store } = setup();
    const ids = store.create([rect(), rect(5, 5)]);
    store.remove([...ids, "not-there"]);
    expect(readShapes(doc)).toEqual([]);
    store.undo();
    expect(
      readShapes(doc)
        .map((s) => s.id)
        .sort(),
    ).toEqual([...ids].sort());
  });

  test("duplicate copies with new ids, offset, on top, preserving relative order", () => {
    const { doc, store } = setup();
    const [a, b, c] = store.create([rect(0, 0), rect(50, 0), rect(100, 0)]);
    const copies = store.duplicate([c!, a!]);
    const shapes = readShapes(doc);
    expect(shapes.map((s) => s.id)).toEqual([a, b, c, ...copies]);
    expect(shapes.slice(3).map((s) => [s.x, s.y])).toEqual([
      [16, 16],
      [116, 16],
    ]);
    expect(new Set([a, b, c, ...copies]).size).toBe(5);
  });

  test("text is a Y.Text edited with minimal diffs; concurrent typing merges", () => {
    const { doc, store } = setup();
    const [id] = store.create([sticky("hello world")]);
    const other = new Y.Doc();
    Y.applyUpdate(other, Y.encodeStateAsUpdate(doc));
    const otherStore = new ShapeStore(other);
    store.setText(id!, "hello brave world");
    otherStore.setText(id!, "hello world!");
    Y.applyUpdate(doc, Y.encodeStateAsUpdate(other));
    Y.applyUpdate(other, Y.encodeStateAsUpdate(doc));
    expect(readShapes(doc)[0]!.text).toBe("hello brave world!");
    expect(readShapes(other)[0]!.text).toBe("hello brave world!");
  });

  test("a typing burst is one undo step, closed by endStep", () => {
    const { doc, store } = setup();
    const [id] = store.create([sticky("")]);
    store.setText(id!, "h");
    store.setText(id!, "hi");
    store.setText(id!, "hi!");
    store.endStep();
    store.update([{ id: id!, x: 9 }]);
    store.undo();
    expect(readShapes(doc)[0]!.text).toBe("hi!");
    store.undo();
    expect(readShapes(doc)[0]!.text).toBe("");
  });

  test("textOf works for shapes written by shapeToYMap", () => {
    const { doc, store } = setup();
    const shape = { ...sticky("note"), id: "n1", z: "a0" };
    getShapes(doc).set("n1", shapeToYMap(shape));
    expect(store.textOf("n1")?.toString()).toBe("note");
    expect(store.textOf("nope")).toBeNull();
  });
});

describe("ShapeStore z-order", () => {
  test("bring to front / send to back / forward / backward", () => {
    const { doc, store } = setup();
    const [a, b, c, d] = store.create([rect(), rect(), rect(), rect()]);
    const order = () => readShapes(doc).map((s) => s.id);
    store.moveZ([a!], "front");
    expect(order()).toEqual([b, c, d, a]);
    store.moveZ([a!], "back");
    expect(order()).toEqual([a, b, c, d]);
    store.moveZ([a!], "forward");
    expect(order()).toEqual([b, a, c, d]);
    store.moveZ([d!], "backward");
    expect(order()).toEqual([b, a, d, c]);
    store.undo();
    expect(order()).toEqual([b, a, c, d]);
  });

  test("new shapes go above shapes whose z was written by another client", () => {
    const { doc, store } = setup();
    getShapes(doc).set("old", shapeToYMap({ ...rect(), id: "old", z: "zzzz" }));
    const [id] = store.create([rect()]);
    expect(readShapes(doc).map((s) => s.id)).toEqual(["old", id]);
  });
});
