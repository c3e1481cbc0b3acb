/**
 * The board (or a selection, or one frame) as a standalone SVG document: vector export and
 * "copy as SVG". Pure string building, so it runs and is tested in Node. Every piece of user text
 * is escaped: a label reading `</text><script>` stays a label.
 */

import {
  CONNECTOR_LABEL_WIDTH,
  FRAME_TITLE_GAP,
  FRAME_TITLE_SIZE,
  LABEL_FONT_SIZE,
  LABEL_PADDING,
  STICKY_PADDING,
} from "../canvas/shapeMetrics";
import { polylineMidpoint } from "../shared/binding";
import type { Shape } from "../shared/schema";
import { shapeBounds, unionRects } from "../tools/geometry";
import { STICKY_LINE_HEIGHT, TEXT_LINE_HEIGHT } from "../tools/shapeFactory";

export interface SvgOptions {
  /** Paint a white background (default true); false leaves it transparent. */
  background?: boolean;
  /** Margin around the content, canvas units. */
  padding?: number;
  /** Width of `text` at `fontSize` px (the browser passes a canvas measure; Node uses an estimate). */
  measure?: (text: string, fontSize: number) => number;
  /** Image bytes as `data:` URLs by asset hash; an image not in it is drawn as its placeholder. */
  images?: ReadonlyMap<string, string>;
}

export const SVG_FONT_FAMILY = "system-ui, -apple-system, Segoe UI, Roboto, sans-serif";
const DEFAULT_PADDING = 16;
/** Average glyph width in ems, for wrapping when no real measure is given. */
const ESTIMATED_EM = 0.55;

/** XML-escapes text for element content and attribute values. */
export function escapeXml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

/** A number for an attribute: short, and never NaN or exponent notation that SVG misreads. */
const n = (v: number): string => (Number.isFinite(v) ? String(Math.round(v * 100) / 100) : "0");

function dashArray(shape: Shape): string {
  const w = Math.max(1, shape.strokeWidth);
  if (shape.dash === "dashed") return ` stroke-dasharray="${n(w * 4)} ${n(w * 3)}"`;
  if (shape.dash === "dotted") return ` stroke-dasharray="0 ${n(w * 2.5)}" stroke-linecap="round"`;
  return "";
}

/** Greedy word wrap to `width` (words longer than a line are cut), keeping explicit newlines. */
export function wrapText(
  text: string,
  width: number,
  fontSize: number,
  measure: (t: string, size: number) => number,
): string[] {
  const lines: string[] = [];
  for (const paragraph of text.split("\n")) {
    let line = "";
    for (const word of paragraph.split(" ")) {
      const next = line === "" ? word : `${line} ${word}`;
      if (line !== "" && measure(next, fontSize) > width) {
        lines.push(line);
        line = word;
      } else {
        line = next;
      }
    }
    lines.push(line);
  }
  return lines;
}

function textBlock(
  lines: string[],
  opts: {
    x: number;
    y: number;
    fontSize: number;
    lineHeight: number;
    fill: string;
    anchor?: string;
  },
): string {
  const anchor = opts.anchor ? ` text-anchor="${opts.anchor}"` : "";
  const spans = lines
    .map(
      (line, i) =>
        `<tspan x="${n(opts.x)}" y="${n(opts.y + opts.fontSize * (i * opts.lineHeight + 0.85))}">${escapeXml(line)}</tspan>`,
    )
    .join("");
  return `<text font-family="${SVG_FONT_FAMILY}" font-size="${n(opts.fontSize)}" fill="${opts.fill}"${anchor} xml:space="preserve">${spans}</text>`;
}

