/**
 * Image assets without a server (src/shared/assets.ts, party/assets.ts; docs/protocol.md "Assets").
 *
 *  [AS1] The type is read from the bytes: PNG, JPEG, GIF, WebP by magic number, SVG as UTF-8 text
 *        whose root element is <svg>; anything else is no asset type.
 *  [AS2] An SVG that could run script, load anything from outside, or be read two ways is
 *        refused with a reason; ordinary SVGs (gradients, fragment references, inline rasters)
 *        pass.
 *  [AS3] An asset's name is the lowercase hex SHA-256 of its bytes.
 *  [AS4] An asset is stored in chunks under the 128 KiB value limit, in one put, and reads back
 *        byte for byte.
 *  [AS5] The room's quota counts every stored byte; an upload that would pass it stores nothing,
 *        and two concurrent uploads cannot both pass a quota only one fits.
 *  [AS6] Storing an asset again costs nothing and writes nothing.
 *  [AS7] A put that fails stores nothing and leaves the usage as it was.
 *  [AS8] The HTTP handler answers each error with its code (docs/limits.md) and stores nothing.
 *  [AS9] Collecting deletes, whole, each asset nothing names that is older than the grace; it
 *        keeps named and young ones, recounts the usage, and runs before a 507; storing an old
 *        asset again restarts its grace.
 */
import { describe, expect, it, vi } from "vitest";
import { AssetStore, handleAssetRequest } from "../../party/assets";
import { MemoryStorage } from "../../party/storage";
import { sha256Hex, sniffType, svgSafety } from "../../src/shared/assets";
import {
  MAX_ASSET_BYTES,
  STORAGE_CHUNK_BYTES,
  STORAGE_MAX_VALUE_BYTES,
} from "../../src/shared/constants";

const enc = new TextEncoder();

function bytesOf(magic: number[] | string, size = 64, seed = 7): Uint8Array {
  const head = typeof magic === "string" ? enc.encode(magic) : Uint8Array.from(magic);
  const out = new Uint8Array(Math.max(size, head.byteLength));
  let s = seed;
  for (let i = 0; i < out.byteLength; i++) {
    s = (s * 1103515245 + 12345) & 0x7fffffff;
    out[i] = s & 0xff;
  }
  out.set(head);
  return out;
}

/** toEqual walks a megabyte element by element for seconds; Buffer compares it at once. */
const same = (a: Uint8Array | undefined, b: Uint8Array) =>
  a !== undefined && Buffer.from(a.buffer, a.byteOffset, a.byteLength).equals(Buffer.from(b));

const png = (size = 64, seed = 7) =>
  bytesOf([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a], size, seed);
const webp = () => {
  const b = bytesOf("RIFF", 64);
  b.set(enc.encode("WEBP"), 8);
  return b;
};

const SVG = (body: string) =>
  `<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 10 10">${body}</svg>`;

describe("[AS1] sniffType", () => {
  it.each([
    ["PNG", png(), "image/png"],
    ["JPEG", bytesOf([0xff, 0xd8, 0xff, 0xe0]), "image/jpeg"],
    ["GIF87a", bytesOf("GIF87a"), "image/gif"],
    ["GIF89a", bytesOf("GIF89a"), "image/gif"],
    ["WebP", webp(), "image/webp"],
    ["SVG", enc.encode(SVG("")), "image/svg+xml"],
    [
      "SVG after a BOM, an XML declaration and a comment",
      enc.encode(`\uFEFF<?xml version="1.0" encoding="UTF-8"?>\n<!-- made by hand -->\n${SVG("")}`),
      "image/svg+xml",
    ],
    [
      "SVG with a doctype (refused later, by svgSafety)",
      enc.encode(`<!DOCTYPE svg>${SVG("")}`),
      "image/svg+xml",
    ],
  ])("%s", (_, bytes, type) => {
    expect(sniffType(bytes)).toBe(type);
  });

  it.each([
    ["nothing", new Uint8Array(0)],
    ["a truncated PNG signature", Uint8Array.from([0x89, 0x50, 0x4e, 0x47])],
    ["RIFF that is not WebP (WAV)", bytesOf("RIFF\0\0\0\0WAVE")],
    ["HTML", enc.encode("<html><body><svg></svg></body></html>")],
    ["text mentioning svg", enc.encode("hello <svg>")],
    [
      "UTF-16 SVG",
      Uint8Array.from([0xff, 0xfe, ...Array.from("<svg>", (c) => [c.charCodeAt(0), 0]).flat()]),
    ],
    ["invalid UTF-8 after <svg", Uint8Array.from([...enc.encode("<svg>"), 0xc3, 0x28])],
    ["a PDF", bytesOf("%PDF-1.7")],
  ])("%s is no asset type", (_, bytes) => {
    expect(sniffType(bytes)).toBeNull();
  });
});

