/**
 * Paint order with fractional indices on the `z` key. Moving shapes rewrites only the moved
 * shapes' keys; a full re-key happens only when neighbours tie or hold keys fractional-indexing
 * cannot extend (written by some other client).
 */
import { generateKeyBetween, generateNKeysBetween } from "fractional-indexing";
import { comparePaintOrder } from "../shared/schema";

export interface Ordered {
  id: string;
  z: string;
}

export type ZMove = "forward" | "backward" | "front" | "back";

/** New z keys (id → z) for the shapes whose key changes. */
export type ZPatch = Map<string, string>;

/** `n` keys strictly between lo and hi, or null if fractional-indexing refuses them. */
function keysBetween(lo: string | null, hi: string | null, n: number): string[] | null {
  if (lo !== null && hi !== null && lo >= hi) return null;
  try {
    return generateNKeysBetween(lo, hi, n);
  } catch {
    return null;
  }
}

/** `n` keys above every shape, in order (for new, pasted and imported shapes). */
export function keysOnTop(
  shapes: readonly Ordered[],
  n: number,
): { keys: string[]; rekey: ZPatch } {
  const sorted = [...shapes].sort(comparePaintOrder);
  const top = sorted.length > 0 ? sorted[sorted.length - 1]!.z : null;
  const keys = keysBetween(top, null, n);
  if (keys) return { keys, rekey: new Map() };
  // The top key is not one fractional-indexing can extend: re-key everyone, then go above.
  const all = generateNKeysBetween(null, null, sorted.length + n);
  const rekey: ZPatch = new Map(sorted.map((s, i) => [s.id, all[i]!]));
  return { keys: all.slice(sorted.length), rekey };
}

/** The paint order after moving the selected shapes (pure reordering, no keys). */
export function reorder<T extends Ordered>(
  sorted: readonly T[],
  selected: ReadonlySet<string>,
  move: ZMove,
): T[] {
  const picked = sorted.filter((s) => selected.has(s.id));
  const rest = sorted.filter((s) => !selected.has(s.id));
  switch (move) {
    case "front":
      return [...rest, ...picked];
    case "back":
      return [...picked, ...rest];
    case "forward": {
      // Each selected shape jumps over the next unselected shape above it.
      const out = [...sorted];
      for (let i = out.length - 2; i >= 0; i--) {
        if (selected.has(out[i]!.id) && !selected.has(out[i + 1]!.id)) {
          const tmp = out[i]!;
          out[i] = out[i + 1]!;
          out[i + 1] = tmp;
        }
      }
      return out;
    }
    case "backward": {
      const out = [...sorted];
      for (let i = 1; i < out.length; i++) {
        if (selected.has(out[i]!.id) && !selected.has(out[i - 1]!.id)) {
          const tmp = out[i]!;
          out[i] = out[i - 1]!;
          out[i - 1] = tmp;
        }
      }
      return out;
    }
    default: {
      const never: never = move;
      throw new Error(`unknown z move ${String(never)}`);
    }
  }
}

/**
 * Keys that realise `order` (the wanted paint order), rewriting only shapes in `moved` where
 * possible. Unmoved shapes keep their relative order, so each run of moved shapes gets keys
 * strictly between its unmoved neighbours.
 */
export function keysForOrder(order: readonly Ordered[], moved: ReadonlySet<string>): ZPatch {
  const patch: ZPatch = new Map();
  let i = 0;
  let lo: string | null = null;
  while (i < order.length) {
    const item = order[i]!;
    if (!moved.has(item.id)) {
      lo = item.z;
      i++;
      continue;
    }
    let j = i;
    while (j < order.length && moved.has(order[j]!.id)) j++;
    const hi = j < order.length ? order[j]!.z : null;
    const keys = keysBetween(lo, hi, j - i);
    if (!keys) return rekeyAll(order);
    for (let k = i; k < j; k++) patch.set(order[k]!.id, keys[k - i]!);
    i = j;
  }
  // Unmoved neighbours must themselves be strictly increasing (ties between them are fine
  // only when no moved shape needs to go between them, which the loop above checked).
  return patch;
}

function rekeyAll(order: readonly Ordered[]): ZPatch {
  const keys = generateNKeysBetween(null, null, order.length);
  const patch: ZPatch = new Map();
  order.forEach((s, i) => {
    if (s.z !== keys[i]) patch.set(s.id, keys[i]!);
  });
  return patch;
}

/** The z patch for a bring-forward/backward/to-front/to-back of the selected shapes. */
export function zPatchFor(
  shapes: readonly Ordered[],
  selected: ReadonlySet<string>,
  move: ZMove,
): ZPatch {
  const sorted = [...shapes].sort(comparePaintOrder);
  const order = reorder(sorted, selected, move);
  const moved = new Set<string>();
  order.forEach((s, i) => {
    if (sorted[i]!.id !== s.id && selected.has(s.id)) moved.add(s.id);
  });
  if (moved.size === 0) return new Map();
  // Forward/backward swaps also move an unselected shape; moving the selected ones is enough.
  return keysForOrder(order, moved);
}

export { generateKeyBetween };
