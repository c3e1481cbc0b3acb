/**
 * Presence through a real `partykit dev` (issue 3): two clients see each other's cursor; a
 * client's presence is gone for the others within 5 s of its connection closing; the room sends
 * each receiver at most one presence frame per tick however many people move at once; past
 * PRESENCE_MAX_PEERS people a viewer holds that many and is told how many more there are
 * (issue 13, docs/scale.md).
 */
import * as decoding from "lib0/decoding";
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import * as awarenessProtocol from "y-protocols/awareness";
import * as Y from "yjs";
import {
  PRESENCE_MAX_PEERS,
  PRESENCE_TICK_MS,
  PRESENCE_VIEW_HEIGHT,
  PRESENCE_VIEW_WIDTH,
} from "../../src/shared/constants";
import { type DevServer, startDevServer } from "../helpers/devServer";
import { awarenessFrame } from "../helpers/frames";
import { openRawSocket, type RawSocket } from "../helpers/rawSocket";
import { waitFor } from "../helpers/wait";
import { connectPeer, type Peer, uniqueRoomId } from "../helpers/yclient";

let server: DevServer;
const open: Peer[] = [];

beforeAll(async () => {
  server = await startDevServer();
});

const rawOpen: RawSocket[] = [];

afterAll(async () => {
  await Promise.all(rawOpen.map((s) => s.close().catch(() => {})));
  for (const p of open) await p.close().catch(() => {});
  await server?.dispose();
});

async function peer(roomId: string, name: string): Promise<Peer> {
  const p = await connectPeer(server.wsUrl, roomId, {
    awareness: { user: { name, color: "#1971c2" }, cursor: null, selection: [] },
  });
  open.push(p);
  await p.synced;
  return p;
}

type Cursor = { x: number; y: number } | null;
const cursorOf = (p: Peer, clientId: number): Cursor | undefined =>
  (p.awareness.getStates().get(clientId) as { cursor?: Cursor } | undefined)?.cursor;

describe("presence", () => {
  test("two clients see each other's cursor", async () => {
    const room = uniqueRoomId("cursor");
    const a = await peer(room, "A");
    const b = await peer(room, "B");
    a.awareness.setLocalStateField("cursor", { x: 120, y: 80 });
    b.awareness.setLocalStateField("cursor", { x: -5, y: 42.5 });
    await b.waitFor(() => cursorOf(b, a.doc.clientID)?.x === 120, { message: "B sees A's cursor" });
    await a.waitFor(() => cursorOf(a, b.doc.clientID)?.y === 42.5, {
      message: "A sees B's cursor",
    });
    expect(cursorOf(b, a.doc.clientID)).toEqual({ x: 120, y: 80 });
  });

  test("a client's presence is gone within 5 s of its connection closing", async () => {
    const room = uniqueRoomId("leave");
    const a = await peer(room, "A");
    const b = await peer(room, "B");
    await b.waitFor(() => b.awareness.getStates().has(a.doc.clientID), { message: "B sees A" });
    // Close A's socket without a goodbye from its awareness (as a crashed tab would).
    const closedAt = Date.now();
    a.ws.terminate();
    await b.waitFor(() => !b.awareness.getStates().has(a.doc.clientID), {
      timeout: 5_000,
      message: "A's presence to disappear for B",
    });
    expect(Date.now() - closedAt).toBeLessThan(5_000);
  });

  test("each receiver gets at most one presence frame per tick while everyone moves", async () => {
    const room = uniqueRoomId("tick");
    const movers = await Promise.all(["m1", "m2", "m3", "m4", "m5"].map((n) => peer(room, n)));
    const watcher = await peer(room, "watcher");
    await watcher.waitFor(() => watcher.awareness.getStates().size === 6, {
      message: "all present",
    });
    const frames: number[] = [];
    watcher.ws.on("message", (data: ArrayBuffer, binary: boolean) => {
      if (binary && new Uint8Array(data)[0] === 1) frames.push(Date.now());
    });
    // 5 clients × 100 Hz for 1 s: 500 updates; a relay would send the watcher ~500 frames.
    const started = Date.now();
    for (let step = 0; step < 100; step++) {
      for (const [i, m] of movers.entries())
        m.awareness.setLocalStateField("cursor", { x: step, y: i });
      await new Promise((r) => setTimeout(r, 10));
    }
    const elapsed = Date.now() - started;
    await watcher.waitFor(() => movers.every((m) => cursorOf(watcher, m.doc.clientID)?.x === 99), {
      message: "the watcher sees every final position",
    });
    // One frame per tick at most (plus one for a tick straddling the start and one at the end).
    const maxFrames = Math.ceil(elapsed / PRESENCE_TICK_MS) + 2;
    expect(frames.length).toBeLessThanOrEqual(maxFrames);
    expect(frames.length).toBeGreaterThan(0);
  });

  test("[P8][P10] past PRESENCE_MAX_PEERS people, a viewer holds that many and is told how many more", async () => {
    const room = uniqueRoomId("crowd");
    const n = PRESENCE_MAX_PEERS + 5;
    const viewer = await openRawSocket(`${server.wsUrl}/${room}?mode=view&control=1`);
    rawOpen.push(viewer);
    const editors: RawSocket[] = [];
    for (let i = 0; i < n; i++) {
      const s = await openRawSocket(`${server.wsUrl}/${room}`);
      rawOpen.push(s);
      editors.push(s);
      const state = {
        user: { name: `e${i}`, color: "#1971c2" },
        cursor: { x: PRESENCE_VIEW_WIDTH / 2 + i * 100, y: PRESENCE_VIEW_HEIGHT / 2 },
      };
      s.send(awarenessFrame(10_000 + i, 1, state));
    }
    // What a stock Yjs client makes of the viewer's awareness frames.
    const held = new awarenessProtocol.Awareness(new Y.Doc());
    let applied = 0;
    const apply = () => {
      for (; applied < viewer.binaries.length; applied++) {
        const frame = viewer.binaries[applied]!;
        const d = decoding.createDecoder(frame);
        if (decoding.readVarUint(d) !== 1) continue;
        awarenessProtocol.applyAwarenessUpdate(held, decoding.readVarUint8Array(d), "room");
      }
      return held.getStates().size - 1;
    };
    const counts = () => viewer.controls().filter((m) => m.type === "presence-count");
    await waitFor(() => counts().some((m) => m.total === n), {
      message: `a presence-count with total ${n}`,
    });
    expect(counts().at(-1)).toEqual({
      type: "presence-count",
      total: n,
      shown: PRESENCE_MAX_PEERS,
    });
    await waitFor(() => apply() === PRESENCE_MAX_PEERS, { message: "the viewer holds the bound" });
    // Cursors in a row from the default view's centre: the nearest are held, the farthest not.
    expect(held.getStates().has(10_000)).toBe(true);
    expect(held.getStates().has(10_000 + n - 1)).toBe(false);
    expect(editors.every((s) => s.closeEvent === null)).toBe(true);
  });
});
