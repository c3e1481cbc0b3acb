/**
 * Other people's cursors: an arrow in their colour with a name label, animated between updates
 * with perfect-cursors (updates arrive at ≤ 20 Hz; the animation runs every frame). Drawn
 * imperatively on its own non-listening layer: per-frame motion never goes through React. The
 * peers come parsed from the room (usePeers), so presence is read once per change, not twice.
 */
import { Group as KonvaGroup } from "konva/lib/Group";
import type { Layer as KonvaLayer } from "konva/lib/Layer";
import { Line as KonvaLine } from "konva/lib/shapes/Line";
import { Rect as KonvaRect } from "konva/lib/shapes/Rect";
import { Text as KonvaText } from "konva/lib/shapes/Text";
import { PerfectCursor } from "perfect-cursors";
import { useEffect, useRef } from "react";
import { Layer } from "../canvas/konva";
import type { Peer } from "./peers";

/** ms without a new position after which a cursor snaps to its last point. */
const SETTLE_MS = 400;
/**
 * The pointer, a closed polygon. Drawn as a Line, not a Path: Konva's SVG path parser and a Label
 * for the name tag would add ~5 KB gzipped to the initial bundle for these few straight edges.
 */
const ARROW_POINTS = [0, 0, 0, 17, 4.5, 12.5, 8, 20, 11, 18.8, 7.6, 11.4, 13.5, 11.4];
/** Where the name tag sits, relative to the pointer's tip. */
const TAG_AT = { x: 12, y: 20 };

interface CursorView {
  group: KonvaGroup;
  /** Lands the cursor exactly on its last reported point once updates stop. */
  settle: ReturnType<typeof setTimeout> | null;
  label: KonvaText;
  tag: KonvaRect;
  arrow: KonvaLine;
  animator: PerfectCursor;
  name: string;
  color: string;
  /** The last cursor position handed to the animator. */
  last: { x: number; y: number } | null;
}

function createCursor(
  layer: KonvaLayer,
  clientId: number,
  name: string,
  color: string,
  zoom: number,
): CursorView {
  const group = new KonvaGroup({ listening: false, name: `cursor-${clientId}` });
  const arrow = new KonvaLine({
    points: ARROW_POINTS,
    closed: true,
    fill: color,
    stroke: "#ffffff",
    strokeWidth: 1.2,
  });
  const text = new KonvaText({
    ...TAG_AT,
    text: name,
    fontSize: 12,
    padding: 4,
    fill: "#ffffff",
    fontFamily: "system-ui, sans-serif",
  });
  const tag = new KonvaRect({ ...TAG_AT, fill: color, cornerRadius: 4 });
  fitTag(tag, text);
  group.add(arrow, tag, text);
  group.scale({ x: 1 / zoom, y: 1 / zoom });
  group.visible(false);
  layer.add(group);
  const animator = new PerfectCursor(([x, y]) => {
    group.position({ x: x!, y: y! });
    layer.batchDraw();
  });
  return { group, label: text, tag, arrow, animator, name, color, settle: null, last: null };
}

/** The tag is a rounded box just around the name (what Konva's Label would do). */
function fitTag(tag: KonvaRect, text: KonvaText): void {
  tag.size({ width: text.width(), height: text.height() });
}

function destroyCursor(view: CursorView): void {
  if (view.settle !== null) clearTimeout(view.settle);
  view.animator.dispose();
  view.group.destroy();
}

export function RemoteCursors({ peers, zoom }: { peers: readonly Peer[]; zoom: number }) {
  const layerRef = useRef<KonvaLayer>(null);
  const viewsRef = useRef(new Map<number, CursorView>());
  const zoomRef = useRef(zoom);

  useEffect(() => {
    zoomRef.current = zoom;
    // Cursors keep their on-screen size at any zoom.
    for (const view of viewsRef.current.values()) view.group.scale({ x: 1 / zoom, y: 1 / zoom });
    layerRef.current?.batchDraw();
  }, [zoom]);

  useEffect(() => {
    const views = viewsRef.current;
    return () => {
      for (const view of views.values()) destroyCursor(view);
      views.clear();
    };
  }, []);

  useEffect(() => {
    const layer = layerRef.current;
    if (!layer) return;
    const views = viewsRef.current;
    const seen = new Set<number>();
    for (const peer of peers) {
      seen.add(peer.clientId);
      let view = views.get(peer.clientId);
      if (!view) {
        view = createCursor(layer, peer.clientId, peer.name, peer.color, zoomRef.current);
        views.set(peer.clientId, view);
      }
      if (view.name !== peer.name) {
        view.label.text(peer.name);
        fitTag(view.tag, view.label);
        view.name = peer.name;
      }
      if (view.color !== peer.color) {
        view.arrow.fill(peer.color);
        view.tag.fill(peer.color);
        view.color = peer.color;
      }
      view.group.opacity(peer.status === "active" ? 1 : 0.45);
      const cursor = peer.cursor;
      if (!cursor) {
        view.group.visible(false);
        view.last = null;
        continue;
      }
      // Someone else's change: this cursor did not move.
      if (view.last && view.last.x === cursor.x && view.last.y === cursor.y) continue;
      view.last = cursor;
      if (!view.group.visible()) {
        // Appear where the cursor is, not animated in from the last place it left.
        view.group.position(cursor);
        view.group.visible(true);
      }
      view.animator.addPoint([cursor.x, cursor.y]);
      // The spline eases towards the last point; once updates stop, put it exactly there
      // (also covers tabs where animation frames are throttled).
      const v = view;
      if (v.settle !== null) clearTimeout(v.settle);
      v.settle = setTimeout(() => {
        v.settle = null;
        v.group.position(cursor);
        layer.batchDraw();
      }, SETTLE_MS);
    }
    for (const [clientId, view] of views) {
      if (seen.has(clientId)) continue;
      destroyCursor(view);
      views.delete(clientId);
    }
    layer.batchDraw();
  }, [peers]);

  return <Layer ref={layerRef} listening={false} />;
}
