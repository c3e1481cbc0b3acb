/**
 * The document model: every local write to the shared `shapes` map goes through here, as one
 * transaction with LOCAL_ORIGIN, so one user action is one undo step and remote changes are
 * never undone. Pure Yjs, no React: unit-tested in Node.
 */
import * as Y from "yjs";
import { COMPACT_BATCH_MIN } from "../shared/constants";
import {
  checkEntry,
  getShapes,
  isCompact,
  isOptionalDefault,
  keysFor,
  ownKeys,
  patchCompact,
  readShapes,
  type ShapeMap,
  sameValue,
  shapeToCompact,
  shapeToYMap,
  writeShapePatch,
} from "../shared/doc";
import { checkReferences, ReferenceIndex } from "../shared/references";
import { OPTIONAL_KEYS, POINT_TYPES, type Shape, TEXT_TYPES } from "../shared/schema";
import { regroupCopies } from "./diagram";
import { newShapeId } from "./ids";
import { LOCAL_ORIGIN } from "./origin";
import { applyTextDiff } from "./textDiff";
import { keysOnTop, type ZMove, type ZPatch, zPatchFor } from "./zorder";

/** A partial update of one shape (id required). `text` is applied as a minimal diff. */
export type ShapePatch = { id: string } & Partial<Omit<Shape, "id" | "type">>;

type OptionalKey = (typeof OPTIONAL_KEYS)[number];
const OPTIONAL = new Set<string>(OPTIONAL_KEYS);
const isOptionalKey = (key: string): key is OptionalKey => OPTIONAL.has(key);

/** Keys whose change can move a bound end or break a reference. */
const REFERENCE_KEYS = new Set([
  "x",
  "y",
  "width",
  "height",
  "rotation",
  "points",
  "startId",
  "startAnchor",
  "endId",
  "endAnchor",
  "frameId",
]);

/** How far a duplicate or a paste is offset from its original, in canvas units. */
export const DUPLICATE_OFFSET = 16;

/** A shape without id and z, as tools produce it before it joins the document. */
export type NewShape = Omit<Shape, "id" | "z">;

export class ShapeStore {
  readonly shapes: Y.Map<ShapeMap>;
  readonly undoManager: Y.UndoManager;
  /** Set when the room says this connection may not write: every write becomes a no-op. */
  readOnly = false;

  /** Who refers to whom, so re-routing after a move costs its connectors, not a board scan. */
  private readonly references: ReferenceIndex;

  constructor(readonly doc: Y.Doc) {
    this.shapes = getShapes(doc);
    this.references = new ReferenceIndex(this.shapes as Y.Map<unknown>);
    this.undoManager = new Y.UndoManager(this.shapes, {
      trackedOrigins: new Set([LOCAL_ORIGIN]),
      // Typing bursts merge into one step; gestures call endStep() so each is its own step.
      captureTimeout: 300,
    });
  }

  /** Every valid shape in paint order. */
  read(): Shape[] {
    return readShapes(this.doc);
  }

  /** One local transaction, closed as its own undo step. */
  transact(fn: () => void): void {
    if (this.readOnly) return;
    this.doc.transact(fn, LOCAL_ORIGIN);
    this.undoManager.stopCapturing();
  }

  /** A compact shape's z is rewritten compact: a whole-board re-key must not expand the board. */
  private writeZ(patch: ZPatch): void {
    for (const [id, z] of patch) {
      const entry: unknown = this.shapes.get(id);
      if (entry instanceof Y.Map) entry.set("z", z);
      else if (isCompact(entry)) this.setEntry(id, patchCompact(entry, { z }));
    }
  }

  /** `shapes` is typed for Y.Map values; compact values (docs/schema.md) go in through here. */
  private setEntry(id: string, value: unknown): void {
    (this.shapes as Y.Map<unknown>).set(id, value);
  }

  /**
   * The shape's Y.Map, turning a compact shape into one first (inside the caller's transaction,
   * so the edit that needs it is one undo step, and C1 holds for it from then on). Extra keys a
   * script stored are kept. Null when the entry is missing or beyond repair.
   */
  private editable(id: string): ShapeMap | null {
    const entry: unknown = this.shapes.get(id);
    if (entry instanceof Y.Map) return entry;
    if (!isCompact(entry)) return null;
    const result = checkEntry(id, entry);
    if (result.status === "remove") return null;
    const map = shapeToYMap(result.shape);
    const known = new Set<string>([...keysFor(result.shape.type), ...OPTIONAL_KEYS, "id"]);
    for (const [k, v] of Object.entries(ownKeys(entry))) if (!known.has(k)) map.set(k, v);
    this.shapes.set(id, map);
    return map;
  }

