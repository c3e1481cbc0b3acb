/**
 * Image assets against a real `partykit dev` (docs/protocol.md "Assets", codes in
 * docs/limits.md). Plain HTTP from Node, as the client's uploader and any script would.
 *
 *  [AH1] PUT stores an asset under its hash (201, then 200 again); GET and HEAD serve it with
 *        immutable caching, its etag, nosniff and CORS; a matching If-None-Match gets 304.
 *  [AH2] Each refusal answers its code (400, 404, 413, 415, 422) and stores nothing.
 *  [AH3] The room's quota (here 2 MB by `--var MAX_ROOM_ASSET_BYTES`) answers 507 and stores
 *        nothing.
 *  [AH4] A view link reads assets (GET, HEAD, 304, the list) and cannot upload (403).
 *  [AH5] With ALLOWED_ORIGINS set, an upload from another page is refused (403).
 *  [AH6] Assets and the room's usage survive a restart of the server on the same storage.
 *  [AH7] On a server whose grace is 1 ms (`--var ASSET_GRACE_MS`): after a checkpoint the room
 *        deletes the asset no shape names; a full room deletes unnamed ones before answering
 *        507; an image on the board, or only in a checkpoint, is never deleted.
 */
import { afterAll, afterEach, beforeAll, describe, expect, test } from "vitest";
import { sha256Hex } from "../../src/shared/assets";
import { MAX_ASSET_BYTES } from "../../src/shared/constants";
import { type DevServer, startDevServer } from "../helpers/devServer";
import { seededRandom } from "../helpers/prng";
import { addShapes, deleteShape, makeShape } from "../helpers/shapes";
import { waitFor, withTimeout } from "../helpers/wait";
import { connectPeer, type Peer, uniqueRoomId } from "../helpers/yclient";

const GOOD_ORIGIN = "https://good.example";
const EVIL_ORIGIN = "https://evil.example";
/** bytes. A quota two ordinary test images reach. */
const TEST_QUOTA = 2_000_000;
const PNG_MAGIC = [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a];

let server: DevServer;
const cleanups: (() => unknown)[] = [];

beforeAll(async () => {
  server = await startDevServer({
    vars: { MAX_ROOM_ASSET_BYTES: String(TEST_QUOTA), ALLOWED_ORIGINS: GOOD_ORIGIN },
  });
});

afterEach(async () => {
  await Promise.all(cleanups.splice(0).map((fn) => fn()));
});

afterAll(async () => {
  await server?.dispose();
});

/** `size` bytes that sniff as PNG (the room checks the signature, not the pixels). */
function png(size: number, seed: number): Uint8Array<ArrayBuffer> {
  const out = seededRandom(seed).bytes(size);
  out.set(PNG_MAGIC);
  return out as Uint8Array<ArrayBuffer>;
}

const roomBase = (room: string, on = server) => `${on.url}/parties/main/${room}`;

async function put(
  base: string,
  body: Uint8Array<ArrayBuffer>,
  opts: { hash?: string; type?: string; headers?: Record<string, string> } = {},
): Promise<{ status: number; json: Record<string, unknown> }> {
  const hash = opts.hash ?? (await sha256Hex(body));
  const res = await fetch(`${base}/assets/${hash}`, {
    method: "PUT",
    body,
    headers: { "content-type": opts.type ?? "image/png", ...opts.headers },
  });
  return { status: res.status, json: (await res.json()) as Record<string, unknown> };
}

async function list(base: string): Promise<{ assets: { hash: string }[]; used: number }> {
  const res = await fetch(`${base}/assets`);
  expect(res.status).toBe(200);
  return (await res.json()) as { assets: { hash: string }[]; used: number };
}

async function getBytes(url: string, headers: Record<string, string> = {}) {
  const res = await fetch(url, { headers });
  return { res, bytes: new Uint8Array(await res.arrayBuffer()) };
}

const same = (a: Uint8Array, b: Uint8Array) => Buffer.from(a).equals(Buffer.from(b));

/** Asserts the caching and safety headers every served asset carries. */
function expectAssetHeaders(res: Response, hash: string, type: string): void {
  expect(res.headers.get("content-type")).toBe(type);
  expect(res.headers.get("cache-control")).toBe("public, max-age=31536000, immutable");
  expect(res.headers.get("etag")).toBe(`"${hash}"`);
  expect(res.headers.get("x-content-type-options")).toBe("nosniff");
  expect(res.headers.get("access-control-allow-origin")).toBe("*");
}

