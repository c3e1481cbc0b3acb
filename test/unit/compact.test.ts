/**
 * Compact shapes (docs/schema.md "Compact shapes", issue 13): a value in `shapes` may be a plain
 * object instead of a Y.Map.
 *
 *  [CP1] Readers accept a valid compact shape; shapeToCompact stores the keys shapeToYMap does,
 *        defaults left out, and reads back as the same shape.
 *  [CP2] Only own keys count: a `__proto__` key (decoded by Yjs as the object's prototype) adds
 *        nothing, neither a type nor a property.
 *  [CP3] A value that is neither a Y.Map nor a plain object (array, number, string, null) is removed.
 *  [CP4] One creation of COMPACT_BATCH_MIN shapes or more is stored compact; fewer stay Y.Maps.
 *  [CP5] Editing a compact shape turns it into a Y.Map in the same transaction: one undo step,
 *        and undo brings the compact value back.
 *  [CP6] z rewrites (reorders) keep a compact shape compact.
 *  [CP7] Text editing a compact note starts from its text and binds a Y.Text (C5 from then on).
 *  [CP8] Reference fixes (C13) rewrite a compact connector compact.
 */
import { describe, expect, test } from "vitest";
import * as Y from "yjs";
import { LOCAL_ORIGIN } from "../../src/doc/origin";
import { type NewShape, ShapeStore } from "../../src/doc/shapeStore";
import { COMPACT_BATCH_MIN } from "../../src/shared/constants";
import {
  checkEntry,
  getShapes,
  isCompact,
  readShapes,
  shapeToCompact,
  shapeToYMap,
} from "../../src/shared/doc";
import { newRect as rect, validShape } from "./support/fakes";

const many = (n: number, make: (i: number) => NewShape = (i) => rect(i, i)) =>
  Array.from({ length: n }, (_, i) => make(i));

function setup() {
  const doc = new Y.Doc();
  return { doc, store: new ShapeStore(doc), raw: getShapes(doc) as unknown as Y.Map<unknown> };
}

/** Sends `doc`'s whole state to a fresh replica: values there are what Yjs decodes. */
function replica(doc: Y.Doc): Y.Doc {
  const other = new Y.Doc();
  Y.applyUpdate(other, Y.encodeStateAsUpdate(doc));
  return other;
}

describe("compact readers", () => {
  test("[CP1] a compact shape reads like its Y.Map, defaults left out", () => {
    const sticky = validShape("sticky", "s1", { stroke: "#1e1e1e", label: undefined });
    const arrow = validShape("arrow", "a1", { z: "a1", dash: "dashed", label: "go" });
    const doc = new Y.Doc();
    const raw = getShapes(doc) as unknown as Y.Map<unknown>;
    raw.set("s1", shapeToCompact(sticky));
    getShapes(doc).set("a1", shapeToYMap(arrow));
    expect(shapeToCompact(sticky)).not.toHaveProperty("stroke");
    expect(shapeToCompact(sticky)).not.toHaveProperty("rotation");
    expect(shapeToCompact(arrow)).toMatchObject({
      label: "go",
      dash: "dashed",
      points: [0, 0, 30, 40],
    });
    const there = replica(doc);
    const got = readShapes(there);
    expect(got).toEqual(readShapes(doc));
    expect(got.map((s) => s.id)).toEqual(["s1", "a1"]);
    const asMaps = new Y.Doc();
    getShapes(asMaps).set("s1", shapeToYMap(sticky));
    getShapes(asMaps).set("a1", shapeToYMap(arrow));
    expect(readShapes(asMaps)).toEqual(got);
    expect(got[0]).toMatchObject({ type: "sticky", text: "hello", stroke: "#1e1e1e" });
    expect(isCompact((getShapes(there) as unknown as Y.Map<unknown>).get("s1"))).toBe(true);
  });

  test("[CP2] a __proto__ key adds no type and no property", () => {
    const doc = new Y.Doc();
    const raw = getShapes(doc) as unknown as Y.Map<unknown>;
    // JSON.parse makes "__proto__" an own key; Yjs encodes it, and decoding assigns it.
    raw.set("noType", JSON.parse('{"__proto__": {"type": "rect"}, "x": 5}'));
    raw.set("inherits", JSON.parse('{"type": "rect", "__proto__": {"x": 500, "width": 7}}'));
    const there = getShapes(replica(doc)) as unknown as Y.Map<unknown>;
    expect(checkEntry("noType", there.get("noType")).status).toBe("remove");
    const result = checkEntry("inherits", there.get("inherits"));
    expect(result.status).toBe("valid");
    if (result.status === "valid") expect(result.shape).toMatchObject({ x: 0, width: 100 });
  });

  test("[CP3] arrays, numbers, strings and null are removed", () => {
    for (const value of [[{ type: "rect" }], 42, "rect", null, new Y.Array()]) {
      expect(checkEntry("v", value).status).toBe("remove");
    }
    expect(checkEntry("v", { type: "rect" }).status).toBe("valid");
  });
});

