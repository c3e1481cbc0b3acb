/**
 * Other people's cursors: an arrow in their colour with a name label, animated between updates
 * with perfect-cursors (updates arrive at ≤ 20 Hz; the animation runs every frame). Drawn
 * imperatively on its own non-listening layer: per-frame motion never goes through React.
 */
import Konva from "konva";
import { PerfectCursor } from "perfect-cursors";
import { useEffect, useRef } from "react";
import { Layer } from "react-konva";
import type { Awareness } from "y-protocols/awareness";
import { readPeers } from "./peers";

/** ms without a new position after which a cursor snaps to its last point. */
const SETTLE_MS = 400;
const ARROW_PATH = "M0 0 L0 17 L4.5 12.5 L8 20 L11 18.8 L7.6 11.4 L13.5 11.4 Z";

interface CursorView {
  group: Konva.Group;
  /** Lands the cursor exactly on its last reported point once updates stop. */
  settle: ReturnType<typeof setTimeout> | null;
  label: Konva.Text;
  tag: Konva.Tag;
  arrow: Konva.Path;
  animator: PerfectCursor;
  name: string;
  color: string;
}

export function RemoteCursors({ awareness, zoom }: { awareness: Awareness; zoom: number }) {
  const layerRef = useRef<Konva.Layer>(null);
  const viewsRef = useRef(new Map<number, CursorView>());
  const zoomRef = useRef(zoom);

  useEffect(() => {
    zoomRef.current = zoom;
    // Cursors keep their on-screen size at any zoom.
    for (const view of viewsRef.current.values()) view.group.scale({ x: 1 / zoom, y: 1 / zoom });
    layerRef.current?.batchDraw();
  }, [zoom]);

  useEffect(() => {
    const layer = layerRef.current;
    if (!layer) return;
    const views = viewsRef.current;

    const make = (clientId: number, name: string, color: string): CursorView => {
      const group = new Konva.Group({ listening: false, name: `cursor-${clientId}` });
      const arrow = new Konva.Path({
        data: ARROW_PATH,
        fill: color,
        stroke: "#ffffff",
        strokeWidth: 1.2,
      });
      const label = new Konva.Label({ x: 12, y: 20 });
      const tag = new Konva.Tag({ fill: color, cornerRadius: 4 });
      const text = new Konva.Text({
        text: name,
        fontSize: 12,
        padding: 4,
        fill: "#ffffff",
        fontFamily: "system-ui, sans-serif",
      });
      label.add(tag, text);
      group.add(arrow, label);
      group.scale({ x: 1 / zoomRef.current, y: 1 / zoomRef.current });
      group.visible(false);
      layer.add(group);
      const animator = new PerfectCursor(([x, y]) => {
        group.position({ x: x!, y: y! });
        layer.batchDraw();
      });
      return { group, label: text, tag, arrow, animator, name, color, settle: null };
    };

    const sync = () => {
      const seen = new Set<number>();
      for (const peer of readPeers(awareness)) {
        seen.add(peer.clientId);
        let view = views.get(peer.clientId);
        if (!view) {
          view = make(peer.clientId, peer.name, peer.color);
          views.set(peer.clientId, view);
        }
        if (view.name !== peer.name) {
          view.label.text(peer.name);
          view.name = peer.name;
        }
        if (view.color !== peer.color) {
          view.arrow.fill(peer.color);
          view.tag.fill(peer.color);
          view.color = peer.color;
        }
        view.group.opacity(peer.status === "active" ? 1 : 0.45);
        if (peer.cursor) {
          if (!view.group.visible()) {
            // Appear where the cursor is, not animated in from the last place it left.
            view.group.position(peer.cursor);
            view.group.visible(true);
          }
          view.animator.addPoint([peer.cursor.x, peer.cursor.y]);
          // The spline eases towards the last point; once updates stop, put it exactly there
          // (also covers tabs where animation frames are throttled).
          const target = peer.cursor;
          const v = view;
          if (v.settle !== null) clearTimeout(v.settle);
          v.settle = setTimeout(() => {
            v.settle = null;
            v.group.position(target);
            layer.batchDraw();
          }, SETTLE_MS);
        } else {
          view.group.visible(false);
        }
      }
      for (const [clientId, view] of views) {
        if (seen.has(clientId)) continue;
        if (view.settle !== null) clearTimeout(view.settle);
        view.animator.dispose();
        view.group.destroy();
        views.delete(clientId);
      }
      layer.batchDraw();
    };
    sync();
    awareness.on("change", sync);
    return () => {
      awareness.off("change", sync);
      for (const view of views.values()) {
        if (view.settle !== null) clearTimeout(view.settle);
        view.animator.dispose();
        view.group.destroy();
      }
      views.clear();
    };
  }, [awareness]);

  return <Layer ref={layerRef} listening={false} />;
}
