/**
 * This user's laser trail on the board: the points of the last LASER_TRAIL_MS drawn as one
 * Konva line, updated imperatively (never through React) and drained every animation frame
 * until nothing is left, so it fades from its tail after the pointer stops or lets go. Each
 * change also goes to `onLaser` (presence, throttled there).
 */
import type Konva from "konva";
import { type RefObject, useCallback, useEffect, useRef } from "react";
import { LaserTrail } from "../presence/laser";
import type { Point } from "../tools/geometry";

export function useLaserTrail(
  lineRef: RefObject<Konva.Line | null>,
  onLaser: () => ((points: number[] | null) => void) | undefined,
): (point: Point | null) => void {
  const trail = useRef(new LaserTrail());
  const frame = useRef<number | null>(null);
  const onLaserRef = useRef(onLaser);
  onLaserRef.current = onLaser;

  const paint = useCallback((): boolean => {
    const alive = trail.current.prune(performance.now());
    const line = lineRef.current;
    if (line) {
      line.points(trail.current.flat());
      line.getLayer()?.batchDraw();
    }
    return alive;
  }, [lineRef]);

  const loop = useCallback(() => {
    frame.current = paint() ? requestAnimationFrame(loop) : null;
  }, [paint]);

  useEffect(
    () => () => {
      if (frame.current !== null) cancelAnimationFrame(frame.current);
    },
    [],
  );

  return useCallback(
    (point: Point | null) => {
      if (point === null) {
        onLaserRef.current()?.(null);
        return;
      }
      trail.current.add(point, performance.now());
      paint();
      onLaserRef.current()?.(trail.current.flat());
      if (frame.current === null) frame.current = requestAnimationFrame(loop);
    },
    [paint, loop],
  );
}