function label(shape: Shape, measure: SvgOptions["measure"] & {}): string {
  if (!shape.label) return "";
  if (shape.type === "line" || shape.type === "arrow") {
    const mid = polylineMidpoint(shape.points);
    const lines = wrapText(shape.label, CONNECTOR_LABEL_WIDTH, LABEL_FONT_SIZE, measure);
    return textBlock(lines, {
      x: mid.x,
      y: mid.y - (lines.length * LABEL_FONT_SIZE * TEXT_LINE_HEIGHT) / 2,
      fontSize: LABEL_FONT_SIZE,
      lineHeight: TEXT_LINE_HEIGHT,
      fill: shape.stroke,
      anchor: "middle",
    });
  }
  const inner = Math.max(0, shape.width - LABEL_PADDING * 2);
  const lines = wrapText(shape.label, inner, LABEL_FONT_SIZE, measure);
  const height = lines.length * LABEL_FONT_SIZE * TEXT_LINE_HEIGHT;
  return textBlock(lines, {
    x: shape.width / 2,
    y: (shape.height - height) / 2,
    fontSize: LABEL_FONT_SIZE,
    lineHeight: TEXT_LINE_HEIGHT,
    fill: shape.stroke,
    anchor: "middle",
  });
}

function points(flat: readonly number[]): string {
  const out: string[] = [];
  for (let i = 0; i + 1 < flat.length; i += 2) out.push(`${n(flat[i]!)},${n(flat[i + 1]!)}`);
  return out.join(" ");
}

function arrowHead(shape: Shape): string {
  const p = shape.points;
  if (p.length < 4) return "";
  const x2 = p[p.length - 2]!;
  const y2 = p[p.length - 1]!;
  const x1 = p[p.length - 4]!;
  const y1 = p[p.length - 3]!;
  const size = 8 + shape.strokeWidth * 2;
  const a = Math.atan2(y2 - y1, x2 - x1);
  const left = {
    x: x2 - size * Math.cos(a) + (size / 2) * Math.sin(a),
    y: y2 - size * Math.sin(a) - (size / 2) * Math.cos(a),
  };
  const right = {
    x: x2 - size * Math.cos(a) - (size / 2) * Math.sin(a),
    y: y2 - size * Math.sin(a) + (size / 2) * Math.cos(a),
  };
  return `<polygon points="${n(x2)},${n(y2)} ${n(left.x)},${n(left.y)} ${n(right.x)},${n(right.y)}" fill="${shape.stroke}"/>`;
}

/** A data: URL is the only href an image gets: a standalone file must not fetch anything. */
const DATA_URL = /^data:image\/(png|jpeg|gif|webp|svg\+xml);base64,[A-Za-z0-9+/=]+$/;

function image(shape: Shape, images: SvgOptions["images"]): string {
  const { width: w, height: h } = shape;
  const href = shape.asset ? images?.get(shape.asset) : undefined;
  const alt = shape.alt ? `<title>${escapeXml(shape.alt)}</title>` : "";
  if (href && DATA_URL.test(href)) {
    return `<image width="${n(w)}" height="${n(h)}" preserveAspectRatio="none" href="${href}">${alt}</image>`;
  }
  return `<rect width="${n(w)}" height="${n(h)}" fill="#f1f3f5" stroke="#adb5bd" stroke-dasharray="6 4">${alt}</rect>`;
}

