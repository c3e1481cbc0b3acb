/**
 * Connectors that follow shapes in motion. When a move or a resize starts, the connectors bound
 * to the moving shapes are found once (one scan of the board); each frame then re-routes only
 * those (src/shared/binding.ts routeConnector) and sets their Konva lines' points directly, so a
 * frame costs the bound connectors, not the board. The document is written when the gesture
 * ends: ShapeStore re-routes the same connectors in the same transaction as the move.
 */
import type Konva from "konva";
import { connectorsBoundTo, polylineMidpoint, routeConnector } from "../shared/binding";
import type { Shape } from "../shared/schema";

export interface ConnectorFollower {
  /** How many connectors follow (0: nothing to do per frame). */
  readonly count: number;
  /** Their nodes, to lift onto the drag layer with the moving shapes. */
  readonly nodes: Konva.Node[];
  /** The moving shapes as they are now: re-route the connectors bound to them. */
  update(moving: readonly Shape[]): void;
  /** Back to the document's geometry (the gesture was cancelled). */
  restore(): void;
}

interface Follower {
  shape: Shape;
  line: Konva.Line;
  label: Konva.Text | undefined;
}

const isLine = (n: Konva.Node) => n.getClassName() === "Arrow" || n.getClassName() === "Line";

/** A connector label sits centred on the middle of the points (ShapeNode's Label). */
function placeLabel(label: Konva.Text, points: readonly number[]): void {
  const mid = polylineMidpoint(points);
  label.position({ x: mid.x - label.width() / 2, y: mid.y - label.fontSize() / 2 });
}

export function followConnectors(
  byId: ReadonlyMap<string, Shape>,
  movingIds: ReadonlySet<string>,
  find: (ids: Iterable<string>) => Konva.Node[],
): ConnectorFollower {
  // A connector moving with the shapes moves as a whole; only the others bend.
  const bound = connectorsBoundTo(byId.values(), movingIds).filter((c) => !movingIds.has(c.id));
  const targets = new Map<string, Shape>();
  for (const c of bound) {
    for (const id of [c.startId, c.endId]) {
      const target = id === undefined ? undefined : byId.get(id);
      if (id !== undefined && target) targets.set(id, target);
    }
  }
  const nodes = bound.length === 0 ? [] : find(bound.map((c) => c.id));
  const followers: Follower[] = [];
  const byNodeId = new Map(nodes.map((n) => [n.id(), n as Konva.Group]));
  for (const shape of bound) {
    const group = byNodeId.get(shape.id);
    const line = group?.getChildren(isLine)[0] as Konva.Line | undefined;
    if (!group || !line) continue; // culled: not on screen, nothing to draw
    const label = group.getChildren((n) => n.getClassName() === "Text")[0] as
      | Konva.Text
      | undefined;
    followers.push({ shape, line, label });
  }

  return {
    count: followers.length,
    nodes,
    update(moving) {
      for (const s of moving) if (targets.has(s.id)) targets.set(s.id, s);
      for (const f of followers) {
        const route = routeLive(f.shape, targets);
        f.line.points(route);
        if (f.label) placeLabel(f.label, route);
      }
    },
    restore() {
      for (const f of followers) {
        f.line.points(f.shape.points);
        if (f.label) placeLabel(f.label, f.shape.points);
      }
    },
  };
}

/** epsilon 0: the picture follows exactly; the document write rounds. */
function routeLive(shape: Shape, targets: ReadonlyMap<string, Shape>): number[] {
  return routeConnector(shape, targets, 0)?.points ?? shape.points;
}
