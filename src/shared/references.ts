/**
 * References between shapes (bindings, frames) can break in ways no single shape shows: a peer
 * deletes a shape while another binds to it, or moves a shape while another binds to it. The
 * room runs this after each update it applies and writes the fixes in its repair transaction,
 * so every replica converges (docs/conflicts.md C12, C13).
 */
import * as Y from "yjs";
import { routeConnector } from "./binding";
import { checkEntry, entryField } from "./doc";
import { BINDABLE_TYPES, CONNECTOR_TYPES, type Shape } from "./schema";

/** Keys to write on one shape (undefined deletes the key). */
export interface ReferenceFix {
  id: string;
  patch: Record<string, unknown>;
}

function typeOf(entry: unknown): string | undefined {
  const t = entryField(entry, "type");
  return typeof t === "string" ? t : undefined;
}

/**
 * Fixes for the references of shapes touched by the last update, and of every shape when one
 * was deleted (a deletion can break references anywhere):
 * - an end bound to a missing, unbindable or own shape is unbound (`startId`/`startAnchor`);
 * - `frameId` naming a missing shape, a shape that is not a frame, or a frame itself, goes;
 * - a connector whose bound end is off its target's anchor (a concurrent move) is re-routed.
 */
export function checkReferences<T>(
  shapes: Y.Map<T>,
  touched: ReadonlySet<string>,
  index?: ReferenceIndex,
): ReferenceFix[] {
  const fixes = new Map<string, Record<string, unknown>>();
  const fix = (id: string, key: string, value: unknown) => {
    const patch = fixes.get(id) ?? {};
    fixes.set(id, patch);
    patch[key] = value;
  };
  const deleted = [...touched].filter((id) => !shapes.has(id));
  let candidates: Iterable<string>;
  if (deleted.length === 0) candidates = touched;
  else if (index) candidates = new Set([...touched, ...index.referrersOf(deleted)]);
  else candidates = shapes.keys();

  const parsed = new Map<string, Shape | null>();
  const shape = (id: string): Shape | null => {
    let s = parsed.get(id);
    if (s === undefined) {
      const result = checkEntry(id, shapes.get(id));
      s = result.status === "remove" ? null : result.shape;
      parsed.set(id, s);
    }
    return s;
  };

  for (const id of candidates) {
    const entry: unknown = shapes.get(id);
    if (entry === undefined) continue;
    const type = typeOf(entry);
    for (const end of ["start", "end"] as const) {
      const ref = entryField(entry, `${end}Id`);
      if (ref === undefined) continue;
      const target = typeof ref === "string" ? shapes.get(ref) : undefined;
      const ok =
        type !== undefined &&
        CONNECTOR_TYPES.has(type as Shape["type"]) &&
        ref !== id &&
        target !== undefined &&
        BINDABLE_TYPES.has(typeOf(target) as Shape["type"]);
      if (!ok) {
        fix(id, `${end}Id`, undefined);
        if (entryField(entry, `${end}Anchor`) !== undefined) fix(id, `${end}Anchor`, undefined);
      }
    }
    const frame = entryField(entry, "frameId");
    if (frame !== undefined) {
      const target = typeof frame === "string" ? shapes.get(frame) : undefined;
      if (type === "frame" || frame === id || typeOf(target) !== "frame")
        fix(id, "frameId", undefined);
    }
  }

  // Re-route connectors whose targets moved, or that were bound in the last update.
  const moved = new Set([...touched].filter((id) => shapes.has(id)));
  if (moved.size === 0) return [...fixes].map(([id, patch]) => ({ id, patch }));
  const connectors = new Map<string, Shape>();
  for (const id of moved) {
    const s = shape(id);
    if (s && CONNECTOR_TYPES.has(s.type) && (s.startId || s.endId)) connectors.set(id, s);
  }
  const boundTo = (id: string, entry: unknown) => {
    const a = entryField(entry, "startId");
    const b = entryField(entry, "endId");
    if ((typeof a === "string" && moved.has(a)) || (typeof b === "string" && moved.has(b))) {
      const s = shape(id);
      if (s) connectors.set(id, s);
    }
  };
  if (index) {
    for (const id of index.referrersOf(moved)) boundTo(id, shapes.get(id));
  } else {
    shapes.forEach((entry, id) => {
      boundTo(id, entry);
    });
  }

  for (const connector of connectors.values()) {
    const unbound = fixes.get(connector.id) ?? {};
    const c: Shape = { ...connector };
    if ("startId" in unbound) c.startId = undefined;
    if ("endId" in unbound) c.endId = undefined;
    const targets = new Map<string, Shape>();
    for (const ref of [c.startId, c.endId]) {
      const t = ref ? shape(ref) : null;
      if (ref && t) targets.set(ref, t);
    }
    const route = routeConnector(c, targets);
    if (route) fix(c.id, "points", route.points);
  }
  return [...fixes].map(([id, patch]) => ({ id, patch }));
}

const REFERENCE_FIELDS = ["startId", "endId", "frameId"] as const;

/**
 * Who refers to whom (bindings and frames), kept up to date from the document's own events, so
 * that checking the references of a move costs the shapes bound to it, not a scan of the board
 * (a 50,000-shape scan takes ~7 ms on the 2-core machine; the room runs this after every update).
 * Events arrive after each transaction: a reference made and used in one transaction is found
 * by the next check, which is when the room or a peer sees it.
 */
export class ReferenceIndex {
  /** target id → ids of the shapes that refer to it. */
  private readonly referrers = new Map<string, Set<string>>();
  /** shape id → the targets it refers to. */
  private readonly targets = new Map<string, string[]>();
  private readonly observer: (events: Y.YEvent<Y.AbstractType<unknown>>[]) => void;

  constructor(private readonly shapes: Y.Map<unknown>) {
    for (const id of shapes.keys()) this.reindex(id);
    this.observer = (events) => {
      const ids = new Set<string>();
      for (const event of events) {
        if (event.target === shapes) {
          for (const key of (event as Y.YMapEvent<unknown>).keysChanged) ids.add(key);
        } else if (event.target instanceof Y.Map && typeof event.path[0] === "string") {
          const changed = (event as Y.YMapEvent<unknown>).keysChanged;
          if (REFERENCE_FIELDS.some((k) => changed.has(k))) ids.add(event.path[0]);
        }
      }
      for (const id of ids) this.reindex(id);
    };
    shapes.observeDeep(this.observer);
  }

  /** Ids of the shapes that refer to any of `ids`. */
  referrersOf(ids: Iterable<string>): Set<string> {
    const out = new Set<string>();
    for (const id of ids) for (const r of this.referrers.get(id) ?? []) out.add(r);
    return out;
  }

  destroy(): void {
    this.shapes.unobserveDeep(this.observer);
  }

  private reindex(id: string): void {
    for (const t of this.targets.get(id) ?? []) {
      const set = this.referrers.get(t);
      set?.delete(id);
      if (set?.size === 0) this.referrers.delete(t);
    }
    this.targets.delete(id);
    const entry = this.shapes.get(id);
    const now: string[] = [];
    for (const k of REFERENCE_FIELDS) {
      const t = entryField(entry, k);
      if (typeof t !== "string") continue;
      now.push(t);
      const set = this.referrers.get(t) ?? new Set<string>();
      set.add(id);
      this.referrers.set(t, set);
    }
    if (now.length > 0) this.targets.set(id, now);
  }
}
