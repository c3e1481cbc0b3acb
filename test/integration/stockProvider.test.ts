/**
 * Stock y-partykit providers (YPartyKitProvider, unchanged) against a real `partykit dev`, used
 * exactly as their docs say: edits made between the provider's own `disconnect()` and
 * `connect()` must reach the room and every other replica. The provider reuses one connection
 * id (`_pk`) for every socket it opens, so the room must tell two sockets with one id apart.
 */
import { afterAll, afterEach, beforeAll, describe, expect, test } from "vitest";
import WebSocket from "ws";
import YPartyKitProvider from "y-partykit/provider";
import * as Y from "yjs";
import { getShapes, readShapes } from "../../src/shared/doc";
import { type DevServer, startDevServer } from "../helpers/devServer";
import {
  addShapes,
  deleteShape,
  fetchSnapshot,
  makeShape,
  storedFields,
  updateShape,
} from "../helpers/shapes";
import { waitFor, withTimeout } from "../helpers/wait";
import { connectPeer, type Peer, uniqueRoomId } from "../helpers/yclient";

let server: DevServer;
const providers: YPartyKitProvider[] = [];
const peers: Peer[] = [];

beforeAll(async () => {
  server = await startDevServer();
});

afterEach(async () => {
  for (const p of providers.splice(0)) p.destroy();
  for (const p of peers.splice(0)) await p.close();
});

afterAll(async () => {
  await server?.dispose();
});

function stockProvider(roomId: string): { doc: Y.Doc; provider: YPartyKitProvider } {
  const doc = new Y.Doc();
  const provider = new YPartyKitProvider(`127.0.0.1:${server.port}`, roomId, doc, {
    WebSocketPolyfill: WebSocket as unknown as typeof globalThis.WebSocket,
    disableBc: true,
  });
  providers.push(provider);
  return { doc, provider };
}

async function synced(provider: YPartyKitProvider, what: string): Promise<void> {
  await waitFor(() => provider.synced && provider.wsconnected, { message: `${what} synced` });
}

/** The stored fields of every shape, for comparing replicas. */
const fields = (doc: Y.Doc) => readShapes(doc).map(storedFields);

describe("two stock y-partykit providers", () => {
  test("edits made between disconnect() and connect() converge everywhere within 5 s", async () => {
    const room = uniqueRoomId("yp");
    const a = stockProvider(room);
    const b = stockProvider(room);
    await synced(a.provider, "a");
    await synced(b.provider, "b");

    const shape = makeShape({ type: "rect", x: 10, fill: "transparent" });
    addShapes(a.doc, [shape]);
    await waitFor(() => getShapes(b.doc).has(shape.id), { message: "b sees a's shape" });

    a.provider.disconnect();
    b.provider.disconnect();
    await waitFor(() => !a.provider.wsconnected && !b.provider.wsconnected, {
      message: "both providers disconnected",
    });
    updateShape(a.doc, shape.id, { x: 500 });
    updateShape(b.doc, shape.id, { fill: "#ff0000" });
    await a.provider.connect();
    await b.provider.connect();

    const want = (doc: Y.Doc) => {
      const s = readShapes(doc).find((x) => x.id === shape.id);
      return s?.x === 500 && s.fill === "#ff0000";
    };
    await waitFor(
      async () =>
        want(a.doc) &&
        want(b.doc) &&
        (await fetchSnapshot(server.url, room)).some(
          (s) => s.id === shape.id && s.x === 500 && s.fill === "#ff0000",
        ),
      { timeout: 15_000, message: "both property edits in both replicas and the room" },
    );
    expect(fields(a.doc)).toEqual(fields(b.doc));
  });

  test("a delete made offline wins over an offline edit of the same shape everywhere", async () => {
    const room = uniqueRoomId("yp");
    const a = stockProvider(room);
    const b = stockProvider(room);
    await synced(a.provider, "a");
    await synced(b.provider, "b");

    const shape = makeShape({ type: "ellipse" });
    const other = makeShape({ type: "sticky" });
    addShapes(a.doc, [shape, other]);
    await waitFor(() => getShapes(b.doc).has(shape.id) && getShapes(b.doc).has(other.id), {
      message: "b sees a's shapes",
    });

    a.provider.disconnect();
    b.provider.disconnect();
    await waitFor(() => !a.provider.wsconnected && !b.provider.wsconnected, {
      message: "both providers disconnected",
    });
    deleteShape(a.doc, shape.id);
    updateShape(b.doc, shape.id, { x: 999 });
    await a.provider.connect();
    await b.provider.connect();

    await waitFor(
      async () =>
        !getShapes(a.doc).has(shape.id) &&
        !getShapes(b.doc).has(shape.id) &&
        !(await fetchSnapshot(server.url, room)).some((s) => s.id === shape.id),
      { timeout: 15_000, message: "the delete wins in both replicas and the room" },
    );
    expect(fields(a.doc)).toEqual(fields(b.doc));
    expect(fields(a.doc).map((s) => s.id)).toEqual([other.id]);
  });

  test("a provider reconnecting before the room saw its old socket close keeps syncing", async () => {
    const room = uniqueRoomId("yp");
    const a = stockProvider(room);
    const b = stockProvider(room);
    await synced(a.provider, "a");
    await synced(b.provider, "b");
    // Back-to-back, as a user's script would call them: the new socket (same `_pk`) may reach
    // the room before the old one's close.
    for (let round = 0; round < 5; round++) {
      a.provider.disconnect();
      a.provider.connect();
      const s = makeShape({ type: "rect", x: round });
      addShapes(a.doc, [s]);
      await waitFor(() => getShapes(b.doc).has(s.id), {
        timeout: 15_000,
        message: `round ${round}: b sees a's shape`,
      });
      const t = makeShape({ type: "rect", x: round });
      addShapes(b.doc, [t]);
      await waitFor(() => getShapes(a.doc).has(t.id), {
        timeout: 15_000,
        message: `round ${round}: a sees b's shape`,
      });
    }
  });
});

describe("two sockets with one connection id", () => {
  test("closing the older socket leaves the newer one in the room", async () => {
    const room = uniqueRoomId("pk");
    const observer = await connectPeer(server.wsUrl, room);
    peers.push(observer);
    await withTimeout(observer.synced, 10_000, "observer synced");
    // partysocket and y-partykit keep one `_pk` for every socket they open: after a network
    // drop the new socket can reach the room while the old one is still open.
    const id = "same-connection-id";
    const older = await connectPeer(server.wsUrl, room, { connectionId: id });
    peers.push(older);
    await withTimeout(older.synced, 10_000, "older synced");
    const newer = await connectPeer(server.wsUrl, room, { connectionId: id, doc: older.doc });
    peers.push(newer);
    await withTimeout(newer.synced, 10_000, "newer synced");
    await older.close();

    const s = makeShape({ type: "rect" });
    addShapes(newer.doc, [s]);
    await observer.waitFor(() => getShapes(observer.doc).has(s.id), {
      timeout: 15_000,
      message: "the observer sees the newer socket's edit",
    });
    await newer.waitForSaved();
    const t = makeShape({ type: "ellipse" });
    addShapes(observer.doc, [t]);
    await newer.waitFor(() => getShapes(newer.doc).has(t.id), {
      timeout: 15_000,
      message: "the newer socket receives the observer's edit",
    });
  });
});
