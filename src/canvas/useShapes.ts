/**
 * The valid shapes of the document in paint order, as React state. A change re-validates only
 * the shapes it touched and moves only those within the sorted list (binary search, no full
 * sort), and unchanged shapes keep their object identity, so memoized ShapeNodes skip
 * re-rendering: on a 10,000-shape board, a move of one costs one parse and one list copy.
 */
import { useEffect, useState } from "react";
import * as Y from "yjs";
import { checkEntry, getShapes } from "../shared/doc";
import { comparePaintOrder, type Shape } from "../shared/schema";

function sameShape(a: Shape, b: Shape): boolean {
  // An optional key (groupId, locked, frameId…) added to `b` is a change too.
  if (Object.keys(a).length !== Object.keys(b).length) return false;
  for (const key of Object.keys(a) as (keyof Shape)[]) {
    const va = a[key];
    const vb = b[key];
    if (Array.isArray(va) && Array.isArray(vb)) {
      if (va.length !== vb.length || va.some((v, i) => v !== vb[i])) return false;
    } else if (va !== vb) {
      return false;
    }
  }
  return true;
}

/** Index of `shape` in `list` (sorted by paint order), or where it would go. */
function paintIndex(list: readonly Shape[], shape: Shape): number {
  let lo = 0;
  let hi = list.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (comparePaintOrder(list[mid]!, shape) < 0) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/** Above this many touched shapes in one change, a full sort is cheaper than moving each. */
const RESORT_THRESHOLD = 256;

/** Valid shapes by id, re-read one id at a time, and the same shapes in paint order. */
class ShapeCache {
  private readonly byId = new Map<string, Shape>();
  private list: Shape[] = [];

  constructor(private readonly map: Y.Map<Y.Map<unknown>>) {
    for (const id of map.keys()) this.read(id);
    this.list = [...this.byId.values()].sort(comparePaintOrder);
  }

  /** Re-reads one id; returns the shape it had before and has now (invalid = undefined). */
  private read(id: string): { before: Shape | undefined; after: Shape | undefined } {
    const before = this.byId.get(id);
    const value = this.map.get(id);
    const result = value === undefined ? null : checkEntry(id, value);
    if (result?.status !== "valid") {
      this.byId.delete(id);
      return { before, after: undefined };
    }
    if (before && sameShape(before, result.shape)) return { before, after: before };
    this.byId.set(id, result.shape);
    return { before, after: result.shape };
  }

  /** Re-reads `ids`; returns the new list in paint order, or null when nothing changed. */
  refresh(ids: Iterable<string>): Shape[] | null {
    const changes: { before: Shape | undefined; after: Shape | undefined }[] = [];
    for (const id of ids) {
      const change = this.read(id);
      if (change.before !== change.after) changes.push(change);
    }
    if (changes.length === 0) return null;
    if (changes.length > RESORT_THRESHOLD) {
      this.list = [...this.byId.values()].sort(comparePaintOrder);
      return this.list;
    }
    const list = this.list.slice();
    for (const { before, after } of changes) {
      if (before && after && before.z === after.z) {
        list[paintIndex(list, before)] = after; // same place in paint order
        continue;
      }
      if (before) list.splice(paintIndex(list, before), 1);
      if (after) list.splice(paintIndex(list, after), 0, after);
    }
    this.list = list;
    return list;
  }

  sorted(): Shape[] {
    return this.list;
  }
}

export function useShapes(doc: Y.Doc): Shape[] {
  const [shapes, setShapes] = useState<Shape[]>([]);
  useEffect(() => {
    const map = getShapes(doc);
    const cache = new ShapeCache(map);
    setShapes(cache.sorted());
    const onChange = (events: Y.YEvent<Y.AbstractType<unknown>>[]) => {
      const touched = new Set<string>();
      for (const event of events) {
        if (event.target === map && event instanceof Y.YMapEvent) {
          for (const id of event.keysChanged) touched.add(id);
        } else {
          // A change inside a shape: the path starts at that shape's id.
          const id = event.path[0];
          if (typeof id === "string") touched.add(id);
        }
      }
      const next = cache.refresh(touched);
      if (next) setShapes(next);
    };
    map.observeDeep(onChange);
    return () => map.unobserveDeep(onChange);
  }, [doc]);
  return shapes;
}
