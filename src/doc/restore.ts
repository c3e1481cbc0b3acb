/**
 * Restoring a checkpoint of the board (docs/conflicts.md C15). A restore is an ordinary edit: one
 * local transaction that makes the live `shapes` map match the checkpoint, so everyone receives
 * it, one undo reverts it, and anything this tab has not seen yet (a shape a peer made offline,
 * merged later) is outside its reach and kept. Pure Yjs over two documents: unit-tested in Node.
 */
import * as Y from "yjs";
import {
  type CompactShape,
  getShapes,
  isCompact,
  ownKeys,
  readShapes,
  writeShapePatch,
} from "../shared/doc";
import { checkReferences } from "../shared/references";
import type { Shape } from "../shared/schema";
import { applyTextDiff } from "./textDiff";

/** What a restore changed, for the panel's confirmation and the tests. */
export interface RestoreResult {
  /** Shapes missing live and put back. */
  recreated: number;
  /** Shapes present in both whose keys differed. */
  changed: number;
  /** Shapes present live but not in the checkpoint. */
  deleted: number;
}

/** A shape entry as plain values: Y.Text as its string, Y.Array as its items. */
type PlainShape = Record<string, unknown>;

function plainValue(value: unknown): unknown {
  if (value instanceof Y.Text) return value.toString();
  if (value instanceof Y.Array) return value.toArray();
  return value;
}

function plainEntry(entry: unknown): PlainShape | null {
  if (entry instanceof Y.Map) {
    const out: PlainShape = Object.create(null);
    entry.forEach((v, k) => {
      if (k !== "__proto__") out[k] = plainValue(v);
    });
    return out;
  }
  if (isCompact(entry)) return ownKeys(entry);
  return null;
}

/** Equal as JSON values (anchors are small objects, points arrays of numbers). */
export function sameJson(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (typeof a !== "object" || typeof b !== "object" || a === null || b === null) return false;
  if (Array.isArray(a) !== Array.isArray(b)) return false;
  if (Array.isArray(a) && Array.isArray(b)) {
    return a.length === b.length && a.every((v, i) => sameJson(v, b[i]));
  }
  const ka = Object.keys(a);
  const kb = Object.keys(b);
  if (ka.length !== kb.length) return false;
  return ka.every(
    (k) =>
      Object.hasOwn(b, k) &&
      sameJson((a as Record<string, unknown>)[k], (b as Record<string, unknown>)[k]),
  );
}

/** A copy of a plain JSON value: the checkpoint's objects must not be shared with the live doc. */
function copyJson<T>(value: T): T {
  return value === undefined ? value : (JSON.parse(JSON.stringify(value)) as T);
}

/** A fresh value for the live document in the form the checkpoint stored it (Y.Text stays Y.Text). */
function freshValue(stored: unknown): unknown {
  if (stored instanceof Y.Text) return new Y.Text(stored.toString());
  if (stored instanceof Y.Array) {
    const arr = new Y.Array<unknown>();
    arr.push(copyJson(stored.toArray()));
    return arr;
  }
  return copyJson(stored);
}

/** A new live entry equal to the checkpoint's entry, in the same form (Y.Map or compact). */
function freshEntry(stored: unknown): unknown {
  if (stored instanceof Y.Map) {
    const m = new Y.Map<unknown>();
    stored.forEach((v, k) => {
      if (k !== "__proto__") m.set(k, freshValue(v));
    });
    return m;
  }
  return copyJson(ownKeys(stored as CompactShape));
}

/**
 * Makes one live Y.Map's keys equal to `want`, writing only what differs (every overwrite leaves
 * bytes behind for good). Texts are diffed in place, so a concurrent typist keeps their letters
 * (C5); points stored as a Y.Array are rewritten in place.
 */
function patchMap(live: Y.Map<unknown>, want: PlainShape, stored: unknown): boolean {
  let changed = false;
  for (const key of [...live.keys()]) {
    if (!Object.hasOwn(want, key)) {
      live.delete(key);
      changed = true;
    }
  }
  for (const [key, value] of Object.entries(want)) {
    const current = live.get(key);
    if (sameJson(plainValue(current), value)) continue;
    changed = true;
    if (current instanceof Y.Text && typeof value === "string") {
      applyTextDiff(current, value);
    } else if (current instanceof Y.Array && Array.isArray(value)) {
      current.delete(0, current.length);
      current.push(copyJson(value));
    } else {
      const source = stored instanceof Y.Map ? stored.get(key) : value;
      live.set(key, freshValue(source));
    }
  }
  return changed;
}

/**
 * Makes the live board match the checkpoint (a Yjs update of a whole room document), in one
 * transaction with `origin`: shapes in the checkpoint are re-created or have their differing keys
 * set or deleted, shapes live but absent from the checkpoint are deleted. Shapes that reach this
 * document later (made offline by a peer) are untouched and so kept (C15).
 */
export function restoreCheckpoint(
  liveDoc: Y.Doc,
  checkpointUpdate: Uint8Array,
  origin: unknown,
): RestoreResult {
  const scratch = new Y.Doc();
  Y.applyUpdate(scratch, checkpointUpdate);
  const target = getShapes(scratch) as Y.Map<unknown>;
  const live = getShapes(liveDoc) as Y.Map<unknown>;
  const result: RestoreResult = { recreated: 0, changed: 0, deleted: 0 };
  liveDoc.transact(() => {
    const touched = new Set<string>();
    for (const id of [...live.keys()]) {
      if (!target.has(id)) {
        live.delete(id);
        touched.add(id);
        result.deleted++;
      }
    }
    target.forEach((stored, id) => {
      const want = plainEntry(stored);
      if (want === null) return; // garbage in the checkpoint: the room removed it anyway
      const current = live.get(id);
      if (current === undefined) {
        live.set(id, freshEntry(stored));
        result.recreated++;
      } else if (current instanceof Y.Map) {
        // Patched, not replaced: a peer's concurrent edit of a key the restore leaves alone
        // survives (C1), and an open text editor stays bound to its Y.Text.
        if (!patchMap(current, want, stored)) return;
        result.changed++;
      } else if (isCompact(current) && sameJson(ownKeys(current), want)) {
        return;
      } else {
        live.set(id, freshEntry(stored));
        result.changed++;
      }
      touched.add(id);
    });
    // The checkpoint was consistent when taken; this only matters for references into shapes
    // the checkpoint lacks, which the deletions above just removed (C12, C13).
    for (const { id, patch } of checkReferences(live, touched)) writeShapePatch(live, id, patch);
  }, origin);
  scratch.destroy();
  return result;
}

/** The valid shapes of a checkpoint, in paint order: what a preview draws and a restore applies. */
export function checkpointShapes(checkpointUpdate: Uint8Array): Shape[] {
  const scratch = new Y.Doc();
  try {
    Y.applyUpdate(scratch, checkpointUpdate);
    return readShapes(scratch);
  } finally {
    scratch.destroy();
  }
}
