/**
 * The selection frame (a Konva Transformer): follows the selection, resizes and rotates the
 * selected shapes live (as presence, per frame) and writes the result once at the end.
 */
import type Konva from "konva";
import { type RefObject, useCallback, useEffect, useRef } from "react";
import { membershipAfterTransform } from "../doc/diagram";
import type { ShapePatch, ShapeStore } from "../doc/shapeStore";
import { BOX_TYPES, POINT_TYPES, type Shape } from "../shared/schema";
import { round2 } from "../tools/geometry";
import type { ToolName } from "../tools/tools";
import type { ConnectorFollower } from "./liveConnectors";
import type { ShapeNodes } from "./shapeNodes";

const ALL_ANCHORS = [
  "top-left",
  "top-center",
  "top-right",
  "middle-right",
  "middle-left",
  "bottom-left",
  "bottom-center",
  "bottom-right",
];
/** A text box's height follows its text: only its width is resizable. */
const TEXT_ANCHORS = ["middle-left", "middle-right"];

export function useSelectionTransformer(opts: {
  transformerRef: RefObject<Konva.Transformer | null>;
  nodes: ShapeNodes;
  tool: ToolName;
  selection: string[];
  editingId: string | null;
  readOnly: boolean;
  byId: Map<string, Shape>;
  shapesById: () => Map<string, Shape>;
  /** Every shape, in paint order (frame membership after a resize). */
  shapesList: () => Shape[];
  store: ShapeStore;
  onGesture: ((moving: Shape[] | null) => void) | undefined;
}) {
  const { transformerRef, nodes, tool, selection, editingId, readOnly, byId } = opts;
  const latest = useRef(opts);
  latest.current = opts;

  useEffect(() => {
    const tr = transformerRef.current;
    if (!tr) return;
    const wanted = new Set(tool === "select" ? selection : []);
    if (editingId) wanted.delete(editingId);
    const found = nodes.find(wanted);
    tr.nodes(found);
    const first = selection[0];
    const only = first === undefined ? undefined : byId.get(first);
    const textOnly = found.length === 1 && only?.type === "text";
    tr.enabledAnchors(textOnly ? TEXT_ANCHORS : ALL_ANCHORS);
    // Boxes scale exactly without their stroke; a selection with lines needs the stroke so a
    // perfectly straight line still has a non-zero height to scale (0/0 otherwise).
    const selected = [...wanted].flatMap((id) => byId.get(id) ?? []);
    tr.ignoreStroke(!selected.some((s) => POINT_TYPES.has(s.type)));
    // A locked shape neither resizes nor rotates; its frame is dashed to say why (GR5).
    const locked = selected.some((s) => s.locked);
    tr.resizeEnabled(!readOnly && !locked);
    tr.rotateEnabled(!readOnly && !locked);
    tr.borderDash(locked ? [6, 4] : []);
    tr.forceUpdate();
    tr.getLayer()?.batchDraw();
  }, [transformerRef, selection, byId, tool, editingId, readOnly, nodes]);

  /** Connectors bound to the shapes being transformed, found at the first frame. */
  const followerRef = useRef<ConnectorFollower | null>(null);
  const onTransform = useCallback(() => {
    const tr = transformerRef.current;
    if (!tr) return;
    const onGesture = latest.current.onGesture;
    followerRef.current ??= nodes.connectors(tr.nodes().map((n) => n.id()));
    const follower = followerRef.current;
    if (!onGesture && follower.count === 0) return;
    const live = nodes.live(tr.nodes());
    if (follower.count > 0) follower.update(live);
    onGesture?.(live);
  }, [transformerRef, nodes]);

  const onTransformEnd = useCallback(() => {
    followerRef.current = null;
    const tr = transformerRef.current;
    if (!tr) return;
    const shapes = latest.current.shapesById();
    const patches: ShapePatch[] = [];
    for (const node of tr.nodes()) {
      const shape = shapes.get(node.id());
      if (!shape) continue;
      const sx = node.scaleX();
      const sy = node.scaleY();
      const patch: ShapePatch = {
        id: shape.id,
        x: round2(node.x()),
        y: round2(node.y()),
        rotation: round2(((node.rotation() % 360) + 360) % 360),
      };
      if (BOX_TYPES.has(shape.type)) {
        patch.width = round2(Math.max(1, shape.width * sx));
        patch.height = round2(Math.max(1, shape.height * sy));
      }
      if (POINT_TYPES.has(shape.type)) {
        patch.points = shape.points.map((v, i) => round2(v * (i % 2 === 0 ? sx : sy)));
      }
      node.scale({ x: 1, y: 1 });
      patches.push(patch);
    }
    // GR11: a resized frame takes in what it now holds and lets go of what it no longer does.
    const board = latest.current.shapesList();
    latest.current.store.update([...patches, ...membershipAfterTransform(board, patches)]);
    latest.current.onGesture?.(null);
  }, [transformerRef]);

  return { onTransform, onTransformEnd };
}
