/**
 * Room security against a real `partykit dev` (docs/limits.md, docs/threat-model.md): every
 * limit, view-only links enforced over the socket itself, the Origin allow-list, and isolation
 * between rooms. Nothing is mocked; hostile frames are built by hand and sent on bare sockets.
 */
import { afterAll, afterEach, beforeAll, describe, expect, test } from "vitest";
import WS from "ws";
import * as Y from "yjs";
import { createRoomClient } from "../../src/net/roomClient";
import {
  MAX_EDITORS_PER_ROOM,
  MAX_MESSAGE_BYTES,
  MAX_PRESENCE_BYTES,
  RATE_BUCKET_SIZE,
} from "../../src/shared/constants";
import { getShapes } from "../../src/shared/doc";
import { decodeBatch, encodeBatch } from "../../src/shared/frameBatch";
import { CloseCode, retryPolicyFor } from "../../src/shared/protocol";
import { type DevServer, startDevServer } from "../helpers/devServer";
import { awarenessFrame, emptyStep1, isSyncFrame, updateFrame } from "../helpers/frames";
import { openRawSocket, type RawSocket, UpgradeRefused, upgradeStatus } from "../helpers/rawSocket";
import { addShapes, fetchSnapshot, makeShape, updateShape } from "../helpers/shapes";
import { waitFor, withTimeout } from "../helpers/wait";
import { connectPeer, type Peer, uniqueRoomId } from "../helpers/yclient";

const GOOD_ORIGIN = "https://good.example";
const EVIL_ORIGIN = "https://evil.example";
/** bytes. A document cap low enough to reach with one ordinary message. */
const TEST_DOCUMENT_CAP = 100_000;

let server: DevServer;
const cleanups: (() => unknown)[] = [];

beforeAll(async () => {
  // One server for the file: the document cap is per room, so a low cap harms no other test.
  server = await startDevServer({
    vars: { ALLOWED_ORIGINS: GOOD_ORIGIN, MAX_DOCUMENT_BYTES: String(TEST_DOCUMENT_CAP) },
  });
});

afterEach(async () => {
  // In parallel: each close may wait out a close handshake `partykit dev` never answers.
  await Promise.all(cleanups.splice(0).map((fn) => fn()));
});

afterAll(async () => {
  await server?.dispose();
});

async function peer(roomId: string, awareness?: Record<string, unknown>): Promise<Peer> {
  const p = await connectPeer(server.wsUrl, roomId, awareness ? { awareness } : {});
  cleanups.push(() => p.close());
  await withTimeout(p.synced, 10_000, `initial sync with room ${roomId}`);
  return p;
}

async function raw(url: string, origin?: string): Promise<RawSocket> {
  const s = await openRawSocket(url, origin ? { origin } : {});
  cleanups.push(() => s.close());
  return s;
}

/** Raw sockets ask for JSON control messages (hello, saved, errors) as Sketchroom's client does. */
function roomUrl(roomId: string): string {
  return `${server.wsUrl}/${roomId}?control=1`;
}

function viewUrl(viewId: string): string {
  return `ws://127.0.0.1:${server.port}/parties/view/${viewId}?control=1`;
}

/** The presence names `p` currently sees for other clients. */
function names(p: Peer): unknown[] {
  return [...p.awareness.getStates()]
    .filter(([id]) => id !== p.doc.clientID)
    .map(([, s]) => (s.user as { name?: unknown } | undefined)?.name);
}

/** The editor's view id, from its hello. */
async function viewIdOf(p: Peer): Promise<string> {
  const hello = await p.waitFor(() => p.controls.find((m) => m.type === "hello"), {
    message: "hello",
  });
  expect(typeof hello.viewId).toBe("string");
  return hello.viewId as string;
}

