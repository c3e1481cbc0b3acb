/** Fractional z keys (src/doc/zorder.ts): the keys written always realise the wanted order. */
import fc from "fast-check";
import { generateNKeysBetween } from "fractional-indexing";
import { describe, expect, test } from "vitest";
import { keysOnTop, reorder, type ZMove, zPatchFor } from "../../src/doc/zorder";
import { comparePaintOrder } from "../../src/shared/schema";

const MOVES: ZMove[] = ["forward", "backward", "front", "back"];

function apply(shapes: { id: string; z: string }[], patch: Map<string, string>) {
  return shapes.map((s) => ({ ...s, z: patch.get(s.id) ?? s.z })).sort(comparePaintOrder);
}

describe("zorder", () => {
  test("reorder moves selected shapes one step past unselected neighbours", () => {
    const s = ["a", "b", "c", "d", "e"].map((id) => ({ id, z: id }));
    const ids = (list: { id: string }[]) => list.map((x) => x.id).join("");
    expect(ids(reorder(s, new Set(["b", "c"]), "forward"))).toBe("adbce");
    expect(ids(reorder(s, new Set(["e"]), "forward"))).toBe("abcde");
    expect(ids(reorder(s, new Set(["b", "d"]), "backward"))).toBe("badce");
    expect(ids(reorder(s, new Set(["b", "d"]), "front"))).toBe("acebd");
    expect(ids(reorder(s, new Set(["b", "d"]), "back"))).toBe("bdace");
  });

  test("only moved shapes get new keys when keys are distinct", () => {
    const keys = generateNKeysBetween(null, null, 5);
    const shapes = keys.map((z, i) => ({ id: `s${i}`, z }));
    const patch = zPatchFor(shapes, new Set(["s1"]), "front");
    expect([...patch.keys()]).toEqual(["s1"]);
  });

  test("ties in z (same key, ordered by id) still produce the wanted order", () => {
    const shapes = ["a", "b", "c"].map((id) => ({ id, z: "a0" }));
    const patch = zPatchFor(shapes, new Set(["a"]), "forward");
    expect(apply(shapes, patch).map((s) => s.id)).toEqual(["b", "a", "c"]);
  });

  test("keysOnTop re-keys everyone when the top key is not a fractional index", () => {
    const { keys, rekey } = keysOnTop([{ id: "x", z: "zzz" }], 2);
    expect(keys).toHaveLength(2);
    const all = apply([{ id: "x", z: "zzz" }], rekey);
    expect(all[0]!.z < keys[0]!).toBe(true);
    expect(keys[0]! < keys[1]!).toBe(true);
  });

  test("property: the patched keys realise reorder() for any selection and move", () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 12 }),
        fc.array(fc.nat(11), { maxLength: 12 }),
        fc.constantFrom(...MOVES),
        fc.boolean(),
        (n, picks, move, withTies) => {
          const keys = generateNKeysBetween(null, null, n);
          const shapes = keys.map((z, i) => ({
            id: `s${String(i).padStart(2, "0")}`,
            z: withTies ? keys[Math.floor(i / 2)]! : z,
          }));
          const selected = new Set(picks.filter((p) => p < n).map((p) => shapes[p]!.id));
          const sorted = [...shapes].sort(comparePaintOrder);
          const wanted = reorder(sorted, selected, move).map((s) => s.id);
          const got = apply(shapes, zPatchFor(shapes, selected, move)).map((s) => s.id);
          expect(got).toEqual(wanted);
        },
      ),
      { numRuns: 300 },
    );
  });
});
