/**
 * Moving many nodes between layers at once. Konva's `moveTo` splices one node out and re-indexes
 * every child of the layer it leaves, so lifting a shape with 50 bound arrows off a board of
 * thousands of nodes re-indexed the board 51 times (and putting them back in paint order searched
 * the board once per node): a long task at the start and the end of such a drag. These do one
 * pass over the layer each way. They touch Konva internals the public API has no batch form for
 * (`children`, `parent`, `index`, `_setChildrenIndices`, `_clearCaches`), kept to this file.
 */
import type Konva from "konva";

interface Internals {
  parent: Konva.Container | null;
  index: number;
  _clearCaches(): void;
}
interface ContainerInternals {
  children: Konva.Node[];
  _setChildrenIndices(): void;
}

const internals = (node: Konva.Node) => node as unknown as Internals;
const containerOf = (layer: Konva.Container) => layer as unknown as ContainerInternals;

/** Takes `nodes` out of `from` in one pass; returns those that were there. */
function takeOut(nodes: readonly Konva.Node[], from: Konva.Container): Konva.Node[] {
  const leaving = new Set(nodes.filter((n) => n.getParent() === from));
  if (leaving.size === 0) return [];
  const c = containerOf(from);
  c.children = c.children.filter((n) => !leaving.has(n));
  c._setChildrenIndices();
  const out = [...leaving];
  for (const node of out) {
    internals(node).parent = null;
    internals(node)._clearCaches();
  }
  return out;
}

/** Moves the nodes of `nodes` that are on `from` to the top of `to`, keeping their order. */
export function moveAllTo(
  nodes: readonly Konva.Node[],
  from: Konva.Container,
  to: Konva.Container,
): void {
  const moved = takeOut(nodes, from);
  if (moved.length > 0) to.add(...(moved as Konva.Group[]));
}

/**
 * Moves the nodes of `nodes` that are on `from` into `to`, each before the first node of `to`
 * that paints after it (`after(a, b) > 0`: a paints after b; nodes it cannot order, `null`, keep
 * their place, and moved nodes it cannot order go on top). `to`'s children are in paint order.
 */
export function mergeInto<T>(
  nodes: readonly Konva.Node[],
  from: Konva.Container,
  to: Konva.Container,
  key: (node: Konva.Node) => T | undefined,
  after: (a: T, b: T) => number,
): void {
  const moved = takeOut(nodes, from);
  if (moved.length === 0) return;
  const keyed = moved.map((node) => ({ node, k: key(node) }));
  const ordered = keyed
    .filter((m): m is { node: Konva.Node; k: T } => m.k !== undefined)
    .sort((a, b) => after(a.k, b.k));
  const merged: Konva.Node[] = [];
  let i = 0;
  for (const child of containerOf(to).children) {
    const k = key(child);
    if (k !== undefined) {
      while (i < ordered.length && after(k, ordered[i]!.k) > 0) merged.push(ordered[i++]!.node);
    }
    merged.push(child);
  }
  while (i < ordered.length) merged.push(ordered[i++]!.node);
  for (const m of keyed) if (m.k === undefined) merged.push(m.node);
  const c = containerOf(to);
  c.children = merged;
  c._setChildrenIndices();
  for (const node of moved) {
    internals(node).parent = to;
    internals(node)._clearCaches();
  }
}