describe("room ids", () => {
  test.each([
    ["a space", "bad%20id"],
    ["129 characters", "x".repeat(129)],
    ["a dot-dot and encoded slash", "..%2F"],
    ["unicode", encodeURIComponent("ルーム")],
    ["unicode lookalike dash", encodeURIComponent("room\u2010a")],
  ])("an id with %s is refused with 400 over HTTP and the socket", async (_, id) => {
    const res = await fetch(`${server.url}/parties/main/${id}`);
    await res.arrayBuffer();
    expect(res.status).toBe(400);
    // The upgrade is answered over HTTP before any room exists (an in-room refusal would be 4001).
    expect(await upgradeStatus(roomUrl(id))).toBe(400);
    expect(await upgradeStatus(`ws://127.0.0.1:${server.port}/party/${id}`)).toBe(400);
  });

  test("the longest valid id (128 characters) is served", async () => {
    const id = "a".repeat(128);
    expect((await fetch(`${server.url}/parties/main/${id}`)).status).toBe(200);
    const p = await peer(id);
    expect(p.closeEvent).toBeNull();
  });
});

describe("connections per room", () => {
  // The room-wide cap (1,000, viewers included) is covered by R9 and bench/scale.ts; opening a
  // thousand sockets here would load the shared test machine for little more.
  test(`editor ${MAX_EDITORS_PER_ROOM + 1} is closed with ${CloseCode.ROOM_FULL}; the first ${MAX_EDITORS_PER_ROOM} keep working and a viewer still gets in`, async () => {
    const room = uniqueRoomId("full");
    const writer = await peer(room);
    const others: RawSocket[] = [];
    for (let i = 1; i < MAX_EDITORS_PER_ROOM; i++) others.push(await raw(roomUrl(room)));
    await waitFor(() => others.every((s) => s.controls().some((m) => m.type === "hello")), {
      message: "every connection got its hello",
    });

    const extra = await raw(roomUrl(room));
    const closed = await withTimeout(extra.closed, 10_000, "the extra connection to close");
    expect(closed.code).toBe(CloseCode.ROOM_FULL);
    expect(extra.controls().some((m) => m.type === "hello")).toBe(false);

    // Every one of the first hundred still hears edits and answers pings.
    const before = others.map((s) => s.binaries.length);
    addShapes(writer.doc, [makeShape({ id: "after-full" })]);
    for (const [i, s] of others.entries()) s.send(JSON.stringify({ type: "ping", t: i }));
    await waitFor(
      () =>
        others.every(
          (s, i) =>
            s.binaries.slice(before[i]).some(isSyncFrame) &&
            s.controls().some((m) => m.type === "pong" && m.t === i),
        ),
      { timeout: 15_000, message: "all 99 others got the edit and their pong" },
    );
    expect(others.filter((s) => s.closeEvent !== null)).toEqual([]);
    expect(writer.closeEvent).toBeNull();

    // Viewers do not take editor slots.
    const viewer = await raw(`${roomUrl(room)}&mode=view`);
    await waitFor(() => viewer.controls().some((m) => m.type === "hello"), {
      message: "the viewer got its hello",
    });
    expect(viewer.closeEvent).toBeNull();

    // A slot freed is a slot available again.
    await others.pop()!.close();
    const again = await peer(room);
    expect(again.shapes().map((s) => s.id)).toEqual(["after-full"]);
  });
});

describe("message size", () => {
  /** A sync update frame of `bytes` bytes (its content does not matter: it is never decoded). */
  const frameOf = (bytes: number) => {
    const frame = new Uint8Array(bytes);
    frame[0] = 0; // sync
    frame[1] = 2; // update
    return frame;
  };

  test(`a frame over ${MAX_MESSAGE_BYTES} bytes closes its sender (${CloseCode.MESSAGE_TOO_BIG}, or 1009 from the platform over 1 MiB); others notice nothing`, async () => {
    const room = uniqueRoomId("big");
    const a = await peer(room, { user: { name: "a" } });
    const b = await peer(room);

    // Over our cap but under the platform's 1 MiB: the room itself refuses it.
    for (const frame of [
      frameOf(1_040_000),
      JSON.stringify({ type: "ping", t: 1, pad: "x".repeat(1_040_000) }),
    ]) {
      const sender = await raw(roomUrl(room));
      expect(sender.send(frame)).toBe(true);
      const closed = await withTimeout(sender.closed, 10_000, "the sender to be closed");
      expect(closed.code).toBe(CloseCode.MESSAGE_TOO_BIG);
    }
    // 1.1 MB: workerd closes the socket with 1009 (Message Too Big) before the room sees it.
    // Either way the client must not retry, or it would send the same frame again.
    for (const frame of [
      frameOf(1_100_000),
      JSON.stringify({ type: "ping", t: 1, pad: "x".repeat(1_100_000) }),
    ]) {
      const sender = await raw(roomUrl(room));
      expect(sender.send(frame)).toBe(true);
      const closed = await withTimeout(sender.closed, 10_000, "the sender to be closed");
      // workerd usually says 1009; sometimes it drops the socket without a close frame (1006).
      // Sketchroom's own client never sends such a frame: it sends big ones in chunks (below).
      expect([CloseCode.MESSAGE_TOO_BIG, 1009, 1006]).toContain(closed.code);
      if (closed.code !== 1006) expect(retryPolicyFor(closed.code)).toBe("stop");
    }

    addShapes(a.doc, [makeShape({ id: "still-fine" })]);
    await b.waitFor(() => b.shapes().some((s) => s.id === "still-fine"));
    await b.waitFor(() => names(b).includes("a"));
    expect(a.closeEvent).toBeNull();
    expect(b.closeEvent).toBeNull();
    expect(b.controls.filter((m) => m.type === "error")).toEqual([]);
  });
});

