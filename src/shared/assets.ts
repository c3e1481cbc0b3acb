/**
 * Image assets (docs/protocol.md "Assets"): the bytes of an `image` shape live in room storage
 * under their SHA-256, never in the Yjs document. The room and the client share these checks so
 * a client can refuse a file before uploading it, and the room refuses it again on arrival.
 */

/** Lowercase hex SHA-256 of the exact bytes. */
export const ASSET_HASH_PATTERN = /^[0-9a-f]{64}$/;

export const ALLOWED_ASSET_TYPES = [
  "image/png",
  "image/jpeg",
  "image/gif",
  "image/webp",
  "image/svg+xml",
] as const;
export type AssetType = (typeof ALLOWED_ASSET_TYPES)[number];

export function isAssetHash(value: unknown): value is string {
  return typeof value === "string" && ASSET_HASH_PATTERN.test(value);
}

/** A `content-type` header's media type (parameters dropped), if it is one we store. */
export function assetTypeOf(contentType: string | null | undefined): AssetType | null {
  const media = (contentType ?? "").split(";")[0]!.trim().toLowerCase();
  return (ALLOWED_ASSET_TYPES as readonly string[]).includes(media) ? (media as AssetType) : null;
}

export async function sha256Hex(bytes: Uint8Array): Promise<string> {
  // The view itself, not its buffer (which may hold more); no copy of a 4 MiB image.
  const digest = await crypto.subtle.digest("SHA-256", bytes as Uint8Array<ArrayBuffer>);
  let hex = "";
  for (const b of new Uint8Array(digest)) hex += b.toString(16).padStart(2, "0");
  return hex;
}

function startsWith(bytes: Uint8Array, prefix: readonly number[], at = 0): boolean {
  if (bytes.byteLength < at + prefix.length) return false;
  return prefix.every((b, i) => bytes[at + i] === b);
}

const ascii = (s: string) => Array.from(s, (c) => c.charCodeAt(0));
const PNG = [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a];
const JPEG = [0xff, 0xd8, 0xff];
const GIF87 = ascii("GIF87a");
const GIF89 = ascii("GIF89a");
const RIFF = ascii("RIFF");
const WEBP = ascii("WEBP");

/**
 * What an SVG may start with before its root element: an XML declaration, comments, a doctype
 * (refused later by svgSafety, but still an SVG), whitespace.
 */
