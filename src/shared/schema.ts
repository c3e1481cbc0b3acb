/**
 * The document schema: a public contract (docs/schema.md). `doc.getMap("shapes")` maps a shape
 * id to a Y.Map holding the keys below, or to the same keys as one plain object (a compact
 * shape; `checkEntry` in doc.ts reads both). Both the room (repair) and the client (skip) use
 * `checkShape`, so the two sides can never disagree about what is valid.
 */
import * as v from "valibot";
import { ALLOWED_ASSET_TYPES, ASSET_HASH_PATTERN, type AssetType } from "./assets";
import {
  MAX_ALT_LENGTH,
  MAX_COORDINATE,
  MAX_POINTS,
  MAX_SHAPE_ID_LENGTH,
  MAX_TEXT_LENGTH,
} from "./constants";

export const SHAPE_TYPES = [
  "rect",
  "ellipse",
  "diamond",
  "triangle",
  "line",
  "arrow",
  "pen",
  "text",
  "sticky",
  "frame",
  "image",
] as const;
export type ShapeType = (typeof SHAPE_TYPES)[number];

export const BOX_TYPES: ReadonlySet<ShapeType> = new Set([
  "rect",
  "ellipse",
  "diamond",
  "triangle",
  "text",
  "sticky",
  "frame",
  "image",
]);
export const POINT_TYPES: ReadonlySet<ShapeType> = new Set(["line", "arrow", "pen"]);
export const TEXT_TYPES: ReadonlySet<ShapeType> = new Set(["text", "sticky"]);
/** Shapes that carry a `label`: text drawn inside them, wrapped and centred. */
export const LABEL_TYPES: ReadonlySet<ShapeType> = new Set([
  "rect",
  "ellipse",
  "diamond",
  "triangle",
  "arrow",
  "line",
]);
/** Shapes an arrow or line end can bind to. */
export const BINDABLE_TYPES: ReadonlySet<ShapeType> = new Set([
  "rect",
  "ellipse",
  "diamond",
  "triangle",
  "text",
  "sticky",
  "frame",
  "image",
]);
/** Lines and arrows: their ends may bind to shapes (`startId`, `endId`). */
export const CONNECTOR_TYPES: ReadonlySet<ShapeType> = new Set(["line", "arrow"]);

export const DASH_STYLES = ["solid", "dashed", "dotted"] as const;
export type Dash = (typeof DASH_STYLES)[number];

export const SHAPE_ID_PATTERN = new RegExp(`^[A-Za-z0-9_-]{1,${MAX_SHAPE_ID_LENGTH}}$`);
export const COLOR_PATTERN = /^#[0-9a-fA-F]{6}$/;
/** fractional-indexing keys are base-62 digits; we also bound the length. */
const Z_PATTERN = /^[0-9A-Za-z]{1,200}$/;

export const DEFAULT_STROKE = "#1e1e1e";
export const DEFAULT_STICKY_FILL = "#ffec99";
export const DEFAULT_STROKE_WIDTH = 2;
export const MAX_STROKE_WIDTH = 100;
const DEFAULT_Z = "a0";
/** Text and sticky notes: font size in canvas units. */
export const DEFAULT_FONT_SIZE = 20;
export const MIN_FONT_SIZE = 4;
export const MAX_FONT_SIZE = 400;
/** Opacity below this is refused: a shape nobody can see is a shape nobody can find. */
export const MIN_OPACITY = 0.1;
/** Longest frame name, in characters. */
export const MAX_NAME_LENGTH = 200;

/** Where a bound line end meets its shape: a point of the shape's unrotated box, 0–1 on each axis. */
export interface Anchor {
  x: number;
  y: number;
}

