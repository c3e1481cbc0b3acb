/**
 * Images on the client (issue 12), in Node: the image shape's schema, the downscale decisions,
 * the upload queue's rules, and images in the SVG export.
 *
 *  [IS1] An image needs a valid `asset` (else the shape is removed); `mime` and `alt` are
 *        optional, a wrong `mime` is deleted and a long `alt` cut. It is a bindable box.
 *  [IS2] Downscale: the longest edge is brought to IMAGE_MAX_EDGE_PX, never up; PNG, JPEG and
 *        WebP are re-encoded only when too long or too large; GIF and SVG are kept or refused;
 *        a re-encode still over the cap turns PNG into WebP, then shrinks the area.
 *  [IS3] A new image is scaled (never up) to fit half the viewport, keeping its aspect ratio.
 *  [IM1]–[IM4] The upload queue (src/assets/queue.ts): queued bytes leave only on 200/201; a 4xx
 *        is permanent (failed, the user told once, no retry); 5xx and network failures retry with
 *        backoff while connected, and at once on reconnect; nothing uploads while disconnected.
 *  [SVG4] SVG export embeds an image as its data: URL, and draws a placeholder without one (or
 *        for any href that is not a data: URL of an image type).
 */
import { describe, expect, it } from "vitest";
import { fitEdge, planEncode, shrinkAfter } from "../../src/assets/downscale";
import { fitToView } from "../../src/assets/insert";
import { classifyPut, MemoryAssetStore, type PutOutcome, Uploader } from "../../src/assets/queue";
import { shapesToSvg } from "../../src/export/svg";
import type { AssetType } from "../../src/shared/assets";
import { IMAGE_MAX_EDGE_PX, MAX_ALT_LENGTH, MAX_ASSET_BYTES } from "../../src/shared/constants";
import { BINDABLE_TYPES, BOX_TYPES, checkShape } from "../../src/shared/schema";
import { validShape } from "./support/fakes";

const HASH = "0123456789abcdef".repeat(4);
const MB = 1024 * 1024;

describe("image shape schema", () => {
  it("[IS1] a complete image is valid, a bindable box", () => {
    const result = checkShape("img", {
      type: "image",
      x: 1,
      y: 2,
      width: 30,
      height: 40,
      asset: HASH,
      mime: "image/png",
      alt: "a cat",
    });
    expect(result.status).toBe("valid");
    if (result.status !== "valid") return;
    expect(result.shape).toMatchObject({ asset: HASH, mime: "image/png", alt: "a cat", width: 30 });
    expect(BOX_TYPES.has("image") && BINDABLE_TYPES.has("image")).toBe(true);
  });

  const removals: [string, unknown][] = [
    ["no asset", undefined],
    ["asset in capitals", HASH.toUpperCase()],
    ["asset too short", HASH.slice(1)],
    ["asset not a string", 42],
  ];
  for (const [name, asset] of removals) {
    it(`[IS1] ${name} → remove`, () => {
      expect(checkShape("img", { type: "image", asset }).status).toBe("remove");
    });
  }

  it("[IS1] a wrong mime is deleted and a long alt cut; asset is ignored on other types", () => {
    const result = checkShape("img", {
      type: "image",
      asset: HASH,
      mime: "text/html",
      alt: "x".repeat(MAX_ALT_LENGTH + 9),
    });
    expect(result.status).toBe("repair");
    if (result.status !== "repair") return;
    expect(result.patch).toEqual({ mime: undefined, alt: "x".repeat(MAX_ALT_LENGTH) });
    expect(checkShape("r", { type: "rect", asset: "nonsense" }).status).toBe("valid");
  });
});