async function editor(room: string, on = server): Promise<Peer> {
  const p = await connectPeer(on.wsUrl, room);
  cleanups.push(() => p.close());
  await withTimeout(p.synced, 30_000, `initial sync with room ${room}`);
  return p;
}

/** The room's view link, once registered with the view party. */
async function viewBaseOf(room: string): Promise<string> {
  const p = await editor(room);
  const hello = await p.waitFor(() => p.controls.find((m) => m.type === "hello"), {
    message: "hello",
  });
  const base = `${server.url}/parties/view/${hello.viewId as string}`;
  await waitFor(async () => (await fetch(base)).ok, { message: "view link registered" });
  return base;
}

describe("[AH1] upload and serve", () => {
  test("PUT then GET returns the same bytes with caching headers; 304 on a matching etag", async () => {
    const base = roomBase(uniqueRoomId("asset-rt"));
    // Several storage chunks (120 KiB each).
    const bytes = png(300_000, 1);
    const hash = await sha256Hex(bytes);
    expect(await put(base, bytes)).toEqual({
      status: 201,
      json: { hash, type: "image/png", bytes: 300_000 },
    });
    expect(await put(base, bytes)).toEqual({
      status: 200,
      json: { hash, type: "image/png", bytes: 300_000 },
    });

    const { res, bytes: got } = await getBytes(`${base}/assets/${hash}`);
    expect(res.status).toBe(200);
    expectAssetHeaders(res, hash, "image/png");
    expect(res.headers.get("content-security-policy")).toBeNull();
    expect(same(got, bytes)).toBe(true);

    const head = await fetch(`${base}/assets/${hash}`, { method: "HEAD" });
    expect(head.status).toBe(200);
    expect(head.headers.get("content-length")).toBe("300000");
    expectAssetHeaders(head, hash, "image/png");

    const cached = await getBytes(`${base}/assets/${hash}`, { "if-none-match": `"${hash}"` });
    expect(cached.res.status).toBe(304);
    expect(cached.bytes.byteLength).toBe(0);
    expect(cached.res.headers.get("etag")).toBe(`"${hash}"`);
    const stale = await getBytes(`${base}/assets/${hash}`, {
      "if-none-match": `"${"0".repeat(64)}"`,
    });
    expect(stale.res.status).toBe(200);

    expect(await list(base)).toEqual({
      assets: [{ hash, type: "image/png", bytes: 300_000 }],
      used: 300_000,
      quota: TEST_QUOTA,
    });
  });

  test("a safe SVG is served with a CSP that lets it run nothing", async () => {
    const base = roomBase(uniqueRoomId("asset-svg"));
    const svg = new TextEncoder().encode(
      `<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 4 4"><rect width="4" height="4" fill="#0a0"/></svg>`,
    );
    const hash = await sha256Hex(svg);
    expect((await put(base, svg, { type: "image/svg+xml" })).status).toBe(201);
    const { res, bytes } = await getBytes(`${base}/assets/${hash}`);
    expectAssetHeaders(res, hash, "image/svg+xml");
    expect(res.headers.get("content-security-policy")).toBe(
      "default-src 'none'; style-src 'unsafe-inline'",
    );
    expect(same(bytes, svg)).toBe(true);
  });

  test("the preflight allows PUT with a content-type from any page", async () => {
    const res = await fetch(`${roomBase(uniqueRoomId("asset-cors"))}/assets/${"a".repeat(64)}`, {
      method: "OPTIONS",
      headers: {
        origin: GOOD_ORIGIN,
        "access-control-request-method": "PUT",
        "access-control-request-headers": "content-type",
      },
    });
    expect(res.status).toBe(204);
    expect(res.headers.get("access-control-allow-origin")).toBe("*");
    expect(res.headers.get("access-control-allow-methods")).toContain("PUT");
    expect(res.headers.get("access-control-allow-headers")).toContain("content-type");
  });
});

