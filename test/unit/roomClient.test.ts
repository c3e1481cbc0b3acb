/**
 * createRoomClient wired to an in-memory RoomServer through fake sockets.
 *
 *  [RC1] Two clients converge through the room, both ways.
 *  [RC2] Data-saved: after a local edit `saved` is false until a `saved` message from the room
 *        covers it, then true; this holds for every kind of edit, deletions included.
 *  [RC3] Awareness is not sent while disconnected; the local state is announced on reconnect.
 *  [RC4] Edits made while disconnected reach the room on reconnect (the handshake carries them).
 *  [RC5] hello's readOnly reaches the status; room errors reach notice listeners.
 *  [RC7] A view link's client is read-only from construction, before any frame (its board can
 *        show from IndexedDB while it connects), and a hello cannot make it writable.
 *  [RC6] A sync frame over the message cap (a big import, a long offline spell) goes out in
 *        chunks under the cap, the room reassembles it, and it is relayed and saved.
 *  [RC7] Presence timeout: a peer whose presence has been silent for PRESENCE_TIMEOUT_MS is
 *        dropped by receivers even though its socket never closed; a peer that keeps renewing
 *        stays.
 *  [RC8] The room's presence-count reaches awareness listeners as the number not shown
 *        ("+K more", docs/scale.md), back to 0 when the client sees everyone again.
 */
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import * as Y from "yjs";
import { RoomServer } from "../../party/room";
import { ChunkedSnapshotStore, MemoryStorage } from "../../party/storage";
import { createRoomClient } from "../../src/net/roomClient";
import type { RoomClient, RoomNotice } from "../../src/net/types";
import {
  MAX_MESSAGE_BYTES,
  MAX_TEXT_LENGTH,
  PRESENCE_COUNT_INTERVAL_MS,
  PRESENCE_MAX_PEERS,
  PRESENCE_RENEW_MS,
  PRESENCE_TIMEOUT_MS,
  SAVE_MAX_WAIT_MS,
} from "../../src/shared/constants";
import { getShapes, readShapes, shapeToYMap } from "../../src/shared/doc";
import { MessageType } from "../../src/shared/protocol";
import { awarenessFrame } from "../helpers/frames";
import { FakeConn, FakeScheduler, settle, validShape, writeRawShape } from "./support/fakes";
import { linkToRoom, type RoomLink } from "./support/roomLink";

let scheduler: FakeScheduler;
let storage: MemoryStorage;
let room: RoomServer;
let link: RoomLink;
let clients: RoomClient[];

beforeEach(() => {
  // Only the timers the client uses; setImmediate stays real so async storage can settle.
  vi.useFakeTimers({
    toFake: ["setTimeout", "clearTimeout", "setInterval", "clearInterval", "Date"],
  });
  scheduler = new FakeScheduler();
  storage = new MemoryStorage();
  room = new RoomServer({ store: new ChunkedSnapshotStore(storage), scheduler });
  link = linkToRoom(room);
  clients = [];
});

afterEach(() => {
  for (const c of clients) c.destroy();
  room.destroy();
  vi.useRealTimers();
});

function client(): RoomClient {
  const c = createRoomClient("room1", {
    host: "127.0.0.1:1",
    persistLocally: false,
    guardUnload: false,
    WebSocket: link.WebSocket,
  });
  clients.push(c);
  return c;
}

/** Lets sockets open and every queued frame flow until the network is quiet. */
async function drain(): Promise<void> {
  for (let i = 0; i < 10; i++) {
    await vi.advanceTimersByTimeAsync(1);
    if (link.pump() === 0) break;
  }
}

/** Lets `ms` of client time pass with the network live (heartbeats answered, retries made). */
async function elapse(ms: number): Promise<void> {
  for (let t = 0; t < ms; t += 250) {
    await vi.advanceTimersByTimeAsync(250);
    link.pump();
  }
  await drain();
}

