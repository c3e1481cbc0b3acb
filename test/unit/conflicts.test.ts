/**
 * The conflict rules of docs/conflicts.md as a compact table: two replicas (each with the
 * client's ShapeStore) make concurrent edits, exchange updates in both orders, and must end
 * identical with the outcome the rule names. Test names carry the rule id.
 */
import { describe, expect, it } from "vitest";
import * as Y from "yjs";
import { ShapeStore } from "../../src/doc/shapeStore";
import { COMPACT_BATCH_MIN } from "../../src/shared/constants";
import { getShapes, isCompact, readShapes } from "../../src/shared/doc";
import type { Shape } from "../../src/shared/schema";
import { newRect } from "./support/fakes";

type NewShape = Omit<Shape, "id" | "z">;
const rect: NewShape = newRect();
const sticky: NewShape = {
  ...rect,
  type: "sticky",
  fill: "#ffec99",
  text: "hello world",
  fontSize: 20,
};

/** Two replicas that start from the same document. */
function pair(setup: (store: ShapeStore) => void) {
  const a = new Y.Doc();
  const b = new Y.Doc();
  const sa = new ShapeStore(a);
  setup(sa);
  Y.applyUpdate(b, Y.encodeStateAsUpdate(a));
  const sb = new ShapeStore(b);
  return { a, b, sa, sb };
}

/** Delivers each side's unseen updates to the other (concurrent edits meet). */
function exchange(a: Y.Doc, b: Y.Doc) {
  const toB = Y.encodeStateAsUpdate(a, Y.encodeStateVector(b));
  const toA = Y.encodeStateAsUpdate(b, Y.encodeStateVector(a));
  Y.applyUpdate(b, toB);
  Y.applyUpdate(a, toA);
}

function converged(a: Y.Doc, b: Y.Doc): Shape[] {
  const sa = readShapes(a);
  expect(readShapes(b)).toEqual(sa);
  return sa;
}

