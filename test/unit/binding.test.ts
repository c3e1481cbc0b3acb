/**
 * Bindings and references between shapes, as geometry and as repair rules.
 *
 *  [B1] A bound end sits at its anchor of the target's box, rotation included.
 *  [B2] A dropped end binds to the topmost bindable shape within the tolerance, on its outline.
 *  [B3] Re-routing moves only bound ends, and only when they are off their anchor.
 *  [SC5] The diagramming keys are checked like the others: wrong values are deleted.
 *  C12 (docs/conflicts.md): the room unbinds ends whose shape is gone and re-routes connectors
 *      left off their shape by concurrent edits. C13: frame references to missing shapes go.
 */
import { describe, expect, it } from "vitest";
import * as Y from "yjs";
import {
  anchorPoint,
  findBinding,
  nearestOutlinePoint,
  routeConnector,
} from "../../src/shared/binding";
import { getShapes, readShapes, shapeToYMap } from "../../src/shared/doc";
import { checkReferences } from "../../src/shared/references";
import { checkShape, type Shape } from "../../src/shared/schema";
import { validShape } from "./support/fakes";

const box = (over: Partial<Shape>): Shape => ({
  ...validShape("rect", over.id ?? "box"),
  x: 100,
  y: 100,
  width: 200,
  height: 100,
  rotation: 0,
  ...over,
});

const arrow = (over: Partial<Shape>): Shape => ({
  ...validShape("arrow", over.id ?? "arrow"),
  x: 0,
  y: 0,
  rotation: 0,
  points: [0, 0, 100, 150],
  ...over,
});

const close = (a: { x: number; y: number }, b: { x: number; y: number }) => {
  expect(a.x).toBeCloseTo(b.x, 6);
  expect(a.y).toBeCloseTo(b.y, 6);
};

describe("binding geometry", () => {
  it("[B1] an anchor is a point of the target's box, rotated about (x, y)", () => {
    close(anchorPoint(box({}), { x: 0, y: 0.5 }), { x: 100, y: 150 });
    close(anchorPoint(box({}), { x: 1, y: 1 }), { x: 300, y: 200 });
    // 90° clockwise about (100, 100): the box's right edge midpoint (300, 150) goes to (50, 300).
    close(anchorPoint(box({ rotation: 90 }), { x: 1, y: 0.5 }), { x: 50, y: 300 });
  });

  it("[B2] an end dropped near an edge binds on the outline; far away it does not", () => {
    const shapes = [box({ id: "low" }), box({ id: "top", x: 150 })];
    const hit = findBinding(shapes, { x: 352, y: 150 }, 8);
    expect(hit?.id).toBe("top");
    close(hit!.point, { x: 350, y: 150 });
    close(hit!.anchor, { x: 1, y: 0.5 });
    expect(findBinding(shapes, { x: 380, y: 150 }, 8)).toBeNull();
    // Inside a shape counts too: the anchor is the nearest outline point.
    const inside = findBinding([box({})], { x: 110, y: 150 }, 8);
    close(inside!.point, { x: 100, y: 150 });
    // Connectors and the excluded id never bind.
    expect(findBinding([arrow({ points: [0, 0, 400, 0] })], { x: 200, y: 0 }, 8)).toBeNull();
    expect(findBinding([box({})], { x: 300, y: 150 }, 8, new Set(["box"]))).toBeNull();
  });

  it("[B2] ellipse, diamond and triangle outlines", () => {
    const e = box({ type: "ellipse", width: 200, height: 100 });
    close(nearestOutlinePoint(e, { x: 100, y: 10 }), { x: 100, y: 0 });
    close(nearestOutlinePoint(e, { x: 210, y: 50 }), { x: 200, y: 50 });
    const d = box({ type: "diamond", width: 100, height: 100 });
    close(nearestOutlinePoint(d, { x: 100, y: 0 }), { x: 75, y: 25 });
    const t = box({ type: "triangle", width: 100, height: 100 });
    close(nearestOutlinePoint(t, { x: 50, y: 120 }), { x: 50, y: 100 });
  });

  it("[B3] re-routing moves bound ends onto their anchors and keeps the middle points", () => {
    const target = box({ id: "t" });
    const a = arrow({
      points: [0, 0, 50, 50, 90, 140],
      endId: "t",
      endAnchor: { x: 0, y: 0.5 },
    });
    const route = routeConnector(a, new Map([["t", target]]));
    expect(route).toEqual({ x: 0, y: 0, points: [0, 0, 50, 50, 100, 150] });
    // Already on its anchor: nothing to write.
    expect(routeConnector({ ...a, points: route!.points }, new Map([["t", target]]))).toBeNull();
    // A missing target leaves the end where it is.
    expect(routeConnector(a, new Map())).toBeNull();
  });
});

