/**
 * The infinite canvas: a Konva stage filling its container, composed of
 * - the layers: shapes, the drag layer (shapes being moved, so the board under them stays still),
 *   and the overlay (the draft being drawn, the marquee, the selection frame), then the owner's
 *   layers (other people's cursors and selections);
 * - useCamera (pan/zoom state, wheel, follow, fit), useCulling (which shapes become nodes, which
 *   are drawn, hit tests only near the pointer), useSelectionTransformer (resize and rotate),
 *   useSnapping (snap candidates and guides, the grid, rotation and resize snapping);
 * - useGestures, the dispatcher from pointer events to the active gesture (gestures/: one small
 *   state object per gesture, chosen per tool in gestures/registry.ts).
 * Per-frame state — the camera, a move in progress — lives in refs and Konva nodes; the
 * document is written once per gesture.
 */
import type Konva from "konva";
import {
  forwardRef,
  memo,
  useCallback,
  useEffect,
  useImperativeHandle,
  useLayoutEffect,
  useRef,
  useState,
} from "react";
import type { ShapeStore } from "../doc/shapeStore";
import { LASER_STYLE } from "../presence/laser";
import type { Shape } from "../shared/schema";
import type { Rect as Box, Point } from "../tools/geometry";
import type { ShapeStyle } from "../tools/shapeFactory";
import type { ToolName } from "../tools/tools";
import type { EditRequest } from "./gestures/types";
import { Layer, Line, Rect, Stage, Transformer } from "./konva";
import { NAIVE_RENDER } from "./renderMode";
import { ShapeNode } from "./ShapeNode";
import { useShapeIndex, useShapeNodes } from "./shapeNodes";
import { useCamera, type ViewSource } from "./useCamera";
import { useCulling } from "./useCulling";
import { useGestures } from "./useGestures";
import { useLaserTrail } from "./useLaserTrail";
import { useSelectionTransformer } from "./useSelectionTransformer";
import { useSnapping } from "./useSnapping";
import { INITIAL_VIEW, screenToCanvas, type View } from "./view";

export type { EditRequest } from "./gestures/types";
export type { ViewSource } from "./useCamera";

export interface BoardHandle {
  getView(): View;
  /** Subscribe to camera changes (the text overlay follows the canvas); returns unsubscribe. */
  onView(listener: (view: View, source: ViewSource) => void): () => void;
  /** Moves the camera for follow mode (listeners see source "follow", not "user"). */
  followView(view: View): void;
  /** Glides the camera there (a summon), like followView but animated. */
  glideView(view: View): void;
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
  /** This user's laser trail (flat canvas points, oldest first) whenever it changes; null when it ends. */
  onLaser?: (points: number[] | null) => void;
  /** Extra layers drawn above the shapes (other people's cursors and selections). */
  children?: React.ReactNode;
}

/** The laser line's points prop: a constant, so React never resets what the trail draws. */
const NO_POINTS: number[] = [];

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

export const Board = forwardRef<BoardHandle, Props>(function Board(props, ref) {
  const containerRef = useRef<HTMLDivElement>(null);
  const stageRef = useRef<Konva.Stage>(null);
  const shapesLayerRef = useRef<Konva.Layer>(null);
  const dragLayerRef = useRef<Konva.Layer>(null);
  const transformerRef = useRef<Konva.Transformer>(null);
  const laserLineRef = useRef<Konva.Line>(null);
  const viewRef = useRef<View>(INITIAL_VIEW);
  const [draft, setDraft] = useState<Shape | null>(null);
  const [marquee, setMarquee] = useState<Box | null>(null);

  const propsRef = useRef(props);
  propsRef.current = props;
  // After the render: at the end of a drawing the commit has gone out before the draft clears.
  useEffect(() => propsRef.current.onDraft?.(draft), [draft]);

  const index = useShapeIndex(props.shapes);
  const currentSelection = useCallback(() => propsRef.current.selection, []);
  const culling = useCulling({
    containerRef,
    stageRef,
    shapesLayerRef,
    viewRef,
    shapes: props.shapes,
    byId: index.byId,
    selection: props.selection,
    editingId: props.editingId,
    shapesById: index.get,
    currentSelection,
  });
  const snapping = useSnapping({
    containerRef,
    transformerRef,
    viewRef,
    rendered: culling.rendered,
    selection: currentSelection,
    shapesById: index.get,
  });
  const nodes = useShapeNodes({
    shapesLayer: shapesLayerRef,
    dragLayer: dragLayerRef,
    hitGraph: culling.hitGraph,
    shapesById: index.get,
  });
  const { camera, size } = useCamera({
    containerRef,
    stageRef,
    shapesLayerRef,
    viewRef,
    onMove: culling.schedule,
    onZoom: props.onZoom,
  });
  const laser = useLaserTrail(laserLineRef, () => propsRef.current.onLaser);
  const gestures = useGestures({
    containerRef,
    transformerRef,
    viewRef,
    camera,
    nodeAt: culling.nodeAt,
    nodes,
    shapesById: index.get,
    shapeList: index.list,
    props,
    redrawShapes: () => shapesLayerRef.current?.batchDraw(),
    showDraft: setDraft,
    showMarquee: setMarquee,
    snap: snapping.snap,
    laser,
  });
  const { updateCursor } = gestures;
  // biome-ignore lint/correctness/useExhaustiveDependencies: the cursor depends on the tool
  useEffect(() => updateCursor(), [props.tool, updateCursor]);
  const { onTransform, onTransformEnd } = useSelectionTransformer({
    transformerRef,
    nodes,
    tool: props.tool,
    selection: props.selection,
    editingId: props.editingId,
    readOnly: props.readOnly,
    byId: index.byId,
    shapesById: index.get,
    shapesList: index.list,
    store: props.store,
    onGesture: props.onGesture,
  });

  useImperativeHandle(
    ref,
    (): BoardHandle => ({
      getView: () => ({ ...viewRef.current }),
      onView: camera.onView,
      followView: camera.follow,
      glideView: camera.glide,
      size: () => ({
        width: containerRef.current?.clientWidth ?? 0,
        height: containerRef.current?.clientHeight ?? 0,
      }),
      zoomBy: camera.zoomBy,
      zoomTo: camera.zoomTo,
      fit: () => camera.fit(propsRef.current.shapes),
      cancelGesture: gestures.cancel,
      setSpaceHeld: gestures.setSpaceHeld,
      viewportCenter: () => screenToCanvas(viewRef.current, camera.center()),
      lastPointer: gestures.lastPointer,
      shapesLayer: () => {
        culling.showAll();
        return shapesLayerRef.current;
      },
    }),
    [camera, gestures.cancel, gestures.setSpaceHeld, gestures.lastPointer, culling.showAll],
  );

  return (
    <div
      className="canvas"
      data-testid="canvas"
      data-grid={snapping.grid ? "on" : "off"}
      ref={containerRef}
    >
      <Stage ref={stageRef} width={size.width} height={size.height}>
        <ShapesLayer
          shapes={culling.rendered}
          editingId={props.editingId}
          layerRef={shapesLayerRef}
          onCommit={culling.onCommit}
        />
        {!NAIVE_RENDER && <Layer ref={dragLayerRef} name="drag" listening={false} />}
        <Layer>
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
          {snapping.guideNodes}
          <Line ref={laserLineRef} name="laser-trail" points={NO_POINTS} {...LASER_STYLE} />
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
            anchorDragBoundFunc={snapping.resize.bound}
            onTransformEnd={() => {
              snapping.resize.end();
              onTransformEnd();
            }}
          />
        </Layer>
        {props.children}
      </Stage>
    </div>
  );
});