/** A shape as every reader sees it after validation: every key present, every value sane. */
export interface Shape {
  id: string;
  type: ShapeType;
  x: number;
  y: number;
  /** Box types only (0 for others). */
  width: number;
  height: number;
  /** Degrees, about (x, y). */
  rotation: number;
  /** Flat [x0, y0, x1, y1, …] relative to (x, y); point types only (empty for others). */
  points: number[];
  stroke: string;
  fill: string;
  strokeWidth: number;
  /** Text and sticky only ("" for others). */
  text: string;
  /** Text and sticky only (0 for others). */
  fontSize: number;
  z: string;
  // Diagramming keys: optional, absent means the default (docs/schema.md).
  /** Stroke pattern; absent = "solid". */
  dash?: Dash;
  /** 0.1–1; absent = 1. */
  opacity?: number;
  /** A locked shape is not selected by a drag or marquee and cannot be moved until unlocked. */
  locked?: boolean;
  /** Text inside a rect, ellipse, diamond, triangle, line or arrow; absent = none. */
  label?: string;
  /** Line and arrow ends bound to a shape (its id) at an anchor of its box. */
  startId?: string;
  startAnchor?: Anchor;
  endId?: string;
  endAnchor?: Anchor;
  /** Shapes with one `groupId` select and move as one. */
  groupId?: string;
  /** The frame this shape belongs to (a frame moves its children). */
  frameId?: string;
  /** A frame's title. */
  name?: string;
  /** Image only, and required there: the SHA-256 (lowercase hex) of the bytes the room serves. */
  asset?: string;
  /** Image only: the content-type of the asset. */
  mime?: AssetType;
  /** Image only: a text alternative (≤ MAX_ALT_LENGTH characters). */
  alt?: string;
}

/** The optional diagramming keys, in the order readers list them. */
export const OPTIONAL_KEYS = [
  "dash",
  "opacity",
  "locked",
  "label",
  "startId",
  "startAnchor",
  "endId",
  "endAnchor",
  "groupId",
  "frameId",
  "name",
  "asset",
  "mime",
  "alt",
] as const satisfies readonly (keyof Shape)[];

const finite = v.pipe(v.number(), v.finite());
const coordinate = v.pipe(finite, v.minValue(-MAX_COORDINATE), v.maxValue(MAX_COORDINATE));
const size = v.pipe(finite, v.minValue(0), v.maxValue(MAX_COORDINATE));
const color = v.pipe(v.string(), v.regex(COLOR_PATTERN));
const fillColor = v.union([v.literal("transparent"), color]);
const strokeWidth = v.pipe(finite, v.minValue(0), v.maxValue(MAX_STROKE_WIDTH));
const fontSize = v.pipe(finite, v.minValue(MIN_FONT_SIZE), v.maxValue(MAX_FONT_SIZE));
const text = v.pipe(v.string(), v.maxLength(MAX_TEXT_LENGTH));
const z = v.pipe(v.string(), v.regex(Z_PATTERN));
const dash = v.picklist(DASH_STYLES);
const opacity = v.pipe(finite, v.minValue(MIN_OPACITY), v.maxValue(1));
const shapeId = v.pipe(v.string(), v.regex(SHAPE_ID_PATTERN));
const assetHash = v.pipe(v.string(), v.regex(ASSET_HASH_PATTERN));
const unit = v.pipe(finite, v.minValue(0), v.maxValue(1));
const anchor = v.object({ x: unit, y: unit });
const pointList = v.pipe(
  v.array(coordinate),
  v.maxLength(MAX_POINTS),
  v.check((p) => p.length >= 2 && p.length % 2 === 0, "points must hold at least one x, y pair"),
);

export type CheckResult =
  /** Everything valid. */
  | { status: "valid"; shape: Shape }
  /** Fixable: `patch` holds the keys to write (undefined = delete the key); `shape` is the result. */
  | { status: "repair"; shape: Shape; patch: Record<string, unknown>; problems: string[] }
  /** Not fixable: the shape must go. */
  | { status: "remove"; problems: string[] };

const clamp = (n: number, lo: number, hi: number) => Math.min(hi, Math.max(lo, n));

/**
 * Checks one shape read from the document (`ymap.toJSON()`), and says how to repair it.
 * Missing optional keys take their defaults and are not a problem; present but wrong values are.
 */