describe("[SC5] diagramming keys", () => {
  it("valid keys are read back; wrong ones are deleted", () => {
    const ok = checkShape("a", {
      type: "arrow",
      points: [0, 0, 10, 10],
      dash: "dotted",
      opacity: 0.5,
      locked: true,
      label: "yes",
      startId: "b",
      startAnchor: { x: 1, y: 0.5 },
      endId: "c",
    });
    expect(ok.status).toBe("valid");
    if (ok.status !== "valid") return;
    expect(ok.shape).toMatchObject({
      dash: "dotted",
      opacity: 0.5,
      locked: true,
      label: "yes",
      startId: "b",
      startAnchor: { x: 1, y: 0.5 },
      endId: "c",
      endAnchor: { x: 0.5, y: 0.5 },
    });
    const bad = checkShape("d", {
      type: "diamond",
      dash: "wavy",
      opacity: 0,
      locked: "yes",
      frameId: "not an id!",
      label: 5,
    });
    expect(bad.status).toBe("repair");
    if (bad.status !== "repair") return;
    expect(bad.patch).toEqual({
      dash: undefined,
      opacity: undefined,
      locked: undefined,
      frameId: undefined,
      label: undefined,
    });
    expect(bad.shape.dash).toBeUndefined();
    expect(bad.shape.opacity).toBeUndefined();
  });

  it("a frame's name and the new box types round-trip through the document", () => {
    const doc = new Y.Doc();
    const frame = { ...validShape("frame", "f"), name: "Plan" };
    const tri = {
      ...validShape("triangle", "t"),
      frameId: "f",
      opacity: 0.4,
      dash: "dashed" as const,
    };
    doc.transact(() => {
      getShapes(doc).set(frame.id, shapeToYMap(frame));
      getShapes(doc).set(tri.id, shapeToYMap(tri));
    });
    const read = new Map(readShapes(doc).map((s) => [s.id, s]));
    expect(read.get("f")?.name).toBe("Plan");
    expect(read.get("t")).toMatchObject({ frameId: "f", opacity: 0.4, dash: "dashed" });
    // A label is a Y.Text, so two people typing in it merge (C5).
    const rect = { ...validShape("rect", "r"), label: "hi" };
    getShapes(doc).set(rect.id, shapeToYMap(rect));
    expect(getShapes(doc).get("r")?.get("label")).toBeInstanceOf(Y.Text);
  });
});

describe("checkReferences (C12, C13)", () => {
  const board = (...shapes: Shape[]) => {
    const doc = new Y.Doc();
    doc.transact(() => {
      for (const s of shapes) getShapes(doc).set(s.id, shapeToYMap(s));
    });
    return { doc, shapes: getShapes(doc) as Y.Map<unknown> };
  };

  it("C12 an end bound to a deleted shape is unbound", () => {
    const { shapes } = board(
      box({ id: "t" }),
      arrow({ startId: "t", startAnchor: { x: 0, y: 0 }, endId: "gone" }),
    );
    shapes.delete("t");
    const fixes = checkReferences(shapes, new Set(["t"]));
    expect(fixes).toEqual([
      {
        id: "arrow",
        patch: {
          startId: undefined,
          startAnchor: undefined,
          endId: undefined,
          endAnchor: undefined,
        },
      },
    ]);
  });

  it("C12 a connector left off a shape that moved concurrently is re-routed", () => {
    // Peer A bound the arrow to t at (100, 150) while peer B moved t right by 50.
    const { shapes } = board(
      box({ id: "t", x: 150 }),
      arrow({ points: [0, 0, 100, 150], endId: "t", endAnchor: { x: 0, y: 0.5 } }),
    );
    expect(checkReferences(shapes, new Set(["t", "arrow"]))).toEqual([
      { id: "arrow", patch: { points: [0, 0, 150, 150] } },
    ]);
    // Routed already: nothing to do.
    const again = board(
      box({ id: "t", x: 150 }),
      arrow({ points: [0, 0, 150, 150], endId: "t", endAnchor: { x: 0, y: 0.5 } }),
    );
    expect(checkReferences(again.shapes, new Set(["t"]))).toEqual([]);
  });

  it("C12 a binding to itself or to a connector is dropped", () => {
    const { shapes } = board(arrow({ id: "a1", endId: "a2" }), arrow({ id: "a2", startId: "a2" }));
    const fixes = checkReferences(shapes, new Set(["a1", "a2"]));
    expect(fixes.map((f) => f.id).sort()).toEqual(["a1", "a2"]);
  });

  it("C13 frameId naming a missing shape or a non-frame goes", () => {
    const { shapes } = board(
      { ...validShape("frame", "f") },
      box({ id: "in", frameId: "f" }),
      box({ id: "odd", frameId: "in" }),
    );
    expect(checkReferences(shapes, new Set(["in", "odd"]))).toEqual([
      { id: "odd", patch: { frameId: undefined } },
    ]);
    shapes.delete("f");
    expect(checkReferences(shapes, new Set(["f"]))).toEqual([
      { id: "in", patch: { frameId: undefined } },
      { id: "odd", patch: { frameId: undefined } },
    ]);
  });
});
