/**
 * checkShape as a table: input → valid / repair(patch) / remove.
 *
 *  [SC1] Complete valid shapes of every type are valid; missing optional keys take defaults.
 *  [SC2] Present but wrong values are repaired; the patch holds exactly the keys to write.
 *  [SC3] Unfixable shapes (bad id, __proto__, unknown type, not a map, unusable points) are removed.
 *  [SC4] Paint order is z, then id, by code unit.
 */
import { describe, expect, it } from "vitest";
import * as Y from "yjs";
import { MAX_COORDINATE, MAX_TEXT_LENGTH } from "../../src/shared/constants";
import { getShapes, shapeToJSON, shapeToYMap } from "../../src/shared/doc";
import {
  checkShape,
  comparePaintOrder,
  DEFAULT_FONT_SIZE,
  MAX_FONT_SIZE,
  MAX_STROKE_WIDTH,
  MIN_FONT_SIZE,
  SHAPE_TYPES,
  type Shape,
} from "../../src/shared/schema";
import { validShape } from "./support/fakes";

/** The stored keys of a shape (what `ymap.toJSON()` gives for it). */
const plain = (shape: Shape) => {
  const { id: _id, ...rest } = shapeToJSON(shape);
  return rest;
};

describe("checkShape", () => {
  it("[SC1] a complete shape of every type is valid and read back unchanged", () => {
    for (const type of SHAPE_TYPES) {
      const shape = validShape(type, `id-${type}`);
      const result = checkShape(shape.id, plain(shape));
      expect(result.status, type).toBe("valid");
      if (result.status === "valid") expect(result.shape).toEqual(shape);
    }
  });

  it("[SC1] missing optional keys take defaults without a repair", () => {
    expect(checkShape("s", { type: "sticky" })).toEqual({
      status: "valid",
      shape: {
        id: "s",
        type: "sticky",
        x: 0,
        y: 0,
        width: 100,
        height: 100,
        rotation: 0,
        points: [],
        stroke: "#1e1e1e",
        fill: "#ffec99",
        strokeWidth: 2,
        text: "",
        fontSize: 20,
        z: "a0",
      },
    });
  });

  it("[SC1] font size belongs to text and notes: kept there, ignored on other types", () => {
    const text = checkShape("t", { type: "text", fontSize: 36 });
    expect(text.status === "valid" && text.shape.fontSize).toBe(36);
    const rect = checkShape("r", { type: "rect", fontSize: 36 });
    expect(rect.status === "valid" && rect.shape.fontSize).toBe(0);
    // Stored only when it differs from the default, like the other style keys.
    const doc = new Y.Doc();
    getShapes(doc).set("a", shapeToYMap(validShape("sticky", "a")));
    getShapes(doc).set("b", shapeToYMap(validShape("sticky", "b", { fontSize: 28 })));
    expect(getShapes(doc).get("a")!.toJSON()).not.toHaveProperty("fontSize");
    expect(getShapes(doc).get("b")!.toJSON()).toHaveProperty("fontSize", 28);
  });

  const repairs: [string, Record<string, unknown>, Record<string, unknown>][] = [
    ["NaN x", { type: "rect", x: Number.NaN }, { x: 0 }],
    ["Infinity y", { type: "rect", y: Number.NEGATIVE_INFINITY }, { y: -MAX_COORDINATE }],
    ["string x", { type: "ellipse", x: "5" }, { x: 0 }],
    ["huge x", { type: "rect", x: 1e12 }, { x: MAX_COORDINATE }],
    ["negative width", { type: "rect", width: -3 }, { width: 0 }],
    ["NaN height", { type: "text", height: Number.NaN }, { height: 100 }],
    ["Infinity rotation", { type: "rect", rotation: Number.POSITIVE_INFINITY }, { rotation: 0 }],
    ["named colour", { type: "rect", stroke: "red" }, { stroke: "#1e1e1e" }],
    ["short hex", { type: "rect", stroke: "#fff" }, { stroke: "#1e1e1e" }],
    ["bad fill", { type: "rect", fill: "none" }, { fill: "transparent" }],
    ["bad sticky fill", { type: "sticky", fill: 3 }, { fill: "#ffec99" }],
    [
      "stroke width too big",
      { type: "line", strokeWidth: 1e6, points: [0, 0, 1, 1] },
      { strokeWidth: MAX_STROKE_WIDTH },
    ],
    ["bad z", { type: "rect", z: "a 0" }, { z: "a0" }],
    [
      "text too long",
      { type: "text", text: "x".repeat(MAX_TEXT_LENGTH + 5) },
      { text: "x".repeat(MAX_TEXT_LENGTH) },
    ],
    ["text not a string", { type: "sticky", text: 42 }, { text: "" }],
    ["font size 0", { type: "text", fontSize: 0 }, { fontSize: MIN_FONT_SIZE }],
    ["huge font size", { type: "sticky", fontSize: 1e9 }, { fontSize: MAX_FONT_SIZE }],
    ["font size not a number", { type: "text", fontSize: "12px" }, { fontSize: DEFAULT_FONT_SIZE }],
    ["NaN font size", { type: "sticky", fontSize: Number.NaN }, { fontSize: DEFAULT_FONT_SIZE }],
    ["odd-length points", { type: "pen", points: [1, 2, 3] }, { points: [1, 2] }],
    ["NaN in points", { type: "line", points: [Number.NaN, 1, 2, 3] }, { points: [0, 1, 2, 3] }],
    [
      "huge points",
      { type: "arrow", points: [0, 0, 1e9, -1e9] },
      { points: [0, 0, MAX_COORDINATE, -MAX_COORDINATE] },
    ],
  ];
  for (const [name, raw, patch] of repairs) {
    it(`[SC2] ${name} → repair ${JSON.stringify(patch).slice(0, 60)}`, () => {
      const result = checkShape("s1", raw);
      expect(result.status).toBe("repair");
      if (result.status !== "repair") return;
      expect(result.patch).toEqual(patch);
      // Applying the patch gives a valid shape equal to the repaired one.
      const fixed = checkShape("s1", { ...raw, ...patch });
      expect(fixed).toEqual({ status: "valid", shape: result.shape });
    });
  }

  const removals: [string, string, unknown][] = [
    ["__proto__ id", "__proto__", { type: "rect" }],
    ["empty id", "", { type: "rect" }],
    ["id with a space", "a b", { type: "rect" }],
    ["id of 65 characters", "a".repeat(65), { type: "rect" }],
    ["unknown type", "s", { type: "hexagon" }],
    ["missing type", "s", { x: 1 }],
    ["null", "s", null],
    ["array", "s", [1, 2]],
    ["string", "s", "rect"],
    ["points missing", "s", { type: "line" }],
    ["points of strings", "s", { type: "pen", points: ["1", "2"] }],
    ["single coordinate", "s", { type: "arrow", points: [1] }],
    ["empty points", "s", { type: "line", points: [] }],
  ];
  for (const [name, id, raw] of removals) {
    it(`[SC3] ${name} → remove`, () => {
      expect(checkShape(id, raw).status).toBe("remove");
    });
  }

  it("[SC2] extra keys are allowed and left alone", () => {
    const result = checkShape("s", { ...plain(validShape("rect", "s")), author: "bob" });
    expect(result.status).toBe("valid");
  });
});

describe("comparePaintOrder", () => {
  it("[SC4] sorts by z, then id, by code unit", () => {
    const items = [
      { z: "a1", id: "b" },
      { z: "a1", id: "B" },
      { z: "Zz", id: "z" },
      { z: "a0", id: "x" },
    ];
    expect([...items].sort(comparePaintOrder).map((i) => `${i.z}/${i.id}`)).toEqual([
      "Zz/z",
      "a0/x",
      "a1/B",
      "a1/b",
    ]);
  });
});