describe("ShapeStore and compact shapes", () => {
  test("[CP4] a bulk creation is stored compact, a small one as Y.Maps", () => {
    const { store, raw } = setup();
    const small = store.create(many(COMPACT_BATCH_MIN - 1));
    const bulk = store.create(many(COMPACT_BATCH_MIN));
    expect(small.every((id) => raw.get(id) instanceof Y.Map)).toBe(true);
    expect(bulk.every((id) => isCompact(raw.get(id)))).toBe(true);
    expect(store.read()).toHaveLength(2 * COMPACT_BATCH_MIN - 1);
    expect(
      store
        .read()
        .slice(-COMPACT_BATCH_MIN)
        .map((s) => s.id),
    ).toEqual(bulk);
  });

  test("[CP5] an edit expands the shape in the same transaction; undo restores it compact", () => {
    const { doc, store, raw } = setup();
    const ids = store.create(many(COMPACT_BATCH_MIN));
    const id = ids[3]!;
    const before = raw.get(id);
    let transactions = 0;
    doc.on("afterTransaction", (tr: Y.Transaction) => {
      if (tr.origin === LOCAL_ORIGIN && tr.changed.size > 0) transactions++;
    });
    // An edit that changes nothing leaves the shape compact.
    store.update([{ id, x: 3, y: 3, width: 100 }]);
    expect(raw.get(id)).toBe(before);
    store.update([{ id, x: 999, fill: "#ff0000" }]);
    expect(transactions).toBe(1);
    const map = raw.get(id);
    expect(map).toBeInstanceOf(Y.Map);
    expect(store.read().find((s) => s.id === id)).toMatchObject({ x: 999, y: 3, fill: "#ff0000" });
    expect(isCompact(raw.get(ids[4]!))).toBe(true);
    store.undo();
    expect(isCompact(raw.get(id))).toBe(true);
    expect(raw.get(id)).toEqual(before);
    store.undo();
    expect(store.read()).toEqual([]);
    store.redo();
    store.redo();
    expect(store.read().find((s) => s.id === id)).toMatchObject({ x: 999 });
  });

  test("[CP6] a reorder keeps compact shapes compact", () => {
    const { store, raw } = setup();
    const ids = store.create(many(COMPACT_BATCH_MIN));
    const [hand] = store.create([rect()]);
    store.moveZ([ids[0]!], "front");
    const order = store.read().map((s) => s.id);
    expect(order.at(-1)).toBe(ids[0]);
    expect(isCompact(raw.get(ids[0]!))).toBe(true);
    store.moveZ([hand!], "back");
    expect(store.read()[0]?.id).toBe(hand);
    expect(ids.every((id) => isCompact(raw.get(id)))).toBe(true);
  });

  test("[CP7] editing a compact note's text binds a Y.Text holding its text", () => {
    const { store, raw } = setup();
    const ids = store.create(
      many(COMPACT_BATCH_MIN, (i) => ({
        ...rect(i),
        type: "sticky",
        fill: "#ffec99",
        text: `n${i}`,
        fontSize: 20,
      })),
    );
    const id = ids[7]!;
    expect(store.textOf(id)).toBeNull();
    const text = store.editText(id);
    expect(text?.toString()).toBe("n7");
    expect(raw.get(id)).toBeInstanceOf(Y.Map);
    store.setText(id, "n7!");
    expect(store.textOf(id)).toBe(text);
    expect(store.read().find((s) => s.id === id)?.text).toBe("n7!");
    store.setText(ids[8]!, "typed");
    expect(raw.get(ids[8]!)).toBeInstanceOf(Y.Map);
    expect(store.read().find((s) => s.id === ids[8])?.text).toBe("typed");
  });

  test("[CP8] deleting a shape unbinds a compact arrow and keeps it compact (C13)", () => {
    const { store, raw } = setup();
    const [box] = store.create([rect()]);
    const arrow: NewShape = {
      ...rect(),
      type: "arrow",
      width: 0,
      height: 0,
      points: [0, 0, 50, 50],
      startId: box,
      startAnchor: { x: 1, y: 0.5 },
    };
    const ids = store.create(many(COMPACT_BATCH_MIN, (i) => (i === 0 ? arrow : rect(i))));
    expect(raw.get(ids[0]!)).toMatchObject({ startId: box });
    store.remove([box!]);
    const after = raw.get(ids[0]!);
    expect(isCompact(after)).toBe(true);
    expect(after).not.toHaveProperty("startId");
    expect(after).not.toHaveProperty("startAnchor");
  });
});