describe("[AS2] svgSafety", () => {
  it.each([
    ["an empty drawing", SVG("")],
    [
      "shapes, a gradient by url(#id), a style element, fragment hrefs",
      SVG(
        `<defs><linearGradient id="g"><stop offset="0" stop-color="#f00"/></linearGradient></defs>` +
          `<style>.a { fill: url(#g); stroke: #000 }</style>` +
          `<rect class="a" width="5" height="5" style="fill: url('#g')"/>` +
          `<use href="#g"/><use xlink:href="#g" xmlns:xlink="http://www.w3.org/1999/xlink"/>` +
          `<text x="1" y="9">Tom &amp; Jerry: one + one</text>`,
      ),
    ],
    [
      "an inline PNG",
      SVG(`<image href="data:image/png;base64,iVBORw0KGgo=" width="1" height="1"/>`),
    ],
    ["a UTF-8 declaration", `<?xml version="1.0" encoding="utf-8"?>${SVG("")}`],
  ])("%s is safe", (_, text) => {
    expect(svgSafety(text)).toBeNull();
  });

  it.each([
    ["a script element", SVG(`<script>alert(1)</script>`)],
    ["an uppercase SCRIPT", SVG(`<SCRIPT>alert(1)</SCRIPT>`)],
    [
      "a prefixed script",
      SVG(`<svg:script xmlns:svg="http://www.w3.org/2000/svg">alert(1)</svg:script>`),
    ],
    ["onload on the root", `<svg xmlns="http://www.w3.org/2000/svg" onload="alert(1)"></svg>`],
    ["onload after a slash (HTML-style)", `<svg/onload=alert(1)>`],
    ["an unquoted onload", `<svg onload=alert(1)>`],
    ["an uppercase ONCLICK", SVG(`<rect ONCLICK="alert(1)"/>`)],
    ["an event attribute glued to a quote", SVG(`<rect x="1"onmouseover="alert(1)"/>`)],
    ["foreignObject", SVG(`<foreignObject><div>hi</div></foreignObject>`)],
    ["xlink:href javascript:", SVG(`<a xlink:href="javascript:alert(1)"><rect/></a>`)],
    [
      "href with javascript: behind entities",
      SVG(`<a href="&#106;ava&#x73;cript:alert(1)"><rect/></a>`),
    ],
    ["href with a tab inside javascript:", SVG(`<a href="java&#x09;script:alert(1)"><rect/></a>`)],
    [
      "href data:text/html",
      SVG(`<a href="data:text/html,&lt;script&gt;alert(1)&lt;/script&gt;"/>`),
    ],
    ["<use href> to http", SVG(`<use href="http://evil.example/sprite.svg#a"/>`)],
    ["<use href> protocol-relative", SVG(`<use href="//evil.example/sprite.svg#a"/>`)],
    ["<image> from https", SVG(`<image href="https://evil.example/track.png"/>`)],
    ["a nested SVG as data", SVG(`<image href="data:image/svg+xml;base64,PHN2Zz48L3N2Zz4="/>`)],
    ["a relative href", SVG(`<image href="other.png"/>`)],
    ["style url() to http", SVG(`<style>rect { fill: url(http://evil.example/x.svg#p) }</style>`)],
    [
      "style attribute url() to https",
      SVG(`<rect style="background: url('https://evil.example/t.png')"/>`),
    ],
    [
      "presentation attribute url() to http",
      SVG(`<rect filter="url(http://evil.example/f.svg#f)"/>`),
    ],
    ["url() hidden by entities", SVG(`<rect style="fill: &#117;rl(http://evil.example/p)"/>`)],
    ["a CSS escape", SVG(`<style>rect { fill: \\75 rl(http://evil.example/p) }</style>`)],
    ["@import", SVG(`<style>@import "http://evil.example/x.css";</style>`)],
    ["a DOCTYPE", `<!DOCTYPE svg [<!ENTITY x "y">]>${SVG("&x;")}`],
    ["an ENTITY alone", `${SVG("")}<!ENTITY x SYSTEM "file:///etc/passwd">`],
    [
      "an xml-stylesheet instruction",
      `<?xml-stylesheet href="http://evil.example/x.css"?>${SVG("")}`,
    ],
    [
      "<set> writing javascript: into href",
      SVG(`<a><set attributeName="href" to="javascript:alert(1)"/></a>`),
    ],
    ["<animate> of xlink:href", SVG(`<a><animate attributeName="xlink:href" values="#a;#b"/></a>`)],
    [
      "an XHTML iframe",
      SVG(`<iframe xmlns="http://www.w3.org/1999/xhtml" src="https://evil.example"/>`),
    ],
    ["an XHTML element", SVG(`<p xmlns="http://www.w3.org/1999/xhtml">hi</p>`)],
    ["xml:base", SVG(`<g xml:base="http://evil.example/"><use href="#a"/></g>`)],
    ["an embed", SVG(`<embed src="x.swf"/>`)],
    ["an encoding other than UTF-8", `<?xml version="1.0" encoding="UTF-7"?>${SVG("")}`],
    ["a NUL character", SVG("\u0000")],
  ])("%s is refused", (_, text) => {
    expect(svgSafety(text)).toEqual(expect.any(String));
  });
});

