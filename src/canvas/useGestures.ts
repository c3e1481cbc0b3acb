/**
 * The dispatcher: DOM pointer events on the canvas → the active gesture (gestures/). It keeps
 * the pointers that are down, starts the gesture the tool's registry entry gives for a press
 * (pan for space or the middle button, pinch for a second finger), feeds it moves and the up,
 * and cancels it on Escape or a lost pointer. It also builds the one GestureContext all the
 * gestures work through, over Konva, the camera and the owner's callbacks.
 */
import type Konva from "konva";
import { type RefObject, useCallback, useEffect, useMemo, useRef } from "react";
import type { ShapeStore } from "../doc/shapeStore";
import type { Shape } from "../shared/schema";
import type { Point, Rect } from "../tools/geometry";
import type { ShapeStyle } from "../tools/shapeFactory";
import type { ToolName } from "../tools/tools";
import { startPan } from "./gestures/pan";
import { startPinch } from "./gestures/pinch";
import { cursorFor, TOOL_BEHAVIOURS } from "./gestures/registry";
import type {
  EditRequest,
  Gesture,
  GestureContext,
  Hit,
  PointerInput,
  SnapContext,
} from "./gestures/types";
import { SHAPE_NAME } from "./ShapeNode";
import type { ShapeNodes } from "./shapeNodes";
import type { Camera } from "./useCamera";
import { screenToCanvas, type View } from "./view";

/** The owner's props the gestures read (always the latest). */
export interface GestureProps {
  store: ShapeStore;
  tool: ToolName;
  style: ShapeStyle;
  selection: string[];
  readOnly: boolean;
  onSelect: (ids: string[]) => void;
  onCreated: (ids: string[], tool: ToolName) => void;
  onEdit: (request: EditRequest) => void;
  onCursor: (cursor: Point | null) => void;
  onGesture?: (moving: Shape[] | null) => void;
}

function shapeIdOf(target: Konva.Node | null): string | null {
  if (!target) return null;
  const group = target.hasName(SHAPE_NAME) ? target : target.findAncestor(`.${SHAPE_NAME}`);
  return group ? group.id() : null;
}