describe("message rate", () => {
  test(`floods from several connections and many client ids: each flooder is closed with ${CloseCode.RATE_LIMITED} within 2 s, lands at most one presence, and well-behaved peers keep normal latency`, async () => {
    const room = uniqueRoomId("flood");
    const a = await peer(room, { user: { name: "a" }, cursor: null });
    const b = await peer(room, { user: { name: "b" }, cursor: null });
    const rect = makeShape({ id: "moving", x: 0 });
    addShapes(a.doc, [rect]);
    await b.waitFor(() => b.shapes().length === 1);
    await b.waitFor(() => names(b).includes("a"));

    /** ms from a's edit to b seeing it. */
    const latency = async (x: number): Promise<number> => {
      const start = performance.now();
      updateShape(a.doc, rect.id, { x });
      await b.waitFor(() => b.shapes()[0]?.x === x, { interval: 2, message: `b sees x=${x}` });
      return performance.now() - start;
    };
    const baseline: number[] = [];
    for (let i = 1; i <= 5; i++) baseline.push(await latency(i));

    // Everything b ever holds from the flood, not just what is left at the end.
    const floodIds = new Set<number>();
    let mostAtOnce = 0;
    const isFlood = (s: { user?: unknown } | undefined) =>
      String((s?.user as { name?: unknown } | undefined)?.name).startsWith("flood");
    const watch = () => {
      let now = 0;
      for (const [id, st] of b.awareness.getStates()) {
        if (!isFlood(st)) continue;
        floodIds.add(id);
        now++;
      }
      mostAtOnce = Math.max(mostAtOnce, now);
    };
    b.awareness.on("change", watch);

    const FLOODERS = 4;
    /** Distinct awareness client ids each flooder cycles through, a's and b's among them. */
    const IDS_PER_FLOODER = 64;
    const flooders = await Promise.all(Array.from({ length: FLOODERS }, () => raw(roomUrl(room))));
    for (const f of flooders) await waitFor(() => f.controls().some((m) => m.type === "hello"));
    const started = Date.now();
    // 2000 small valid presence frames per flooder, as fast as the sockets take them, each
    // frame naming another client id: someone else's (a's, b's, another flooder's) or a fresh one.
    const victims = [a.doc.clientID, b.doc.clientID];
    for (let i = 1; i <= 2000; i++) {
      flooders.forEach((f, k) => {
        const slot = i % IDS_PER_FLOODER;
        const clientId = slot < victims.length ? victims[slot]! : 900_000 + k * 1000 + slot;
        f.send(awarenessFrame(clientId, 1_000 + i, { user: { name: `flood ${k}` }, cursor: null }));
      });
    }
    const during: number[] = [];
    let x = 100;
    while (flooders.some((f) => f.closeEvent === null) && Date.now() - started < 3_000)
      during.push(await latency(x++));
    for (const [k, f] of flooders.entries()) {
      const closed = await withTimeout(f.closed, 5_000, `flooder ${k} to be closed`);
      expect(closed.code, `flooder ${k}`).toBe(CloseCode.RATE_LIMITED);
      expect(closed.at - started, `flooder ${k}`).toBeLessThan(2_000);
    }
    for (let i = 0; i < 5; i++) during.push(await latency(x++));

    const worst = Math.max(...during);
    // Normal latency on a shared 2-core machine: well under a second, and not far from baseline.
    expect(
      worst,
      `baseline ${baseline.map(Math.round)} ms, during ${during.map(Math.round)} ms`,
    ).toBeLessThan(Math.max(500, 5 * Math.max(...baseline)));
    expect(a.closeEvent).toBeNull();
    expect(b.closeEvent).toBeNull();
    // One awareness client id per connection: of the 4 × 64 ids flooded, at most one per
    // flooder ever reached b, and a's and b's own presence was never overwritten.
    expect(
      floodIds.size,
      "the flood reached b at all (else the bound says nothing)",
    ).toBeGreaterThan(0);
    expect(floodIds.size, `flood ids seen by b: ${[...floodIds]}`).toBeLessThanOrEqual(FLOODERS);
    expect(mostAtOnce).toBeLessThanOrEqual(FLOODERS);
    expect(floodIds.has(a.doc.clientID) || floodIds.has(b.doc.clientID)).toBe(false);
    expect(names(b)).toContain("a");
    // Closed flooders leave nothing behind.
    await b.waitFor(() => ![...b.awareness.getStates().values()].some(isFlood), {
      message: "the flooders' presence is removed once they are closed",
    });
    b.awareness.off("change", watch);
    expect(RATE_BUCKET_SIZE).toBeLessThan(2000);
  });

  test("a steady 20 Hz cursor plus edits stays well within the budget", async () => {
    const room = uniqueRoomId("steady");
    const a = await peer(room, { user: { name: "steady" }, cursor: { x: 0, y: 0 } });
    for (let i = 0; i < 60; i++) {
      a.awareness.setLocalStateField("cursor", { x: i, y: i });
      if (i % 10 === 0) addShapes(a.doc, [makeShape()]);
      await new Promise((r) => setTimeout(r, 50));
    }
    a.sendControl({ type: "ping", t: 7 });
    await a.waitFor(() => a.controls.some((m) => m.type === "pong" && m.t === 7));
    expect(a.closeEvent).toBeNull();
  });
});

