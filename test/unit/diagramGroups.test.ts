/**
 * Groups, frames and locks (src/doc/diagram.ts, docs/schema.md "Groups, frames and locks"):
 * the pure rules in Node, and the store writes they make against a real Y.Doc.
 *
 *  [GR1] A member of a group stands for the whole group.
 *  [GR2] Inside an entered group, a press picks the one member.
 *  [GR3] A marquee selects whole groups and never a locked shape.
 *  [GR4] A move carries the children of a moved frame; locked shapes stay.
 *  [GR5] Delete, the eraser and nudges skip locked shapes.
 *  [GR6] Group gives the selection one new groupId; ungroup removes it: one undo step each.
 *  [GR7] Lock locks the selection, or unlocks it when all of it is locked: one undo step.
 *  [GR8] Copies of a group form a new group; copies of a frame keep their copied children.
 *  [GR9] A shape dropped fully inside a frame joins it, dragged out leaves it; a new frame adopts
 *        what lies inside it; deleting a frame keeps its children without frameId.
 *  [GR11] A resized frame takes in what it now fully holds and lets go of what it no longer does;
 *        a resized or rotated shape joins or leaves frames like a moved one.
 */
import { describe, expect, test } from "vitest";
import * as Y from "yjs";
import {
  expandGroups,
  frameTitleAt,
  groupPatches,
  lockPatches,
  marqueePick,
  membershipAfterTransform,
  membershipPatches,
  movableIds,
  nextFrameName,
  pickOnPress,
  regroupCopies,
  shapesInside,
  ungroupPatches,
  unlockedIds,
  withFrameChildren,
} from "../../src/doc/diagram";
import { ShapeStore } from "../../src/doc/shapeStore";
import type { Shape } from "../../src/shared/schema";
import { addShapes, makeShape } from "../helpers/shapes";

const rect = (id: string, over: Partial<Shape> = {}) =>
  makeShape({ id, type: "rect", x: 0, y: 0, width: 10, height: 10, ...over });

describe("groups", () => {
  const a = rect("a", { groupId: "g1" });
  const b = rect("b", { groupId: "g1", x: 50 });
  const c = rect("c", { x: 100 });
  const d = rect("d", { groupId: "g2", x: 200 });
  const board = [a, b, c, d];

  test("[GR1] a member stands for its group; an ungrouped shape for itself", () => {
    expect(expandGroups(board, ["a"]).sort()).toEqual(["a", "b"]);
    expect(expandGroups(board, ["c"])).toEqual(["c"]);
    expect(expandGroups(board, ["b", "d"]).sort()).toEqual(["a", "b", "d"]);
    expect(pickOnPress(board, "b", null).sort()).toEqual(["a", "b"]);
  });

  test("[GR2] inside an entered group a press picks one member; another group still comes whole", () => {
    expect(pickOnPress(board, "b", "g1")).toEqual(["b"]);
    expect(pickOnPress(board, "d", "g1")).toEqual(["d"]);
  });

  test("[GR3] a marquee touching one member selects the group, and never a locked shape", () => {
    expect(marqueePick(board, ["a"]).sort()).toEqual(["a", "b"]);
    const lockedB = [a, { ...b, locked: true }, c, d];
    expect(marqueePick(lockedB, ["a", "c"]).sort()).toEqual(["a", "c"]);
    expect(marqueePick([{ ...c, locked: true }], ["c"])).toEqual([]);
  });

  test("[GR6] group: one new groupId for all; ungroup clears the whole group", () => {
    const patches = groupPatches(["a", "c"], "new");
    expect(patches).toEqual([
      { id: "a", groupId: "new" },
      { id: "c", groupId: "new" },
    ]);
    expect(groupPatches(["a"])).toEqual([]);
    expect(ungroupPatches(board, ["a"])).toEqual([
      { id: "a", groupId: "" },
      { id: "b", groupId: "" },
    ]);
  });

  test("[GR6] in the store, group and ungroup are one undo step each", () => {
    const doc = new Y.Doc();
    addShapes(doc, [rect("p"), rect("q"), rect("r")]);
    const store = new ShapeStore(doc);
    store.update(groupPatches(["p", "q"], "grp"));
    const read = () => new Map(store.read().map((s) => [s.id, s]));
    expect(read().get("p")?.groupId).toBe("grp");
    expect(read().get("q")?.groupId).toBe("grp");
    expect(read().get("r")?.groupId).toBeUndefined();
    store.update(ungroupPatches(store.read(), ["p"]));
    expect(read().get("q")?.groupId).toBeUndefined();
    // The key is gone, not stored at its default.
    expect(store.shapes.get("p")?.has("groupId")).toBe(false);
    store.undo();
    expect(read().get("p")?.groupId).toBe("grp");
    expect(read().get("q")?.groupId).toBe("grp");
    store.undo();
    expect(read().get("p")?.groupId).toBeUndefined();
    store.destroy();
  });

  test("[GR8] copies of a whole group form a new group; a lone copy keeps none", () => {
    const copies = regroupCopies([a, b, d].map(({ id: _id, z: _z, ...rest }) => rest));
    expect(copies[0]!.groupId).toBeDefined();
    expect(copies[0]!.groupId).not.toBe("g1");
    expect(copies[1]!.groupId).toBe(copies[0]!.groupId);
    expect(copies[2]!.groupId).toBeUndefined();
  });

  test("[GR8] duplicate in the store: new group, and frame copies keep their copied children", () => {
    const doc = new Y.Doc();
    const frame = makeShape({ id: "f", type: "frame", x: 0, y: 0, width: 300, height: 300 });
    addShapes(doc, [
      frame,
      rect("m", { groupId: "g", frameId: "f", x: 10, y: 10 }),
      rect("n", { groupId: "g", frameId: "f", x: 40, y: 10 }),
    ]);
    const store = new ShapeStore(doc);
    const ids = store.duplicate(["f", "m", "n"]);
    const byId = new Map(store.read().map((s) => [s.id, s]));
    const [f2, m2, n2] = ids.map((id) => byId.get(id)!);
    expect(m2!.groupId).toBeDefined();
    expect(m2!.groupId).not.toBe("g");
    expect(n2!.groupId).toBe(m2!.groupId);
    expect(m2!.frameId).toBe(f2!.id);
    expect(n2!.frameId).toBe(f2!.id);
    store.undo();
    expect(store.read()).toHaveLength(3);
    store.destroy();
  });
});