export function checkShape(id: string, raw: unknown): CheckResult {
  // "__proto__" matches the id pattern, but `shapes.toJSON()` (plain object assignment) would
  // turn it into the result's prototype instead of a key: a peer could inject inherited fields.
  if (!SHAPE_ID_PATTERN.test(id) || id === "__proto__") {
    return { status: "remove", problems: ["invalid id"] };
  }
  if (typeof raw !== "object" || raw === null || Array.isArray(raw)) {
    return { status: "remove", problems: ["not a map"] };
  }
  const r = raw as Record<string, unknown>;
  const type = r.type;
  if (typeof type !== "string" || !(SHAPE_TYPES as readonly string[]).includes(type)) {
    return { status: "remove", problems: ["unknown type"] };
  }
  const t = type as ShapeType;
  const problems: string[] = [];
  const patch: Record<string, unknown> = {};

  /** Reads key `k`: valid → value; missing → fallback (no problem); wrong → repaired value (problem). */
  const field = <T>(
    k: string,
    schema: v.GenericSchema<unknown, T>,
    fallback: T,
    repair: (bad: unknown) => T = () => fallback,
  ): T => {
    const value = r[k];
    if (value === undefined) return fallback;
    const parsed = v.safeParse(schema, value);
    if (parsed.success) return parsed.output;
    const fixed = repair(value);
    problems.push(`invalid ${k}`);
    patch[k] = fixed;
    return fixed;
  };
  const clampNumber = (lo: number, hi: number, dflt: number) => (bad: unknown) =>
    typeof bad === "number" && !Number.isNaN(bad) ? clamp(bad, lo, hi) : dflt;

  const isBox = BOX_TYPES.has(t);
  const isPoints = POINT_TYPES.has(t);
  const isText = TEXT_TYPES.has(t);

  const x = field("x", coordinate, 0, clampNumber(-MAX_COORDINATE, MAX_COORDINATE, 0));
  const y = field("y", coordinate, 0, clampNumber(-MAX_COORDINATE, MAX_COORDINATE, 0));
  const rotation = field("rotation", finite, 0, () => 0);
  const shape: Shape = {
    id,
    type: t,
    x,
    y,
    width: isBox ? field("width", size, 100, clampNumber(0, MAX_COORDINATE, 100)) : 0,
    height: isBox ? field("height", size, 100, clampNumber(0, MAX_COORDINATE, 100)) : 0,
    rotation,
    points: [],
    stroke: field("stroke", color, DEFAULT_STROKE),
    fill: field("fill", fillColor, t === "sticky" ? DEFAULT_STICKY_FILL : "transparent"),
    strokeWidth: field(
      "strokeWidth",
      strokeWidth,
      DEFAULT_STROKE_WIDTH,
      clampNumber(0, MAX_STROKE_WIDTH, DEFAULT_STROKE_WIDTH),
    ),
    text: isText
      ? field("text", text, "", (bad) =>
          typeof bad === "string" ? bad.slice(0, MAX_TEXT_LENGTH) : "",
        )
      : "",
    fontSize: isText
      ? field(
          "fontSize",
          fontSize,
          DEFAULT_FONT_SIZE,
          clampNumber(MIN_FONT_SIZE, MAX_FONT_SIZE, DEFAULT_FONT_SIZE),
        )
      : 0,
    z: field("z", z, DEFAULT_Z),
  };
  if (isPoints) {
    const parsed = v.safeParse(pointList, r.points);
    if (parsed.success) {
      shape.points = parsed.output;
    } else if (Array.isArray(r.points) && r.points.every((n) => typeof n === "number")) {
      // Numbers but out of range / odd length / too long: clamp and trim.
      const nums = (r.points as number[])
        .slice(0, MAX_POINTS)
        .map((n) => (Number.isNaN(n) ? 0 : clamp(n, -MAX_COORDINATE, MAX_COORDINATE)));
      if (nums.length % 2 === 1) nums.pop();
      if (nums.length < 2) return { status: "remove", problems: ["invalid points"] };
      shape.points = nums;
      patch.points = nums;
      problems.push("invalid points");
    } else {
      return { status: "remove", problems: ["invalid points"] };
    }
  }
  if (t === "image") {
    // Without its asset an image is nothing to draw: unfixable, like a line without points.
    // Whether the bytes exist is not checked: they may still be uploading from an offline client.
    const parsed = v.safeParse(assetHash, r.asset);
    if (!parsed.success) return { status: "remove", problems: ["invalid asset"] };
    shape.asset = parsed.output;
  }
  readOptionalKeys(t, r, shape, patch, problems);
  if (problems.length === 0) return { status: "valid", shape };
  return { status: "repair", shape, patch, problems };
}

