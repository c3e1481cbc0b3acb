/**
 * The HTTP fallback transport (issue 8, docs/transport.md) against a real `partykit dev`, with
 * WebSocket upgrades refused by an HTTP proxy in the test:
 *
 *  [TP1] A real client (createRoomClient in Node: no EventSource, so long polling) behind the
 *        proxy and a WebSocket client converge both ways, see each other's cursors, report their
 *        transports, and the fallback client gets `saved`.
 *  [TP2] SSE works server-side: the stream opens with a session, carries the room's frames
 *        (a peer's edit, a pong) as events, and a POSTed batch reaches the room.
 *  [TP3] Limits hold: a batch over 1 MB is refused with 413; a flood is closed with 4029 like a
 *        socket; unknown connections and bad tokens are refused.
 *  [TP7] A long poller that leaves more than MAX_POLL_QUEUE_BYTES unfetched is closed (1011, slow
 *        consumer, retry) and its next poll still reads that close; then the connection is gone.
 *  [TP5] When upgrades start working again, a fallback client's probe notices and it moves back
 *        to WebSocket, still converging.
 *  [TP6] A viewer's SSE stream through the view party: when the viewer goes away, the room drops
 *        its connection promptly (the cancel travels through the view party's forwarding).
 *  [TP4] Permissions hold: a viewer on the fallback through the view party cannot write, and a
 *        request from outside cannot forge the view party's read-only marker.
 */

import { afterAll, beforeAll, describe, expect, test } from "vitest";
import WS from "ws";
import * as Y from "yjs";
import { createRoomClient } from "../../src/net/roomClient";
import type { RoomClient } from "../../src/net/types";
import { getShapes } from "../../src/shared/doc";
import { type BatchFrame, decodeBatch, encodeBatch } from "../../src/shared/frameBatch";
import { CloseCode, fromBase64, retryPolicyFor } from "../../src/shared/protocol";
import { type DevServer, startDevServer } from "../helpers/devServer";
import { emptyStep1, updateFrame } from "../helpers/frames";
import { startUpgradeRefusingProxy, type UpgradeRefusingProxy } from "../helpers/httpProxy";
import { addShapes, fetchSnapshot, makeShape } from "../helpers/shapes";
import { type SseEvent, sseEvents } from "../helpers/sse";
import { waitFor } from "../helpers/wait";
import { uniqueRoomId } from "../helpers/yclient";

let server: DevServer;
let proxy: UpgradeRefusingProxy;
const clients: RoomClient[] = [];
const aborts: AbortController[] = [];

beforeAll(async () => {
  server = await startDevServer();
  proxy = await startUpgradeRefusingProxy(server.port);
});

afterAll(async () => {
  for (const c of clients.splice(0)) c.destroy();
  for (const a of aborts.splice(0)) a.abort();
  await proxy?.close();
  await server?.dispose();
});

function client(
  host: string,
  roomId: string,
  party: "main" | "view" = "main",
  probeIntervalMs?: number,
): RoomClient {
  const c = createRoomClient(roomId, {
    host,
    party,
    WebSocket: WS as unknown as typeof WebSocket,
    persistLocally: false,
    guardUnload: false,
    probeIntervalMs,
  });
  clients.push(c);
  return c;
}

/** A long-polling connection spoken by hand: open, poll, send. */
async function openPoll(base: string): Promise<{
  poll(): Promise<BatchFrame[]>;
  send(frames: BatchFrame[] | Uint8Array<ArrayBuffer>): Promise<Response>;
  id: string;
  token: string;
}> {
  const res = await fetch(`${base}/open?control=1`, { method: "POST" });
  expect(res.status).toBe(200);
  const { id, token } = (await res.json()) as { id: string; token: string };
  const q = `id=${encodeURIComponent(id)}&token=${token}`;
  return {
    id,
    token,
    async poll() {
      const r = await fetch(`${base}/poll?${q}`, { signal: AbortSignal.timeout(25_000) });
      expect(r.status).toBe(200);
      return decodeBatch(new Uint8Array(await r.arrayBuffer()));
    },
    send: (frames) =>
      fetch(`${base}/send?${q}`, {
        method: "POST",
        body: frames instanceof Uint8Array ? frames : encodeBatch(frames),
      }),
  };
}

/** Polls until a frame matching `match` arrives (bounded by count and time). */
async function pollUntil(
  conn: { poll(): Promise<BatchFrame[]> },
  match: (f: BatchFrame) => boolean,
): Promise<BatchFrame> {
  const deadline = Date.now() + 30_000;
  for (let i = 0; i < 50 && Date.now() < deadline; i++) {
    const found = (await conn.poll()).find(match);
    if (found) return found;
  }
  throw new Error("no matching frame within 50 polls / 30 s");
}