describe("[AH2] refusals store nothing", () => {
  test("400 bad hash, 404 unknown, 413 oversize, 415 type / magic / unsafe SVG, 422 wrong hash", async () => {
    const base = roomBase(uniqueRoomId("asset-err"));
    const small = png(1000, 2);
    // One at a time: started together, a refused request's rejection could go unhandled while
    // an earlier one is awaited, and seven uploads at once (one of 4 MiB) load a busy machine.
    type Put = () => Promise<{ status: number; json: Record<string, unknown> }>;
    const cases: [string, Put, number][] = [
      ["bad hash", () => put(base, small, { hash: "not-a-hash" }), 400],
      [
        "uppercase hash",
        async () => put(base, small, { hash: (await sha256Hex(small)).toUpperCase() }),
        400,
      ],
      ["oversize", () => put(base, png(MAX_ASSET_BYTES + 1, 3)), 413],
      ["type not allowed", () => put(base, small, { type: "text/plain" }), 415],
      ["magic bytes of another type", () => put(base, small, { type: "image/jpeg" }), 415],
      [
        "unsafe SVG",
        () =>
          put(
            base,
            new TextEncoder().encode(
              `<svg xmlns="http://www.w3.org/2000/svg"><use href="http://evil.example/x.svg#a"/></svg>`,
            ),
            { type: "image/svg+xml" },
          ),
        415,
      ],
      ["wrong hash", () => put(base, small, { hash: "0".repeat(64) }), 422],
    ];
    for (const [what, send, status] of cases) {
      const res = await send();
      expect({ what, status: res.status }).toEqual({ what, status });
      expect(res.json.error).toEqual(expect.any(String));
    }
    for (const method of ["GET", "HEAD"]) {
      const res = await fetch(`${base}/assets/${await sha256Hex(small)}`, { method });
      await res.arrayBuffer();
      expect(res.status).toBe(404);
    }
    expect(await list(base)).toMatchObject({ assets: [], used: 0 });
  });
});

describe("[AH3] quota", () => {
  test("507 when the room's quota would be passed; nothing of the refused asset is stored", async () => {
    const base = roomBase(uniqueRoomId("asset-quota"));
    const first = png(1_500_000, 4);
    const second = png(1_000_000, 5);
    expect((await put(base, first)).status).toBe(201);
    const refused = await put(base, second);
    expect(refused.status).toBe(507);
    expect(refused.json).toMatchObject({ used: 1_500_000, quota: TEST_QUOTA });
    const res = await fetch(`${base}/assets/${await sha256Hex(second)}`);
    await res.arrayBuffer();
    expect(res.status).toBe(404);
    expect(await list(base)).toMatchObject({
      assets: [{ hash: await sha256Hex(first) }],
      used: 1_500_000,
    });
    // The quota is per room: another room still has all of it.
    expect((await put(roomBase(uniqueRoomId("asset-quota-other")), second)).status).toBe(201);
  });
});

describe("[AH4] view links", () => {
  test("a view link reads assets and their list; an upload through it is 403 and stores nothing", async () => {
    const room = uniqueRoomId("asset-view");
    const base = roomBase(room);
    const view = await viewBaseOf(room);
    const bytes = png(5_000, 6);
    const hash = await sha256Hex(bytes);
    expect((await put(base, bytes)).status).toBe(201);

    const { res, bytes: got } = await getBytes(`${view}/assets/${hash}`);
    expect(res.status).toBe(200);
    expectAssetHeaders(res, hash, "image/png");
    expect(same(got, bytes)).toBe(true);
    const head = await fetch(`${view}/assets/${hash}`, { method: "HEAD" });
    expect(head.status).toBe(200);
    const cached = await getBytes(`${view}/assets/${hash}`, { "if-none-match": `"${hash}"` });
    expect(cached.res.status).toBe(304);
    expect((await list(view)).assets.map((a) => a.hash)).toEqual([hash]);
    const missing = await fetch(`${view}/assets/${"b".repeat(64)}`);
    await missing.arrayBuffer();
    expect(missing.status).toBe(404);

    const other = png(5_000, 7);
    const refused = await put(view, other);
    expect(refused.status).toBe(403);
    expect(refused.json.error).toEqual(expect.any(String));
    for (const [method, path] of [
      ["DELETE", `assets/${hash}`],
      ["POST", "assets"],
      ["POST", "history"],
      ["PUT", "history/abc"],
    ] as const) {
      const res = await fetch(`${view}/${path}`, { method });
      await res.arrayBuffer();
      expect({ method, path, status: res.status }).toEqual({ method, path, status: 403 });
    }
    // An encoded slash must not reach another path of the room.
    const walk = await fetch(`${view}/assets/..%2F..%2Fsse`);
    await walk.arrayBuffer();
    expect(walk.status).toBe(400);
    expect((await list(base)).assets.map((a) => a.hash)).toEqual([hash]);
  });
});

