/**
 * The infinite canvas: a Konva stage filling its container, the shapes, and every pointer
 * gesture (pan, pinch, wheel, select/move, marquee, draw, erase). Per-frame state — the camera,
 * a move in progress — lives in refs and Konva nodes; the document is written once per gesture.
 *
 * Large boards (see renderMode.ts; `?render=naive` turns all of this off for the benchmark):
 * only shapes near the viewport become Konva nodes, re-culled at most once per frame and only
 * when the camera leaves the culled area, and of those only the ones in the viewport are drawn;
 * the hit graph is drawn on demand, around the pointer only; shapes being
 * moved sit on their own layer, so the board under them is not redrawn each frame; a layer
 * too costly to redraw every frame is panned as a picture until the camera rests.
 */
import type Konva from "konva";
import { Konva as KonvaGlobal } from "konva/lib/Global";
import {
  forwardRef,
  memo,
  useCallback,
  useEffect,
  useImperativeHandle,
  useLayoutEffect,
  useMemo,
  useRef,
  useState,
} from "react";
import { flushSync } from "react-dom";
import type { ShapePatch, ShapeStore } from "../doc/shapeStore";
import {
  BOX_TYPES,
  comparePaintOrder,
  POINT_TYPES,
  type Shape,
  TEXT_TYPES,
} from "../shared/schema";
import {
  type Rect as Box,
  type Point,
  rectFromCorners,
  rectsIntersect,
  round2,
  shapeBounds,
  unionRects,
} from "../tools/geometry";
import { CLICK_SLOP_PX, type ShapeStyle, shapeFromDrag } from "../tools/shapeFactory";
import { DRAW_TOOLS, type ToolName } from "../tools/tools";
import {
  type Cull,
  cullCovers,
  cullFor,
  drawOnlyInView,
  paintBounds,
  visibleShapes,
} from "./culling";
import { type LazyHitGraph, lazyHitGraph } from "./hitGraph";
import { Layer, Rect, Stage, Transformer } from "./konva";
import { type MovingPicture, movingPicture } from "./movingPicture";
import { NAIVE_RENDER } from "./renderMode";
import { SHAPE_NAME, ShapeNode } from "./ShapeNode";
import { clampZoom, fitView, INITIAL_VIEW, screenToCanvas, type View, zoomAround } from "./view";

/** What the board asks its owner to open in the text editor overlay. */
export type EditRequest = { kind: "existing"; id: string } | { kind: "new"; at: Point };

export interface BoardHandle {
  getView(): View;
  /** Subscribe to camera changes (the text overlay follows the canvas); returns unsubscribe. */
  onView(listener: (view: View, source: ViewSource) => void): () => void;
  /** Moves the camera for follow mode (listeners see source "follow", not "user"). */
  followView(view: View): void;
  /** Screen size of the stage, px. */
  size(): { width: number; height: number };
  zoomBy(factor: number): void;
  zoomTo(zoom: number): void;
  fit(): void;
  /** Cancels the gesture in progress; false when there was none. */
  cancelGesture(): boolean;
  setSpaceHeld(held: boolean): void;
  /** The canvas point at the centre of the viewport (where pastes land). */
  viewportCenter(): Point;
  /** The last pointer position over the canvas, in canvas units, if any. */
  lastPointer(): Point | null;
  shapesLayer(): Konva.Layer | null;
}

interface Props {
  store: ShapeStore;
  shapes: Shape[];
  tool: ToolName;
  style: ShapeStyle;
  selection: string[];
  editingId: string | null;
  /** View-only connection: selecting and panning work, editing gestures do not. */
  readOnly: boolean;
  onSelect: (ids: string[]) => void;
  /** A shape was drawn: the owner switches tools and selects it. */
  onCreated: (ids: string[], tool: ToolName) => void;
  onEdit: (request: EditRequest) => void;
  onZoom: (zoom: number) => void;
  onCursor: (cursor: Point | null) => void;
  /** Per frame while this user drags, resizes or rotates: the shapes as they are now; null at the end. */
  onGesture?: (moving: Shape[] | null) => void;
  /** Whenever the shape this user is drawing changes: the shape so far; null when drawing ends. */
  onDraft?: (draft: Shape | null) => void;
  /** Extra layers drawn above the shapes (other people's cursors and selections). */
  children?: React.ReactNode;
}

/** Who moved the camera: this user (pan, zoom, fit) or follow mode. */
export type ViewSource = "user" | "follow";

type Gesture =
  | { kind: "pan"; pointerId: number; startScreen: Point; startView: View }
  | { kind: "pinch"; startDistance: number; startCenter: Point; startView: View }
  | {
      kind: "move";
      pointerId: number;
      startScreen: Point;
      start: Point;
      clickedId: string;
      nodes: { node: Konva.Node; x: number; y: number }[];
      moved: boolean;
    }
  | { kind: "marquee"; pointerId: number; start: Point; base: string[] }
  | {
      kind: "draw";
      pointerId: number;
      tool: ToolName;
      startScreen: Point;
      start: Point;
      path: number[];
    }
  | { kind: "erase"; pointerId: number; ids: Set<string>; nodes: Konva.Node[]; last: Point }
  | { kind: "text"; pointerId: number; startScreen: Point };