describe("document size", () => {
  test("a write over the cap is refused with DOCUMENT_TOO_LARGE and the document is unchanged", async () => {
    const room = uniqueRoomId("doccap");
    const writer = await peer(room);
    const other = await peer(room);
    addShapes(writer.doc, [makeShape({ id: "small" })]);
    await writer.waitForSaved();
    await other.waitFor(() => other.shapes().length === 1);

    // One ordinary message (well under 1 MB) that would take the board over its cap.
    const huge = Array.from({ length: 12 }, (_, i) =>
      makeShape({ id: `huge-${i}`, type: "sticky", text: "w".repeat(10_000) }),
    );
    addShapes(writer.doc, huge);
    const error = await writer.waitFor(() =>
      writer.controls.find((m) => m.type === "error" && m.code === "DOCUMENT_TOO_LARGE"),
    );
    expect(String(error.message)).toContain(String(TEST_DOCUMENT_CAP));
    expect(writer.closeEvent).toBeNull();

    // Others can still make ordinary edits, and nothing of the refused write exists anywhere.
    addShapes(other.doc, [makeShape({ id: "after-cap" })]);
    await other.waitForSaved();
    expect(
      other
        .shapes()
        .map((s) => s.id)
        .sort(),
    ).toEqual(["after-cap", "small"]);
    expect((await fetchSnapshot(server.url, room)).map((s) => s.id).sort()).toEqual([
      "after-cap",
      "small",
    ]);
    const late = await peer(room);
    expect(
      late
        .shapes()
        .map((s) => s.id)
        .sort(),
    ).toEqual(["after-cap", "small"]);
  });
});