describe("[AH5] origin allow-list", () => {
  test("an upload from a page not allowed is 403; the app's allowed origin uploads", async () => {
    const base = roomBase(uniqueRoomId("asset-origin"));
    const bytes = png(2_000, 8);
    expect((await put(base, bytes, { headers: { origin: EVIL_ORIGIN } })).status).toBe(403);
    expect(await list(base)).toMatchObject({ assets: [], used: 0 });
    expect((await put(base, bytes, { headers: { origin: GOOD_ORIGIN } })).status).toBe(201);
    // Reading is open to any page, like the snapshot.
    const res = await fetch(`${base}/assets/${await sha256Hex(bytes)}`, {
      headers: { origin: EVIL_ORIGIN },
    });
    await res.arrayBuffer();
    expect(res.status).toBe(200);
  });
});

describe("[AH6] restart", () => {
  test("an asset and the room's usage survive a restart on the same storage", async () => {
    const base = roomBase(uniqueRoomId("asset-restart"));
    const bytes = png(1_500_000, 9);
    const hash = await sha256Hex(bytes);
    expect((await put(base, bytes)).status).toBe(201);
    await server.restart();
    const { res, bytes: got } = await getBytes(`${base}/assets/${hash}`);
    expect(res.status).toBe(200);
    expect(same(got, bytes)).toBe(true);
    expect(await list(base)).toMatchObject({ assets: [{ hash }], used: 1_500_000 });
    // The usage counter came back too: the quota still counts the first asset.
    expect((await put(base, png(1_000_000, 10))).status).toBe(507);
  });
});

describe("[AH7] collecting unused assets", () => {
  let gc: DevServer;
  beforeAll(async () => {
    gc = await startDevServer({
      vars: {
        MAX_ROOM_ASSET_BYTES: String(TEST_QUOTA),
        ASSET_GRACE_MS: "1",
        CHECKPOINT_QUIET_MS: "500",
        CHECKPOINT_MAX_INTERVAL_MS: "60000",
      },
    });
  });
  afterAll(async () => {
    await gc?.dispose();
  });

  const image = (asset: string) => makeShape({ type: "image", asset, mime: "image/png" });
  const hashesIn = async (base: string) => (await list(base)).assets.map((a) => a.hash).sort();

  test("a checkpoint, then a full room, delete what no shape or checkpoint names, and only that", async () => {
    const room = uniqueRoomId("asset-gc");
    const base = roomBase(room, gc);
    const ada = await editor(room, gc);
    const [board, history, unused] = [png(600_000, 11), png(600_000, 12), png(600_000, 13)];
    const [boardHash, historyHash, unusedHash] = await Promise.all([
      sha256Hex(board),
      sha256Hex(history),
      sha256Hex(unused),
    ]);
    for (const bytes of [board, history, unused]) expect((await put(base, bytes)).status).toBe(201);

    // Two images on the board: the burst's checkpoint lets the room look, and the third goes.
    const onBoard = image(boardHash);
    const inHistory = image(historyHash);
    addShapes(ada.doc, [onBoard, inHistory]);
    await waitFor(async () => !(await hashesIn(base)).includes(unusedHash), {
      timeout: 20_000,
      message: "the unnamed asset deleted after the first checkpoint",
    });
    expect(await hashesIn(base)).toEqual([boardHash, historyHash].sort());
    expect((await fetch(`${base}/assets/${unusedHash}`, { method: "HEAD" })).status).toBe(404);
    expect((await list(base)).used).toBe(1_200_000);

    // One image leaves the board; the checkpoint still shows it, so its bytes stay.
    deleteShape(ada.doc, inHistory.id);
    await ada.waitForSaved();

    // A fourth fits (1.8 MB); a fifth does not, so the room first deletes the fourth, which no
    // shape names, and stores the fifth.
    const [fourth, fifth] = [png(600_000, 14), png(600_000, 15)];
    const [fourthHash, fifthHash] = await Promise.all([sha256Hex(fourth), sha256Hex(fifth)]);
    expect((await put(base, fourth)).status).toBe(201);
    expect((await put(base, fifth)).status).toBe(201);
    expect(await hashesIn(base)).toEqual([boardHash, historyHash, fifthHash].sort());
    expect(fourthHash).not.toBe(fifthHash);

    // Now every stored asset is named (board, checkpoint, board): a sixth is refused.
    addShapes(ada.doc, [image(fifthHash)]);
    await ada.waitForSaved();
    const refused = await put(base, png(600_000, 16));
    expect(refused.status).toBe(507);
    expect(refused.json).toMatchObject({ used: 1_800_000, quota: TEST_QUOTA });
    const { res, bytes } = await getBytes(`${base}/assets/${historyHash}`);
    expect(res.status).toBe(200);
    expect(same(bytes, history)).toBe(true);
  });
});
