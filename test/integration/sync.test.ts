/**
 * Sync against a real `partykit dev`: our peers, a stock y-websocket client, the HTTP snapshot,
 * and isolation between rooms. No socket is mocked.
 */

import { afterAll, afterEach, beforeAll, describe, expect, test } from "vitest";
import WebSocket from "ws";
import { WebsocketProvider } from "y-websocket";
import * as Y from "yjs";
import { getShapes, readShapes, shapeToYMap } from "../../src/shared/doc";
import { type DevServer, startDevServer } from "../helpers/devServer";
import { connectNodeClient, isConnected } from "../helpers/resilience";
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
const cleanups: (() => unknown)[] = [];

async function peer(roomId: string): Promise<Peer> {
  const p = await connectPeer(server.wsUrl, roomId);
  cleanups.push(() => p.close());
  await withTimeout(p.synced, 10_000, `initial sync with room ${roomId}`);
  return p;
}

beforeAll(async () => {
  server = await startDevServer();
});

afterEach(async () => {
  for (const fn of cleanups.splice(0).reverse()) await fn();
});

afterAll(async () => {
  await server?.dispose();
});

describe("two peers in one room", () => {
  test("converge on shape creation, updates and deletes", async () => {
    const room = uniqueRoomId();
    const a = await peer(room);
    const b = await peer(room);

    const rect = makeShape({ type: "rect", x: 10, y: 20, width: 30, height: 40 });
    const pen = makeShape({ type: "pen", points: [0, 0, 5, 5, 10, 0] });
    const note = makeShape({ type: "sticky", text: "hello from a" });
    addShapes(a.doc, [rect, pen, note]);

    await b.waitFor(() => b.shapes().length === 3, { message: "b sees a's three shapes" });
    expect(b.shapes().map(storedFields)).toEqual(a.shapes().map(storedFields));

    updateShape(b.doc, rect.id, { x: 111, fill: "#ff0000" });
    await a.waitFor(() => a.shapes().find((s) => s.id === rect.id)?.x === 111, {
      message: "a sees b's move",
    });
    expect(a.shapes().find((s) => s.id === rect.id)?.fill).toBe("#ff0000");

    const text = getShapes(a.doc).get(note.id)?.get("text");
    expect(text).toBeInstanceOf(Y.Text);
    (text as Y.Text).insert(0, ">> ");
    await b.waitFor(() => b.shapes().find((s) => s.id === note.id)?.text === ">> hello from a");

    deleteShape(b.doc, pen.id);
    await a.waitFor(() => !a.shapes().some((s) => s.id === pen.id), {
      message: "a sees b's delete",
    });
    expect(a.shapes().map(storedFields)).toEqual(b.shapes().map(storedFields));
    expect(a.protocolErrors).toEqual([]);
    expect(b.protocolErrors).toEqual([]);
  });

  test("concurrent edits to different properties of one shape both survive", async () => {
    const room = uniqueRoomId();
    const a = await peer(room);
    const b = await peer(room);
    const rect = makeShape({ type: "rect", x: 0, fill: "transparent" });
    addShapes(a.doc, [rect]);
    await b.waitFor(() => b.shapes().length === 1);

    // Neither has seen the other's edit when making its own.
    updateShape(a.doc, rect.id, { x: 500 });
    updateShape(b.doc, rect.id, { fill: "#00ff00" });
    const both = (p: Peer) => {
      const s = p.shapes().find((x) => x.id === rect.id);
      return s?.x === 500 && s.fill === "#00ff00";
    };
    await a.waitFor(() => both(a), { message: "a has both edits" });
    await b.waitFor(() => both(b), { message: "b has both edits" });
  });

  test("a late joiner receives the whole document", async () => {
    const room = uniqueRoomId();
    const a = await peer(room);
    addShapes(
      a.doc,
      Array.from({ length: 50 }, (_, i) => makeShape({ x: i })),
    );
    await a.waitForSaved();
    const late = await peer(room);
    expect(late.shapes().map(storedFields)).toEqual(a.shapes().map(storedFields));
  });
});