describe("presence", () => {
  test(`a state over ${MAX_PRESENCE_BYTES} bytes is ignored with PRESENCE_TOO_LARGE`, async () => {
    const room = uniqueRoomId("presence");
    const p = await peer(room, { user: { name: "ok" }, cursor: null });
    const o = await peer(room);
    const seen: unknown[] = [];
    o.awareness.on("change", () => seen.push(...names(o)));
    await o.waitFor(() => names(o).includes("ok"));

    p.awareness.setLocalStateField("user", { name: "x".repeat(MAX_PRESENCE_BYTES + 100) });
    await p.waitFor(() =>
      p.controls.find((m) => m.type === "error" && m.code === "PRESENCE_TOO_LARGE"),
    );
    p.awareness.setLocalStateField("user", { name: "ok again" });
    await o.waitFor(() => names(o).includes("ok again"));
    expect(seen.filter((n) => typeof n === "string" && n.length > 100)).toEqual([]);
    expect(p.closeEvent).toBeNull();
  });

  test("a forged update for another connection's client id changes nothing for others", async () => {
    const room = uniqueRoomId("forge");
    const alice = await peer(room, { user: { name: "alice" }, cursor: { x: 1, y: 1 } });
    const bob = await peer(room);
    await bob.waitFor(() => names(bob).includes("alice"));
    const aliceId = alice.doc.clientID;
    const history: unknown[] = [];
    bob.awareness.on("change", () => history.push(bob.awareness.getStates().get(aliceId) ?? null));

    // A fresh connection whose first frame claims alice's id: ignored (stock y-websocket
    // clients echo others' presence, so this is not punished, just never applied).
    const mallory = await raw(roomUrl(room));
    mallory.send(awarenessFrame(aliceId, 9_999, { user: { name: "mallory" } }));

    // A connection pinned to its own id, then writing alice's (a state, then a removal).
    for (const forged of [{ user: { name: "mallory" } }, null]) {
      const eve = await raw(roomUrl(room));
      eve.send(awarenessFrame(777_777, 1, { user: { name: "eve" } }));
      eve.send(awarenessFrame(aliceId, 10_000, forged));
      // Eve's own presence still works after the forged frame (the room read and ignored it).
      await bob.waitFor(() => names(bob).includes("eve"), { message: "eve's own presence" });
    }

    alice.awareness.setLocalStateField("user", { name: "alice 2" });
    await bob.waitFor(() => names(bob).includes("alice 2"));
    expect(
      history.filter(
        (s) =>
          s === null ||
          (s as { user?: { name?: string } }).user?.name?.startsWith("alice") !== true,
      ),
    ).toEqual([]);
    expect(alice.closeEvent).toBeNull();
  });
});