describe("downscale", () => {
  it("[IS2] the longest edge comes down to the limit, never up", () => {
    expect(fitEdge(4000, 3000, 2048)).toEqual({ width: 2048, height: 1536 });
    expect(fitEdge(1000, 5000, 2048)).toEqual({ width: 410, height: 2048 });
    expect(fitEdge(800, 600, 2048)).toEqual({ width: 800, height: 600 });
    expect(fitEdge(100_000, 1, 2048)).toEqual({ width: 2048, height: 1 });
  });

  it("[IS2] re-encode only when too long or too large; GIF and SVG kept or refused", () => {
    const e = IMAGE_MAX_EDGE_PX;
    expect(planEncode("image/png", MB, 800, 600)).toEqual({ kind: "keep" });
    expect(planEncode("image/jpeg", 5 * MB, 4000, 3000)).toEqual({
      kind: "encode",
      type: "image/jpeg",
      width: e,
      height: 1536,
    });
    // Small in px but heavy in bytes: re-encoded at the same size.
    expect(planEncode("image/png", MAX_ASSET_BYTES + 1, 1500, 1500)).toEqual({
      kind: "encode",
      type: "image/png",
      width: 1500,
      height: 1500,
    });
    expect(planEncode("image/webp", MB, 3000, 100)).toMatchObject({ kind: "encode", width: e });
    for (const type of ["image/gif", "image/svg+xml"] as AssetType[]) {
      expect(planEncode(type, MB, 9000, 9000)).toEqual({ kind: "keep" });
      expect(planEncode(type, MAX_ASSET_BYTES + 1, 10, 10).kind).toBe("refuse");
    }
  });

  it("[IS2] still too large after encoding: PNG goes WebP, then the area shrinks to fit", () => {
    expect(shrinkAfter({ type: "image/png", width: 2048, height: 2048 }, 9 * MB)).toEqual({
      type: "image/webp",
      width: 2048,
      height: 2048,
    });
    const next = shrinkAfter(
      { type: "image/jpeg", width: 2048, height: 1024 },
      4 * MAX_ASSET_BYTES,
    );
    // A quarter of the bytes wanted: about half of each edge, with a margin.
    expect(next.type).toBe("image/jpeg");
    expect(next.width).toBeLessThan(1024);
    expect(next.width / next.height).toBeCloseTo(2, 1);
  });

  it("[IS3] a new image fits half the viewport, aspect kept, never enlarged", () => {
    expect(fitToView(200, 100, { width: 1200, height: 800 })).toEqual({ width: 200, height: 100 });
    expect(fitToView(3000, 1000, { width: 1200, height: 800 })).toEqual({
      width: 600,
      height: 200,
    });
    expect(fitToView(1000, 4000, { width: 1200, height: 800 })).toEqual({
      width: 100,
      height: 400,
    });
  });
});

/** A queue over memory with a scripted room: each PUT takes the next answer. */
function harness(answers: PutOutcome[]) {
  const store = new MemoryAssetStore();
  const puts: string[] = [];
  const refused: string[] = [];
  const timers: { fn: () => void; ms: number }[] = [];
  const uploader = new Uploader({
    roomId: "room",
    store,
    async put(hash) {
      puts.push(hash);
      return answers.shift() ?? { kind: "stored" };
    },
    onRefused: (hash, message) => refused.push(`${hash}: ${message}`),
    retryDelay: (attempt) => 1000 * 2 ** (attempt - 1),
    setTimer: (fn, ms) => {
      const timer = { fn, ms };
      timers.push(timer);
      return timer;
    },
    clearTimer: (handle) => {
      const i = timers.indexOf(handle as (typeof timers)[number]);
      if (i >= 0) timers.splice(i, 1);
    },
  });
  const add = async (hash: string, at: number) => {
    await store.putBlob(hash, new Blob([hash]));
    await store.enqueue({ roomId: "room", hash, type: "image/png", state: "pending", at });
  };
  return { store, puts, refused, timers, uploader, add };
}

