/**
 * "While you were away" (src/doc/away.ts): a tab goes offline, edits, a peer edits meanwhile, the
 * room (the real RoomDocument, with its repairs) merges both, and the tab's summary names what
 * the peer changed and which of its own offline edits lost (C2) or were repaired/removed (C3, C8).
 */
import { describe, expect, it } from "vitest";
import * as Y from "yjs";
import { RoomDocument } from "../../party/roomDocument";
import { AwayTracker, describeAuthor, describeLost, isEmptySummary } from "../../src/doc/away";
import { ShapeStore } from "../../src/doc/shapeStore";
import { getShapes, readShapes } from "../../src/shared/doc";
import type { Shape } from "../../src/shared/schema";
import { newRect } from "./support/fakes";

type NewShape = Omit<Shape, "id" | "z">;
const rect: NewShape = newRect();
const REMOTE = Symbol("room");

function setup() {
  const room = new RoomDocument(
    () => {},
    { repairs: 0, removals: 0, discarded: 0, references: 0 },
    () => {},
  );
  const tab = (clientID: number) => {
    const doc = new Y.Doc();
    doc.clientID = clientID;
    return { doc, store: new ShapeStore(doc) };
  };
  /** The tab sends what the room lacks; the room applies (and repairs); the tab takes the rest. */
  const sync = (doc: Y.Doc) => {
    room.apply(Y.encodeStateAsUpdate(doc, Y.encodeStateVector(room.doc)), "conn");
    Y.applyUpdate(doc, Y.encodeStateAsUpdate(room.doc, Y.encodeStateVector(doc)), REMOTE);
  };
  return { room, tab, sync };
}