describe("a stock y-websocket client", () => {
  test("joins unchanged and converges with our peer both ways, presence included", async () => {
    const room = uniqueRoomId();
    const ours = await peer(room);
    ours.awareness.setLocalState({
      user: { name: "ours", color: "#123456" },
      cursor: { x: 1, y: 2 },
      selection: [],
    });

    // y-websocket calls onmessage for every frame; an exception there would escape as an
    // unhandled error, so record it and fail with a readable message instead.
    const stockErrors: string[] = [];
    class GuardedWebSocket extends WebSocket {
      constructor(address: string | URL, protocols?: string | string[]) {
        super(address, protocols);
        const base = Object.getOwnPropertyDescriptor(WebSocket.prototype, "onmessage")!;
        Object.defineProperty(this, "onmessage", {
          configurable: true,
          get: () => base.get!.call(this),
          set: (fn: ((ev: WebSocket.MessageEvent) => void) | null) =>
            base.set!.call(
              this,
              fn &&
                ((ev: WebSocket.MessageEvent) => {
                  try {
                    fn.call(this, ev);
                  } catch (err) {
                    const kind =
                      typeof ev.data === "string" ? `text ${ev.data.slice(0, 80)}` : "binary";
                    stockErrors.push(`${(err as Error).message} (on a ${kind} frame)`);
                  }
                }),
            ),
        });
      }
    }

    const stockDoc = new Y.Doc();
    const provider = new WebsocketProvider(server.wsUrl, room, stockDoc, {
      WebSocketPolyfill: GuardedWebSocket as unknown as typeof globalThis.WebSocket,
      disableBc: true,
    });
    cleanups.push(() => provider.destroy());
    provider.awareness.setLocalStateField("user", { name: "stock", color: "#654321" });
    // A close by the room (4000–4999) is a failure too: y-websocket would just reconnect.
    provider.on("connection-close", (event) => {
      if (event && event.code >= 4000) {
        stockErrors.push(`the room closed the stock client: ${event.code} ${event.reason}`);
      }
    });

    // Every wait also ends early on a handler error, so the error is what gets reported.
    const failed = () => stockErrors.length > 0;
    const noErrors = () =>
      expect(stockErrors, "y-websocket failed to handle frames from the room").toEqual([]);

    await waitFor(() => failed() || provider.synced, { message: "y-websocket provider synced" });
    noErrors();

    const fromOurs = makeShape({ type: "ellipse", x: 7 });
    addShapes(ours.doc, [fromOurs]);
    await waitFor(() => failed() || readShapes(stockDoc).some((s) => s.id === fromOurs.id), {
      message: "stock client sees our shape",
    });
    noErrors();

    const fromStock = makeShape({ type: "line", points: [0, 0, 10, 10] });
    addShapes(stockDoc, [fromStock]);
    await ours.waitFor(() => ours.shapes().some((s) => s.id === fromStock.id), {
      message: "our peer sees the stock client's shape",
    });
    expect(readShapes(stockDoc).map(storedFields)).toEqual(ours.shapes().map(storedFields));

    const names = (states: Map<number, Record<string, unknown>>) =>
      [...states.values()].map((s) => (s.user as { name?: string } | undefined)?.name);
    await ours.waitFor(() => names(ours.awareness.getStates()).includes("stock"), {
      message: "our peer sees the stock client's presence",
    });
    await waitFor(() => failed() || names(provider.awareness.getStates()).includes("ours"), {
      message: "stock client sees our presence",
    });
    noErrors();
  });
});

describe("HTTP snapshot", () => {
  test("returns every shape in paint order (z, then id) with its fields", async () => {
    const room = uniqueRoomId();
    const a = await peer(room);
    const shapes = [
      makeShape({ id: "top", type: "rect", z: "a3", x: 1, y: 2, width: 3, height: 4 }),
      makeShape({ id: "bottom", type: "ellipse", z: "a0", fill: "#abcdef" }),
      makeShape({ id: "mid-b", type: "arrow", z: "a1", points: [0, 0, 30, 40] }),
      makeShape({ id: "mid-a", type: "text", z: "a1", text: "tie broken by id" }),
      makeShape({ id: "note", type: "sticky", z: "a2", text: "sticky", rotation: 45 }),
      makeShape({ id: "scribble", type: "pen", z: "Zz", points: [1, 2, 3, 4, 5, 6] }),
    ];
    addShapes(a.doc, shapes);
    await a.waitForSaved();

    const expected = ["scribble", "bottom", "mid-a", "mid-b", "note", "top"];
    const snapshot = await waitFor(
      async () => {
        const s = await fetchSnapshot(server.url, room);
        return s.length === shapes.length ? s : null;
      },
      { message: "snapshot holds every shape" },
    );
    expect(snapshot.map((s) => s.id)).toEqual(expected);
    const byId = new Map(shapes.map((s) => [s.id, s]));
    for (const s of snapshot) {
      expect(s).toMatchObject(storedFields(byId.get(s.id)!));
    }
  });

  test("answers an empty room with no shapes", async () => {
    expect(await fetchSnapshot(server.url, uniqueRoomId("empty"))).toEqual([]);
  });
});