const SVG_ROOT =
  /^(?:\s|<\?xml\b[^>]*\?>|<!--[\s\S]*?-->|<!DOCTYPE[^[>]*(?:\[[\s\S]*?\])?\s*>)*<svg[\s>/]/i;

/** Decodes strict UTF-8, or null: an SVG we accept is UTF-8 (anything else could be read two ways). */
function utf8(bytes: Uint8Array): string | null {
  try {
    return new TextDecoder("utf-8", { fatal: true, ignoreBOM: false }).decode(bytes);
  } catch {
    return null;
  }
}

/**
 * The type the bytes really are, from their magic numbers (SVG: UTF-8 text whose root element is
 * `<svg`), or null for anything we do not store. The declared content-type must match it.
 */
export function sniffType(bytes: Uint8Array): AssetType | null {
  if (startsWith(bytes, PNG)) return "image/png";
  if (startsWith(bytes, JPEG)) return "image/jpeg";
  if (startsWith(bytes, GIF87) || startsWith(bytes, GIF89)) return "image/gif";
  if (startsWith(bytes, RIFF) && startsWith(bytes, WEBP, 8)) return "image/webp";
  const text = utf8(bytes);
  if (text !== null && SVG_ROOT.test(text)) return "image/svg+xml";
  return null;
}

const XML_ENTITIES: Record<string, string> = {
  amp: "&",
  lt: "<",
  gt: ">",
  quot: '"',
  apos: "'",
};

/** Character references decoded once, as an XML parser does (doctypes are refused, so no others). */
function decodeEntities(text: string): string {
  return text.replace(/&(?:#(\d+)|#x([0-9a-f]+)|([a-z]+));?/gi, (whole, dec, hex, name) => {
    if (dec !== undefined || hex !== undefined) {
      const code = dec !== undefined ? Number(dec) : Number.parseInt(hex, 16);
      return code <= 0x10ffff ? String.fromCodePoint(code) : "\ufffd";
    }
    return XML_ENTITIES[(name as string).toLowerCase()] ?? whole;
  });
}

/** Lowercased, without whitespace or C0 controls, which browsers skip inside a URL (`java\tscript:`). */
function squeeze(text: string): string {
  let out = "";
  for (const c of text) if (c.charCodeAt(0) > 0x20 && c.trim() !== "") out += c;
  return out.toLowerCase();
}

/** A reference that stays inside the file: a fragment, or inline raster data. */
function isInternalReference(value: string): boolean {
  const v = squeeze(value);
  return v.startsWith("#") || /^data:image\/(?:png|jpeg|gif|webp)[;,]/.test(v);
}

/** Elements that run script or embed other documents. Names are checked on the raw text, prefixed or not. */
const FORBIDDEN_ELEMENTS =
  /<\s*(?:[\w.-]+:)?(script|foreignobject|iframe|embed|object|handler|listener)\b/i;
/**
 * `on*` attributes are event handlers (`onload`, `onclick`, …), namespaced or not. A quote or
 * slash before the name is malformed XML but what an HTML parser accepts (`<svg/onload=…>`).
 */
const EVENT_ATTRIBUTE = /[\s"'/](?:[\w.-]+:)?on[a-z]+\s*=/i;
/** href / xlink:href / src attributes with their quoted value (XML requires the quotes). */
const REFERENCE_ATTRIBUTE = /[\s"'/](?:[\w.-]+:)?(?:href|src)\s*=\s*(?:"([^"]*)"|'([^']*)')/gi;
/** CSS url(...) in a style element, a style attribute or a presentation attribute. */
const CSS_URL = /url\s*\(\s*(?:"([^"]*)"|'([^']*)'|([^)]*))\)/gi;
/** Schemes that run script, wherever they appear (including `<set to=…>` and `<animate values=…>`). */
const SCRIPT_SCHEMES = /(?:javascript|vbscript|livescript):|data:(?:text\/html|application\/xhtml)/;

/**
 * Why an SVG is unsafe to store, or null when it is safe. We refuse rather than rewrite: a
 * sanitiser that edits markup must parse it exactly as every browser does to be safe, while a
 * refusal only has to recognise what might be dangerous, and may err on the side of refusing
 * (docs/threat-model.md). Checks run on the raw text for names (which XML cannot escape) and on
 * the text with character references decoded for values (which it can).
 */
export function svgSafety(text: string): string | null {
  if (text.includes("\u0000")) return "NUL character";
  if (/<!DOCTYPE|<!ENTITY/i.test(text)) return "doctype or entity declaration";
  const declaration = /^\uFEFF?\s*<\?xml\b([^>]*)\?>/i.exec(text);
  const encoding = declaration?.[1]?.match(/encoding\s*=\s*["']([^"']*)["']/i)?.[1];
  if (encoding !== undefined && !/^utf-?8$/i.test(encoding.trim())) {
    return `encoding ${encoding} (only UTF-8)`;
  }
  // Processing instructions other than the declaration (xml-stylesheet loads a stylesheet).
  const instructions = text.slice(declaration ? declaration.index + declaration[0].length : 0);
  if (/<\?/.test(instructions)) return "processing instruction";
  const element = FORBIDDEN_ELEMENTS.exec(text);
  if (element) return `<${element[1]!.toLowerCase()}> element`;
  const handler = EVENT_ATTRIBUTE.exec(text);
  if (handler) return `event handler attribute (${handler[0].trim().replace(/\s*=$/, "")})`;
  if (/http:\/\/www\.w3\.org\/1999\/xhtml/i.test(text)) return "XHTML namespace";
  if (/xml:base/i.test(text)) return "xml:base";
  if (/attributeName\s*=\s*["']\s*(?:[\w.-]+:)?href/i.test(text)) return "animated href";
  // CSS escapes (`\75 rl(`) could spell a url() or an @import we would not recognise.
  if (text.includes("\\")) return "backslash (CSS escape)";

  const decoded = decodeEntities(text);
  const flat = squeeze(decoded);
  const scheme = SCRIPT_SCHEMES.exec(flat);
  if (scheme) return `${scheme[0]} reference`;
  if (/@import|image-set/.test(flat)) return "external stylesheet or image-set";
  for (const match of text.matchAll(REFERENCE_ATTRIBUTE)) {
    const value = decodeEntities(match[1] ?? match[2] ?? "");
    if (!isInternalReference(value)) return `external reference (${value.slice(0, 80)})`;
  }
  for (const match of decoded.matchAll(CSS_URL)) {
    const value = match[1] ?? match[2] ?? match[3] ?? "";
    if (!isInternalReference(value)) return `external url() (${value.slice(0, 80)})`;
  }
  return null;
}
