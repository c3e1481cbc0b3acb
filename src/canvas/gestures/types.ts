/**
 * Gestures in the spirit of tldraw's tool states: each is a small object started by a pointer
 * down (its "enter"), fed the moves and the up of the pointer it follows, and cancellable at any
 * time. They see the board only through `GestureContext`, so each runs in Node against a fake
 * context (test/unit/gestures.test.ts) and none of them knows about Konva or React.
 */
import type { NewShape, ShapePatch } from "../../doc/shapeStore";
import type { Shape } from "../../shared/schema";
import type { Point, Rect } from "../../tools/geometry";
import type { ShapeStyle } from "../../tools/shapeFactory";
import type { ToolName } from "../../tools/tools";
import type { Guide, SnapSettings } from "../snapping";
import type { View } from "../view";

/** What the board asks its owner to open in the text editor overlay. */
export type EditRequest =
  | { kind: "existing"; id: string }
  | { kind: "new"; at: Point }
  /** Rename a frame (its title). */
  | { kind: "frame-name"; id: string };

export interface PointerInput {
  pointerId: number;
  /** Screen px relative to the canvas's top-left. */
  screen: Point;
  /** The same point in canvas units, under the camera at the time of the event. */
  canvas: Point;
  shiftKey: boolean;
  /** Ctrl or Cmd held: a line or arrow end dropped near a shape stays unbound. */
  modKey?: boolean;
  /** Alt held: no snapping for this pointer move (docs/architecture.md "Snapping"). */
  altKey?: boolean;
}

/** What lies under a screen point. */
export interface Hit {
  shapeId: string | null;
  /** On the selection frame (the transformer's handles and border), which runs its own drag. */
  onSelectionFrame: boolean;
}

/** The document writes a gesture may make: one call per completed gesture. */
export interface ShapeWriter {
  create(shapes: readonly NewShape[]): string[];
  update(patches: readonly ShapePatch[]): void;
  remove(ids: readonly string[]): void;
  /** Runs several writes as one transaction and one undo step (a frame and its children). */
  transact(fn: () => void): void;
}

/**
 * Shapes picked up by a move: their pictures move per frame without touching the document;
 * `drop` puts them back into the board in paint order.
 */
export interface GrabbedShapes {
  /** Lifts them above the board, so the board under them is not redrawn every frame. */
  lift(): void;
  /** Places every grabbed shape at its start position plus (dx, dy), canvas units. */
  moveBy(dx: number, dy: number): void;
  /** Where they are now, as shapes (for presence). */
  live(): Shape[];
  /** Their current positions, rounded for the document. */
  positions(): { id: string; x: number; y: number }[];
  /** Back to their start positions. */
  restore(): void;
  drop(): void;
}

export interface GestureContext {
  view(): View;
  setView(view: View): void;
  toCanvas(screen: Point): Point;
  hitTest(screen: Point): Hit;
  /** Inside the selection frame's rectangle (including its empty middle). */
  insideSelectionFrame(screen: Point): boolean;
  /** Screen positions of the pointers currently down, in the order they went down. */
  pointers(): Point[];
  /** Keeps the pointer's events coming to the canvas when it leaves it. */
  capturePointer(pointerId: number): void;

  shape(id: string): Shape | undefined;
  shapes(): readonly Shape[];
  style(): ShapeStyle;
  readOnly(): boolean;
  selection(): readonly string[];
  select(ids: string[]): void;
  store(): ShapeWriter;

  grab(ids: readonly string[]): GrabbedShapes;
  /** Dims a shape about to be erased; returns what undims it (null when it has no picture). */
  fade(id: string): (() => void) | null;
  redrawShapes(): void;

  /** Per frame of a move: the moving shapes for others to see; null when it ends. */
  publishMoving(shapes: Shape[] | null): void;
  /** The shape being drawn (shown locally and to others), or null. */
  showDraft(shape: Shape | null): void;
  showMarquee(rect: Rect | null): void;
  /** The laser pointer is at this canvas point (shown locally and to others); null ends its trail. */
  laser(point: Point | null): void;
  /** A shape was drawn: the owner switches tools and selects it. */
  created(ids: string[], tool: ToolName): void;
  edit(request: EditRequest): void;
  /** Snapping for moves and drawing; absent, nothing snaps (docs/architecture.md "Snapping"). */
  snap?: SnapContext;
}

export interface SnapContext {
  settings(): SnapSettings;
  /** The shapes a gesture may snap to: a bounded set near the viewport (snapping.ts). */
  candidates(exclude: ReadonlySet<string>): Rect[];
  /** Guide lines to show while a snap holds; [] hides them. */
  showGuides(guides: readonly Guide[]): void;
}

export interface Gesture {
  readonly name: string;
  /** The pointer it follows; null follows every pointer down and ends when none is left. */
  readonly pointerId: number | null;
  /** Overrides the tool's cursor while the gesture lasts. */
  readonly cursor?: string;
  pointerMove(input: PointerInput): void;
  /** Completes the gesture: the document is written here, once. */
  pointerUp(input: PointerInput): void;
  /** Escape, a lost pointer, a tool change: undoes what shows and writes nothing. */
  cancel(): void;
}

/** What a tool does on the canvas: its cursor, and the gesture a pointer down starts. */
export interface ToolBehaviour {
  cursor: string;
  /** Pointer down with this tool (`hit` is what lies under it): the gesture, or null. */
  start(ctx: GestureContext, input: PointerInput, hit: Hit): Gesture | null;
  doubleClick?(ctx: GestureContext, input: PointerInput): void;
}