function body(
  shape: Shape,
  measure: SvgOptions["measure"] & {},
  images: SvgOptions["images"],
): string {
  const stroke = `stroke="${shape.stroke}" stroke-width="${n(shape.strokeWidth)}"${dashArray(shape)}`;
  const fill = `fill="${shape.fill === "transparent" ? "none" : shape.fill}"`;
  const { width: w, height: h } = shape;
  switch (shape.type) {
    case "rect":
      return `<rect width="${n(w)}" height="${n(h)}" rx="${n(Math.min(8, w / 8, h / 8))}" ${stroke} ${fill}/>`;
    case "ellipse":
      return `<ellipse cx="${n(w / 2)}" cy="${n(h / 2)}" rx="${n(w / 2)}" ry="${n(h / 2)}" ${stroke} ${fill}/>`;
    case "diamond":
      return `<polygon points="${points([w / 2, 0, w, h / 2, w / 2, h, 0, h / 2])}" stroke-linejoin="round" ${stroke} ${fill}/>`;
    case "triangle":
      return `<polygon points="${points([w / 2, 0, w, h, 0, h])}" stroke-linejoin="round" ${stroke} ${fill}/>`;
    case "line":
    case "pen":
      return `<polyline points="${points(shape.points)}" fill="none" stroke-linecap="round" stroke-linejoin="round" ${stroke}/>`;
    case "arrow":
      return `<polyline points="${points(shape.points)}" fill="none" stroke-linecap="round" stroke-linejoin="round" ${stroke}/>${arrowHead(shape)}`;
    case "text":
      return textBlock(wrapText(shape.text, w, shape.fontSize, measure), {
        x: 0,
        y: 0,
        fontSize: shape.fontSize,
        lineHeight: TEXT_LINE_HEIGHT,
        fill: shape.stroke,
      });
    case "sticky":
      return `<rect width="${n(w)}" height="${n(h)}" rx="4" fill="${shape.fill === "transparent" ? "#ffffff" : shape.fill}"/>${textBlock(
        wrapText(shape.text, Math.max(0, w - STICKY_PADDING * 2), shape.fontSize, measure),
        {
          x: STICKY_PADDING,
          y: STICKY_PADDING,
          fontSize: shape.fontSize,
          lineHeight: STICKY_LINE_HEIGHT,
          fill: shape.stroke,
        },
      )}`;
    case "frame":
      return `<rect width="${n(w)}" height="${n(h)}" rx="2" stroke="${shape.stroke}" stroke-width="${n(Math.max(1, shape.strokeWidth / 2))}" fill="${shape.fill === "transparent" ? "#ffffff" : shape.fill}"/>${textBlock(
        [shape.name ?? "Frame"],
        {
          x: 0,
          y: -FRAME_TITLE_SIZE - FRAME_TITLE_GAP,
          fontSize: FRAME_TITLE_SIZE,
          lineHeight: 1,
          fill: "#666666",
        },
      )}`;
    case "image":
      return image(shape, images);
    default: {
      const never: never = shape.type;
      return never;
    }
  }
}

/** An SVG document of `shapes` (in paint order), cropped to their bounds plus padding. */
export function shapesToSvg(shapes: readonly Shape[], options: SvgOptions = {}): string {
  const padding = options.padding ?? DEFAULT_PADDING;
  const measure = options.measure ?? ((t: string, size: number) => t.length * size * ESTIMATED_EM);
  const title = FRAME_TITLE_SIZE + FRAME_TITLE_GAP;
  const bounds = unionRects(
    shapes.map((s) => {
      const b = shapeBounds(s);
      // Frame titles sit above the frame.
      return s.type === "frame" ? { ...b, y: b.y - title, height: b.height + title } : b;
    }),
  ) ?? { x: 0, y: 0, width: 0, height: 0 };
  const x = bounds.x - padding;
  const y = bounds.y - padding;
  const width = bounds.width + padding * 2;
  const height = bounds.height + padding * 2;
  const parts = [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${n(width)}" height="${n(height)}" viewBox="${n(x)} ${n(y)} ${n(width)} ${n(height)}">`,
  ];
  if (options.background ?? true) {
    parts.push(
      `<rect x="${n(x)}" y="${n(y)}" width="${n(width)}" height="${n(height)}" fill="#ffffff"/>`,
    );
  }
  for (const s of shapes) {
    const opacity = s.opacity !== undefined && s.opacity !== 1 ? ` opacity="${n(s.opacity)}"` : "";
    const rotate = s.rotation !== 0 ? ` rotate(${n(s.rotation)})` : "";
    parts.push(
      `<g data-id="${escapeXml(s.id)}" transform="translate(${n(s.x)} ${n(s.y)})${rotate}"${opacity}>${body(s, measure, options.images)}${label(s, measure)}</g>`,
    );
  }
  parts.push("</svg>");
  return parts.join("");
}