describe("Origin allow-list", () => {
  /**
   * What a socket from `origin` meets: the close code it is sent at once, "open" once the room
   * greets it, or the HTTP status of a refused upgrade (which a browser never shows the page).
   */
  async function originOutcome(url: string, origin?: string): Promise<number | "open"> {
    let s: RawSocket;
    try {
      s = await raw(url, origin);
    } catch (err) {
      if (err instanceof UpgradeRefused) return err.status;
      throw err;
    }
    return waitFor(
      (): number | "open" | null =>
        s.closeEvent?.code ?? (s.controls().some((m) => m.type === "hello") ? "open" : null),
      { message: `hello or close for origin ${origin}` },
    );
  }

  test("[OR1] a socket from another site is closed with 4003 (stop); the allowed site, the app itself and no Origin connect", async () => {
    const room = uniqueRoomId("origin");
    expect(await originOutcome(roomUrl(room), EVIL_ORIGIN)).toBe(CloseCode.FORBIDDEN);
    expect(await originOutcome(roomUrl(room), "null")).toBe(CloseCode.FORBIDDEN);
    expect(retryPolicyFor(CloseCode.FORBIDDEN)).toBe("stop");
    expect(await originOutcome(roomUrl(room), GOOD_ORIGIN)).toBe("open");
    expect(await originOutcome(roomUrl(room), server.url)).toBe("open");
    expect(await originOutcome(roomUrl(room))).toBe("open");
  });

  test("[OR1] Sketchroom's own client on a disallowed page stops: offline with a reason, one attempt", async () => {
    const attempts: number[] = [];
    // The `ws` WebSocket with the Origin header a browser on EVIL_ORIGIN would send.
    class EvilPageWebSocket extends WS {
      constructor(url: string | URL, protocols?: string | string[]) {
        attempts.push(Date.now());
        super(url, protocols, { origin: EVIL_ORIGIN });
      }
    }
    const client = createRoomClient(uniqueRoomId("origin-client"), {
      host: `127.0.0.1:${server.port}`,
      WebSocket: EvilPageWebSocket as unknown as typeof WebSocket,
      persistLocally: false,
      guardUnload: false,
    });
    cleanups.push(() => client.destroy());
    const status = await waitFor(
      () => (client.getStatus().fatal !== null ? client.getStatus() : null),
      { message: "the client gives up" },
    );
    expect(status.state).toBe("offline");
    expect(status.fatal).toMatch(/not allowed/);
    expect(attempts).toHaveLength(1);
  });

  test("[OR2] the HTTP fallback from another site ends at once with 4003 too (SSE and long polling)", async () => {
    const base = `${server.url}/parties/main/${uniqueRoomId("origin-http")}`;
    const evil = { origin: EVIL_ORIGIN };
    const sse = await fetch(`${base}/sse?control=1`, { headers: evil });
    expect(sse.status).toBe(200);
    const events = await sse.text();
    expect(events).toMatch(/^event: close\ndata: /);
    expect(JSON.parse(events.split("data: ")[1]!)).toMatchObject({ code: CloseCode.FORBIDDEN });

    const open = await fetch(`${base}/open?control=1`, { method: "POST", headers: evil });
    expect(open.status).toBe(200);
    const { id, token } = (await open.json()) as { id: string; token: string };
    const poll = await fetch(`${base}/poll?id=${id}&token=${token}`, { headers: evil });
    expect(decodeBatch(new Uint8Array(await poll.arrayBuffer()))).toEqual([
      { kind: "close", code: CloseCode.FORBIDDEN, reason: "origin not allowed" },
    ]);
    const send = await fetch(`${base}/send?id=${id}&token=${token}`, {
      method: "POST",
      headers: evil,
      body: encodeBatch([]),
    });
    expect(send.status).toBe(403);

    // The allowed site gets a real connection.
    const good = await fetch(`${base}/open?control=1`, {
      method: "POST",
      headers: { origin: GOOD_ORIGIN },
    });
    expect(((await good.json()) as { id: string }).id).toMatch(/^http-/);
  });

  test("[OR1] view-only sockets are held to the same allow-list", async () => {
    const editor = await peer(uniqueRoomId("origin-view"));
    const viewId = await viewIdOf(editor);
    await waitFor(async () => (await fetch(`${server.url}/parties/view/${viewId}`)).ok, {
      message: "view link registered",
    });
    expect(await originOutcome(viewUrl(viewId), EVIL_ORIGIN)).toBe(CloseCode.FORBIDDEN);
    expect(await originOutcome(viewUrl(viewId), GOOD_ORIGIN)).toBe("open");
  });
});