describe("AwayTracker", () => {
  it("[AW1] names what a peer added, changed and deleted while the tab was offline", () => {
    const { tab, sync } = setup();
    const a = tab(1);
    const b = tab(2);
    const [keep, move, gone] = a.store.create([rect, { ...rect, x: 200 }, { ...rect, x: 400 }]);
    sync(a.doc);
    sync(b.doc);
    const tracker = new AwayTracker(getShapes(a.doc) as Y.Map<unknown>, REMOTE);
    tracker.start();
    b.store.create([rect, rect]);
    b.store.update([{ id: move!, x: 250 }]);
    b.store.remove([gone!]);
    sync(b.doc);
    tracker.reconnected();
    sync(a.doc);
    const names = new Map([[2, "Bob"]]);
    const summary = tracker.finish((c) => names.get(c) ?? null);
    expect(summary.lost).toEqual([]);
    // The deletion carries no author in Yjs: it is "someone".
    expect(summary.others).toEqual([
      { name: "Bob", added: 2, changed: 1, deleted: 0 },
      { name: null, added: 0, changed: 0, deleted: 1 },
    ]);
    expect(summary.others.map(describeAuthor)).toEqual([
      "Bob added 2 shapes, changed 1 shape",
      "Someone deleted 1 shape",
    ]);
    expect(readShapes(a.doc).map((s) => s.id)).toContain(keep);
  });

  it("[AW2][C2] an offline write that lost the race is listed with the winner, a kept one is not", () => {
    const { tab, sync } = setup();
    const a = tab(1);
    const b = tab(2);
    const [shape] = a.store.create([rect]);
    sync(a.doc);
    sync(b.doc);
    const tracker = new AwayTracker(getShapes(a.doc) as Y.Map<unknown>, REMOTE);
    tracker.start();
    a.store.update([{ id: shape!, x: 111, stroke: "#2f9e44" }]);
    b.store.update([{ id: shape!, x: 222 }]);
    sync(b.doc);
    tracker.reconnected();
    sync(a.doc);
    sync(b.doc);
    const merged = readShapes(a.doc)[0]!;
    expect(readShapes(b.doc)[0]).toEqual(merged);
    const summary = tracker.finish((c) => (c === 2 ? "Bob" : null));
    // C2 orders concurrent writes by client id; whichever won, the summary must agree with it.
    const lostX = summary.lost.filter((l) => l.key === "x");
    if (merged.x === 222) {
      expect(lostX).toEqual([{ id: shape, key: "x", kind: "overwritten", by: "Bob" }]);
      expect(describeLost(lostX[0]!, () => "rect")).toBe("Your change to a rect's x lost to Bob");
    } else {
      expect(merged.x).toBe(111);
      expect(lostX).toEqual([]);
    }
    // The stroke had no rival: kept, not listed. The peer's change to this shape is not also
    // counted among the others' changes.
    expect(summary.lost.some((l) => l.key === "stroke")).toBe(false);
    expect(summary.others).toEqual([]);
  });

  it("[AW3][C8] an offline shape the room repairs or removes is listed as the tab's own loss", () => {
    const { tab, sync } = setup();
    const a = tab(1);
    const [shape] = a.store.create([rect]);
    sync(a.doc);
    const tracker = new AwayTracker(getShapes(a.doc) as Y.Map<unknown>, REMOTE);
    tracker.start();
    // Offline: a stroke width the schema clamps, and a shape with an unknown type (removed).
    a.store.update([{ id: shape!, strokeWidth: 1e6 }]);
    const bad = new Y.Map<unknown>();
    a.doc.transact(() => {
      getShapes(a.doc).set("garbage", bad);
      bad.set("type", "blob");
    });
    tracker.reconnected();
    sync(a.doc);
    const lost = tracker.finish(() => null).lost;
    expect(lost).toContainEqual({ id: shape, key: "strokeWidth", kind: "overwritten", by: null });
    expect(lost).toContainEqual({ id: "garbage", key: null, kind: "removed", by: null });
    expect(describeLost(lost.find((l) => l.id === "garbage")!, () => null)).toBe(
      "A shape you edited was removed",
    );
  });

  it("[AW4] nothing changed on either side: an empty summary", () => {
    const { tab, sync } = setup();
    const a = tab(1);
    a.store.create([rect]);
    sync(a.doc);
    const tracker = new AwayTracker(getShapes(a.doc) as Y.Map<unknown>, REMOTE);
    tracker.start();
    tracker.reconnected();
    sync(a.doc);
    const summary = tracker.finish(() => null);
    expect(isEmptySummary(summary)).toBe(true);
    expect(tracker.active).toBe(false);
  });

  it("[AW4] the tab's own offline shapes and deletions are not reported as others' changes", () => {
    const { tab, sync } = setup();
    const a = tab(1);
    const [old] = a.store.create([rect]);
    sync(a.doc);
    const tracker = new AwayTracker(getShapes(a.doc) as Y.Map<unknown>, REMOTE);
    tracker.start();
    a.store.create([rect]);
    a.store.remove([old!]);
    tracker.reconnected();
    sync(a.doc);
    expect(isEmptySummary(tracker.finish(() => null))).toBe(true);
  });

  it("[AW2][C1] a peer's edit of another key of a shape edited offline is the peer's change, not a loss", () => {
    const { tab, sync } = setup();
    const a = tab(1);
    const b = tab(2);
    const [shape] = a.store.create([rect]);
    sync(a.doc);
    sync(b.doc);
    const tracker = new AwayTracker(getShapes(a.doc) as Y.Map<unknown>, REMOTE);
    tracker.start();
    a.store.update([{ id: shape!, x: 111 }]);
    b.store.update([{ id: shape!, stroke: "#e03131" }]);
    sync(b.doc);
    tracker.reconnected();
    sync(a.doc);
    expect(readShapes(a.doc)[0]).toMatchObject({ x: 111, stroke: "#e03131" });
    expect(tracker.finish((c) => (c === 2 ? "Bob" : null))).toEqual({
      others: [{ name: "Bob", added: 0, changed: 1, deleted: 0 }],
      lost: [],
    });
  });

  it("[AW2][C2] a peer's write that lost to this tab's offline write is not reported at all", () => {
    const { tab, sync } = setup();
    // The higher client id wins a concurrent write of one key (C2's order), here this tab.
    const a = tab(2);
    const b = tab(1);
    const [shape] = a.store.create([rect]);
    sync(a.doc);
    sync(b.doc);
    const tracker = new AwayTracker(getShapes(a.doc) as Y.Map<unknown>, REMOTE);
    tracker.start();
    a.store.update([{ id: shape!, x: 111 }]);
    b.store.update([{ id: shape!, x: 222 }]);
    sync(b.doc);
    tracker.reconnected();
    sync(a.doc);
    expect(readShapes(a.doc)[0]!.x).toBe(111);
    expect(isEmptySummary(tracker.finish(() => "Bob"))).toBe(true);
  });
});
