/** Copy/paste and JSON import (src/doc/transfer.ts) and tool geometry (src/tools). */
import { describe, expect, test } from "vitest";
import { CLIPBOARD_KIND, parseShapesJson, placeAt, snapshotJson } from "../../src/doc/transfer";
import type { Shape } from "../../src/shared/schema";
import { shapeBounds, simplifyPoints } from "../../src/tools/geometry";
import { DEFAULT_STYLE, shapeFromDrag } from "../../src/tools/shapeFactory";

const shape: Shape = {
  id: "r1",
  type: "rect",
  x: 10,
  y: 20,
  width: 30,
  height: 40,
  rotation: 0,
  points: [],
  stroke: "#1e1e1e",
  fill: "transparent",
  strokeWidth: 2,
  text: "",
  fontSize: 0,
  z: "a0",
};

describe("parseShapesJson", () => {
  test("round-trips an export, dropping ids and z", () => {
    const parsed = parseShapesJson(snapshotJson([shape]))!;
    expect(parsed.skipped).toBe(0);
    expect(parsed.shapes).toEqual([(({ id: _i, z: _z, ...rest }) => rest)(shape)]);
  });

  test("skips invalid shapes and keeps the rest", () => {
    const text = JSON.stringify({
      shapes: [
        shape,
        { type: "rect", x: "oops" },
        { type: "blob" },
        null,
        { ...shape, type: "line" },
      ],
    });
    const parsed = parseShapesJson(text)!;
    expect(parsed.shapes).toHaveLength(1);
    expect(parsed.skipped).toBe(4);
  });

  test("rejects text that is not our format", () => {
    expect(parseShapesJson("not json")).toBeNull();
    expect(parseShapesJson("[1,2]")).toBeNull();
    expect(parseShapesJson(JSON.stringify({ shapes: [shape] }), true)).toBeNull();
    expect(
      parseShapesJson(JSON.stringify({ kind: CLIPBOARD_KIND, shapes: [shape] }), true),
    ).not.toBeNull();
  });

  test("placeAt moves the group's top-left corner", () => {
    const [a, b] = placeAt(
      [
        { ...shape, x: 10, y: 20 },
        { ...shape, x: 50, y: 5 },
      ],
      100,
      100,
    );
    expect([a!.x, a!.y, b!.x, b!.y]).toEqual([100, 115, 140, 100]);
  });
});

describe("tool geometry", () => {
  test("a drag in any direction gives a normalised box", () => {
    const s = shapeFromDrag("rect", DEFAULT_STYLE, { x: 300, y: 200 }, { x: 100, y: 50 })!;
    expect([s.x, s.y, s.width, s.height]).toEqual([100, 50, 200, 150]);
  });

  test("a click draws no rectangle but a default sticky note", () => {
    expect(shapeFromDrag("rect", DEFAULT_STYLE, { x: 1, y: 1 }, { x: 1, y: 1 })).toBeNull();
    const note = shapeFromDrag("sticky", DEFAULT_STYLE, { x: 1, y: 1 }, { x: 1, y: 1 })!;
    expect(note.width).toBeGreaterThan(0);
    expect(note.fill).not.toBe("transparent");
  });

  test("lines are relative to their start", () => {
    const s = shapeFromDrag("arrow", DEFAULT_STYLE, { x: 10, y: 10 }, { x: 40, y: 50 })!;
    expect([s.x, s.y, ...s.points]).toEqual([10, 10, 0, 0, 30, 40]);
  });

  test("simplifyPoints drops collinear points and keeps corners", () => {
    const line = [0, 0, 1, 0, 2, 0, 3, 0, 3, 1, 3, 2];
    expect(simplifyPoints(line, 0.5)).toEqual([0, 0, 3, 0, 3, 2]);
  });

  test("shapeBounds accounts for rotation about (x, y)", () => {
    const b = shapeBounds({ ...shape, x: 0, y: 0, width: 10, height: 20, rotation: 90 });
    expect(b.x).toBeCloseTo(-20);
    expect(b.y).toBeCloseTo(0);
    expect(b.width).toBeCloseTo(20);
    expect(b.height).toBeCloseTo(10);
  });
});