  /** Adds shapes on top of everything (in the given order); returns their new ids. */
  create(newShapes: readonly NewShape[]): string[] {
    if (newShapes.length === 0 || this.readOnly) return [];
    const ids = newShapes.map(() => newShapeId());
    const compact = newShapes.length >= COMPACT_BATCH_MIN;
    this.transact(() => {
      const { keys, rekey } = keysOnTop(this.read(), newShapes.length);
      this.writeZ(rekey);
      newShapes.forEach((s, i) => {
        const shape: Shape = { ...s, id: ids[i]!, z: keys[i]! };
        this.setEntry(shape.id, compact ? shapeToCompact(shape) : shapeToYMap(shape));
      });
    });
    return ids;
  }

  /**
   * Writes only the keys that actually change (every overwrite leaves bytes behind forever).
   * Connectors bound to a shape whose geometry changed are re-routed in the same transaction,
   * so a move and its arrows are one edit and one undo step.
   */
  update(patches: readonly ShapePatch[]): void {
    if (patches.length === 0) return;
    this.transact(() => {
      const moved = new Set<string>();
      for (const { id, ...changes } of patches) {
        this.applyPatch(id, changes);
        if (Object.keys(changes).some((k) => REFERENCE_KEYS.has(k))) moved.add(id);
      }
      this.fixReferences(moved);
    });
  }

  /**
   * Re-routes connectors bound to `touched` and unbinds ends whose shape is gone (C12, C13). A
   * compact connector is rewritten compact: the fix is the room's rule, not the user's edit.
   */
  private fixReferences(touched: ReadonlySet<string>): void {
    if (touched.size === 0) return;
    for (const { id, patch } of checkReferences(this.shapes, touched, this.references)) {
      writeShapePatch(this.shapes as Y.Map<unknown>, id, patch);
    }
  }

  private applyPatch(id: string, changes: Partial<Shape>): void {
    if (this.changesNothing(id, changes)) return;
    const map = this.editable(id);
    if (!map) return;
    const type = map.get("type") as Shape["type"];
    const allowed = new Set<string>(keysFor(type));
    for (const [key, value] of Object.entries(changes)) {
      if (value === undefined) continue;
      if (isOptionalKey(key)) {
        this.applyOptional(map, key, value);
        continue;
      }
      if (!allowed.has(key)) continue;
      if (key === "text" && TEXT_TYPES.has(type)) {
        const current = map.get("text");
        if (current instanceof Y.Text) applyTextDiff(current, value as string);
        else map.set("text", new Y.Text(value as string));
        continue;
      }
      if (key === "points" && POINT_TYPES.has(type)) {
        const current = map.get("points");
        const plain = current instanceof Y.Array ? current.toArray() : current;
        if (!sameValue(plain, value)) map.set("points", [...(value as number[])]);
        continue;
      }
      if (!sameValue(map.get(key), value)) map.set(key, value);
    }
  }

  /** True when `changes` would leave a compact shape as it is: it then stays compact. */
  private changesNothing(id: string, changes: Partial<Shape>): boolean {
    const entry: unknown = this.shapes.get(id);
    if (!isCompact(entry)) return Object.values(changes).every((v) => v === undefined);
    const result = checkEntry(id, entry);
    if (result.status === "remove") return true;
    const shape = result.shape;
    return Object.entries(changes).every(
      ([k, v]) => v === undefined || sameValue(shape[k as keyof Shape], v),
    );
  }

  /** Diagramming keys: the default value deletes the key (docs/schema.md: absent = default). */
  private applyOptional(map: Y.Map<unknown>, key: OptionalKey, value: unknown): void {
    if (isOptionalDefault(key, value)) {
      if (map.has(key)) map.delete(key);
      // An end without a shape has no anchor either.
      if (key === "startId" && map.has("startAnchor")) map.delete("startAnchor");
      if (key === "endId" && map.has("endAnchor")) map.delete("endAnchor");
      return;
    }
    if (key === "label") {
      const current = map.get("label");
      if (current instanceof Y.Text) applyTextDiff(current, value as string);
      else map.set("label", new Y.Text(value as string));
      return;
    }
    if (!sameValue(map.get(key), value)) map.set(key, value);
  }

  remove(ids: readonly string[]): void {
    const present = ids.filter((id) => this.shapes.has(id));
    if (present.length === 0) return;
    this.transact(() => {
      for (const id of present) this.shapes.delete(id);
      this.fixReferences(new Set(present));
    });
  }