describe("view-only links", () => {
  test("a viewer gets the live board and presence; its writes get READ_ONLY and go nowhere", async () => {
    const room = uniqueRoomId("view");
    const editor = await peer(room, { user: { name: "editor" }, cursor: { x: 5, y: 5 } });
    const viewId = await viewIdOf(editor);
    expect(viewId).not.toBe(room);
    addShapes(editor.doc, [makeShape({ id: "before-view", type: "sticky", text: "hi" })]);
    await editor.waitForSaved();

    // The view link registers itself on the editor's first connection.
    await waitFor(async () => (await fetch(`${server.url}/parties/view/${viewId}`)).ok, {
      message: "view link registered",
    });
    const watcher = await raw(viewUrl(viewId));
    const viewer = await connectPeer(`ws://127.0.0.1:${server.port}/parties/view`, viewId, {
      awareness: { user: { name: "viewer" }, cursor: { x: 9, y: 9 } },
    });
    cleanups.push(() => viewer.close());
    await withTimeout(viewer.synced, 10_000, "viewer sync");
    expect(viewer.shapes().map((s) => s.id)).toEqual(["before-view"]);
    expect(viewer.controls.find((m) => m.type === "hello")).toMatchObject({ readOnly: true });
    expect(viewer.controls.find((m) => m.type === "hello")?.viewId).toBeUndefined();
    await viewer.waitFor(() => names(viewer).includes("editor"), { message: "viewer sees editor" });
    // A viewer shows a cursor.
    await editor.waitFor(() => names(editor).includes("viewer"), { message: "editor sees viewer" });

    // Live: a new edit reaches the viewer.
    addShapes(editor.doc, [makeShape({ id: "live" })]);
    await viewer.waitFor(() => viewer.shapes().some((s) => s.id === "live"));

    // Writes of every kind: a new shape, a change to an existing one, a delete.
    addShapes(viewer.doc, [makeShape({ id: "from-viewer" })]);
    updateShape(viewer.doc, "before-view", { x: 9999 });
    getShapes(viewer.doc).delete("live");
    await viewer.waitFor(
      () => viewer.controls.filter((m) => m.type === "error" && m.code === "READ_ONLY").length >= 3,
      { message: "three READ_ONLY errors" },
    );
    // A hand-made update on a bare view socket too.
    const forged = new Y.Doc();
    addShapes(forged, [makeShape({ id: "from-watcher" })]);
    watcher.send(emptyStep1());
    watcher.send(updateFrame(Y.encodeStateAsUpdate(forged)));
    await waitFor(() =>
      watcher.controls().some((m) => m.type === "error" && m.code === "READ_ONLY"),
    );
    expect(viewer.closeEvent).toBeNull();
    expect(watcher.closeEvent).toBeNull();

    // Nothing reached the editor or storage: a later edit is saved, and the snapshot lacks theirs.
    addShapes(editor.doc, [makeShape({ id: "after-view" })]);
    await editor.waitForSaved();
    const ids = editor
      .shapes()
      .map((s) => s.id)
      .sort();
    expect(ids).toEqual(["after-view", "before-view", "live"]);
    expect(editor.shapes().find((s) => s.id === "before-view")?.x).not.toBe(9999);
    expect((await fetchSnapshot(server.url, room)).map((s) => s.id).sort()).toEqual(ids);
    const late = await peer(room);
    expect(
      late
        .shapes()
        .map((s) => s.id)
        .sort(),
    ).toEqual(ids);

    // The view link never reveals the room id: no frame, no HTTP answer the viewer can see.
    const snapshotRes = await fetch(`${server.url}/parties/view/${viewId}`);
    const snapshotText = await snapshotRes.text();
    expect(snapshotRes.status).toBe(200);
    expect(
      JSON.parse(snapshotText)
        .shapes.map((s: { id: string }) => s.id)
        .sort(),
    ).toEqual(ids);
    const seenByViewer = [
      snapshotText,
      JSON.stringify([...snapshotRes.headers]),
      ...watcher.texts,
      ...watcher.binaries.map((b) => Buffer.from(b).toString("latin1")),
      ...viewer.controls.map((m) => JSON.stringify(m)),
    ].join("\n");
    expect(watcher.binaries.length).toBeGreaterThan(0);
    expect(seenByViewer).not.toContain(room);
  });

  test("outsiders cannot register or move a view link, and unknown view ids are refused", async () => {
    const room = uniqueRoomId("view-post");
    const editor = await peer(room);
    const viewId = await viewIdOf(editor);
    await waitFor(async () => (await fetch(`${server.url}/parties/view/${viewId}`)).ok, {
      message: "view link registered",
    });
    const other = uniqueRoomId("victim");
    for (const id of [viewId, "never-registered-view-id"]) {
      const res = await fetch(`${server.url}/parties/view/${id}`, {
        method: "POST",
        body: JSON.stringify({ roomId: other }),
      });
      await res.arrayBuffer();
      expect(res.status).toBe(405);
    }
    // The link still leads to its own room.
    addShapes(editor.doc, [makeShape({ id: "mine" })]);
    await editor.waitForSaved();
    const viaLink = await fetch(`${server.url}/parties/view/${viewId}`);
    expect(
      ((await viaLink.json()) as { shapes: { id: string }[] }).shapes.map((s) => s.id),
    ).toEqual(["mine"]);
    expect((await fetchSnapshot(server.url, other)).map((s) => s.id)).toEqual([]);

    const unknown = uniqueRoomId("no-such-view");
    const res = await fetch(`${server.url}/parties/view/${unknown}`);
    await res.arrayBuffer();
    expect(res.status).toBe(404);
    const attempt = await openRawSocket(viewUrl(unknown)).then(
      async (s) => (await withTimeout(s.closed, 10_000, "unknown view link closed")).code,
      (err: unknown) => (err instanceof UpgradeRefused ? err.status : Promise.reject(err)),
    );
    expect([CloseCode.INVALID_ROOM, 404]).toContain(attempt);
    expect(await upgradeStatus(viewUrl("bad%20id"))).toBe(400);
  });
});