const isText = (type: string) => (f: BatchFrame) =>
  f.kind === "text" && (JSON.parse(f.data) as { type: string }).type === type;

describe("a client behind a proxy that refuses WebSocket upgrades", () => {
  test("[TP1] falls back to long polling, converges with a WebSocket client both ways, sees cursors, gets saved", async () => {
    const roomId = uniqueRoomId("fallback");
    const a = client(`127.0.0.1:${proxy.port}`, roomId);
    const b = client(`127.0.0.1:${server.port}`, roomId);
    await waitFor(
      () => a.getStatus().state === "connected" && b.getStatus().state === "connected",
      {
        timeout: 40_000,
        message: "both clients connected",
      },
    );
    expect(a.getStatus().transport).toBe("long-polling");
    expect(b.getStatus().transport).toBe("websocket");
    expect(proxy.refusedUpgrades).toBeGreaterThanOrEqual(2);

    addShapes(a.doc, [makeShape({ id: "from-a", x: 10 })]);
    addShapes(b.doc, [makeShape({ id: "from-b", x: 20 })]);
    await waitFor(() => getShapes(b.doc).has("from-a") && getShapes(a.doc).has("from-b"), {
      timeout: 15_000,
      message: "edits crossed both ways",
    });
    await waitFor(() => a.getStatus().saved, { timeout: 15_000, message: "fallback client saved" });
    expect(getShapes(a.doc).toJSON()).toEqual(getShapes(b.doc).toJSON());
    const stored = await fetchSnapshot(server.url, roomId);
    expect(stored.map((s) => s.id).sort()).toEqual(["from-a", "from-b"]);

    a.awareness.setLocalStateField("cursor", { x: 11, y: 12 });
    b.awareness.setLocalStateField("cursor", { x: 21, y: 22 });
    await waitFor(
      () =>
        (b.awareness.getStates().get(a.doc.clientID) as { cursor?: { x: number } } | undefined)
          ?.cursor?.x === 11 &&
        (a.awareness.getStates().get(b.doc.clientID) as { cursor?: { x: number } } | undefined)
          ?.cursor?.x === 21,
      { timeout: 15_000, message: "each sees the other's cursor" },
    );
  });
});

describe("the SSE endpoint", () => {
  test("[TP2] streams a session, the room's frames, a peer's edit and a pong for a POSTed ping", async () => {
    const roomId = uniqueRoomId("sse");
    const abort = new AbortController();
    aborts.push(abort);
    const res = await fetch(`http://127.0.0.1:${proxy.port}/parties/main/${roomId}/sse?control=1`, {
      signal: abort.signal,
    });
    expect(res.status).toBe(200);
    expect(res.headers.get("content-type")).toMatch(/^text\/event-stream/);
    const events: SseEvent[] = [];
    const stream = sseEvents(res.body!);
    const readUntil = async (match: (e: SseEvent) => boolean) => {
      const deadline = Date.now() + 20_000;
      for (let i = 0; i < 1_000 && Date.now() < deadline; i++) {
        const found = events.find(match);
        if (found) return found;
        const next = await stream.next();
        if (next.done) break;
        events.push(next.value);
      }
      throw new Error(`no matching event; got ${events.map((e) => e.event).join(",")}`);
    };
    const session = JSON.parse((await readUntil((e) => e.event === "session")).data) as {
      id: string;
      token: string;
    };
    expect(session.token).toMatch(/^[0-9a-f]{32}$/);
    const hello = JSON.parse((await readUntil((e) => e.event === "t")).data) as { type: string };
    expect(hello.type).toBe("hello");

    // A peer on WebSocket edits: the update arrives as a binary ("b") event.
    const peer = client(`127.0.0.1:${server.port}`, roomId);
    await waitFor(() => peer.getStatus().state === "connected", { timeout: 20_000 });
    addShapes(peer.doc, [makeShape({ id: "over-sse" })]);
    const doc = new Y.Doc();
    await waitFor(
      async () => {
        const e = await readUntil((ev) => ev.event === "b" && !ev.data.startsWith("consumed:"));
        const bytes = fromBase64(e.data);
        e.data = `consumed:${e.data}`;
        // Sync (0) update (2) or step 2 (1): apply and look for the shape.
        if (bytes[0] === 0 && bytes[1] !== 0) {
          const { readVarUint8Array, createDecoder, readVarUint } = await import("lib0/decoding");
          const dec = createDecoder(bytes);
          readVarUint(dec);
          readVarUint(dec);
          Y.applyUpdate(doc, readVarUint8Array(dec));
        }
        return getShapes(doc).has("over-sse");
      },
      { timeout: 20_000, message: "the peer's shape arrived over SSE" },
    );

    // client → room: a POSTed ping is answered on the stream.
    const q = `id=${encodeURIComponent(session.id)}&token=${session.token}`;
    const post = await fetch(`http://127.0.0.1:${proxy.port}/parties/main/${roomId}/send?${q}`, {
      method: "POST",
      body: encodeBatch([{ kind: "text", data: JSON.stringify({ type: "ping", t: 42 }) }]),
    });
    expect(post.status).toBe(204);
    const pong = await readUntil((e) => e.event === "t" && e.data.includes('"pong"'));
    expect(JSON.parse(pong.data)).toEqual({ type: "pong", t: 42 });
    abort.abort();
  });
});