describe("[AS3] sha256Hex", () => {
  it("matches the FIPS 180-2 vector for 'abc' and the empty string", async () => {
    expect(await sha256Hex(enc.encode("abc"))).toBe(
      "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad",
    );
    expect(await sha256Hex(new Uint8Array(0))).toBe(
      "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855",
    );
  });

  it("without WebCrypto (a plain-http page) hashes the same with lib0's SHA-256", async () => {
    const big = png(300_000);
    const want = await sha256Hex(big);
    vi.stubGlobal("crypto", undefined);
    try {
      expect(globalThis.crypto).toBeUndefined();
      expect(await sha256Hex(enc.encode("abc"))).toBe(
        "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad",
      );
      expect(await sha256Hex(big)).toBe(want);
    } finally {
      vi.unstubAllGlobals();
    }
  });

  it("hashes only the view's bytes, not the whole buffer under it", async () => {
    const buffer = enc.encode("xxabcxx");
    expect(await sha256Hex(buffer.subarray(2, 5))).toBe(await sha256Hex(enc.encode("abc")));
  });
});

const assetKeys = (storage: MemoryStorage) =>
  [...storage.data.keys()].filter((k) => k.startsWith("asset"));

describe("[AS4] AssetStore chunking", () => {
  it("a 1 MB asset is stored in chunks under 128 KiB, in one put, and reads back", async () => {
    const storage = new MemoryStorage();
    const store = new AssetStore(storage, 64 * 1024 * 1024, STORAGE_CHUNK_BYTES, () => 1234);
    const bytes = png(1_000_000);
    const hash = await sha256Hex(bytes);
    expect(await store.put(hash, "image/png", bytes)).toEqual({
      status: "stored",
      asset: { hash, type: "image/png", bytes: 1_000_000 },
    });
    expect(storage.puts).toBe(1);
    const chunks = Math.ceil(1_000_000 / STORAGE_CHUNK_BYTES);
    expect(chunks).toBeGreaterThan(1);
    expect(storage.data.get(`asset:${hash}:meta`)).toEqual({
      type: "image/png",
      bytes: 1_000_000,
      chunks,
      at: 1234,
    });
    for (let i = 0; i < chunks; i++) {
      const chunk = storage.data.get(`asset:${hash}:${i}`) as Uint8Array;
      expect(chunk.byteLength).toBeLessThanOrEqual(STORAGE_MAX_VALUE_BYTES);
    }
    expect(storage.data.has(`asset:${hash}:${chunks}`)).toBe(false);
    expect(storage.data.get("assets:used")).toBe(1_000_000);
    const read = await store.read(hash);
    expect(same(read?.bytes, bytes)).toBe(true);
    // A restarted room (a fresh store on the same storage) reads the same asset and usage.
    const again = new AssetStore(storage);
    expect(same((await again.read(hash))?.bytes, bytes)).toBe(true);
    expect(await again.usage()).toBe(1_000_000);
    expect(await again.list()).toEqual({
      assets: [{ hash, type: "image/png", bytes: 1_000_000 }],
      used: 1_000_000,
      quota: 64 * 1024 * 1024,
    });
  });

  it("the largest asset fits one put", async () => {
    const storage = new MemoryStorage();
    const store = new AssetStore(storage);
    const bytes = png(MAX_ASSET_BYTES);
    const hash = await sha256Hex(bytes);
    expect((await store.put(hash, "image/png", bytes)).status).toBe("stored");
    expect(storage.puts).toBe(1);
    expect(same((await store.read(hash))?.bytes, bytes)).toBe(true);
  });

  it("a missing chunk is an error, not a short image", async () => {
    const storage = new MemoryStorage();
    const store = new AssetStore(storage, 1e9, 100);
    const bytes = png(250);
    const hash = await sha256Hex(bytes);
    await store.put(hash, "image/png", bytes);
    storage.data.delete(`asset:${hash}:1`);
    await expect(store.read(hash)).rejects.toThrow(/missing/);
  });
});