const DRAFT_ID = "draft";
/** Wheel deltas at or above this are mouse-wheel notches, not trackpad streams. */
const WHEEL_NOTCH = 50;
const LINE_HEIGHT_PX = 16;
/**
 * Screen px around the pointer whose shapes are drawn into the hit graph for one hit test:
 * Konva walks a few pixels outward from an antialiased edge pixel to the nearest shape.
 */
const HIT_SLOP_PX = 16;
const NO_IDS: ReadonlySet<string> = new Set();

/** Renders everything: the naive baseline, and what an export needs. */
const CULL_NONE: Cull = {
  rect: {
    x: Number.NEGATIVE_INFINITY,
    y: Number.NEGATIVE_INFINITY,
    width: Number.POSITIVE_INFINITY,
    height: Number.POSITIVE_INFINITY,
  },
  // Any camera change re-culls.
  zoom: 0,
};

const ShapesLayer = memo(function ShapesLayer({
  shapes,
  editingId,
  layerRef,
  onCommit,
}: {
  shapes: Shape[];
  editingId: string | null;
  layerRef: React.RefObject<Konva.Layer | null>;
  /** After every commit that changed the layer's nodes. */
  onCommit: () => void;
}) {
  useLayoutEffect(() => onCommit());
  return (
    <Layer ref={layerRef} name="shapes">
      {shapes.map((s) => (
        <ShapeNode key={s.id} shape={s} editing={s.id === editingId} />
      ))}
    </Layer>
  );
});

function shapeIdOf(target: Konva.Node | null): string | null {
  if (!target) return null;
  const group = target.hasName(SHAPE_NAME) ? target : target.findAncestor(`.${SHAPE_NAME}`);
  return group ? group.id() : null;
}