describe("upload queue", () => {
  it("[IM2] uploads oldest first and leaves the queue only on 200/201", async () => {
    const h = harness([{ kind: "stored" }, { kind: "stored" }]);
    await h.add("b", 2);
    await h.add("a", 1);
    h.uploader.setConnected(true);
    await h.uploader.kick();
    expect(h.puts).toEqual(["a", "b"]);
    expect(await h.store.pending("room")).toEqual([]);
    // The bytes stay on this device: they still draw the image offline.
    expect(await h.store.getBlob("a")).not.toBeNull();
  });

  it("[IM1] nothing uploads while disconnected; connecting drains the queue", async () => {
    const h = harness([]);
    await h.add("a", 1);
    await h.uploader.kick();
    expect(h.puts).toEqual([]);
    h.uploader.setConnected(true);
    await h.uploader.kick();
    expect(h.puts).toEqual(["a"]);
  });

  it("[IM3] a 4xx is permanent: marked failed, told once, never retried; the next one goes on", async () => {
    const h = harness([classifyPut(422, "hash mismatch"), { kind: "stored" }]);
    await h.add("bad", 1);
    await h.add("good", 2);
    h.uploader.setConnected(true);
    await h.uploader.kick();
    expect(h.puts).toEqual(["bad", "good"]);
    expect(h.refused).toHaveLength(1);
    expect(h.refused[0]).toMatch(/^bad: .*checksum/);
    expect(await h.store.pending("room")).toMatchObject([{ hash: "bad", state: "failed" }]);
    await h.uploader.kick();
    expect(h.puts).toEqual(["bad", "good"]);
    expect(h.timers).toEqual([]);
  });

  it("[IM4] a 5xx or network failure retries with backoff, and at once on reconnect", async () => {
    const h = harness([
      classifyPut(503),
      { kind: "transient", error: "network" },
      classifyPut(500),
      { kind: "stored" },
    ]);
    await h.add("a", 1);
    h.uploader.setConnected(true);
    await h.uploader.kick();
    expect(h.timers.map((t) => t.ms)).toEqual([1000]);
    h.timers.shift()?.fn();
    await h.uploader.kick();
    expect(h.timers.map((t) => t.ms)).toEqual([2000]);
    expect(h.puts).toEqual(["a", "a"]);
    // Reconnecting retries at once and starts the backoff over.
    h.uploader.setConnected(false);
    h.uploader.setConnected(true);
    await h.uploader.kick();
    expect(h.puts).toEqual(["a", "a", "a"]);
    expect(h.timers.map((t) => t.ms)).toEqual([1000]);
    h.timers.shift()?.fn();
    await h.uploader.kick();
    expect(h.puts).toHaveLength(4);
    expect(await h.store.pending("room")).toEqual([]);
  });

  it("[IM3] status codes: 200/201 stored; 4xx (but 408, 429) and 507 permanent; other 5xx transient", () => {
    expect(classifyPut(200).kind).toBe("stored");
    expect(classifyPut(201).kind).toBe("stored");
    for (const s of [400, 403, 413, 415, 422, 507]) {
      expect(classifyPut(s).kind, `${s}`).toBe("permanent");
    }
    for (const s of [408, 429, 500, 502, 503])
      expect(classifyPut(s).kind, `${s}`).toBe("transient");
  });
});

describe("SVG export of images", () => {
  it("[SVG4] an image embeds its data: URL; without one, or with any other href, a placeholder", () => {
    const data = "data:image/png;base64,iVBORw0KGgo=";
    const shape = { ...validShape("image", "i1"), asset: HASH, alt: 'a "cat"' };
    const svg = shapesToSvg([shape], { images: new Map([[HASH, data]]) });
    expect(svg).toContain(
      `<image width="100" height="50" preserveAspectRatio="none" href="${data}">`,
    );
    expect(svg).toContain("<title>a &#34;cat&#34;</title>");
    for (const images of [undefined, new Map([[HASH, "https://evil.example/x.png"]])]) {
      const out = shapesToSvg([shape], { images });
      expect(out).not.toContain("<image");
      expect(out).toContain('stroke-dasharray="6 4"');
    }
  });
});
