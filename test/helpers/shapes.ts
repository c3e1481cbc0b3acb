/** Building shapes and reading the room's HTTP snapshot in tests. */
import type * as Y from "yjs";
import { getShapes, keysFor, shapeToYMap } from "../../src/shared/doc";
import type { CheckpointSummary } from "../../src/shared/protocol";
import type { Shape } from "../../src/shared/schema";
import { waitFor } from "./wait";

let counter = 0;

/** A valid shape with every key filled in; `over` overrides any of them. */
export function makeShape(over: Partial<Shape> = {}): Shape {
  counter++;
  const type = over.type ?? "rect";
  const isPoints = type === "line" || type === "arrow" || type === "pen";
  const isBox = !isPoints;
  const isText = type === "text" || type === "sticky";
  return {
    id: `s${counter}-${Math.random().toString(36).slice(2, 10)}`,
    type,
    x: 10 * counter,
    y: 20,
    width: isBox ? 120 : 0,
    height: isBox ? 80 : 0,
    rotation: 0,
    points: isPoints ? [0, 0, 50, 25] : [],
    stroke: "#1e1e1e",
    fill: type === "sticky" ? "#ffec99" : "transparent",
    strokeWidth: 2,
    text: isText ? "hello" : "",
    fontSize: isText ? 20 : 0,
    z: "a0",
    ...over,
  };
}

/** Adds shapes to `doc` in one transaction (one update on the wire). */
export function addShapes(doc: Y.Doc, shapes: Shape[]): void {
  doc.transact(() => {
    const map = getShapes(doc);
    for (const s of shapes) map.set(s.id, shapeToYMap(s));
  });
}

/** Sets plain properties of an existing shape (not `text`). */
export function updateShape(doc: Y.Doc, id: string, patch: Partial<Omit<Shape, "text">>): void {
  const m = getShapes(doc).get(id);
  if (!m) throw new Error(`no shape ${id}`);
  doc.transact(() => {
    for (const [k, v] of Object.entries(patch)) m.set(k, v);
  });
}

export function deleteShape(doc: Y.Doc, id: string): void {
  getShapes(doc).delete(id);
}

/** The room's HTTP snapshot: `GET /parties/main/<roomId>`. */
export async function fetchSnapshot(baseUrl: string, roomId: string): Promise<Shape[]> {
  const res = await fetch(`${baseUrl}/parties/main/${roomId}`, {
    signal: AbortSignal.timeout(10_000),
  });
  if (!res.ok) throw new Error(`GET snapshot of ${roomId}: HTTP ${res.status} ${await res.text()}`);
  const body = (await res.json()) as { shapes?: unknown };
  if (!Array.isArray(body.shapes)) {
    throw new Error(`snapshot of ${roomId} has no shapes array: ${JSON.stringify(body)}`);
  }
  return body.shapes as Shape[];
}

/** The room's checkpoints, newest first: `GET /parties/main/<roomId>/history`. */
export async function fetchHistory(baseUrl: string, roomId: string): Promise<CheckpointSummary[]> {
  const res = await fetch(`${baseUrl}/parties/main/${roomId}/history`, {
    signal: AbortSignal.timeout(10_000),
  });
  if (res.status !== 200) {
    throw new Error(`GET history of ${roomId}: HTTP ${res.status} ${await res.text()}`);
  }
  return ((await res.json()) as { checkpoints: CheckpointSummary[] }).checkpoints;
}

/**
 * The keys the schema stores for this shape's type, plus id: what every reader (peer, snapshot)
 * must agree on. Keys another type would carry (a rect's `points`) are left out.
 */
export function storedFields(s: Shape): Record<string, unknown> {
  const out: Record<string, unknown> = { id: s.id };
  for (const k of keysFor(s.type)) out[k] = s[k];
  return out;
}

/**
 * Polls the room's HTTP snapshot until `pick` finds what it wants there, and returns that; on a
 * timeout the error shows the last snapshot.
 */
export async function waitForSnapshot<T>(
  baseUrl: string,
  roomId: string,
  pick: (shapes: Shape[]) => T | undefined | null | false,
  message: string,
): Promise<Exclude<T, undefined | null | false>> {
  let last: Shape[] = [];
  try {
    return (await waitFor(
      async () => {
        last = await fetchSnapshot(baseUrl, roomId);
        return pick(last);
      },
      { message },
    )) as Exclude<T, undefined | null | false>;
  } catch (err) {
    throw new Error(`${(err as Error).message}\n  snapshot: ${JSON.stringify(last)}`);
  }
}