  /** Copies of the given shapes, offset and on top, in their paint order; returns the new ids. */
  duplicate(ids: readonly string[], offset = DUPLICATE_OFFSET): string[] {
    const wanted = new Set(ids);
    const originals = this.read().filter((s) => wanted.has(s.id));
    // Copies of a group form a new group; copies of a frame keep their copied children (GR8).
    let copies: string[] = [];
    this.transact(() => {
      copies = this.create(regroupCopies(originals.map((s) => offsetShape(s, offset))));
      const copyOf = new Map(originals.map((s, i) => [s.id, copies[i]!]));
      const adopt: ShapePatch[] = [];
      originals.forEach((s, i) => {
        const frame = s.frameId === undefined ? undefined : copyOf.get(s.frameId);
        if (frame !== undefined) adopt.push({ id: copies[i]!, frameId: frame });
      });
      if (adopt.length > 0) this.update(adopt);
    });
    return copies;
  }

  moveZ(ids: readonly string[], move: ZMove): void {
    const patch = zPatchFor(this.read(), new Set(ids), move);
    if (patch.size === 0) return;
    this.transact(() => this.writeZ(patch));
  }

  /** The live Y.Text of a text or sticky shape; null for a compact shape or a plain string. */
  textOf(id: string): Y.Text | null {
    const map = this.shapes.get(id);
    if (!(map instanceof Y.Map)) return null;
    const text = map.get("text");
    return text instanceof Y.Text ? text : null;
  }

  /**
   * The Y.Text an editor binds to when editing starts: a compact shape (or a plain-string text)
   * becomes a Y.Map with a Y.Text first, so remote typing merges from the first keystroke (C5).
   * Its own undo step: it changes nothing anyone sees.
   */
  editText(id: string): Y.Text | null {
    const existing = this.textOf(id);
    if (existing || this.readOnly) return existing;
    const entry: unknown = this.shapes.get(id);
    const type = entry instanceof Y.Map || isCompact(entry) ? checkEntry(id, entry) : null;
    if (type?.status === "remove" || !type || !TEXT_TYPES.has(type.shape.type)) return null;
    this.transact(() => {
      const map = this.editable(id);
      if (map && !(map.get("text") instanceof Y.Text)) {
        map.set("text", new Y.Text(type.shape.text));
      }
    });
    return this.textOf(id);
  }

  /** Applies typing as a minimal diff. Not closed as a step: a typing burst is one undo step. */
  setText(id: string, next: string): void {
    if (this.readOnly) return;
    this.doc.transact(() => this.applyPatch(id, { text: next }), LOCAL_ORIGIN);
  }

  /** The live Y.Text of a shape's label, or null while it has none. */
  labelOf(id: string): Y.Text | null {
    const map = this.shapes.get(id);
    if (!(map instanceof Y.Map)) return null;
    const label = map.get("label");
    return label instanceof Y.Text ? label : null;
  }

  /** When a label editor opens: a compact shape becomes a Y.Map (C14), nothing visible changes. */
  editLabel(id: string): void {
    if (this.readOnly || this.shapes.get(id) instanceof Y.Map) return;
    this.transact(() => this.editable(id));
  }

  /**
   * Typing into a label, as a minimal diff like `setText` (one undo step per burst). Unlike
   * `update`, an empty string keeps the Y.Text while the editor is open, so someone typing into
   * the same label at that moment keeps their letters; the editor deletes an empty label on close.
   */
  setLabel(id: string, next: string): void {
    if (this.readOnly) return;
    this.doc.transact(() => {
      const map = this.editable(id);
      if (!map) return;
      const current = map.get("label");
      if (current instanceof Y.Text) applyTextDiff(current, next);
      else if (next !== "") this.applyPatch(id, { label: next });
    }, LOCAL_ORIGIN);
  }

  /** Ends the current undo step (after a text edit session). */
  endStep(): void {
    this.undoManager.stopCapturing();
  }

  undo(): void {
    if (!this.readOnly) this.undoManager.undo();
  }

  redo(): void {
    if (!this.readOnly) this.undoManager.redo();
  }

  destroy(): void {
    this.references.destroy();
    this.undoManager.destroy();
  }
}

/** A shape without its identity and paint position, moved by `offset`. */
export function offsetShape(shape: Shape, offset: number): NewShape {
  const { id: _id, z: _z, ...rest } = shape;
  return { ...rest, x: shape.x + offset, y: shape.y + offset, points: [...shape.points] };
}