describe("conflict rules", () => {
  it("[C1] one moves a shape while the other recolours it: both changes survive", () => {
    const { a, b, sa, sb } = pair((s) => s.create([rect]));
    const id = sa.read()[0]!.id;
    sa.update([{ id, x: 300, y: 200 }]);
    sb.update([{ id, stroke: "#e03131" }]);
    exchange(a, b);
    expect(converged(a, b)[0]).toMatchObject({ x: 300, y: 200, stroke: "#e03131" });
  });

  it("[C2] the same property written concurrently: one value wins on every replica", () => {
    const { a, b, sa, sb } = pair((s) => s.create([rect]));
    const id = sa.read()[0]!.id;
    sa.update([{ id, x: 111 }]);
    sb.update([{ id, x: 222 }]);
    exchange(a, b);
    expect([111, 222]).toContain(converged(a, b)[0]!.x);
    // A write that has seen the other wins.
    sb.update([{ id, x: 333 }]);
    exchange(a, b);
    expect(converged(a, b)[0]!.x).toBe(333);
  });

  it("[C3] delete beats a concurrent edit; the shape is not resurrected half-edited", () => {
    const { a, b, sa, sb } = pair((s) => s.create([rect]));
    const id = sa.read()[0]!.id;
    sa.remove([id]);
    sb.update([{ id, x: 500, stroke: "#2f9e44" }]);
    exchange(a, b);
    expect(converged(a, b)).toEqual([]);
  });

  it("[C4] concurrent bring-to-front: a deterministic order, and a later reorder still works", () => {
    const { a, b, sa, sb } = pair((s) => s.create([rect, rect, rect]));
    const [first, second] = sa.read().map((s) => s.id);
    sa.moveZ([first!], "front");
    sb.moveZ([second!], "front");
    exchange(a, b);
    const order = converged(a, b).map((s) => s.id);
    expect(order).toHaveLength(3);
    // Whatever tie they produced, one more reorder must be able to put `first` at the very back.
    sa.moveZ([first!], "back");
    exchange(a, b);
    expect(converged(a, b)[0]!.id).toBe(first);
  });

  it("[C5] two people typing in one sticky note: both insertions are kept", () => {
    const { a, b, sa, sb } = pair((s) => s.create([sticky]));
    const id = sa.read()[0]!.id;
    sa.setText(id, "hello brave world");
    sb.setText(id, "hello world!");
    exchange(a, b);
    expect(converged(a, b)[0]!.text).toBe("hello brave world!");
  });

  it("[C6] undo reverts only your own change, never the other person's", () => {
    const { a, b, sa, sb } = pair((s) => s.create([rect]));
    const id = sa.read()[0]!.id;
    sa.update([{ id, x: 10 }]);
    sb.update([{ id, stroke: "#1971c2" }]);
    exchange(a, b);
    sa.undo();
    exchange(a, b);
    expect(converged(a, b)[0]).toMatchObject({ x: 0, stroke: "#1971c2" });
    // B's undo history is B's alone: it undoes B's recolour, not A's (already undone) move.
    sb.undo();
    exchange(a, b);
    expect(converged(a, b)[0]).toMatchObject({ x: 0, stroke: "#1e1e1e" });
  });

  it("[C7] a shape created offline survives a concurrent clear-board", () => {
    const { a, b, sa, sb } = pair((s) => s.create([rect, rect]));
    const offline = sb.create([{ ...rect, x: 900 }]);
    sa.remove(sa.read().map((s) => s.id));
    exchange(a, b);
    expect(converged(a, b).map((s) => s.id)).toEqual(offline);
  });

  it("[C10] edits made while disconnected merge on reconnect, in either delivery order", () => {
    const { a, b, sa, sb } = pair((s) => s.create([rect]));
    const id = sa.read()[0]!.id;
    for (let i = 0; i < 5; i++) sa.update([{ id, x: i }]);
    sb.create([{ ...rect, y: 400 }]);
    const c = new Y.Doc();
    Y.applyUpdate(c, Y.encodeStateAsUpdate(b));
    Y.applyUpdate(c, Y.encodeStateAsUpdate(a));
    exchange(a, b);
    expect(readShapes(c)).toEqual(converged(a, b));
    expect(readShapes(c)).toHaveLength(2);
  });

  for (const order of ["a first", "b first"] as const) {
    it(`[C14] a compact shape edited on two properties at once: one edit is kept whole (${order}); then C1 holds`, () => {
      const { a, b, sa, sb } = pair((s) =>
        s.create(Array.from({ length: COMPACT_BATCH_MIN }, () => rect)),
      );
      const id = sa.read()[0]!.id;
      expect(isCompact(getShapes(a).get(id))).toBe(true);
      sa.update([{ id, x: 300 }]);
      sb.update([{ id, stroke: "#e03131" }]);
      const toB = Y.encodeStateAsUpdate(a, Y.encodeStateVector(b));
      const toA = Y.encodeStateAsUpdate(b, Y.encodeStateVector(a));
      if (order === "a first") {
        Y.applyUpdate(b, toB);
        Y.applyUpdate(a, toA);
      } else {
        Y.applyUpdate(a, toA);
        Y.applyUpdate(b, toB);
      }
      const shape = converged(a, b).find((s) => s.id === id)!;
      // C2's order picks one writer's whole value: never both edits, never neither.
      const aWon = a.clientID > b.clientID;
      expect({ x: shape.x, stroke: shape.stroke }).toEqual(
        aWon ? { x: 300, stroke: "#1e1e1e" } : { x: 0, stroke: "#e03131" },
      );
      expect(getShapes(a).get(id)).toBeInstanceOf(Y.Map);
      sa.update([{ id, y: 77 }]);
      sb.update([{ id, fill: "#ffec99" }]);
      exchange(a, b);
      expect(converged(a, b).find((s) => s.id === id)).toMatchObject({ y: 77, fill: "#ffec99" });
    });
  }
});
