/**
 * The Konva side of shapes the user is handling: finding a shape's node, lifting nodes onto the
 * drag layer while they move (so the board under them is not redrawn each frame) and putting
 * them back in paint order, and reading their live geometry back as shapes.
 */
import type Konva from "konva";
import { type RefObject, useMemo, useRef } from "react";
import { comparePaintOrder, type Shape } from "../shared/schema";
import { round2 } from "../tools/geometry";
import type { GrabbedShapes } from "./gestures/types";
import type { LazyHitGraph } from "./hitGraph";
import { mergeInto, moveAllTo } from "./layerMoves";
import { type ConnectorFollower, followConnectors } from "./liveConnectors";
import { NAIVE_RENDER } from "./renderMode";

/** Shapes by id: `byId` for this render, `get()` for handlers (the latest list, built once per list). */
export function useShapeIndex(shapes: Shape[]) {
  const byId = useMemo(() => new Map(shapes.map((s) => [s.id, s])), [shapes]);
  const latest = useRef({ shapes, byId });
  latest.current = { shapes, byId };
  const get = useMemo(() => (): Map<string, Shape> => latest.current.byId, []);
  const list = useMemo(() => (): Shape[] => latest.current.shapes, []);
  return { byId, get, list };
}

export interface ShapeNodes {
  /** The nodes of these shape ids (on the shapes layer or being moved). */
  find(ids: Iterable<string>): Konva.Node[];
  lift(nodes: Konva.Node[]): void;
  drop(nodes: Konva.Node[]): void;
  /** The live geometry of nodes being moved or transformed, as shapes. */
  live(nodes: Konva.Node[]): Shape[];
  grab(ids: readonly string[]): GrabbedShapes;
  /** The connectors bound to these shapes, to re-route while they move (liveConnectors.ts). */
  connectors(ids: Iterable<string>): ConnectorFollower;
}

export function useShapeNodes(refs: {
  shapesLayer: RefObject<Konva.Layer | null>;
  dragLayer: RefObject<Konva.Layer | null>;
  hitGraph: RefObject<LazyHitGraph | null>;
  shapesById: () => Map<string, Shape>;
}): ShapeNodes {
  const refsRef = useRef(refs);
  refsRef.current = refs;
  return useMemo(() => {
    const find = (ids: Iterable<string>): Konva.Node[] => {
      const wanted = new Set(ids);
      const out: Konva.Node[] = [];
      const { shapesLayer, dragLayer } = refsRef.current;
      for (const layer of [shapesLayer.current, dragLayer.current]) {
        if (layer) out.push(...layer.getChildren((n) => wanted.has(n.id())));
      }
      return out;
    };

    const lift = (nodes: Konva.Node[]) => {
      const drag = refsRef.current.dragLayer.current;
      const layer = refsRef.current.shapesLayer.current;
      if (NAIVE_RENDER || !drag || !layer) return;
      moveAllTo(nodes, layer, drag);
      layer.batchDraw();
      drag.batchDraw();
    };

    const drop = (nodes: Konva.Node[]) => {
      const drag = refsRef.current.dragLayer.current;
      const layer = refsRef.current.shapesLayer.current;
      if (NAIVE_RENDER || !drag || !layer) return;
      const byId = refsRef.current.shapesById();
      mergeInto(nodes, drag, layer, (n) => byId.get(n.id()), comparePaintOrder);
      refsRef.current.hitGraph.current?.invalidate();
      layer.batchDraw();
      drag.batchDraw();
    };

    const live = (nodes: Konva.Node[]): Shape[] => {
      const byId = refsRef.current.shapesById();
      const out: Shape[] = [];
      for (const node of nodes) {
        const shape = byId.get(node.id());
        if (!shape) continue;
        const sx = node.scaleX();
        const sy = node.scaleY();
        out.push({
          ...shape,
          x: node.x(),
          y: node.y(),
          rotation: ((node.rotation() % 360) + 360) % 360,
          width: shape.width * sx,
          height: shape.height * sy,
          points:
            sx === 1 && sy === 1
              ? shape.points
              : shape.points.map((v, i) => v * (i % 2 === 0 ? sx : sy)),
        });
      }
      return out;
    };

    const connectors = (ids: Iterable<string>): ConnectorFollower =>
      followConnectors(refsRef.current.shapesById(), new Set(ids), find);

    const grab = (ids: readonly string[]): GrabbedShapes => {
      const held = find(ids).map((node) => ({ node, x: node.x(), y: node.y() }));
      const nodes = held.map((h) => h.node);
      // Bound arrows bend with the shapes every frame, lifted with them off the board.
      const bound = connectors(ids);
      return {
        lift: () => lift([...nodes, ...bound.nodes]),
        moveBy(dx, dy) {
          for (const h of held) h.node.position({ x: h.x + dx, y: h.y + dy });
          if (bound.count > 0) bound.update(live(nodes));
          (nodes[0]?.getLayer() ?? refsRef.current.shapesLayer.current)?.batchDraw();
        },
        live: () => live(nodes),
        positions: () => nodes.map((n) => ({ id: n.id(), x: round2(n.x()), y: round2(n.y()) })),
        restore() {
          for (const h of held) h.node.position({ x: h.x, y: h.y });
          bound.restore();
        },
        drop: () => drop([...nodes, ...bound.nodes]),
      };
    };

    return { find, lift, drop, live, grab, connectors };
  }, []);
}
