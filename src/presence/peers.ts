/**
 * Remote presence, read from Yjs awareness. Awareness states come straight from other people's
 * browsers: they are parsed here, once, into `Peer` (a different type from the raw state), and
 * anything malformed is dropped field by field rather than trusted.
 */
import * as v from "valibot";
import type { Awareness } from "y-protocols/awareness";
import { MAX_COORDINATE } from "../shared/constants";
import { COLOR_PATTERN, checkShape, SHAPE_ID_PATTERN, type Shape } from "../shared/schema";
import { DRAW_TOOLS, type ToolName } from "../tools/tools";
import { LaserSchema } from "./laser";
import { type Summon, SummonSchema } from "./summon";

export type PeerStatus = "active" | "idle" | "away";

/** Live geometry of a shape someone is dragging, resizing or rotating (before the commit). */
export interface GesturePreview {
  x: number;
  y: number;
  width?: number;
  height?: number;
  rotation?: number;
  points?: number[];
}

export interface Peer {
  clientId: number;
  name: string;
  color: string;
  cursor: { x: number; y: number } | null;
  selection: string[];
  viewport: { x: number; y: number; zoom: number } | null;
  status: PeerStatus;
  /** Shapes this peer is moving right now, by id. */
  gesture: Map<string, GesturePreview>;
  /** The shape this peer is drawing right now (not in the document yet), or null. */
  draft: Shape | null;
  /** The laser trail this peer is drawing (flat canvas points, oldest first), or null. */
  laser: number[] | null;
  /** This peer's last request to bring everyone to their view, or null. */
  summon: Summon | null;
}

/**
 * A peer's in-progress shape (of a drag-to-draw tool's type), checked against the document
 * schema itself: only a shape the room would accept unchanged is drawn.
 */
function parseDraft(clientId: number, raw: unknown): Shape | null {
  if (
    typeof raw !== "object" ||
    raw === null ||
    !DRAW_TOOLS.has((raw as { type?: unknown }).type as ToolName)
  ) {
    return null;
  }
  const result = checkShape(`draft-${clientId}`, { ...raw, z: "a0" });
  return result.status === "valid" ? result.shape : null;
}

const coord = v.pipe(
  v.number(),
  v.finite(),
  v.minValue(-MAX_COORDINATE),
  v.maxValue(MAX_COORDINATE),
);
const Point = v.object({ x: coord, y: coord });
const Viewport = v.object({
  x: coord,
  y: coord,
  zoom: v.pipe(v.number(), v.minValue(0.01), v.maxValue(100)),
});
const User = v.object({ name: v.string(), color: v.pipe(v.string(), v.regex(COLOR_PATTERN)) });
const Selection = v.pipe(v.array(v.pipe(v.string(), v.regex(SHAPE_ID_PATTERN))), v.maxLength(500));
const Status = v.picklist(["active", "idle", "away"]);
const Preview = v.object({
  x: coord,
  y: coord,
  width: v.optional(v.pipe(coord, v.minValue(0))),
  height: v.optional(v.pipe(coord, v.minValue(0))),
  rotation: v.optional(v.pipe(v.number(), v.finite())),
  points: v.optional(v.pipe(v.array(coord), v.maxLength(2000))),
});
const Gesture = v.pipe(v.record(v.pipe(v.string(), v.regex(SHAPE_ID_PATTERN)), Preview));

const FALLBACK_COLOR = "#868e96";
export const MAX_PEER_NAME = 40;

function field<T>(schema: v.GenericSchema<unknown, T>, value: unknown, fallback: T): T {
  const parsed = v.safeParse(schema, value);
  return parsed.success ? parsed.output : fallback;
}

/** Parses one raw awareness state; null when it is not a Sketchroom user at all. */
export function parsePeer(clientId: number, raw: unknown): Peer | null {
  if (typeof raw !== "object" || raw === null) return null;
  const state = raw as Record<string, unknown>;
  const user = v.safeParse(User, state.user);
  const looseName =
    typeof (state.user as { name?: unknown } | undefined)?.name === "string"
      ? (state.user as { name: string }).name
      : null;
  if (!user.success && looseName === null) return null;
  const name =
    (user.success ? user.output.name : looseName!).trim().slice(0, MAX_PEER_NAME) || "Anonymous";
  return {
    clientId,
    name,
    color: user.success ? user.output.color : FALLBACK_COLOR,
    cursor: field(v.nullable(Point), state.cursor ?? null, null),
    selection: field(Selection, state.selection ?? [], []),
    viewport: field(v.nullable(Viewport), state.viewport ?? null, null),
    status: field(Status, state.status ?? "active", "active"),
    gesture: new Map(Object.entries(field(Gesture, state.gesture ?? {}, {}))),
    draft: parseDraft(clientId, state.draft),
    laser: field(v.nullable(LaserSchema), state.laser ?? null, null),
    summon: field(v.nullable(SummonSchema), state.summon ?? null, null),
  };
}

/** Every other person in the room, ordered by client id (stable across renders). */
export function readPeers(awareness: Awareness): Peer[] {
  const peers: Peer[] = [];
  awareness.getStates().forEach((state, clientId) => {
    if (clientId === awareness.clientID) return;
    const peer = parsePeer(clientId, state);
    if (peer) peers.push(peer);
  });
  return peers.sort((a, b) => a.clientId - b.clientId);
}