describe("[AS5] quota", () => {
  it("an upload that would pass the quota stores nothing; one that fits exactly is stored", async () => {
    const storage = new MemoryStorage();
    const store = new AssetStore(storage, 1000, 128);
    const a = png(600, 1);
    const b = png(600, 2);
    const c = png(400, 3);
    await store.put(await sha256Hex(a), "image/png", a);
    const before = new Map(storage.data);
    expect(await store.put(await sha256Hex(b), "image/png", b)).toEqual({
      status: "quota",
      used: 600,
      quota: 1000,
    });
    expect(storage.data).toEqual(before);
    expect((await store.put(await sha256Hex(c), "image/png", c)).status).toBe("stored");
    expect(await store.usage()).toBe(1000);
  });

  it("two concurrent uploads that only one fits: one is stored, the other refused", async () => {
    const storage = new MemoryStorage();
    const store = new AssetStore(storage, 1000, 128);
    const a = png(600, 1);
    const b = png(600, 2);
    // Hashed first, so both puts really start in the same tick.
    const [hashA, hashB] = await Promise.all([sha256Hex(a), sha256Hex(b)]);
    const results = await Promise.all([
      store.put(hashA, "image/png", a),
      store.put(hashB, "image/png", b),
    ]);
    expect(results.map((r) => r.status).sort()).toEqual(["quota", "stored"]);
    expect(await store.usage()).toBe(600);
    expect(storage.data.get("assets:used")).toBe(600);
    expect((await store.list()).assets).toHaveLength(1);
  });
});

describe("[AS6] idempotent re-put", () => {
  it("the same asset twice (even at once) is stored once and counted once", async () => {
    const storage = new MemoryStorage();
    const store = new AssetStore(storage, 1000, 128);
    const a = png(600);
    const hash = await sha256Hex(a);
    const [first, second] = await Promise.all([
      store.put(hash, "image/png", a),
      store.put(hash, "image/png", a),
    ]);
    expect(first.status).toBe("stored");
    expect(second).toEqual({ status: "exists", asset: { hash, type: "image/png", bytes: 600 } });
    expect(storage.puts).toBe(1);
    expect(await store.usage()).toBe(600);
    // At the quota, storing it again is still fine: it costs nothing.
    expect((await new AssetStore(storage, 600).put(hash, "image/png", a)).status).toBe("exists");
  });
});

/** Storage whose next put fails (a storage error, an isolate about to die). */
class FailingStorage extends MemoryStorage {
  fail = true;
  override async put(entries: Record<string, unknown>): Promise<void> {
    if (this.fail) throw new Error("storage unavailable");
    return super.put(entries);
  }
}

