/**
 * References between shapes (bindings, frames) can break in ways no single shape shows: a peer
 * deletes a shape while another binds to it, or moves a shape while another binds to it. The
 * room runs this after each update it applies and writes the fixes in its repair transaction,
 * so every replica converges (docs/conflicts.md C12, C13).
 */
import type * as Y from "yjs";
import { routeConnector } from "./binding";
import { checkEntry } from "./doc";
import { BINDABLE_TYPES, CONNECTOR_TYPES, type Shape } from "./schema";

/** Keys to write on one shape (undefined deletes the key). */
export interface ReferenceFix {
  id: string;
  patch: Record<string, unknown>;
}

function typeOf(entry: unknown): string | undefined {
  const t = (entry as Y.Map<unknown> | undefined)?.get?.("type");
  return typeof t === "string" ? t : undefined;
}

/**
 * Fixes for the references of shapes touched by the last update, and of every shape when one
 * was deleted (a deletion can break references anywhere):
 * - an end bound to a missing, unbindable or own shape is unbound (`startId`/`startAnchor`);
 * - `frameId` naming a missing shape, a shape that is not a frame, or a frame itself, goes;
 * - a connector whose bound end is off its target's anchor (a concurrent move) is re-routed.
 */
export function checkReferences(
  shapes: Y.Map<unknown>,
  touched: ReadonlySet<string>,
): ReferenceFix[] {
  const fixes = new Map<string, Record<string, unknown>>();
  const fix = (id: string, key: string, value: unknown) => {
    const patch = fixes.get(id) ?? {};
    fixes.set(id, patch);
    patch[key] = value;
  };
  const anyDeleted = [...touched].some((id) => !shapes.has(id));
  const candidates = anyDeleted ? [...shapes.keys()] : [...touched];

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
    const entry = shapes.get(id) as Y.Map<unknown> | undefined;
    if (!entry || typeof entry.get !== "function") continue;
    const type = typeOf(entry);
    for (const end of ["start", "end"] as const) {
      const ref = entry.get(`${end}Id`);
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
        if (entry.has(`${end}Anchor`)) fix(id, `${end}Anchor`, undefined);
      }
    }
    const frame = entry.get("frameId");
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
  shapes.forEach((entry, id) => {
    const m = entry as Y.Map<unknown>;
    if (typeof m?.get !== "function") return;
    const a = m.get("startId");
    const b = m.get("endId");
    if ((typeof a === "string" && moved.has(a)) || (typeof b === "string" && moved.has(b))) {
      const s = shape(id);
      if (s) connectors.set(id, s);
    }
  });

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