export function useGestures(opts: {
  containerRef: RefObject<HTMLDivElement | null>;
  transformerRef: RefObject<Konva.Transformer | null>;
  viewRef: RefObject<View>;
  camera: Camera;
  nodeAt: (screen: Point) => Konva.Node | null;
  nodes: ShapeNodes;
  shapesById: () => Map<string, Shape>;
  shapeList: () => Shape[];
  props: GestureProps;
  redrawShapes: () => void;
  showDraft: (shape: Shape | null) => void;
  showMarquee: (rect: Rect | null) => void;
  snap?: SnapContext;
  laser: (point: Point | null) => void;
}) {
  const latest = useRef(opts);
  latest.current = opts;
  const { containerRef, transformerRef, viewRef, camera, nodeAt, nodes } = opts;
  const gestureRef = useRef<Gesture | null>(null);
  const pointersRef = useRef(new Map<number, Point>());
  const spaceRef = useRef(false);
  const lastPointerRef = useRef<Point | null>(null);

  const updateCursor = useCallback(() => {
    const container = containerRef.current;
    if (!container) return;
    const { tool } = latest.current.props;
    container.style.cursor = cursorFor(tool, gestureRef.current?.cursor, spaceRef.current);
  }, [containerRef]);

  /** Undoes the visible effect of the gesture in progress without touching the document. */
  const cancel = useCallback((): boolean => {
    const g = gestureRef.current;
    if (!g) return false;
    gestureRef.current = null;
    g.cancel();
    updateCursor();
    return true;
  }, [updateCursor]);

  const ctx = useMemo((): GestureContext => {
    const props = () => latest.current.props;
    return {
      view: () => viewRef.current,
      setView: (view) => camera.apply(view),
      toCanvas: (p) => screenToCanvas(viewRef.current, p),
      hitTest(p): Hit {
        const target = nodeAt(p);
        return {
          shapeId: shapeIdOf(target),
          onSelectionFrame: Boolean(target?.findAncestor("Transformer")),
        };
      },
      insideSelectionFrame(p) {
        const tr = transformerRef.current;
        if (!tr || tr.nodes().length === 0) return false;
        const r = tr.getClientRect();
        return p.x >= r.x && p.x <= r.x + r.width && p.y >= r.y && p.y <= r.y + r.height;
      },
      pointers: () => [...pointersRef.current.values()],
      capturePointer(pointerId) {
        try {
          containerRef.current?.setPointerCapture(pointerId);
        } catch {
          // The pointer may already be gone (synthetic events); the gesture still works in-bounds.
        }
      },
      shape: (id) => latest.current.shapesById().get(id),
      shapes: () => latest.current.shapeList(),
      style: () => props().style,
      readOnly: () => props().readOnly,
      selection: () => props().selection,
      select: (ids) => props().onSelect(ids),
      store: () => props().store,
      grab: (ids) => nodes.grab(ids),
      fade(id) {
        const node = nodes.find([id])[0];
        if (!node) return null;
        node.opacity(0.25);
        node.getLayer()?.batchDraw();
        return () => node.opacity(1);
      },
      redrawShapes: () => latest.current.redrawShapes(),
      publishMoving: (shapes) => props().onGesture?.(shapes),
      showDraft: (shape) => latest.current.showDraft(shape),
      showMarquee: (rect) => latest.current.showMarquee(rect),
      laser: (point) => latest.current.laser(point),
      created: (ids, tool) => props().onCreated(ids, tool),
      edit: (request) => props().onEdit(request),
      snap: {
        settings: () => latest.current.snap?.settings() ?? { objects: false, grid: false },
        candidates: (exclude) => latest.current.snap?.candidates(exclude) ?? [],
        showGuides: (guides) => latest.current.snap?.showGuides(guides),
      },
    };
  }, [camera, containerRef, nodeAt, nodes, transformerRef, viewRef]);

  useEffect(() => {
    const container = containerRef.current;
    if (!container) return;
    const pointers = pointersRef.current;

    const inputOf = (e: PointerEvent | MouseEvent, pointerId: number): PointerInput => {
      const screen = camera.screenPoint(e);
      return {
        pointerId,
        screen,
        canvas: ctx.toCanvas(screen),
        shiftKey: e.shiftKey,
        modKey: e.ctrlKey || e.metaKey,
        altKey: e.altKey,
      };
    };

    const begin = (gesture: Gesture | null) => {
      gestureRef.current = gesture;
      if (gesture) updateCursor();
    };

    const onPointerDown = (e: PointerEvent) => {
      const input = inputOf(e, e.pointerId);
      pointers.set(e.pointerId, input.screen);
      if (pointers.size === 2) {
        cancel();
        begin(startPinch(ctx));
        return;
      }
      if (pointers.size > 2 || gestureRef.current) return;
      if (e.pointerType === "mouse" && e.button !== 0 && e.button !== 1) return;
      const hit = ctx.hitTest(input.screen);
      // Transformer handles run their own drag inside Konva.
      if (hit.onSelectionFrame) return;
      if (spaceRef.current || e.button === 1) {
        begin(startPan(ctx, input));
        return;
      }
      begin(TOOL_BEHAVIOURS[latest.current.props.tool].start(ctx, input, hit));
    };

    const onPointerMove = (e: PointerEvent) => {
      const input = inputOf(e, e.pointerId);
      if (pointers.has(e.pointerId)) pointers.set(e.pointerId, input.screen);
      lastPointerRef.current = input.canvas;
      latest.current.props.onCursor(input.canvas);
      const g = gestureRef.current;
      if (!g || (g.pointerId !== null && g.pointerId !== e.pointerId)) return;
      g.pointerMove(input);
    };

    const onPointerUp = (e: PointerEvent) => {
      const input = inputOf(e, e.pointerId);
      pointers.delete(e.pointerId);
      const g = gestureRef.current;
      if (!g) return;
      if (g.pointerId === null) {
        // A multi-pointer gesture (pinch) ends when the last finger lifts.
        if (pointers.size === 0) {
          gestureRef.current = null;
          g.pointerUp(input);
        }
        return;
      }
      if (g.pointerId !== e.pointerId) return;
      gestureRef.current = null;
      updateCursor();
      g.pointerUp(input);
    };

    const onPointerCancel = (e: PointerEvent) => {
      pointers.delete(e.pointerId);
      cancel();
    };

    const onPointerLeave = (e: PointerEvent) => {
      if (e.pointerType === "mouse" && !gestureRef.current) {
        lastPointerRef.current = null;
        latest.current.props.onCursor(null);
      }
    };

    const onDoubleClick = (e: MouseEvent) => {
      TOOL_BEHAVIOURS[latest.current.props.tool].doubleClick?.(ctx, inputOf(e, 0));
    };

    container.addEventListener("pointerdown", onPointerDown);
    container.addEventListener("pointermove", onPointerMove);
    container.addEventListener("pointerup", onPointerUp);
    container.addEventListener("pointercancel", onPointerCancel);
    container.addEventListener("pointerleave", onPointerLeave);
    container.addEventListener("dblclick", onDoubleClick);
    // A finger lifted outside the canvas (no capture, e.g. after a Transformer drag) must not
    // stay counted, or the next touch would start a pinch.
    const forgetPointer = (e: PointerEvent) => {
      if (!container.contains(e.target as Node)) pointers.delete(e.pointerId);
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
      window.removeEventListener("pointerup", forgetPointer);
      window.removeEventListener("pointercancel", forgetPointer);
    };
  }, [containerRef, camera, ctx, cancel, updateCursor]);

  return {
    cancel,
    updateCursor,
    setSpaceHeld: useCallback(
      (held: boolean) => {
        spaceRef.current = held;
        updateCursor();
      },
      [updateCursor],
    ),
    lastPointer: useCallback(() => lastPointerRef.current, []),
  };
}
