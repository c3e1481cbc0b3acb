/**
 * Groups, frames and locks as pure functions over shapes: which ids a press, a marquee or a move
 * really concerns, and the patches grouping, locking and frame membership write. The gestures
 * and actions call these; test/unit/diagramGroups.test.ts runs them in Node (rules GR1–GR11 in
 * docs/schema.md "Groups, frames and locks").
 */

import type { Shape } from "../shared/schema";
import { type Point, type Rect, shapeBounds } from "../tools/geometry";
import { newShapeId } from "./ids";
import type { NewShape, ShapePatch } from "./shapeStore";

/** GR1: `ids` plus every shape sharing a `groupId` with one of them. */
export function expandGroups(shapes: readonly Shape[], ids: readonly string[]): string[] {
  const wanted = new Set(ids);
  const groups = new Set<string>();
  for (const s of shapes) if (wanted.has(s.id) && s.groupId) groups.add(s.groupId);
  if (groups.size === 0) return [...wanted];
  const out = new Set(ids);
  for (const s of shapes) if (s.groupId && groups.has(s.groupId)) out.add(s.id);
  return [...out];
}

/**
 * The ids a press on `id` selects: its whole group, unless the selection is already inside that
 * group (entered by a double click, GR2), then just `id`.
 */
export function pickOnPress(
  shapes: readonly Shape[],
  id: string,
  enteredGroup: string | null,
): string[] {
  const shape = shapes.find((s) => s.id === id);
  if (!shape?.groupId || shape.groupId === enteredGroup) return [id];
  return expandGroups(shapes, [id]);
}

/** GR3: a marquee selects whole groups and never a locked shape. */
export function marqueePick(shapes: readonly Shape[], touched: readonly string[]): string[] {
  const locked = new Set(shapes.filter((s) => s.locked).map((s) => s.id));
  return expandGroups(
    shapes,
    touched.filter((id) => !locked.has(id)),
  ).filter((id) => !locked.has(id));
}

/** GR4: what a move of `ids` carries: the unlocked ones, plus the children of moved frames. */
export function movableIds(shapes: readonly Shape[], ids: readonly string[]): string[] {
  const byId = new Map(shapes.map((s) => [s.id, s]));
  const moving = ids.filter((id) => byId.has(id) && !byId.get(id)!.locked);
  const frames = new Set(moving.filter((id) => byId.get(id)!.type === "frame"));
  const out = new Set(moving);
  if (frames.size > 0) {
    for (const s of shapes) if (s.frameId && frames.has(s.frameId) && !s.locked) out.add(s.id);
  }
  return [...out];
}

/** GR5: what Delete, the eraser and a nudge may touch: everything but locked shapes. */
export function unlockedIds(shapes: readonly Shape[], ids: readonly string[]): string[] {
  const locked = new Set(shapes.filter((s) => s.locked).map((s) => s.id));
  return ids.filter((id) => !locked.has(id));
}

/** GR6: one new `groupId` for all of `ids` (at least two shapes), as one update. */
export function groupPatches(ids: readonly string[], groupId = newShapeId()): ShapePatch[] {
  if (ids.length < 2) return [];
  return ids.map((id) => ({ id, groupId }));
}

/** GR6: `groupId: ""` (the default, so the store deletes the key) for the grouped ones. */
export function ungroupPatches(shapes: readonly Shape[], ids: readonly string[]): ShapePatch[] {
  const all = new Set(expandGroups(shapes, ids));
  return shapes.filter((s) => all.has(s.id) && s.groupId).map((s) => ({ id: s.id, groupId: "" }));
}

/** GR7: locks the selection, or unlocks it when every shape in it is already locked. */
export function lockPatches(shapes: readonly Shape[], ids: readonly string[]): ShapePatch[] {
  const wanted = new Set(ids);
  const picked = shapes.filter((s) => wanted.has(s.id));
  const lock = picked.some((s) => !s.locked);
  return picked.map((s) => ({ id: s.id, locked: lock }));
}

/**
 * GR8: copies keep their groups among themselves, never with their originals: each `groupId`
 * among `copies` gets a fresh one (dropped when a single copy would hold it).
 */
export function regroupCopies<T extends NewShape>(copies: readonly T[]): T[] {
  const count = new Map<string, number>();
  for (const c of copies) if (c.groupId) count.set(c.groupId, (count.get(c.groupId) ?? 0) + 1);
  const fresh = new Map<string, string>();
  for (const [g, n] of count) if (n > 1) fresh.set(g, newShapeId());
  return copies.map((c) => {
    if (!c.groupId) return c;
    const { groupId, ...rest } = c;
    const next = fresh.get(groupId);
    return (next ? { ...rest, groupId: next } : rest) as T;
  });
}

const inside = (outer: Rect, inner: Rect): boolean =>
  inner.x >= outer.x &&
  inner.y >= outer.y &&
  inner.x + inner.width <= outer.x + outer.width &&
  inner.y + inner.height <= outer.y + outer.height;

