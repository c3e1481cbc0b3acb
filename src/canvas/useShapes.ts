/**
 * The valid shapes of the document in paint order, as React state. Unchanged shapes keep their
 * object identity between updates, so memoized ShapeNodes skip re-rendering: with 1000 shapes,
 * a drag on one re-renders one.
 */
import { useEffect, useState } from "react";
import type * as Y from "yjs";
import { getShapes, readShapes } from "../shared/doc";
import type { Shape } from "../shared/schema";

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

export function useShapes(doc: Y.Doc): Shape[] {
  const [shapes, setShapes] = useState<Shape[]>(() => readShapes(doc));
  useEffect(() => {
    const map = getShapes(doc);
    let previous = new Map<string, Shape>();
    const refresh = () => {
      const next = readShapes(doc).map((s) => {
        const old = previous.get(s.id);
        return old && sameShape(old, s) ? old : s;
      });
      previous = new Map(next.map((s) => [s.id, s]));
      setShapes(next);
    };
    refresh();
    map.observeDeep(refresh);
    return () => map.unobserveDeep(refresh);
  }, [doc]);
  return shapes;
}