describe("locks", () => {
  const free = rect("free");
  const held = rect("held", { locked: true });

  test("[GR7] lock locks the selection unless all of it is locked, then unlocks", () => {
    expect(lockPatches([free, held], ["free", "held"])).toEqual([
      { id: "free", locked: true },
      { id: "held", locked: true },
    ]);
    expect(lockPatches([free, held], ["held"])).toEqual([{ id: "held", locked: false }]);
  });

  test("[GR4][GR5] locked shapes do not move, delete or erase", () => {
    expect(movableIds([free, held], ["free", "held"])).toEqual(["free"]);
    expect(unlockedIds([free, held], ["free", "held"])).toEqual(["free"]);
  });
});

describe("frames", () => {
  const frame = makeShape({ id: "f", type: "frame", x: 0, y: 0, width: 200, height: 200 });
  const child = rect("child", { x: 20, y: 20, frameId: "f" });
  const outside = rect("out", { x: 300, y: 300 });

  test("[GR4] moving a frame carries its children, not other shapes", () => {
    expect(movableIds([frame, child, outside], ["f"]).sort()).toEqual(["child", "f"]);
    const lockedChild = { ...child, locked: true };
    expect(movableIds([frame, lockedChild], ["f"])).toEqual(["f"]);
  });

  test("[GR9] dropped inside a frame joins it; dragged out leaves it; moved with its frame keeps it", () => {
    const board = [frame, child, outside];
    expect(membershipPatches(board, [{ id: "out", x: 50, y: 50 }])).toEqual([
      { id: "out", frameId: "f" },
    ]);
    expect(membershipPatches(board, [{ id: "child", x: 500, y: 20 }])).toEqual([
      { id: "child", frameId: "" },
    ]);
    // Partly inside is outside.
    expect(membershipPatches(board, [{ id: "out", x: 195, y: 50 }])).toEqual([]);
    expect(
      membershipPatches(board, [
        { id: "f", x: 1000, y: 0 },
        { id: "child", x: 1020, y: 20 },
      ]),
    ).toEqual([]);
  });

  test("[GR11] a resized frame takes in what it now holds and lets go of the rest", () => {
    const board = [frame, child, outside];
    // Grown to hold `out` (at 300,300 size 10) too.
    expect(
      membershipAfterTransform(board, [{ id: "f", x: 0, y: 0, width: 400, height: 400 }]),
    ).toEqual([{ id: "out", frameId: "f" }]);
    // Shrunk so that `child` no longer fits.
    expect(
      membershipAfterTransform(board, [{ id: "f", x: 0, y: 0, width: 15, height: 15 }]),
    ).toEqual([{ id: "child", frameId: "" }]);
    // A child resized past its frame's edge leaves it; one resized inside stays.
    expect(
      membershipAfterTransform(board, [{ id: "child", x: 20, y: 20, width: 500, height: 10 }]),
    ).toEqual([{ id: "child", frameId: "" }]);
    expect(
      membershipAfterTransform(board, [{ id: "child", x: 20, y: 20, width: 30, height: 30 }]),
    ).toEqual([]);
  });

  test("[GR8] duplicate and copy take a frame's children along", () => {
    expect(withFrameChildren([frame, child, outside], ["f"]).sort()).toEqual(["child", "f"]);
    expect(withFrameChildren([frame, child, outside], ["out"])).toEqual(["out"]);
  });

  test("[GR9] a new frame adopts what lies fully inside it; frames are never children", () => {
    const other = makeShape({ id: "f2", type: "frame", x: 10, y: 10, width: 20, height: 20 });
    expect(shapesInside([child, outside, other], frame)).toEqual(["child"]);
  });

  test("[GR9] deleting a frame keeps its children, without frameId, in the same step", () => {
    const doc = new Y.Doc();
    addShapes(doc, [frame, child]);
    const store = new ShapeStore(doc);
    store.remove(["f"]);
    const left = store.read();
    expect(left.map((s) => s.id)).toEqual(["child"]);
    expect(left[0]!.frameId).toBeUndefined();
    store.undo();
    expect(store.read().find((s) => s.id === "child")?.frameId).toBe("f");
    store.destroy();
  });

  test("names count up and the title band finds its frame", () => {
    expect(nextFrameName([])).toBe("Frame");
    expect(nextFrameName([frame])).toBe("Frame 2");
    expect(nextFrameName([frame, { ...frame, id: "g", name: "Frame 2" }])).toBe("Frame 3");
    expect(frameTitleAt([frame], { x: 50, y: -10 })?.id).toBe("f");
    expect(frameTitleAt([frame], { x: 50, y: 10 })).toBeNull();
  });
});