/** Lets the room's debounced save run and its `saved` message arrive. */
async function saveAndDrain(): Promise<void> {
  scheduler.advance(SAVE_MAX_WAIT_MS);
  await settle();
  await drain();
}

const ids = (c: RoomClient) => readShapes(c.doc).map((s) => s.id);

describe("RoomClient against an in-memory room", () => {
  it("[RC1] two clients converge both ways", async () => {
    const a = client();
    const b = client();
    await drain();
    expect(a.getStatus().state).toBe("connected");
    expect(b.getStatus().state).toBe("connected");
    getShapes(a.doc).set("r1", shapeToYMap(validShape("rect", "r1")));
    await drain();
    expect(ids(b)).toEqual(["r1"]);
    getShapes(b.doc).get("r1")!.set("x", 99);
    getShapes(b.doc).set("e1", shapeToYMap(validShape("ellipse", "e1", { z: "a1" })));
    await drain();
    expect(readShapes(a.doc)).toEqual(readShapes(b.doc));
    expect(readShapes(room.doc)).toEqual(readShapes(a.doc));
    expect(readShapes(a.doc)[0]!.x).toBe(99);
  });

  it("[RC2] saved is false after a local edit until the room's saved message covers it", async () => {
    const a = client();
    await drain();
    expect(a.getStatus().saved).toBe(true);
    getShapes(a.doc).set("r1", shapeToYMap(validShape("rect", "r1")));
    expect(a.getStatus().saved).toBe(false);
    await drain();
    // The room has the edit, but it is not durable yet.
    expect(storage.puts).toBe(0);
    expect(a.getStatus().saved).toBe(false);
    await saveAndDrain();
    expect(storage.puts).toBe(1);
    expect(a.getStatus().saved).toBe(true);
  });

  it("[RC2] a remote edit never makes the receiver unsaved", async () => {
    const a = client();
    const b = client();
    await drain();
    getShapes(a.doc).set("r1", shapeToYMap(validShape("rect", "r1")));
    await drain();
    expect(b.getStatus().saved).toBe(true);
  });

  it("[RC2] deleting a shape (a delete-only update) is unsaved until the room has saved it", async () => {
    const a = client();
    await drain();
    getShapes(a.doc).set("r1", shapeToYMap(validShape("rect", "r1")));
    await drain();
    await saveAndDrain();
    expect(a.getStatus().saved).toBe(true);
    getShapes(a.doc).delete("r1");
    expect(a.getStatus().saved).toBe(false);
    await drain();
    expect(a.getStatus().saved).toBe(false);
    await saveAndDrain();
    expect(a.getStatus().saved).toBe(true);
    const restored = new RoomServer({ store: new ChunkedSnapshotStore(storage), scheduler });
    await restored.load();
    expect(readShapes(restored.doc)).toEqual([]);
  });

  it("[RC3] awareness is not sent while disconnected, and is announced on reconnect", async () => {
    const a = client();
    const b = client();
    await drain();
    const socketA = link.sockets[0]!;
    // The network drops A.
    socketA.drop(1006);
    room.disconnect(link.connOf(socketA));
    expect(a.getStatus().state).toBe("reconnecting");
    const sentBefore = socketA.sent.length;
    link.accepting = false;
    a.awareness.setLocalState({ user: { name: "A", color: "#ff0000" }, cursor: { x: 1, y: 2 } });
    a.awareness.setLocalStateField("cursor", { x: 3, y: 4 });
    await drain();
    expect(socketA.sent.length).toBe(sentBefore);
    expect(room.presence.clientIdOf(link.connOf(socketA).id)).toBeUndefined();
    scheduler.advance(100);
    await drain();
    expect(b.awareness.getStates().get(a.doc.clientID)).toBeUndefined();
    // Back online: the current state (not the history) is announced.
    link.accepting = true;
    await elapse(20_000);
    expect(a.getStatus().state).toBe("connected");
    expect(b.getStatus().state).toBe("connected");
    expect(link.sockets).toHaveLength(3);
    const socketA2 = link.latest()!;
    expect(room.presence.clientIdOf(link.connOf(socketA2).id)).toBe(a.doc.clientID);
    scheduler.advance(100);
    await drain();
    expect(b.awareness.getStates().get(a.doc.clientID)).toMatchObject({ cursor: { x: 3, y: 4 } });
  });

  it("[RC4] edits made while disconnected reach the room and the other client on reconnect", async () => {
    const a = client();
    const b = client();
    await drain();
    const socketA = link.sockets[0]!;
    socketA.drop(1006);
    room.disconnect(link.connOf(socketA));
    link.accepting = false;
    getShapes(a.doc).set("offline1", shapeToYMap(validShape("sticky", "offline1")));
    await drain();
    expect(ids(b)).toEqual([]);
    expect(a.getStatus().saved).toBe(false);
    link.accepting = true;
    await elapse(20_000);
    expect(ids(b)).toEqual(["offline1"]);
    await saveAndDrain();
    expect(a.getStatus().saved).toBe(true);
  });

  it("[RC5] room errors reach notice listeners and the repair reaches the author", async () => {
    const a = client();
    await drain();
    const notices: RoomNotice[] = [];
    a.onNotice((n) => notices.push(n));
    writeRawShape(a.doc, "bad", { type: "rect", x: Number.NaN });
    await drain();
    expect(notices.map((n) => n.code)).toEqual(["INVALID_SHAPE"]);
    expect(getShapes(a.doc).get("bad")!.get("x")).toBe(0);
    expect(Y.encodeStateVector(a.doc)).toEqual(Y.encodeStateVector(room.doc));
  });

  it("[RC7] a view link is read-only before the room says anything, and stays read-only", async () => {
    const viewer = createRoomClient("view1", {
      host: "127.0.0.1:1",
      persistLocally: false,
      guardUnload: false,
      WebSocket: link.WebSocket,
      party: "view",
    });
    clients.push(viewer);
    const editor = client();
    expect(viewer.getStatus()).toMatchObject({ state: "connecting", readOnly: true });
    expect(editor.getStatus().readOnly).toBe(false);
    // This in-memory room treats every socket as an editor: its hello says readOnly false.
    await drain();
    expect(viewer.getStatus()).toMatchObject({ state: "connected", readOnly: true });
    expect(editor.getStatus()).toMatchObject({ state: "connected", readOnly: false });
  });

  it("[RC6] frames over the message cap go out in chunks and arrive whole, online and after an offline spell", async () => {
    /** `count` sticky notes of the longest text allowed: about 20 KB each. */
    const bigEdit = (c: RoomClient, prefix: string, count: number) =>
      c.doc.transact(() => {
        for (let i = 0; i < count; i++) {
          const text = `${prefix}${i} `.repeat(MAX_TEXT_LENGTH).slice(0, MAX_TEXT_LENGTH);
          getShapes(c.doc).set(
            `${prefix}${i}`,
            shapeToYMap(validShape("sticky", `${prefix}${i}`, { text })),
          );
        }
      });
    const a = client();
    const b = client();
    await drain();
    // Online: one update of about 1.6 MB.
    bigEdit(a, "on", 80);
    await drain();
    expect(ids(b).filter((id) => id.startsWith("on"))).toHaveLength(80);
    // Offline: the handshake's step 2 carries about 2.4 MB.
    const socketA = link.sockets[0]!;
    socketA.drop(1006);
    room.disconnect(link.connOf(socketA));
    link.accepting = false;
    bigEdit(a, "off", 120);
    link.accepting = true;
    await elapse(20_000);
    expect(a.getStatus().state).toBe("connected");
    expect(ids(b).filter((id) => id.startsWith("off"))).toHaveLength(120);
    expect(readShapes(b.doc)).toEqual(readShapes(a.doc));
    await saveAndDrain();
    expect(a.getStatus().saved).toBe(true);
    // Every frame A sent was under the cap, and chunks were used on both sockets.
    const aSockets = link.sockets.filter((s) => s === socketA || s === link.latest());
    for (const s of aSockets) {
      const binary = s.sent.filter((f): f is Uint8Array => typeof f !== "string");
      expect(Math.max(...binary.map((f) => f.byteLength))).toBeLessThanOrEqual(MAX_MESSAGE_BYTES);
      expect(binary.filter((f) => f[0] === MessageType.Chunk).length).toBeGreaterThanOrEqual(3);
    }
  });

  it("[RC7] a peer silent for PRESENCE_TIMEOUT_MS is dropped; a peer that keeps talking is kept", async () => {
    const a = client();
    const b = client();
    await drain();
    // A laptop that drops off the network: it said hello once and then nothing, and its socket
    // never closes, so the room never announces that it left. Only A's own timer can drop it.
    const silent = new link.WebSocket("ws://127.0.0.1:1/parties/main/room1") as unknown as {
      send(frame: Uint8Array): void;
      readyState: number;
    };
    await drain();
    const SILENT_ID = 424_242;
    silent.send(awarenessFrame(SILENT_ID, 1, { user: { name: "Gone", color: "#123456" } }));
    b.awareness.setLocalState({ user: { name: "B", color: "#00ff00" }, cursor: { x: 1, y: 1 } });

    /** `ms` of time for the clients and the room alike (the room relays presence on a tick). */
    const live = async (ms: number) => {
      for (let t = 0; t < ms; t += 100) {
        await vi.advanceTimersByTimeAsync(100);
        scheduler.advance(100);
        link.pump();
      }
      await drain();
    };
    await live(200);
    const seen = () => [...a.awareness.getStates().keys()];
    expect(seen()).toEqual(expect.arrayContaining([SILENT_ID, b.doc.clientID]));

    // Not dropped early: a peer one renewal late is still there.
    await live(PRESENCE_TIMEOUT_MS - 500);
    expect(seen()).toContain(SILENT_ID);
    // Dropped within one check (every PRESENCE_RENEW_MS) of the timeout.
    await live(500 + PRESENCE_RENEW_MS);
    expect(seen()).not.toContain(SILENT_ID);
    expect(silent.readyState).toBe(1);
    // B renewed its presence all along (no cursor moves needed) and is kept, well past the timeout.
    await live(2 * PRESENCE_TIMEOUT_MS);
    expect(seen()).toContain(b.doc.clientID);
    expect(a.awareness.getStates().get(b.doc.clientID)).toMatchObject({ user: { name: "B" } });
  });

  it("[RC8] presence-count reaches awareness listeners as the number not shown, back to 0 when everyone is shown", async () => {
    const crowd = Array.from({ length: PRESENCE_MAX_PEERS + 5 }, (_, i) => new FakeConn(`p${i}`));
    for (const [i, conn] of crowd.entries()) {
      room.connect(conn);
      const state = { user: { name: `p${i}`, color: "#123456" }, cursor: { x: i, y: 0 } };
      room.message(conn, awarenessFrame(500 + i, 1, state));
    }
    const c = client();
    const heard: number[] = [];
    c.awareness.on("presence-count", (n: number) => heard.push(n));
    await drain();
    scheduler.advance(PRESENCE_COUNT_INTERVAL_MS);
    await drain();
    expect(heard.at(-1)).toBe(5);
    expect(c.awareness.getStates().size - 1).toBe(PRESENCE_MAX_PEERS);
    // Everyone else leaves but the first ten: the client sees everyone again.
    for (const conn of crowd.slice(10)) room.disconnect(conn);
    scheduler.advance(PRESENCE_COUNT_INTERVAL_MS * 2);
    await drain();
    expect(heard.at(-1)).toBe(0);
  });
});