describe("rooms", () => {
  test("never see each other's data, over the socket or over HTTP", async () => {
    const roomA = uniqueRoomId("a");
    const roomB = uniqueRoomId("b");
    const a1 = await peer(roomA);
    const a2 = await peer(roomA);
    const b = await peer(roomB);

    addShapes(a1.doc, [makeShape({ id: "only-in-a" })]);
    addShapes(b.doc, [makeShape({ id: "only-in-b" })]);
    // Once a2 has a1's shape and both writes are durable, any leak would have happened.
    await a2.waitFor(() => a2.shapes().some((s) => s.id === "only-in-a"));
    await a1.waitForSaved();
    await b.waitForSaved();

    expect(a1.shapes().map((s) => s.id)).toEqual(["only-in-a"]);
    expect(a2.shapes().map((s) => s.id)).toEqual(["only-in-a"]);
    expect(b.shapes().map((s) => s.id)).toEqual(["only-in-b"]);
    expect((await fetchSnapshot(server.url, roomA)).map((s) => s.id)).toEqual(["only-in-a"]);
    expect((await fetchSnapshot(server.url, roomB)).map((s) => s.id)).toEqual(["only-in-b"]);

    // A late joiner of room B gets B only.
    const b2 = await peer(roomB);
    expect(b2.shapes().map((s) => s.id)).toEqual(["only-in-b"]);
  });
});

describe("control messages", () => {
  test("hello comes first, ping gets its pong, saved covers the peer's edits", async () => {
    const room = uniqueRoomId();
    const a = await peer(room);
    await a.waitFor(() => a.controls.length > 0, { message: "a first control message" });
    expect(a.controls[0]).toMatchObject({ type: "hello", protocol: expect.any(Number) });

    a.sendControl({ type: "ping", t: 12345 });
    await a.waitFor(() => a.controls.some((m) => m.type === "pong" && m.t === 12345), {
      message: "pong for ping t=12345",
    });

    addShapes(a.doc, [makeShape()]);
    expect(a.isSaved()).toBe(false);
    await a.waitForSaved();
    expect(a.protocolErrors).toEqual([]);
  });
});

describe("room ids", () => {
  test.each([
    ["a dot", "bad.id"],
    ["129 characters", "x".repeat(129)],
    ["a percent-encoded slash", "a%2Fb"],
  ])("an id with %s is refused over HTTP and the socket", async (_, id) => {
    const res = await fetch(`${server.url}/parties/main/${id}`);
    await res.arrayBuffer();
    expect(res.status).toBeGreaterThanOrEqual(400);
    expect(res.status).toBeLessThan(500);
    await expect(connectPeer(server.wsUrl, id)).rejects.toThrow();
  });
});

describe("frames over the message cap", () => {
  test("the real client sends a 2.4 MB edit in chunks; the room reassembles, relays and saves it", async () => {
    const room = uniqueRoomId("chunks");
    const b = await peer(room);
    const a = connectNodeClient(`127.0.0.1:${server.port}`, room);
    try {
      await waitFor(() => isConnected(a), { message: "the client to connect" });
      const ids: string[] = [];
      a.client.doc.transact(() => {
        for (let i = 0; i < 120; i++) {
          const shape = makeShape({
            type: "sticky",
            text: `${i} `.repeat(10_000).slice(0, 20_000),
          });
          ids.push(shape.id);
          getShapes(a.client.doc).set(shape.id, shapeToYMap(shape));
        }
      });
      await b.waitFor(() => b.shapes().length === 120, {
        timeout: 20_000,
        message: "all 120 notes at the other peer",
      });
      await waitFor(() => a.client.getStatus().saved, {
        timeout: 20_000,
        message: "the client's edit acknowledged as saved",
      });
      expect(a.client.getStatus().state).toBe("connected");
      expect((await fetchSnapshot(server.url, room)).map((s) => s.id).sort()).toEqual(ids.sort());
    } finally {
      a.client.destroy();
    }
  });
});