describe("view-only limits", () => {
  test(`a flood through a view link closes the viewer with ${CloseCode.RATE_LIMITED}; the editor notices nothing`, async () => {
    const room = uniqueRoomId("view-flood");
    const editor = await peer(room);
    const other = await peer(room);
    const viewId = await viewIdOf(editor);
    await waitFor(async () => (await fetch(`${server.url}/parties/view/${viewId}`)).ok, {
      message: "view link registered",
    });
    const flooder = await raw(viewUrl(viewId));
    await waitFor(() => flooder.controls().some((m) => m.type === "hello"));
    const started = Date.now();
    for (let i = 1; i <= 2000; i++) {
      flooder.send(awarenessFrame(5_555, i, { user: { name: `viewer ${i}` }, cursor: null }));
    }
    const closed = await withTimeout(flooder.closed, 5_000, "the flooding viewer to be closed");
    expect(closed.code).toBe(CloseCode.RATE_LIMITED);
    expect(closed.at - started).toBeLessThan(2_000);

    addShapes(editor.doc, [makeShape({ id: "after-view-flood" })]);
    await other.waitFor(() => other.shapes().some((s) => s.id === "after-view-flood"));
    expect(editor.closeEvent).toBeNull();
    expect(other.closeEvent).toBeNull();
  });
});

describe("room isolation", () => {
  test("two rooms edited concurrently, interleaved, never see each other's shapes or presence", async () => {
    const roomA = uniqueRoomId("iso-a");
    const roomB = uniqueRoomId("iso-b");
    const a = [
      await peer(roomA, { user: { name: "a0" } }),
      await peer(roomA, { user: { name: "a1" } }),
    ];
    const b = [
      await peer(roomB, { user: { name: "b0" } }),
      await peer(roomB, { user: { name: "b1" } }),
    ];
    // Interleaved: each round writes to A and B from alternating peers, with no waiting between.
    for (let round = 0; round < 40; round++) {
      const pa = a[round % 2]!;
      const pb = b[round % 2]!;
      addShapes(pa.doc, [makeShape({ id: `a-${round}` })]);
      addShapes(pb.doc, [makeShape({ id: `b-${round}` })]);
      pa.awareness.setLocalStateField("cursor", { x: round, y: 0 });
      pb.awareness.setLocalStateField("cursor", { x: 0, y: round });
      if (round % 10 === 0) await new Promise((r) => setImmediate(r));
    }
    for (const p of [...a, ...b]) {
      await p.waitFor(() => p.shapes().length === 40, { message: `${p.roomId} has 40 shapes` });
      await p.waitForSaved();
    }
    for (const [peers, prefix, other] of [
      [a, "a-", "b"],
      [b, "b-", "a"],
    ] as const) {
      for (const p of peers) {
        expect(p.shapes().every((s) => s.id.startsWith(prefix))).toBe(true);
        expect(names(p).some((n) => String(n).startsWith(other))).toBe(false);
      }
    }
    const snapA = await fetchSnapshot(server.url, roomA);
    const snapB = await fetchSnapshot(server.url, roomB);
    expect(snapA.length).toBe(40);
    expect(snapB.length).toBe(40);
    expect(snapA.every((s) => s.id.startsWith("a-"))).toBe(true);
    expect(snapB.every((s) => s.id.startsWith("b-"))).toBe(true);
    // Late joiners get their own room only.
    const lateB = await peer(roomB);
    expect(lateB.shapes().every((s) => s.id.startsWith("b-"))).toBe(true);
    await lateB.waitFor(() => names(lateB).length === 2);
    expect(names(lateB).sort()).toEqual(["b0", "b1"]);
  });
});