describe("[AS7] a failing put", () => {
  it("stores nothing and leaves the usage unchanged; the next put works", async () => {
    const storage = new FailingStorage();
    const store = new AssetStore(storage, 1000, 128);
    const a = png(300);
    const hash = await sha256Hex(a);
    await expect(store.put(hash, "image/png", a)).rejects.toThrow(/unavailable/);
    expect(storage.data.size).toBe(0);
    expect(await store.usage()).toBe(0);
    storage.fail = false;
    expect((await store.put(hash, "image/png", a)).status).toBe("stored");
    expect(await store.usage()).toBe(300);
  });

  it("a put over the value limit (chunks too big) stores nothing", async () => {
    const storage = new MemoryStorage();
    const store = new AssetStore(storage, 1e9, STORAGE_MAX_VALUE_BYTES + 1);
    const a = png(STORAGE_MAX_VALUE_BYTES + 1);
    await expect(store.put(await sha256Hex(a), "image/png", a)).rejects.toThrow(/128 KiB/);
    expect(storage.data.size).toBe(0);
    expect(await store.usage()).toBe(0);
  });
});

const ROOM = "http://127.0.0.1/parties/main/unit-room";

async function put(
  store: AssetStore,
  body: Uint8Array,
  opts: { hash?: string; type?: string; readOnly?: boolean } = {},
): Promise<{ status: number; body: Record<string, unknown> }> {
  const hash = opts.hash ?? (await sha256Hex(body));
  const res = await handleAssetRequest(
    new Request(`${ROOM}/assets/${hash}`, {
      method: "PUT",
      body: body as Uint8Array<ArrayBuffer>,
      headers: { "content-type": opts.type ?? "image/png" },
    }),
    store,
    opts.readOnly ?? false,
  );
  return { status: res.status, body: (await res.json()) as Record<string, unknown> };
}

describe("[AS8] handleAssetRequest", () => {
  it.each([
    ["400: a malformed hash", { hash: "ABC" }, png(), 400],
    ["400: an uppercase hash", { hash: "A".repeat(64) }, png(), 400],
    ["403: read-only", { readOnly: true }, png(), 403],
    ["413: over the size cap", {}, png(MAX_ASSET_BYTES + 1), 413],
    ["415: a type not allowed", { type: "text/html" }, png(), 415],
    ["415: bytes that are not the declared type", { type: "image/jpeg" }, png(), 415],
    ["415: an unsafe SVG", { type: "image/svg+xml" }, enc.encode(SVG("<script>1</script>")), 415],
    ["422: the wrong hash", { hash: "0".repeat(64) }, png(), 422],
  ])("%s, and nothing is stored", async (_, opts, body, status) => {
    const storage = new MemoryStorage();
    const store = new AssetStore(storage);
    const res = await put(store, body, opts);
    expect(res.status).toBe(status);
    expect(res.body.error).toEqual(expect.any(String));
    expect(storage.data.size).toBe(0);
  });

  it("201 stores, 200 again; 507 over the quota stores nothing", async () => {
    const storage = new MemoryStorage();
    const store = new AssetStore(storage, 1000);
    const a = png(600, 1);
    const hash = await sha256Hex(a);
    expect(await put(store, a)).toEqual({
      status: 201,
      body: { hash, type: "image/png", bytes: 600 },
    });
    expect(await put(store, a)).toEqual({
      status: 200,
      body: { hash, type: "image/png", bytes: 600 },
    });
    const keys = assetKeys(storage);
    const refused = await put(store, png(600, 2));
    expect(refused.status).toBe(507);
    expect(refused.body).toMatchObject({ used: 600, quota: 1000 });
    expect(assetKeys(storage)).toEqual(keys);
  });

  it("a safe SVG is stored under its type; the content-type's parameters are ignored", async () => {
    const store = new AssetStore(new MemoryStorage());
    const svg = enc.encode(SVG(`<rect width="5" height="5" fill="#09f"/>`));
    expect((await put(store, svg, { type: "image/svg+xml; charset=utf-8" })).status).toBe(201);
    const res = await handleAssetRequest(
      new Request(`${ROOM}/assets/${await sha256Hex(svg)}`),
      store,
      true,
    );
    expect(res.status).toBe(200);
    expect(res.headers.get("content-type")).toBe("image/svg+xml");
    expect(res.headers.get("content-security-policy")).toBe(
      "default-src 'none'; style-src 'unsafe-inline'",
    );
    expect(new Uint8Array(await res.arrayBuffer())).toEqual(svg);
  });
});

