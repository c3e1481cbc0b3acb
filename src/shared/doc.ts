/** Reading and writing the shared document's `shapes` map. Used by the room and the client. */
import * as Y from "yjs";
import { isAssetHash } from "./assets";
import {
  BOX_TYPES,
  type CheckResult,
  checkShape,
  comparePaintOrder,
  DEFAULT_FONT_SIZE,
  DEFAULT_STICKY_FILL,
  DEFAULT_STROKE,
  DEFAULT_STROKE_WIDTH,
  OPTIONAL_KEYS,
  POINT_TYPES,
  type Shape,
  TEXT_TYPES,
} from "./schema";

const SHAPES_KEY = "shapes";

export type ShapeMap = Y.Map<unknown>;

/**
 * A shape stored as one plain JSON value instead of a Y.Map (docs/schema.md "Compact shapes"):
 * about a fifth of the heap, so a 50,000-shape board fits a room. Written for bulk creations;
 * the first edit turns it into a Y.Map.
 */
export type CompactShape = Readonly<Record<string, unknown>>;

export function getShapes(doc: Y.Doc): Y.Map<ShapeMap> {
  return doc.getMap<ShapeMap>(SHAPES_KEY);
}

/** A plain object value in `shapes` (not an array, null, a Yjs type, a subdocument or bytes). */
export function isCompact(value: unknown): value is CompactShape {
  return (
    typeof value === "object" &&
    value !== null &&
    !Array.isArray(value) &&
    !(value instanceof Y.AbstractType) &&
    !(value instanceof Y.Doc) &&
    !ArrayBuffer.isView(value)
  );
}

/**
 * The own enumerable keys of a compact value, on a null-prototype object. Yjs decodes a stored
 * `"__proto__"` key by plain assignment, which sets the object's prototype: a peer could slip
 * inherited fields past the schema. Only own keys count.
 */
export function ownKeys(value: CompactShape): Record<string, unknown> {
  const out: Record<string, unknown> = Object.create(null);
  for (const k of Object.keys(value)) if (k !== "__proto__") out[k] = value[k];
  return out;
}

/** One key of a shape entry in either form (undefined for anything else). */
export function entryField(entry: unknown, key: string): unknown {
  if (entry instanceof Y.Map) return entry.get(key);
  if (isCompact(entry) && Object.hasOwn(entry, key)) return entry[key];
  return undefined;
}

export function checkEntry(id: string, value: unknown): CheckResult {
  if (value instanceof Y.Map) return checkShape(id, value.toJSON());
  if (isCompact(value)) return checkShape(id, ownKeys(value));
  return { status: "remove", problems: ["not a Y.Map or a plain object"] };
}

/** Every valid shape, in paint order. Invalid ones are skipped. */
export function readShapes(doc: Y.Doc): Shape[] {
  const out: Shape[] = [];
  getShapes(doc).forEach((value, id) => {
    const result = checkEntry(id, value);
    if (result.status === "valid") out.push(result.shape);
  });
  return out.sort(comparePaintOrder);
}

/**
 * Every well-formed asset hash an entry of `shapes` names, valid shape or not: what the room must
 * not delete while this document can still show it (party/assets.ts, "Collecting").
 */
export function assetRefs(doc: Y.Doc, into: Set<string> = new Set()): Set<string> {
  getShapes(doc).forEach((entry) => {
    const asset = entryField(entry, "asset");
    if (isAssetHash(asset)) into.add(asset);
  });
  return into;
}

/** The keys a shape of this type stores (others are left out of the Y.Map). */
export function keysFor(type: Shape["type"]): (keyof Shape)[] {
  const keys: (keyof Shape)[] = [
    "type",
    "x",
    "y",
    "rotation",
    "stroke",
    "fill",
    "strokeWidth",
    "z",
  ];
  if (BOX_TYPES.has(type)) keys.push("width", "height");
  if (POINT_TYPES.has(type)) keys.push("points");
  if (TEXT_TYPES.has(type)) keys.push("text", "fontSize");
  return keys;
}

/** Style keys whose default (docs/schema.md) need not be stored: each stored key costs a Yjs item. */
function isDefault(shape: Shape, key: keyof Shape): boolean {
  switch (key) {
    case "rotation":
      return shape.rotation === 0;
    case "stroke":
      return shape.stroke === DEFAULT_STROKE;
    case "strokeWidth":
      return shape.strokeWidth === DEFAULT_STROKE_WIDTH;
    case "fontSize":
      return shape.fontSize === DEFAULT_FONT_SIZE;
    case "fill":
      return shape.fill === (shape.type === "sticky" ? DEFAULT_STICKY_FILL : "transparent");
    default:
      return false;
  }
}