/**
 * The diagramming keys. Each is optional: a wrong value is deleted (the default applies), except
 * a string too long, which is cut. A key the type does not use is ignored, as for the base keys.
 * References to other shapes (`startId`, `endId`, `frameId`) are checked for form here and for
 * existence by `checkReferences` (src/shared/references.ts), which needs the whole board.
 */
function readOptionalKeys(
  t: ShapeType,
  r: Record<string, unknown>,
  shape: Shape,
  patch: Record<string, unknown>,
  problems: string[],
): void {
  const optional = <T>(k: string, schema: v.GenericSchema<unknown, T>): T | undefined => {
    const value = r[k];
    if (value === undefined) return undefined;
    const parsed = v.safeParse(schema, value);
    if (parsed.success) return parsed.output;
    problems.push(`invalid ${k}`);
    patch[k] = undefined;
    return undefined;
  };
  const cut = (k: string, max: number): string | undefined => {
    const value = r[k];
    if (value === undefined) return undefined;
    if (typeof value === "string" && value.length <= max) return value;
    problems.push(`invalid ${k}`);
    const fixed = typeof value === "string" ? value.slice(0, max) : undefined;
    patch[k] = fixed;
    return fixed;
  };
  const d = optional("dash", dash);
  if (d !== undefined && d !== "solid") shape.dash = d;
  const o = optional("opacity", opacity);
  if (o !== undefined && o !== 1) shape.opacity = o;
  if (optional("locked", v.boolean()) === true) shape.locked = true;
  const g = optional("groupId", shapeId);
  if (g !== undefined) shape.groupId = g;
  const f = optional("frameId", shapeId);
  if (f !== undefined && f !== shape.id) shape.frameId = f;
  if (LABEL_TYPES.has(t)) {
    const label = cut("label", MAX_TEXT_LENGTH);
    if (label) shape.label = label;
  }
  if (t === "frame") {
    const n = cut("name", MAX_NAME_LENGTH);
    if (n !== undefined) shape.name = n;
  }
  if (t === "image") {
    const m = optional("mime", v.picklist(ALLOWED_ASSET_TYPES));
    if (m !== undefined) shape.mime = m;
    const a = cut("alt", MAX_ALT_LENGTH);
    if (a) shape.alt = a;
  }
  if (CONNECTOR_TYPES.has(t)) {
    for (const end of ["start", "end"] as const) {
      const id = optional(`${end}Id`, shapeId);
      const at = optional(`${end}Anchor`, anchor);
      if (id === undefined || id === shape.id) continue;
      shape[`${end}Id`] = id;
      // A binding without an anchor meets the shape's centre.
      shape[`${end}Anchor`] = at ?? { x: 0.5, y: 0.5 };
    }
  }
}

/** The client's view: a shape to render, or null to skip it. */
export function parseShape(id: string, raw: unknown): Shape | null {
  const result = checkShape(id, raw);
  return result.status === "valid" ? result.shape : null;
}

/** Paint order: ascending `z`, ties broken by id (plain code-unit comparison, as fractional-indexing expects). */
export function comparePaintOrder(
  a: { z: string; id: string },
  b: { z: string; id: string },
): number {
  if (a.z !== b.z) return a.z < b.z ? -1 : 1;
  if (a.id !== b.id) return a.id < b.id ? -1 : 1;
  return 0;
}

/** The asset hashes the image shapes among `shapes` name, in order (repeats kept). */
export function imageAssets(shapes: readonly Pick<Shape, "type" | "asset">[]): string[] {
  return shapes.flatMap((s) => (s.type === "image" && s.asset ? [s.asset] : []));
}
