/**
 * Other people's laser trails. Each is one Konva line named `remote-laser`, drawn imperatively
 * (like RemoteCursors: per-frame motion never goes through React) inside a group of the remote
 * layer. A trail shows what its owner last sent; once updates stop (they let go, or left) it
 * fades out over LASER_FADE_MS and is destroyed.
 */
import type { Group as KonvaGroup } from "konva/lib/Group";
import { Line as KonvaLine } from "konva/lib/shapes/Line";
import { memo, useEffect, useRef } from "react";
import { Group } from "../canvas/konva";
import { CURSOR_THROTTLE_MS, LASER_FADE_MS } from "../shared/constants";
import { LASER_STYLE } from "./laser";
import type { Peer } from "./peers";

/** ms. A trail stays fully visible this long after an update: two missed throttle windows. */
const HOLD_MS = CURSOR_THROTTLE_MS * 2;

interface TrailView {
  line: KonvaLine;
  points: number[] | null;
  updatedAt: number;
}

/** The same trail, as far as showing it goes: same length and the same ends. */
function sameTrail(a: readonly number[], b: readonly number[]): boolean {
  const n = a.length;
  return (
    n === b.length &&
    a[0] === b[0] &&
    a[1] === b[1] &&
    a[n - 2] === b[n - 2] &&
    a[n - 1] === b[n - 1]
  );
}

export const RemoteLasers = memo(function RemoteLasers({ peers }: { peers: readonly Peer[] }) {
  const groupRef = useRef<KonvaGroup>(null);
  const views = useRef(new Map<number, TrailView>());
  const frame = useRef<number | null>(null);

  useEffect(() => {
    const all = views.current;
    return () => {
      if (frame.current !== null) cancelAnimationFrame(frame.current);
      for (const view of all.values()) view.line.destroy();
      all.clear();
    };
  }, []);

  useEffect(() => {
    const group = groupRef.current;
    if (!group) return;
    const now = performance.now();
    for (const peer of peers) {
      const points = peer.laser;
      if (!points || points.length < 2) continue;
      let view = views.current.get(peer.clientId);
      // Peers are re-read on anyone's change: only a trail that changed restarts its fade.
      if (view?.points && sameTrail(view.points, points)) continue;
      if (!view) {
        view = {
          line: new KonvaLine({ ...LASER_STYLE, name: "remote-laser" }),
          points: null,
          updatedAt: now,
        };
        group.add(view.line);
        views.current.set(peer.clientId, view);
      }
      view.points = points;
      view.updatedAt = now;
      view.line.points(points);
      view.line.opacity(1);
    }
    group.getLayer()?.batchDraw();

    const fade = () => {
      const t = performance.now();
      for (const [clientId, view] of views.current) {
        const age = t - view.updatedAt - HOLD_MS;
        const opacity = age <= 0 ? 1 : 1 - age / LASER_FADE_MS;
        if (opacity <= 0) {
          view.line.destroy();
          views.current.delete(clientId);
        } else {
          view.line.opacity(opacity);
        }
      }
      group.getLayer()?.batchDraw();
      frame.current = views.current.size > 0 ? requestAnimationFrame(fade) : null;
    };
    if (frame.current === null && views.current.size > 0)
      frame.current = requestAnimationFrame(fade);
  }, [peers]);

  return <Group ref={groupRef} listening={false} name="remote-lasers" />;
});