describe("[AS9] collecting unused assets", () => {
  /** A store on a clock the test moves, naming `named` as kept. */
  function fixture(quota = 10_000) {
    const storage = new MemoryStorage();
    let now = 1_000_000;
    const store = new AssetStore(storage, quota, 128, () => now);
    store.graceMs = 1000;
    const named = new Set<string>();
    store.references = async () => new Set(named);
    const add = async (size: number, seed: number) => {
      const bytes = png(size, seed);
      const hash = await sha256Hex(bytes);
      expect((await store.put(hash, "image/png", bytes)).status).toBe("stored");
      return hash;
    };
    return { storage, store, named, add, tick: (ms: number) => (now += ms) };
  }

  it("deletes unnamed assets past the grace, whole; keeps named and young ones; recounts usage", async () => {
    const f = fixture();
    const unnamed = await f.add(300, 1);
    const named = await f.add(400, 2);
    f.named.add(named);
    f.tick(1001);
    const young = await f.add(200, 3);
    expect(await f.store.collect()).toEqual({ deleted: [unnamed], freed: 300 });
    expect(await f.store.read(unnamed)).toBeNull();
    expect([...f.storage.data.keys()].filter((k) => k.includes(unnamed))).toEqual([]);
    expect((await f.store.list()).assets.map((a) => a.hash).sort()).toEqual([named, young].sort());
    expect(await f.store.usage()).toBe(600);
    expect(f.storage.data.get("assets:used")).toBe(600);
    // A deleted asset can be uploaded again, whole.
    const again = png(300, 1);
    expect((await f.store.put(unnamed, "image/png", again)).status).toBe("stored");
    expect(same((await f.store.read(unnamed))?.bytes, again)).toBe(true);
  });

  it("without references it deletes nothing", async () => {
    const f = fixture();
    await f.add(300, 1);
    f.tick(5000);
    f.store.references = null;
    expect(await f.store.collect()).toEqual({ deleted: [], freed: 0 });
    expect((await f.store.list()).assets).toHaveLength(1);
  });

  it("a usage count left high by a crash is recounted from the stored assets", async () => {
    const f = fixture();
    const hash = await f.add(300, 1);
    await f.storage.put({ "assets:used": 9999 });
    const fresh = new AssetStore(f.storage, 10_000, 128);
    fresh.references = async () => new Set([hash]);
    expect((await fresh.collect()).deleted).toEqual([]);
    expect(await fresh.usage()).toBe(300);
  });

  it("a full room deletes what nothing names before refusing an upload", async () => {
    const f = fixture(1000);
    const unnamed = await f.add(600, 1);
    f.tick(1001);
    const next = png(600, 2);
    const hash = await sha256Hex(next);
    expect((await f.store.put(hash, "image/png", next)).status).toBe("stored");
    expect(await f.store.meta(unnamed)).toBeNull();
    expect(await f.store.usage()).toBe(600);
    // Now the one stored is named: nothing to delete, so the quota refuses.
    f.named.add(hash);
    f.tick(1001);
    const third = png(600, 3);
    expect(await f.store.put(await sha256Hex(third), "image/png", third)).toEqual({
      status: "quota",
      used: 600,
      quota: 1000,
    });
  });

  it("storing an old asset again restarts its grace", async () => {
    const f = fixture();
    const hash = await f.add(300, 1);
    f.tick(900);
    expect((await f.store.put(hash, "image/png", png(300, 1))).status).toBe("exists");
    f.tick(500);
    // 1,400 ms after the first upload, 500 after the second: kept.
    expect((await f.store.collect()).deleted).toEqual([]);
    f.tick(501);
    expect((await f.store.collect()).deleted).toEqual([hash]);
  });
});