describe("limits and permissions on the fallback", () => {
  test("[TP3] a batch over 1 MB → 413; unknown id → 404; bad token → 403", async () => {
    const base = `http://127.0.0.1:${proxy.port}/parties/main/${uniqueRoomId("limits")}`;
    const conn = await openPoll(base);
    const big = await conn.send([{ kind: "binary", data: new Uint8Array(1_500_000) }]);
    expect(big.status).toBe(413);
    const unknown = await fetch(`${base}/send?id=http-nope&token=${conn.token}`, {
      method: "POST",
      body: encodeBatch([]),
    });
    expect(unknown.status).toBe(404);
    const forged = await fetch(`${base}/send?id=${conn.id}&token=${"0".repeat(32)}`, {
      method: "POST",
      body: encodeBatch([]),
    });
    expect(forged.status).toBe(403);
  });

  test("[TP3] a flood of frames is closed with 4029 (rate limited), as on a socket", async () => {
    const base = `http://127.0.0.1:${proxy.port}/parties/main/${uniqueRoomId("flood")}`;
    const conn = await openPoll(base);
    const ping = JSON.stringify({ type: "ping", t: 1 });
    const res = await conn.send(
      Array.from({ length: 1_000 }, () => ({ kind: "text", data: ping })),
    );
    expect(res.status).toBe(204);
    const close = await pollUntil(conn, (f) => f.kind === "close");
    expect(close).toMatchObject({ kind: "close", code: 4029 });
    // The connection is gone.
    const after = await conn.send([{ kind: "text", data: ping }]);
    expect(after.status).toBe(404);
  });

  test("[TP7] a long poller that stops polling is closed as a slow consumer, and its next poll reads the close code", async () => {
    const base = `http://127.0.0.1:${proxy.port}/parties/main/${uniqueRoomId("slow")}`;
    const conn = await openPoll(base);
    // A board of about 1.1 MB, sent in two updates under the message cap.
    const doc = new Y.Doc();
    for (let part = 0; part < 2; part++) {
      const updates: Uint8Array[] = [];
      const collect = (u: Uint8Array) => updates.push(u);
      doc.on("update", collect);
      addShapes(
        doc,
        Array.from({ length: 30 }, (_, i) =>
          makeShape({ type: "text", text: `${part}-${i}-`.padEnd(19_000, "abcdefgh") }),
        ),
      );
      doc.off("update", collect);
      expect(
        (await conn.send(updates.map((u) => ({ kind: "binary", data: updateFrame(u) })))).status,
      ).toBe(204);
    }
    // Each step 1 is answered with the whole board; ten unfetched answers pass MAX_POLL_QUEUE_BYTES.
    const asks = Array.from({ length: 10 }, () => ({
      kind: "binary" as const,
      data: emptyStep1(),
    }));
    expect((await conn.send(asks)).status).toBe(204);
    const frames = await conn.poll();
    expect(frames.at(-1)).toMatchObject({ kind: "close", code: CloseCode.SLOW_CONSUMER });
    expect(retryPolicyFor(CloseCode.SLOW_CONSUMER)).toBe("retry");
    // Then the connection is gone, for the transport and for the room.
    const after = await conn.send([{ kind: "text", data: JSON.stringify({ type: "ping", t: 1 }) }]);
    expect(after.status).toBe(404);
  });

  test("[TP4] a fallback viewer through the view party cannot write; the read-only marker cannot be forged", async () => {
    const roomId = uniqueRoomId("viewfb");
    const editor = client(`127.0.0.1:${server.port}`, roomId);
    const viewId = await waitFor(() => editor.getStatus().viewId, {
      timeout: 20_000,
      message: "the editor learns the view id",
    });
    addShapes(editor.doc, [makeShape({ id: "seen" })]);
    await waitFor(() => editor.getStatus().saved, { timeout: 15_000 });
    // The view link is registered asynchronously after the editor's first connection.
    const viewBase = `http://127.0.0.1:${proxy.port}/parties/view/${viewId}`;
    await waitFor(async () => (await fetch(viewBase)).ok, { timeout: 15_000 });

    const viewer = await openPoll(viewBase);
    const hello = await pollUntil(viewer, isText("hello"));
    expect(JSON.parse((hello as { data: string }).data)).toMatchObject({ readOnly: true });
    const doc = new Y.Doc();
    addShapes(doc, [makeShape({ id: "viewer-write" })]);
    expect(
      (await viewer.send([{ kind: "binary", data: updateFrame(Y.encodeStateAsUpdate(doc)) }]))
        .status,
    ).toBe(204);
    const refusal = await pollUntil(viewer, isText("error"));
    expect(JSON.parse((refusal as { data: string }).data)).toMatchObject({ code: "READ_ONLY" });

    // The whole real client on the fallback, as a viewer, through the view party.
    const fbViewer = client(`127.0.0.1:${proxy.port}`, viewId, "view");
    await waitFor(
      () => fbViewer.getStatus().state === "connected" && getShapes(fbViewer.doc).has("seen"),
      {
        timeout: 40_000,
        message: "fallback viewer connected and synced",
      },
    );
    expect(fbViewer.getStatus()).toMatchObject({ readOnly: true, transport: "long-polling" });

    // From outside, the marker header is stripped: the connection is an ordinary editor's.
    const res = await fetch(
      `http://127.0.0.1:${proxy.port}/parties/main/${roomId}/open?control=1`,
      {
        method: "POST",
        headers: { "x-sketchroom-view-upstream": "1" },
      },
    );
    const { id, token } = (await res.json()) as { id: string; token: string };
    const outside = await fetch(
      `http://127.0.0.1:${proxy.port}/parties/main/${roomId}/poll?id=${encodeURIComponent(id)}&token=${token}`,
    );
    const frames = decodeBatch(new Uint8Array(await outside.arrayBuffer()));
    const outsideHello = frames.find(isText("hello")) as { data: string } | undefined;
    expect(JSON.parse(outsideHello!.data)).toMatchObject({ readOnly: false });

    const stored = await fetchSnapshot(server.url, roomId);
    expect(stored.map((s) => s.id)).toEqual(["seen"]);
    expect(getShapes(editor.doc).has("viewer-write")).toBe(false);
  });

  test("[TP5] once upgrades work again, a fallback client moves back to WebSocket and keeps syncing", async () => {
    const own = await startUpgradeRefusingProxy(server.port);
    try {
      const roomId = uniqueRoomId("upgrade");
      const a = client(`127.0.0.1:${own.port}`, roomId, "main", 1_000);
      const b = client(`127.0.0.1:${server.port}`, roomId);
      await waitFor(
        () => a.getStatus().state === "connected" && a.getStatus().transport !== "websocket",
        {
          timeout: 40_000,
          message: "A connected on the fallback",
        },
      );
      own.allowUpgrades();
      await waitFor(
        () => a.getStatus().state === "connected" && a.getStatus().transport === "websocket",
        { timeout: 30_000, message: "A back on WebSocket" },
      );
      addShapes(a.doc, [makeShape({ id: "after-upgrade", x: 5 })]);
      await waitFor(() => getShapes(b.doc).has("after-upgrade"), { message: "B gets A's edit" });
      await waitFor(() => a.getStatus().saved, { message: "A saved over WebSocket" });
    } finally {
      await own.close();
    }
  });

  test("[TP6] a viewer's SSE stream through the view party: closing it drops the room connection", async () => {
    const roomId = uniqueRoomId("ssevw");
    const editor = client(`127.0.0.1:${server.port}`, roomId);
    const viewId = await waitFor(() => editor.getStatus().viewId, {
      message: "the editor's view id",
    });
    const base = `http://127.0.0.1:${server.port}/parties/view/${viewId}`;
    const abort = new AbortController();
    aborts.push(abort);
    const res = await fetch(`${base}/sse?control=1`, { signal: abort.signal });
    expect(res.status).toBe(200);
    const stream = sseEvents(res.body!);
    const sessionEvent = await waitFor(
      async () => {
        const next = await stream.next();
        return !next.done && next.value.event === "session" ? next.value : null;
      },
      { message: "the viewer's session event" },
    );
    const session = JSON.parse(sessionEvent.data) as { id: string; token: string };
    const send = () =>
      fetch(`${base}/send?id=${encodeURIComponent(session.id)}&token=${session.token}`, {
        method: "POST",
        body: encodeBatch([{ kind: "text", data: JSON.stringify({ type: "ping", t: 1 }) }]),
      });
    expect((await send()).status).toBe(204);
    abort.abort();
    // The room forgets the connection: its send endpoint stops knowing the id.
    const gone = Date.now();
    await waitFor(async () => (await send()).status === 404, {
      timeout: 10_000,
      message: "the room to drop the viewer's connection",
    });
    expect(Date.now() - gone).toBeLessThan(10_000);
  });
});