export const Board = forwardRef<BoardHandle, Props>(function Board(props, ref) {
  const containerRef = useRef<HTMLDivElement>(null);
  const stageRef = useRef<Konva.Stage>(null);
  const shapesLayerRef = useRef<Konva.Layer>(null);
  const overlayLayerRef = useRef<Konva.Layer>(null);
  const dragLayerRef = useRef<Konva.Layer>(null);
  const hitGraphRef = useRef<LazyHitGraph | null>(null);
  const pictureRef = useRef<MovingPicture | null>(null);
  const transformerRef = useRef<Konva.Transformer>(null);
  const [size, setSize] = useState({ width: window.innerWidth, height: window.innerHeight });
  const [draft, setDraft] = useState<Shape | null>(null);
  const [marquee, setMarquee] = useState<Box | null>(null);

  // Handlers are installed once; they read the latest props through this ref.
  const propsRef = useRef(props);
  propsRef.current = props;
  // After the render: at the end of a drawing the commit has gone out before the draft clears.
  useEffect(() => propsRef.current.onDraft?.(draft), [draft]);
  const viewRef = useRef<View>(INITIAL_VIEW);
  const viewListeners = useRef(new Set<(view: View, source: ViewSource) => void>());
  const viewSourceRef = useRef<ViewSource>("user");
  const gestureRef = useRef<Gesture | null>(null);
  const pointersRef = useRef(new Map<number, Point>());
  const spaceRef = useRef(false);
  const lastPointerRef = useRef<Point | null>(null);

  // ---- Culling: which shapes become Konva nodes ---------------------------------------------
  const [cull, setCull] = useState<Cull>(() =>
    NAIVE_RENDER ? CULL_NONE : cullFor(INITIAL_VIEW, window.innerWidth, window.innerHeight),
  );
  /** The cull asked for (may be ahead of `cull` until React renders). */
  const cullRef = useRef(cull);
  const committedCullRef = useRef(cull);
  const cullFrameRef = useRef<number | null>(null);

  /** Re-culls when the camera has left the culled area; `now` renders it before returning. */
  const recull = useCallback((now: boolean) => {
    if (NAIVE_RENDER) return;
    const el = containerRef.current;
    if (!el) return;
    const width = el.clientWidth;
    const height = el.clientHeight;
    if (!cullCovers(cullRef.current, viewRef.current, width, height)) {
      cullRef.current = cullFor(viewRef.current, width, height);
    }
    const wanted = cullRef.current;
    if (wanted === committedCullRef.current) return;
    if (now) flushSync(() => setCull(wanted));
    else setCull(wanted);
  }, []);

  const scheduleCull = useCallback(() => {
    if (NAIVE_RENDER || cullFrameRef.current !== null) return;
    cullFrameRef.current = requestAnimationFrame(() => {
      cullFrameRef.current = null;
      recull(false);
    });
  }, [recull]);
  useEffect(
    () => () => {
      if (cullFrameRef.current !== null) cancelAnimationFrame(cullFrameRef.current);
    },
    [],
  );

  const { shapes: allShapes, selection: selectedIds, editingId } = props;
  /** Shapes by id, built once per shapes list (a selection change costs O(selection)). */
  const byIdMemo = useMemo(() => new Map(allShapes.map((s) => [s.id, s])), [allShapes]);
  const culledShapes = useMemo(
    () => (cull === CULL_NONE ? allShapes : visibleShapes(allShapes, cull.rect, NO_IDS)),
    [allShapes, cull],
  );
  const renderedShapes = useMemo(() => {
    if (cull === CULL_NONE) return allShapes;
    // Selected and edited shapes are always rendered; when they are in the culled area anyway
    // (the usual case) the list, and so the shapes layer, stays as it was.
    const always = new Set(selectedIds);
    if (editingId) always.add(editingId);
    const outside = [...always].some((id) => {
      const shape = byIdMemo.get(id);
      return shape !== undefined && !rectsIntersect(cull.rect, paintBounds(shape));
    });
    return outside ? visibleShapes(allShapes, cull.rect, always) : culledShapes;
  }, [allShapes, byIdMemo, culledShapes, cull, selectedIds, editingId]);

  const onShapesCommit = useCallback(() => {
    committedCullRef.current = cull;
    hitGraphRef.current?.invalidate();
  }, [cull]);

  /** Shapes by id for the current props, built at most once per shapes list. */
  const byIdRef = useRef<{ shapes: Shape[]; byId: Map<string, Shape> } | null>(null);
  byIdRef.current = { shapes: allShapes, byId: byIdMemo };
  const shapesById = useCallback((): Map<string, Shape> => {
    const shapes = propsRef.current.shapes;
    if (byIdRef.current?.shapes !== shapes) {
      byIdRef.current = { shapes, byId: new Map(shapes.map((s) => [s.id, s])) };
    }
    return byIdRef.current.byId;
  }, []);

  /** The Konva nodes of these shape ids (on the shapes layer or being moved). */
  const shapeNodes = useCallback((ids: Iterable<string>): Konva.Node[] => {
    const wanted = new Set(ids);
    const out: Konva.Node[] = [];
    for (const layer of [shapesLayerRef.current, dragLayerRef.current]) {
      if (layer) out.push(...layer.getChildren((n) => wanted.has(n.id())));
    }
    return out;
  }, []);

  /** Moves nodes onto the drag layer for a move gesture: the board under them stays still. */
  const liftNodes = useCallback((nodes: Konva.Node[]) => {
    const drag = dragLayerRef.current;
    const layer = shapesLayerRef.current;
    if (NAIVE_RENDER || !drag || !layer) return;
    for (const node of nodes) if (node.getLayer() === layer) node.moveTo(drag);
    layer.batchDraw();
    drag.batchDraw();
  }, []);

  /** Puts lifted nodes back on the shapes layer, each at its place in paint order. */
  const dropNodes = useCallback(
    (nodes: Konva.Node[]) => {
      const drag = dragLayerRef.current;
      const layer = shapesLayerRef.current;
      if (NAIVE_RENDER || !drag || !layer) return;
      const byId = shapesById();
      for (const node of nodes) {
        if (node.getLayer() !== drag) continue;
        const shape = byId.get(node.id());
        node.moveTo(layer);
        if (!shape) continue;
        const after = layer.getChildren().find((n) => {
          if (n === node) return false;
          const other = byId.get(n.id());
          return other !== undefined && comparePaintOrder(other, shape) > 0;
        });
        if (after) node.zIndex(after.zIndex());
      }
      hitGraphRef.current?.invalidate();
      layer.batchDraw();
      drag.batchDraw();
    },
    [shapesById],
  );

  const applyView = useCallback(
    (view: View) => {
      const zoomChanged = view.zoom !== viewRef.current.zoom;
      viewRef.current = view;
      const stage = stageRef.current;
      if (stage) {
        const picture = pictureRef.current;
        if (picture) {
          // Konva would redraw every layer on each attribute change; the shapes layer is left
          // to the picture, which may move it instead of redrawing it.
          const autoDraw = KonvaGlobal.autoDrawEnabled;
          KonvaGlobal.autoDrawEnabled = false;
          try {
            stage.position({ x: view.x, y: view.y });
            if (stage.scaleX() !== view.zoom) stage.scale({ x: view.zoom, y: view.zoom });
          } finally {
            KonvaGlobal.autoDrawEnabled = autoDraw;
          }
          for (const layer of stage.getLayers()) {
            if (layer !== shapesLayerRef.current) layer.batchDraw();
          }
          picture.viewChanged(view);
        } else {
          stage.position({ x: view.x, y: view.y });
          stage.scale({ x: view.zoom, y: view.zoom });
          stage.batchDraw();
        }
      }
      scheduleCull();
      const container = containerRef.current;
      if (container) {
        const grid = 24 * view.zoom;
        container.style.backgroundSize = `${grid}px ${grid}px`;
        container.style.backgroundPosition = `${view.x}px ${view.y}px`;
      }
      const source = viewSourceRef.current;
      for (const listener of viewListeners.current) listener(view, source);
      // Pans do not touch React; only a zoom change re-renders (the percentage display).
      if (zoomChanged) propsRef.current.onZoom(view.zoom);
    },
    [scheduleCull],
  );

  // ---- Lazy hit graph and picture panning on the shapes layer --------------------------------
  useEffect(() => {
    const layer = shapesLayerRef.current;
    if (NAIVE_RENDER || !layer) return;
    const hitGraph = lazyHitGraph(layer);
    const picture = movingPicture(layer);
    let selected: { ids: string[]; set: Set<string> } | null = null;
    // Selected nodes are always drawn: a transform scales them beyond their shape's bounds.
    const undoInView = drawOnlyInView(layer, (node) => {
      const ids = propsRef.current.selection;
      if (selected?.ids !== ids) selected = { ids, set: new Set(ids) };
      const id = node.id();
      if (selected.set.has(id)) return null;
      const shape = shapesById().get(id);
      return shape ? paintBounds(shape) : null;
    });
    hitGraphRef.current = hitGraph;
    pictureRef.current = picture;
    return () => {
      hitGraphRef.current = null;
      pictureRef.current = null;
      undoInView();
      picture.dispose();
      hitGraph.dispose();
    };
  }, [shapesById]);

  const updateCursorStyle = useCallback(() => {
    const container = containerRef.current;
    if (!container) return;
    const { tool } = propsRef.current;
    const gesture = gestureRef.current;
    let cursor = "default";
    if (gesture?.kind === "pan") cursor = "grabbing";
    else if (spaceRef.current || tool === "hand") cursor = "grab";
    else if (DRAW_TOOLS.has(tool) || tool === "eraser") cursor = "crosshair";
    else if (tool === "text") cursor = "text";
    container.style.cursor = cursor;
  }, []);

  // ---- Stage size -------------------------------------------------------------------------
  useEffect(() => {
    const container = containerRef.current;
    if (!container) return;
    const observer = new ResizeObserver(() => {
      setSize({ width: container.clientWidth, height: container.clientHeight });
      scheduleCull();
    });
    observer.observe(container);
    applyView(viewRef.current);
    return () => observer.disconnect();
  }, [applyView, scheduleCull]);

  // biome-ignore lint/correctness/useExhaustiveDependencies: the cursor depends on the tool
  useEffect(() => updateCursorStyle(), [props.tool, updateCursorStyle]);

  // ---- Transformer follows the selection ----------------------------------------------------
  useEffect(() => {
    const tr = transformerRef.current;
    if (!tr) return;
    const wanted = new Set(props.tool === "select" ? props.selection : []);
    if (props.editingId) wanted.delete(props.editingId);
    const nodes = shapeNodes(wanted);
    tr.nodes(nodes);
    const byId = byIdMemo;
    const first = props.selection[0];
    const only = first === undefined ? undefined : byId.get(first);
    const textOnly = nodes.length === 1 && only?.type === "text";
    tr.enabledAnchors(
      textOnly
        ? ["middle-left", "middle-right"]
        : [
            "top-left",
            "top-center",
            "top-right",
            "middle-right",
            "middle-left",
            "bottom-left",
            "bottom-center",
            "bottom-right",
          ],
    );
    // Boxes scale exactly without their stroke; a selection with lines needs the stroke so a
    // perfectly straight line still has a non-zero height to scale (0/0 otherwise).
    const selected = [...wanted].flatMap((id) => byId.get(id) ?? []);
    tr.ignoreStroke(!selected.some((s) => POINT_TYPES.has(s.type)));
    tr.resizeEnabled(!props.readOnly);
    tr.rotateEnabled(!props.readOnly);
    tr.forceUpdate();
    tr.getLayer()?.batchDraw();
  }, [props.selection, byIdMemo, props.tool, props.editingId, props.readOnly, shapeNodes]);

  const onTransformEnd = useCallback(() => {
    const tr = transformerRef.current;
    if (!tr) return;
    const byId = shapesById();
    const patches: ShapePatch[] = [];
    for (const node of tr.nodes()) {
      const shape = byId.get(node.id());
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
    propsRef.current.store.update(patches);
    propsRef.current.onGesture?.(null);
  }, [shapesById]);

  /** The live geometry of Konva nodes being moved or transformed, as shapes. */
  const liveShapes = useCallback(
    (nodes: Konva.Node[]): Shape[] => {
      const byId = shapesById();
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
    },
    [shapesById],
  );

  const publishGesture = useCallback(
    (nodes: Konva.Node[]) => {
      const onGesture = propsRef.current.onGesture;
      if (onGesture) onGesture(liveShapes(nodes));
    },
    [liveShapes],
  );

  const onTransform = useCallback(() => {
    const tr = transformerRef.current;
    if (tr) publishGesture(tr.nodes());
  }, [publishGesture]);

  /** Undoes the visible effect of the gesture in progress without touching the document. */
  const cancelGesture = useCallback((): boolean => {
    const g = gestureRef.current;
    if (!g) return false;
    gestureRef.current = null;
    switch (g.kind) {
      case "move":
        for (const n of g.nodes) n.node.position({ x: n.x, y: n.y });
        dropNodes(g.nodes.map((n) => n.node));
        shapesLayerRef.current?.batchDraw();
        propsRef.current.onGesture?.(null);
        break;
      case "erase":
        for (const node of g.nodes) node.opacity(1);
        shapesLayerRef.current?.batchDraw();
        break;
      case "draw":
        setDraft(null);
        break;
      case "marquee":
        setMarquee(null);
        break;
      case "pan":
      case "pinch":
      case "text":
        break;
      default: {
        const never: never = g;
        return never;
      }
    }
    updateCursorStyle();
    return true;
  }, [updateCursorStyle, dropNodes]);

  // ---- Pointer gestures ---------------------------------------------------------------------
  useEffect(() => {
    const container = containerRef.current;
    const stage = stageRef.current;
    if (!container || !stage) return;

    const screenPoint = (e: { clientX: number; clientY: number }): Point => {
      const r = container.getBoundingClientRect();
      return { x: e.clientX - r.left, y: e.clientY - r.top };
    };
    const toCanvas = (p: Point) => screenToCanvas(viewRef.current, p);
    const hit = (p: Point) => {
      // Shapes just scrolled into view must be nodes, and the hit graph current, first.
      recull(true);
      const hitGraph = hitGraphRef.current;
      if (hitGraph) {
        // Only the shapes around the point go into the hit graph.
        const c = toCanvas(p);
        const slop = HIT_SLOP_PX / viewRef.current.zoom;
        const byId = shapesById();
        hitGraph.ensureAt(p, (node) => {
          const shape = byId.get(node.id());
          if (!shape) return true;
          const b = paintBounds(shape);
          return (
            c.x >= b.x - slop &&
            c.x <= b.x + b.width + slop &&
            c.y >= b.y - slop &&
            c.y <= b.y + b.height + slop
          );
        });
      }
      return stage.getIntersection(p);
    };

    const startPinch = () => {
      const [a, b] = [...pointersRef.current.values()];
      if (!a || !b) return;
      cancelGesture();
      gestureRef.current = {
        kind: "pinch",
        startDistance: Math.max(1, Math.hypot(a.x - b.x, a.y - b.y)),
        startCenter: { x: (a.x + b.x) / 2, y: (a.y + b.y) / 2 },
        startView: viewRef.current,
      };
    };

    const onPointerDown = (e: PointerEvent) => {
      const p = screenPoint(e);
      pointersRef.current.set(e.pointerId, p);
      if (pointersRef.current.size === 2) {
        startPinch();
        return;
      }
      if (pointersRef.current.size > 2 || gestureRef.current) return;
      if (e.pointerType === "mouse" && e.button !== 0 && e.button !== 1) return;
      const { tool, selection } = propsRef.current;
      const target = hit(p);
      // Transformer handles run their own drag inside Konva.
      if (target?.findAncestor("Transformer")) return;

      if (tool === "hand" || spaceRef.current || e.button === 1) {
        gestureRef.current = {
          kind: "pan",
          pointerId: e.pointerId,
          startScreen: p,
          startView: viewRef.current,
        };
        capture(e);
        updateCursorStyle();
        return;
      }
      const c = toCanvas(p);
      const id = shapeIdOf(target);

      if (tool === "select") {
        let next = selection;
        if (id && e.shiftKey) {
          next = selection.includes(id) ? selection.filter((s) => s !== id) : [...selection, id];
          propsRef.current.onSelect(next);
          if (!next.includes(id)) return;
        } else if (id && !selection.includes(id)) {
          next = [id];
          propsRef.current.onSelect(next);
        } else if (!id && !e.shiftKey && selection.length > 0 && insideTransformer(p)) {
          next = selection; // dragging the empty middle of a multi-selection moves it
        } else if (!id) {
          if (!e.shiftKey && selection.length > 0) propsRef.current.onSelect([]);
          gestureRef.current = {
            kind: "marquee",
            pointerId: e.pointerId,
            start: c,
            base: e.shiftKey ? selection : [],
          };
          capture(e);
          return;
        }
        if (propsRef.current.readOnly) return;
        const nodes = shapeNodes(next).map((node) => ({
          node,
          x: node.x(),
          y: node.y(),
        }));
        gestureRef.current = {
          kind: "move",
          pointerId: e.pointerId,
          startScreen: p,
          start: c,
          clickedId: id ?? "",
          nodes,
          moved: false,
        };
        capture(e);
        return;
      }
      if (tool === "eraser") {
        gestureRef.current = {
          kind: "erase",
          pointerId: e.pointerId,
          ids: new Set(),
          nodes: [],
          last: p,
        };
        eraseAt(p);
        capture(e);
        return;
      }
      if (tool === "text") {
        // Opened on pointer up, so the new textarea keeps the focus the click would take.
        gestureRef.current = { kind: "text", pointerId: e.pointerId, startScreen: p };
        return;
      }
      if (DRAW_TOOLS.has(tool)) {
        gestureRef.current = {
          kind: "draw",
          pointerId: e.pointerId,
          tool,
          startScreen: p,
          start: c,
          path: [c.x, c.y],
        };
        capture(e);
        updateDraft();
      }
    };

    const capture = (e: PointerEvent) => {
      try {
        container.setPointerCapture(e.pointerId);
      } catch {
        // The pointer may already be gone (synthetic events); the gesture still works in-bounds.
      }
    };

    const insideTransformer = (p: Point) => {
      const tr = transformerRef.current;
      if (!tr || tr.nodes().length === 0) return false;
      const r = tr.getClientRect();
      return p.x >= r.x && p.x <= r.x + r.width && p.y >= r.y && p.y <= r.y + r.height;
    };

    const eraseAt = (p: Point) => {
      const g = gestureRef.current;
      if (g?.kind !== "erase") return;
      const id = shapeIdOf(hit(p));
      if (!id || g.ids.has(id)) return;
      const node = shapeNodes([id])[0];
      g.ids.add(id);
      if (node) {
        g.nodes.push(node);
        node.opacity(0.25);
        node.getLayer()?.batchDraw();
      }
    };

    const updateDraft = (e?: PointerEvent) => {
      const g = gestureRef.current;
      if (g?.kind !== "draw") return;
      const end =
        g.path.length >= 2
          ? { x: g.path[g.path.length - 2]!, y: g.path[g.path.length - 1]! }
          : g.start;
      const shape = shapeFromDrag(g.tool, propsRef.current.style, g.start, end, {
        square: e?.shiftKey,
        path: g.path,
        minSize: 0.01,
      });
      setDraft(shape ? { ...shape, id: DRAFT_ID, z: "" } : null);
    };

    const onPointerMove = (e: PointerEvent) => {
      const p = screenPoint(e);
      if (pointersRef.current.has(e.pointerId)) pointersRef.current.set(e.pointerId, p);
      const c = toCanvas(p);
      lastPointerRef.current = c;
      propsRef.current.onCursor(c);
      const g = gestureRef.current;
      if (!g) return;
      switch (g.kind) {
        case "pan":
          if (e.pointerId !== g.pointerId) return;
          applyView({
            ...g.startView,
            x: g.startView.x + p.x - g.startScreen.x,
            y: g.startView.y + p.y - g.startScreen.y,
          });
          return;
        case "pinch": {
          const [a, b] = [...pointersRef.current.values()];
          if (!a || !b) return;
          const distance = Math.max(1, Math.hypot(a.x - b.x, a.y - b.y));
          const center = { x: (a.x + b.x) / 2, y: (a.y + b.y) / 2 };
          const zoomed = zoomAround(
            g.startView,
            g.startView.zoom * (distance / g.startDistance),
            g.startCenter,
          );
          applyView({
            ...zoomed,
            x: zoomed.x + center.x - g.startCenter.x,
            y: zoomed.y + center.y - g.startCenter.y,
          });
          return;
        }
        case "move": {
          if (e.pointerId !== g.pointerId) return;
          if (!g.moved && Math.hypot(p.x - g.startScreen.x, p.y - g.startScreen.y) < CLICK_SLOP_PX)
            return;
          if (!g.moved) liftNodes(g.nodes.map((n) => n.node));
          g.moved = true;
          const dx = c.x - g.start.x;
          const dy = c.y - g.start.y;
          for (const n of g.nodes) n.node.position({ x: n.x + dx, y: n.y + dy });
          (g.nodes[0]?.node.getLayer() ?? shapesLayerRef.current)?.batchDraw();
          publishGesture(g.nodes.map((n) => n.node));
          return;
        }
        case "marquee": {
          if (e.pointerId !== g.pointerId) return;
          setMarquee(rectFromCorners(g.start, c));
          return;
        }
        case "draw": {
          if (e.pointerId !== g.pointerId) return;
          if (g.tool === "pen") {
            const lx = g.path[g.path.length - 2]!;
            const ly = g.path[g.path.length - 1]!;
            // Skip samples closer than one screen pixel; simplified properly on pointer up.
            if (Math.hypot(c.x - lx, c.y - ly) * viewRef.current.zoom < 1) return;
            g.path.push(c.x, c.y);
          } else {
            g.path = [g.start.x, g.start.y, c.x, c.y];
          }
          updateDraft(e);
          return;
        }
        case "erase": {
          if (e.pointerId !== g.pointerId) return;
          // Pointer events arrive far apart on a fast swipe: test every few pixels in between.
          const steps = Math.max(1, Math.ceil(Math.hypot(p.x - g.last.x, p.y - g.last.y) / 4));
          for (let i = 1; i <= steps; i++) {
            eraseAt({
              x: g.last.x + ((p.x - g.last.x) * i) / steps,
              y: g.last.y + ((p.y - g.last.y) * i) / steps,
            });
          }
          g.last = p;
          return;
        }
        case "text":
          return;
        default: {
          const never: never = g;
          return never;
        }
      }
    };

    const onPointerUp = (e: PointerEvent) => {
      const p = screenPoint(e);
      pointersRef.current.delete(e.pointerId);
      const g = gestureRef.current;
      if (!g) return;
      if (g.kind === "pinch") {
        if (pointersRef.current.size === 0) gestureRef.current = null;
        return;
      }
      if (g.pointerId !== e.pointerId) return;
      gestureRef.current = null;
      updateCursorStyle();
      const { store, shapes } = propsRef.current;
      switch (g.kind) {
        case "pan":
          return;
        case "move": {
          if (!g.moved) {
            // A plain click on one shape of a multi-selection selects just that shape.
            if (!e.shiftKey && g.clickedId && propsRef.current.selection.length > 1) {
              propsRef.current.onSelect([g.clickedId]);
            }
            return;
          }
          dropNodes(g.nodes.map((n) => n.node));
          store.update(
            g.nodes.map((n) => ({ id: n.node.id(), x: round2(n.node.x()), y: round2(n.node.y()) })),
          );
          // After the commit: the room relays the update before this presence, so the shape
          // lands for everyone without snapping back.
          propsRef.current.onGesture?.(null);
          return;
        }
        case "marquee": {
          setMarquee(null);
          const box = rectFromCorners(g.start, toCanvas(p));
          const inside = shapes.filter((s) => rectsIntersect(box, shapeBounds(s))).map((s) => s.id);
          propsRef.current.onSelect([...new Set([...g.base, ...inside])]);
          return;
        }
        case "draw": {
          setDraft(null);
          const c = toCanvas(p);
          const clicked = Math.hypot(p.x - g.startScreen.x, p.y - g.startScreen.y) < CLICK_SLOP_PX;
          const end = g.tool === "pen" ? c : clicked ? g.start : c;
          const shape = shapeFromDrag(g.tool, propsRef.current.style, g.start, end, {
            square: e.shiftKey,
            path: g.tool === "pen" ? [...g.path, c.x, c.y] : undefined,
            minSize: clicked ? Number.POSITIVE_INFINITY : 0.01,
          });
          if (!shape) return;
          const ids = store.create([shape]);
          propsRef.current.onCreated(ids, g.tool);
          return;
        }
        case "erase": {
          for (const node of g.nodes) node.opacity(1);
          store.remove([...g.ids]);
          return;
        }
        case "text": {
          const id = shapeIdOf(hit(p));
          const shape = id ? shapes.find((s) => s.id === id) : undefined;
          if (shape && TEXT_TYPES.has(shape.type))
            propsRef.current.onEdit({ kind: "existing", id: shape.id });
          else propsRef.current.onEdit({ kind: "new", at: toCanvas(p) });
          return;
        }
        default: {
          const never: never = g;
          return never;
        }
      }
    };

    const onPointerCancel = (e: PointerEvent) => {
      pointersRef.current.delete(e.pointerId);
      cancelGesture();
    };

    const onPointerLeave = (e: PointerEvent) => {
      if (e.pointerType === "mouse" && !gestureRef.current) {
        lastPointerRef.current = null;
        propsRef.current.onCursor(null);
      }
    };

    const onDoubleClick = (e: MouseEvent) => {
      const { tool, shapes } = propsRef.current;
      if (tool !== "select") return;
      const p = screenPoint(e);
      if (hit(p)?.findAncestor("Transformer")) {
        // Double-click on the selection frame: edit a single selected text shape.
        const only = propsRef.current.selection.length === 1 ? propsRef.current.selection[0] : null;
        const shape = shapes.find((s) => s.id === only);
        if (shape && TEXT_TYPES.has(shape.type))
          propsRef.current.onEdit({ kind: "existing", id: shape.id });
        return;
      }
      const id = shapeIdOf(hit(p));
      const shape = id ? shapes.find((s) => s.id === id) : undefined;
      if (shape && TEXT_TYPES.has(shape.type))
        propsRef.current.onEdit({ kind: "existing", id: shape.id });
      else if (!shape) propsRef.current.onEdit({ kind: "new", at: toCanvas(p) });
    };

    const onWheel = (e: WheelEvent) => {
      e.preventDefault();
      const scale =
        e.deltaMode === 1 ? LINE_HEIGHT_PX : e.deltaMode === 2 ? container.clientHeight : 1;
      const dx = e.deltaX * scale;
      const dy = e.deltaY * scale;
      const view = viewRef.current;
      if (e.ctrlKey || e.metaKey) {
        // Trackpad pinches arrive as small ctrl+wheel deltas; mouse notches as big ones.
        const factor =
          Math.abs(dy) >= WHEEL_NOTCH ? (dy > 0 ? 1 / 1.1 : 1.1) : Math.exp(-dy * 0.01);
        applyView(zoomAround(view, view.zoom * factor, screenPoint(e)));
        return;
      }
      const horizontal = e.shiftKey && dx === 0;
      applyView({ ...view, x: view.x - (horizontal ? dy : dx), y: view.y - (horizontal ? 0 : dy) });
    };

    container.addEventListener("pointerdown", onPointerDown);
    container.addEventListener("pointermove", onPointerMove);
    container.addEventListener("pointerup", onPointerUp);
    container.addEventListener("pointercancel", onPointerCancel);
    container.addEventListener("pointerleave", onPointerLeave);
    container.addEventListener("dblclick", onDoubleClick);
    container.addEventListener("wheel", onWheel, { passive: false });
    // Ctrl/Cmd+wheel over the toolbar or panels would zoom the whole page instead of the canvas.
    const stopPageZoom = (e: WheelEvent) => {
      if (e.ctrlKey || e.metaKey) e.preventDefault();
    };
    window.addEventListener("wheel", stopPageZoom, { passive: false });
    // A finger lifted outside the canvas (no capture, e.g. after a Transformer drag) must not
    // stay counted, or the next touch would start a pinch.
    const forgetPointer = (e: PointerEvent) => {
      if (!container.contains(e.target as Node)) pointersRef.current.delete(e.pointerId);
    };
    window.addEventListener("pointerup", forgetPointer);
    window.addEventListener("pointercancel", forgetPointer);
    return () => {
      container.removeEventListener("pointerdown", onPointerDown);
      container.removeEventListener("pointermove", onPointerMove);
      container.removeEventListener("pointerup", onPointerUp);
      container.removeEventListener("pointercancel", onPointerCancel);
      container.removeEventListener("pointerleave", onPointerLeave);
      container.removeEventListener("dblclick", onDoubleClick);
      container.removeEventListener("wheel", onWheel);
      window.removeEventListener("wheel", stopPageZoom);
      window.removeEventListener("pointerup", forgetPointer);
      window.removeEventListener("pointercancel", forgetPointer);
    };
  }, [
    applyView,
    updateCursorStyle,
    cancelGesture,
    publishGesture,
    recull,
    shapesById,
    shapeNodes,
    liftNodes,
    dropNodes,
  ]);

  useImperativeHandle(ref, (): BoardHandle => {
    const center = (): Point => {
      const el = containerRef.current;
      return { x: (el?.clientWidth ?? 0) / 2, y: (el?.clientHeight ?? 0) / 2 };
    };
    return {
      getView: () => ({ ...viewRef.current }),
      onView: (listener) => {
        viewListeners.current.add(listener);
        return () => viewListeners.current.delete(listener);
      },
      followView: (view) => {
        viewSourceRef.current = "follow";
        try {
          applyView({ ...view, zoom: clampZoom(view.zoom) });
        } finally {
          viewSourceRef.current = "user";
        }
      },
      size: () => ({
        width: containerRef.current?.clientWidth ?? 0,
        height: containerRef.current?.clientHeight ?? 0,
      }),
      zoomBy: (factor) =>
        applyView(zoomAround(viewRef.current, viewRef.current.zoom * factor, center())),
      zoomTo: (zoom) => applyView(zoomAround(viewRef.current, clampZoom(zoom), center())),
      fit: () => {
        const el = containerRef.current;
        const bounds = unionRects(propsRef.current.shapes.map(shapeBounds));
        applyView(fitView(bounds, el?.clientWidth ?? 0, el?.clientHeight ?? 0));
      },
      cancelGesture,
      setSpaceHeld: (held) => {
        spaceRef.current = held;
        updateCursorStyle();
      },
      viewportCenter: () => screenToCanvas(viewRef.current, center()),
      lastPointer: () => lastPointerRef.current,
      shapesLayer: () => {
        // An export needs every shape, not only those near the viewport; the next camera
        // change culls again.
        if (!NAIVE_RENDER && committedCullRef.current !== CULL_NONE) {
          cullRef.current = CULL_NONE;
          flushSync(() => setCull(CULL_NONE));
        }
        return shapesLayerRef.current;
      },
    };
  }, [applyView, cancelGesture, updateCursorStyle]);

  return (
    <div className="canvas" data-testid="canvas" ref={containerRef}>
      <Stage ref={stageRef} width={size.width} height={size.height}>
        <ShapesLayer
          shapes={renderedShapes}
          editingId={props.editingId}
          layerRef={shapesLayerRef}
          onCommit={onShapesCommit}
        />
        {!NAIVE_RENDER && <Layer ref={dragLayerRef} name="drag" listening={false} />}
        <Layer ref={overlayLayerRef}>
          {draft && <ShapeNode shape={draft} editing={false} listening={false} />}
          {marquee && (
            <Rect
              x={marquee.x}
              y={marquee.y}
              width={marquee.width}
              height={marquee.height}
              fill="rgba(76, 110, 245, 0.08)"
              stroke="#4c6ef5"
              strokeWidth={1}
              strokeScaleEnabled={false}
              listening={false}
            />
          )}
          <Transformer
            ref={transformerRef}
            rotateEnabled
            flipEnabled={false}
            keepRatio={false}
            borderStroke="#4c6ef5"
            anchorStroke="#4c6ef5"
            anchorFill="#ffffff"
            anchorSize={9}
            anchorCornerRadius={2}
            rotateAnchorOffset={24}
            padding={4}
            boundBoxFunc={(oldBox, newBox) =>
              Math.abs(newBox.width) < 2 || Math.abs(newBox.height) < 2 ? oldBox : newBox
            }
            onTransform={onTransform}
            onTransformEnd={onTransformEnd}
          />
        </Layer>
        {props.children}
      </Stage>
    </div>
  );
});