/** True when an optional key holds its default, so it is left out (or deleted). */
export function isOptionalDefault(key: (typeof OPTIONAL_KEYS)[number], value: unknown): boolean {
  switch (key) {
    case "dash":
      return value === undefined || value === "solid";
    case "opacity":
      return value === undefined || value === 1;
    case "locked":
      return value !== true;
    default:
      return value === undefined || value === "";
  }
}

/**
 * Builds the Y.Map for a new shape. `points` is a plain array (rewritten whole; GC frees the
 * old one). `text` is a Y.Text so that two people typing in one note merge (rule C5). Style keys
 * at their default are left out: a room of 10,000 plain rectangles holds 40% fewer Yjs items
 * (memory on the server and every client, bytes on every join).
 */
export function shapeToYMap(shape: Shape): ShapeMap {
  const m = new Y.Map<unknown>();
  for (const k of keysFor(shape.type)) {
    if (isDefault(shape, k)) continue;
    m.set(k, k === "text" ? new Y.Text(shape.text) : shape[k]);
  }
  for (const k of OPTIONAL_KEYS) {
    const value = shape[k];
    if (isOptionalDefault(k, value)) continue;
    // A label merges like note text (C5); anchors are plain objects, rewritten whole.
    m.set(k, k === "label" ? new Y.Text(value as string) : value);
  }
  return m;
}

/**
 * The compact value for a shape: the keys shapeToYMap stores, defaults left out, with `text` and
 * `label` as plain strings and `points` as a plain array.
 */
export function shapeToCompact(shape: Shape): CompactShape {
  const out: Record<string, unknown> = {};
  for (const k of keysFor(shape.type)) {
    if (isDefault(shape, k)) continue;
    out[k] = k === "points" ? [...shape.points] : shape[k];
  }
  for (const k of OPTIONAL_KEYS) {
    const value = shape[k];
    if (!isOptionalDefault(k, value)) out[k] = value;
  }
  return out;
}

/**
 * A compact value patched (undefined deletes a key): repairs and reference fixes rewrite a
 * compact shape whole, and keep it compact.
 */
export function patchCompact(
  value: CompactShape,
  patch: Readonly<Record<string, unknown>>,
): CompactShape {
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(ownKeys(value))) out[k] = v;
  for (const [k, v] of Object.entries(patch)) {
    if (v === undefined) delete out[k];
    else out[k] = v;
  }
  return out;
}

/** Equal as stored values: numbers and strings by value, plain arrays (points) element by element. */
export function sameValue(a: unknown, b: unknown): boolean {
  if (Array.isArray(a) && Array.isArray(b)) {
    return a.length === b.length && a.every((v, i) => v === b[i]);
  }
  return a === b;
}

/**
 * Writes `patch` (undefined deletes a key) onto the shape `id` in either form, leaving keys that
 * already hold the value alone: every overwrite leaves bytes behind in the document for good. A
 * compact shape is rewritten whole, and only if something changes, and stays compact. Used by
 * the room's repairs and by the client's reference fixes. False when there is no shape to patch.
 */
export function writeShapePatch(
  shapes: Y.Map<unknown>,
  id: string,
  patch: Readonly<Record<string, unknown>>,
): boolean {
  const entry = shapes.get(id);
  if (isCompact(entry)) {
    const before = ownKeys(entry);
    const next = patchCompact(entry, patch);
    if (Object.keys(patch).some((k) => !sameValue(before[k], next[k]))) shapes.set(id, next);
    return true;
  }
  if (!(entry instanceof Y.Map)) return false;
  for (const [k, v] of Object.entries(patch)) {
    if (v === undefined) {
      if (entry.has(k)) entry.delete(k);
    } else if (!sameValue(entry.get(k), v)) {
      entry.set(k, v);
    }
  }
  return true;
}

/** The public JSON form of a shape (HTTP snapshot, export): id plus the keys its type uses. */
export function shapeToJSON(shape: Shape): Record<string, unknown> {
  const out: Record<string, unknown> = { id: shape.id };
  for (const k of keysFor(shape.type)) out[k] = shape[k];
  for (const k of OPTIONAL_KEYS) if (shape[k] !== undefined) out[k] = shape[k];
  return out;
}
