/**
 * Restoring a checkpoint (docs/conflicts.md C15): the live board is made to match a checkpoint in
 * one local transaction, one undo reverts it, and shapes the restoring replica has not seen (made
 * offline by a peer) survive. Two or three replicas in memory, both delivery orders.
 */
import { describe, expect, it } from "vitest";
import * as Y from "yjs";
import { type ActionContext, createRoomActions } from "../../src/actions";
import type { RestoreRequest } from "../../src/actions/history";
import { LOCAL_ORIGIN } from "../../src/doc/origin";
import { restoreCheckpoint } from "../../src/doc/restore";
import { ShapeStore } from "../../src/doc/shapeStore";
import { COMPACT_BATCH_MIN } from "../../src/shared/constants";
import { getShapes, isCompact, readShapes } from "../../src/shared/doc";
import type { Shape } from "../../src/shared/schema";
import { type SeededRandom, seededRandom } from "../helpers/prng";
import { newRect } from "./support/fakes";

type NewShape = Omit<Shape, "id" | "z">;
const rect: NewShape = newRect();
const sticky: NewShape = { ...rect, type: "sticky", fill: "#ffec99", text: "hello", fontSize: 20 };
const arrow: NewShape = { ...rect, type: "arrow", width: 0, height: 0, points: [0, 0, 50, 50] };

/** Sends everything each side lacks to the other. */
function exchange(a: Y.Doc, b: Y.Doc) {
  const toB = Y.encodeStateAsUpdate(a, Y.encodeStateVector(b));
  const toA = Y.encodeStateAsUpdate(b, Y.encodeStateVector(a));
  Y.applyUpdate(b, toB);
  Y.applyUpdate(a, toA);
}

/** A board with a rect, a labelled rect, a note, a bound arrow and a frame with a child. */
function board(store: ShapeStore): string[] {
  const [box, labelled, note, frame] = store.create([
    { ...rect, x: 10 },
    { ...rect, x: 200, label: "label" },
    sticky,
    { ...rect, type: "frame", x: 500, width: 300, height: 300, name: "F" },
  ]);
  const [child] = store.create([{ ...rect, x: 520, y: 20 }]);
  store.update([{ id: child!, frameId: frame! }]);
  const [link] = store.create([{ ...arrow, startId: box!, startAnchor: { x: 1, y: 0.5 } }]);
  store.update([{ id: box!, x: 20 }]); // re-routes the arrow onto the box's edge
  return [box!, labelled!, note!, frame!, child!, link!];
}

