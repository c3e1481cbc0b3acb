/**
 * The valid shapes of the document in paint order, as React state. A change re-validates only
 * the shapes it touched, and unchanged shapes keep their object identity, so memoized
 * ShapeNodes skip re-rendering: with 1000 shapes, a move of one re-renders one.
 */
import { useEffect, useState } from "react";
import * as Y from "yjs";
import { checkEntry, getShapes } from "../shared/doc";
import { comparePaintOrder, type Shape } from "../shared/schema";

function sameShape(a: Shape, b: Shape): boolean {
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

/** Valid shapes by id, re-read one id at a time. Invalid entries are skipped, never rendered. */
class ShapeCache {
  private readonly byId = new Map<string, Shape>();

  constructor(private readonly map: Y.Map<Y.Map<unknown>>) {
    for (const id of map.keys()) this.refresh(id);
  }

  refresh(id: string): void {
    const value = this.map.get(id);
    const result = value === undefined ? null : checkEntry(id, value);
    if (result?.status !== "valid") {
      this.byId.delete(id);
      return;
    }
    const old = this.byId.get(id);
    if (!old || !sameShape(old, result.shape)) this.byId.set(id, result.shape);
  }

  sorted(): Shape[] {
    return [...this.byId.values()].sort(comparePaintOrder);
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
      for (const id of touched) cache.refresh(id);
      setShapes(cache.sorted());
    };
    map.observeDeep(onChange);
    return () => map.unobserveDeep(onChange);
  }, [doc]);
  return shapes;
}