/** The topmost frame (paint order) whose box fully holds `bounds`, other than `except`. */
export function frameHolding(
  shapes: readonly Shape[],
  bounds: Rect,
  except: ReadonlySet<string> = new Set(),
): Shape | null {
  for (let i = shapes.length - 1; i >= 0; i--) {
    const f = shapes[i]!;
    if (f.type === "frame" && !except.has(f.id) && inside(shapeBounds(f), bounds)) return f;
  }
  return null;
}

/** GR9: the shapes (not frames) fully inside `frame`'s box: its children when it is drawn. */
export function shapesInside(shapes: readonly Shape[], frame: Rect): string[] {
  return shapes.filter((s) => s.type !== "frame" && inside(frame, shapeBounds(s))).map((s) => s.id);
}

/**
 * GR9: after a move, each moved shape that is not a frame joins the topmost frame fully holding
 * it, or leaves its frame when none does; `positions` are where the move put them. A child whose
 * frame moved with it keeps it (it moved along).
 */
export function membershipPatches(
  shapes: readonly Shape[],
  positions: readonly { id: string; x: number; y: number }[],
): ShapePatch[] {
  const byId = new Map(shapes.map((s) => [s.id, s]));
  const moved = new Map(positions.map((p) => [p.id, p]));
  // Frames in their new places; moved shapes are never their own frame.
  const placed = shapes.map((s) => {
    const p = moved.get(s.id);
    return p ? { ...s, x: p.x, y: p.y } : s;
  });
  const out: ShapePatch[] = [];
  for (const p of positions) {
    const s = byId.get(p.id);
    if (!s || s.type === "frame") continue;
    if (s.frameId && moved.has(s.frameId)) continue;
    const frame = frameHolding(placed, shapeBounds({ ...s, x: p.x, y: p.y }), new Set([s.id]));
    const next = frame?.id ?? "";
    if (next !== (s.frameId ?? "")) out.push({ id: s.id, frameId: next });
  }
  return out;
}

/**
 * GR11: after a resize or rotation, membership follows the new geometry. Each transformed shape
 * (not a frame), each child of a transformed frame and each shape fully inside a transformed
 * frame's new box joins the topmost frame fully holding it, or leaves its frame when none does.
 */
export function membershipAfterTransform(
  shapes: readonly Shape[],
  patches: readonly ShapePatch[],
): ShapePatch[] {
  const patched = new Map(patches.map((p) => [p.id, p]));
  const placed = shapes.map((s) => {
    const p = patched.get(s.id);
    return p ? ({ ...s, ...p } as Shape) : s;
  });
  const frames = placed.filter((s) => s.type === "frame" && patched.has(s.id));
  const frameIds = new Set(frames.map((f) => f.id));
  const frameBoxes = frames.map(shapeBounds);
  const out: ShapePatch[] = [];
  for (const s of placed) {
    if (s.type === "frame") continue;
    const bounds = shapeBounds(s);
    const concerned =
      patched.has(s.id) ||
      (s.frameId !== undefined && frameIds.has(s.frameId)) ||
      frameBoxes.some((box) => inside(box, bounds));
    if (!concerned) continue;
    const next = frameHolding(placed, bounds, new Set([s.id]))?.id ?? "";
    if (next !== (s.frameId ?? "")) out.push({ id: s.id, frameId: next });
  }
  return out;
}

/** "Frame", then "Frame 2", "Frame 3"…: the first name no frame on the board has. */
export function nextFrameName(shapes: readonly Shape[]): string {
  const taken = new Set(shapes.filter((s) => s.type === "frame").map((s) => s.name ?? "Frame"));
  if (!taken.has("Frame")) return "Frame";
  let n = 2;
  while (taken.has(`Frame ${n}`)) n++;
  return `Frame ${n}`;
}

/** Height of the band above a frame where its title sits, canvas units (ShapeNode draws it). */
export const FRAME_TITLE_BAND = 22;

/** The frame whose title band holds `p` (topmost first), for a double click that renames. */
export function frameTitleAt(shapes: readonly Shape[], p: Point): Shape | null {
  for (let i = shapes.length - 1; i >= 0; i--) {
    const f = shapes[i]!;
    if (f.type !== "frame") continue;
    if (p.x >= f.x && p.x <= f.x + f.width && p.y >= f.y - FRAME_TITLE_BAND && p.y <= f.y) return f;
  }
  return null;
}

/** GR8: `ids` plus the children of the frames among them (duplicate and copy take them along). */
export function withFrameChildren(shapes: readonly Shape[], ids: readonly string[]): string[] {
  const wanted = new Set(ids);
  const frames = new Set(
    shapes.filter((s) => s.type === "frame" && wanted.has(s.id)).map((s) => s.id),
  );
  if (frames.size === 0) return [...ids];
  for (const s of shapes) if (s.frameId && frames.has(s.frameId)) wanted.add(s.id);
  return [...wanted];
}

/** A frame and its children, in paint order: what "export frame" draws. */
export function frameWithChildren(shapes: readonly Shape[], frameId: string): Shape[] {
  return shapes.filter((s) => s.id === frameId || s.frameId === frameId);
}