describe("restoreCheckpoint", () => {
  it("[C15] after a wipe, brings every shape back with its text, label and references", () => {
    const doc = new Y.Doc();
    const store = new ShapeStore(doc);
    board(store);
    const before = readShapes(doc);
    const checkpoint = Y.encodeStateAsUpdate(doc);
    store.remove(before.map((s) => s.id));
    expect(readShapes(doc)).toEqual([]);
    const result = restoreCheckpoint(doc, checkpoint, LOCAL_ORIGIN);
    expect(result).toEqual({ recreated: before.length, changed: 0, deleted: 0 });
    expect(readShapes(doc)).toEqual(before);
    // Texts come back as Y.Text, so two people typing into a restored note still merge (C5).
    const note = before.find((s) => s.type === "sticky")!;
    expect(store.textOf(note.id)?.toString()).toBe("hello");
    expect(store.labelOf(before.find((s) => s.label === "label")!.id)?.toString()).toBe("label");
  });

  it("[C15] after edits, reverts them key by key and deletes shapes made since", () => {
    const doc = new Y.Doc();
    const store = new ShapeStore(doc);
    const [box, labelled, note, , child] = board(store);
    const before = readShapes(doc);
    const checkpoint = Y.encodeStateAsUpdate(doc);
    const noteText = store.textOf(note!);
    store.update([
      { id: box!, x: 400, stroke: "#e03131" },
      { id: note!, text: "hello, vandal" },
      { id: labelled!, label: "" },
      { id: child!, frameId: "" },
    ]);
    store.create([rect, rect]);
    const result = restoreCheckpoint(doc, checkpoint, LOCAL_ORIGIN);
    expect(result.deleted).toBe(2);
    expect(readShapes(doc)).toEqual(before);
    // The note's Y.Text was diffed in place, not replaced: an open editor stays bound.
    expect(store.textOf(note!)).toBe(noteText);
  });

  it("[C15] compact shapes are restored compact, and a compact shape edited since is put back", () => {
    const doc = new Y.Doc();
    const store = new ShapeStore(doc);
    const ids = store.create(
      Array.from({ length: COMPACT_BATCH_MIN }, (_, i) => ({ ...rect, x: i })),
    );
    expect(isCompact(getShapes(doc).get(ids[0]!))).toBe(true);
    const before = readShapes(doc);
    const checkpoint = Y.encodeStateAsUpdate(doc);
    store.update([{ id: ids[0]!, x: 999 }]); // becomes a Y.Map
    store.remove(ids.slice(1, 5));
    restoreCheckpoint(doc, checkpoint, LOCAL_ORIGIN);
    expect(readShapes(doc)).toEqual(before);
    expect(isCompact(getShapes(doc).get(ids[2]!))).toBe(true);
  });

  it("[C15] a restore that changes nothing writes nothing", () => {
    const doc = new Y.Doc();
    const store = new ShapeStore(doc);
    board(store);
    const checkpoint = Y.encodeStateAsUpdate(doc);
    const sv = Y.encodeStateVector(doc);
    expect(restoreCheckpoint(doc, checkpoint, LOCAL_ORIGIN)).toEqual({
      recreated: 0,
      changed: 0,
      deleted: 0,
    });
    expect(Y.encodeStateVector(doc)).toEqual(sv);
  });

  it("[C15][C6] one undo reverts the whole restore, and redo applies it again", () => {
    const doc = new Y.Doc();
    const store = new ShapeStore(doc);
    const [box] = board(store);
    const checkpoint = Y.encodeStateAsUpdate(doc);
    const original = readShapes(doc);
    store.update([{ id: box!, x: 700 }]);
    store.remove(original.slice(1).map((s) => s.id));
    store.create([rect]);
    const vandalised = readShapes(doc);
    store.endStep();
    restoreCheckpoint(doc, checkpoint, LOCAL_ORIGIN);
    store.endStep();
    expect(readShapes(doc)).toEqual(original);
    store.undo();
    expect(readShapes(doc)).toEqual(vandalised);
    store.redo();
    expect(readShapes(doc)).toEqual(original);
  });

  it("[C15] a remote origin is not undoable: only the tab's own origin makes an undo step", () => {
    const doc = new Y.Doc();
    const store = new ShapeStore(doc);
    const ids = board(store);
    const checkpoint = Y.encodeStateAsUpdate(doc);
    store.remove(ids);
    store.endStep();
    store.undoManager.clear();
    restoreCheckpoint(doc, checkpoint, Symbol("elsewhere"));
    expect(store.undoManager.canUndo()).toBe(false);
  });

  for (const order of ["restore first", "offline peer first"] as const) {
    it(`[C15][C7] shapes a peer made offline survive the restore (${order})`, () => {
      const a = new Y.Doc();
      const sa = new ShapeStore(a);
      board(sa);
      const checkpoint = Y.encodeStateAsUpdate(a);
      const original = readShapes(a);
      sa.remove(original.map((s) => s.id)); // vandalism
      const b = new Y.Doc();
      Y.applyUpdate(b, Y.encodeStateAsUpdate(a));
      const sb = new ShapeStore(b);
      // b goes offline and draws; a restores without having seen it.
      const [offline] = sb.create([{ ...rect, x: -300, fill: "#b2f2bb" }]);
      const server = new Y.Doc();
      Y.applyUpdate(server, Y.encodeStateAsUpdate(a));
      restoreCheckpoint(a, checkpoint, LOCAL_ORIGIN);
      if (order === "restore first") {
        exchange(a, server);
        exchange(b, server);
        exchange(a, server);
      } else {
        exchange(b, server);
        exchange(a, server);
        exchange(b, server);
      }
      const shapes = readShapes(a);
      expect(readShapes(b)).toEqual(shapes);
      expect(readShapes(server)).toEqual(shapes);
      expect(shapes.map((s) => s.id).sort()).toEqual(
        [...original.map((s) => s.id), offline!].sort(),
      );
      expect(shapes.filter((s) => s.id !== offline)).toEqual(original);
    });
  }

  for (const order of ["a then b", "b then a"] as const) {
    it(`[C15][C1][C3] concurrent offline edits meet a restore the same way on both replicas (${order})`, () => {
      const a = new Y.Doc();
      const sa = new ShapeStore(a);
      const [box, labelled, note] = board(sa);
      const checkpoint = Y.encodeStateAsUpdate(a);
      sa.update([{ id: box!, x: 900 }]); // the restore will set x back
      sa.remove([labelled!]); // the restore will recreate it
      const [extra] = sa.create([rect]); // the restore will delete it
      const b = new Y.Doc();
      Y.applyUpdate(b, Y.encodeStateAsUpdate(a));
      const sb = new ShapeStore(b);
      // Offline on b: recolour the box (a key the restore leaves alone), move the extra shape
      // (which the restore deletes), and type into the note.
      sb.update([
        { id: box!, stroke: "#e03131" },
        { id: extra!, x: 50 },
      ]);
      sb.update([{ id: note!, text: "hello there" }]);
      restoreCheckpoint(a, checkpoint, LOCAL_ORIGIN);
      if (order === "a then b") {
        Y.applyUpdate(b, Y.encodeStateAsUpdate(a, Y.encodeStateVector(b)));
        Y.applyUpdate(a, Y.encodeStateAsUpdate(b, Y.encodeStateVector(a)));
      } else {
        Y.applyUpdate(a, Y.encodeStateAsUpdate(b, Y.encodeStateVector(a)));
        Y.applyUpdate(b, Y.encodeStateAsUpdate(a, Y.encodeStateVector(b)));
      }
      const shapes = readShapes(a);
      expect(readShapes(b)).toEqual(shapes);
      const byId = new Map(shapes.map((s) => [s.id, s]));
      // C1: the restore reset x; b's recolour of a key the restore did not touch is kept.
      expect(byId.get(box!)).toMatchObject({ x: 20, stroke: "#e03131" });
      // C3: the restore's delete beats b's concurrent move.
      expect(byId.has(extra!)).toBe(false);
      // The recreated shape is back as it was in the checkpoint.
      expect(byId.get(labelled!)?.label).toBe("label");
      // C5: the note's text was not touched by the restore, so b's typing stands.
      expect(byId.get(note!)?.text).toBe("hello there");
    });
  }

  it("[C15] the restore-checkpoint action: refused to a viewer, one undo step for an editor", () => {
    const doc = new Y.Doc();
    const store = new ShapeStore(doc);
    const ids = board(store);
    const original = readShapes(doc);
    const update = Y.encodeStateAsUpdate(doc);
    store.remove(ids);
    store.endStep();
    // The action reads only the store and clears the selection.
    const context = { store, select: () => {} } as unknown as ActionContext;
    const actions = createRoomActions(context);
    const results: unknown[] = [];
    const request: RestoreRequest = { update, done: (r) => results.push(r) };
    actions.readOnly = true;
    expect(actions.run("restore-checkpoint", { value: request })).toBe(false);
    expect(readShapes(doc)).toEqual([]);
    actions.readOnly = false;
    expect(actions.run("restore-checkpoint", { value: request })).toBe(true);
    expect(readShapes(doc)).toEqual(original);
    expect(results).toEqual([{ recreated: original.length, changed: 0, deleted: 0 }]);
    // Typing right after the restore is a step of its own: the first undo keeps the restore.
    const note = original.find((s) => s.type === "sticky")!;
    store.setText(note.id, "hello again");
    store.undo();
    expect(readShapes(doc)).toEqual(original);
    store.undo();
    expect(readShapes(doc)).toEqual([]);
  });

  /** One random edit through the client's ShapeStore: the id it touched, and whether it made it. */
  function randomOp(store: ShapeStore, rng: SeededRandom): { id: string; created: boolean } {
    const ids = store.read().map((s) => s.id);
    const op = ids.length === 0 ? 0 : rng.int(5);
    if (op === 0) {
      const [id] = store.create([rng.chance(0.5) ? { ...rect, x: rng.int(900) } : sticky]);
      return { id: id!, created: true };
    }
    const id = rng.pick(ids);
    if (op === 1) store.update([{ id, x: rng.int(900), y: rng.int(900) }]);
    else if (op === 2) store.update([{ id, stroke: rng.pick(["#e03131", "#2f9e44", "#1971c2"]) }]);
    else if (op === 3 && store.textOf(id))
      store.setText(id, `${rng.int(1000)} ${store.textOf(id)}`);
    else if (op === 3) store.update([{ id, label: `L${rng.int(100)}` }]);
    else store.remove([id]);
    return { id, created: false };
  }

  it("[C15] seeded: a restore meets a peer's random offline edits; all converge, the peer's new shapes stay, one undo reverts", () => {
    for (let seed = 1; seed <= 40; seed++) {
      const context = `seed ${seed}`;
      const rng = seededRandom(seed);
      const server = new Y.Doc();
      const a = new Y.Doc();
      const b = new Y.Doc();
      const sa = new ShapeStore(a);
      const sb = new ShapeStore(b);
      const sync = () => {
        for (const d of [a, b, a]) exchange(d, server);
      };
      for (let i = 0; i < 12; i++) randomOp(rng.chance(0.5) ? sa : sb, rng);
      sync();
      const checkpoint = Y.encodeStateAsUpdate(server);
      const atCheckpoint = readShapes(server);
      for (let i = 0; i < 8; i++) randomOp(rng.chance(0.5) ? sa : sb, rng);
      sync();
      // B goes offline and edits; A restores without seeing any of it.
      const created = new Set<string>();
      const touched = new Set<string>();
      for (let i = 0; i < 8; i++) {
        const { id, created: isNew } = randomOp(sb, rng);
        (isNew ? created : touched).add(id);
      }
      sa.endStep();
      restoreCheckpoint(a, checkpoint, LOCAL_ORIGIN);
      sa.endStep();
      expect(readShapes(a), context).toEqual(atCheckpoint);
      // Delivered in a random order, then everything everywhere.
      const steps = [() => exchange(a, server), () => exchange(b, server)];
      for (let i = 0; i < 4; i++) rng.pick(steps)();
      sync();
      const end = readShapes(a);
      expect(readShapes(b), context).toEqual(end);
      expect(readShapes(server), context).toEqual(end);
      const endById = new Map(end.map((s) => [s.id, s]));
      for (const id of created) {
        // B's offline shapes stay, unless B itself deleted them.
        if (getShapes(b).has(id)) expect(endById.has(id), context).toBe(true);
      }
      for (const shape of atCheckpoint) {
        // A checkpoint shape B left alone offline is exactly as in the checkpoint.
        if (!touched.has(shape.id)) expect(endById.get(shape.id), context).toEqual(shape);
      }
      for (const id of endById.keys()) {
        // Nothing else: every shape is from the checkpoint or B's offline work.
        const known = created.has(id) || atCheckpoint.some((s) => s.id === id);
        expect(known, `${context}: ${id}`).toBe(true);
      }
      // One undo in A reverts the restore; everyone converges again and B's shapes stay.
      sa.undo();
      sync();
      const undone = readShapes(a);
      expect(readShapes(b), context).toEqual(undone);
      const undoneIds = new Set(undone.map((s) => s.id));
      for (const id of created) {
        if (getShapes(b).has(id)) expect(undoneIds.has(id), context).toBe(true);
      }
    }
  });
});
