/**
 * Heap of a room's Y.Doc per shape, by representation (issue 13: boards of 50,000 shapes).
 * Run as its own process, one representation at a time, with
 * `node --expose-gc --import tsx bench/docHeap.ts <shapes> "<representation>"`, so a full GC
 * before and after applying the board measures the document alone; prints one JSON line.
 * V8 here is the engine workerd runs, so the heap a deployed room holds is the same order.
 *
 * - "y-map per shape" is today's schema: one Y.Map per shape, defaults left out.
 * - "packed geometry": one Y.Map per shape, but x, y, width, height in one array value.
 * - "plain value": the whole shape as one plain JSON value in `shapes` (no nested map): what
 *   compact shapes store (`shapeToCompact`, docs/schema.md), so "compact" needs no row of its own.
 */
import * as Y from "yjs";
import { getShapes, shapeToCompact, shapeToYMap } from "../src/shared/doc";
import type { Shape } from "../src/shared/schema";

const gc = (globalThis as { gc?: () => void }).gc;
if (!gc) throw new Error("run with node --expose-gc");

const shapes = Number(process.argv[2] ?? 50_000);
const rect = (i: number): Shape => ({
  id: `shape-${i.toString(36).padStart(15, "0")}`,
  type: "rect",
  x: (i % 250) * 100,
  y: Math.floor(i / 250) * 60,
  width: 80,
  height: 40,
  rotation: 0,
  points: [],
  stroke: "#1e1e1e",
  fill: "transparent",
  strokeWidth: 2,
  text: "",
  fontSize: 0,
  z: `a${i.toString(36)}`,
});

type Writer = (map: Y.Map<unknown>, s: Shape) => void;
const WRITERS: Record<string, Writer> = {
  "y-map per shape": (map, s) => map.set(s.id, shapeToYMap(s)),
  "packed geometry": (map, s) => {
    const m = new Y.Map<unknown>();
    m.set("type", s.type);
    m.set("g", [s.x, s.y, s.width, s.height]);
    m.set("z", s.z);
    map.set(s.id, m);
  },
  "plain value": (map, s) => map.set(s.id, shapeToCompact(s)),
};

const representation = process.argv[3] ?? "y-map per shape";
const write = WRITERS[representation];
if (!write) throw new Error(`unknown representation ${representation}`);
{
  const source = new Y.Doc();
  const map = getShapes(source) as Y.Map<unknown>;
  source.transact(() => {
    for (let i = 0; i < shapes; i++) write(map, rect(i));
  });
  const update = Y.encodeStateAsUpdate(source);
  source.destroy();
  gc();
  const before = process.memoryUsage().heapUsed;
  const doc = new Y.Doc();
  Y.applyUpdate(doc, update);
  gc();
  const heap = process.memoryUsage().heapUsed - before;
  console.log(
    JSON.stringify({
      representation,
      shapes,
      encoded_mb: Math.round((update.byteLength / 1e6) * 10) / 10,
      heap_mb: Math.round((heap / 1e6) * 10) / 10,
      heap_b_per_shape: Math.round(heap / shapes),
    }),
  );
  doc.destroy();
}
