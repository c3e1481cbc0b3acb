/**
 * Durability against a real `partykit dev`: edits the room has acknowledged ("saved") and that
 * are older than a second survive a SIGKILL of the whole server and a restart on the same
 * storage directory, as seen by a fresh peer and by the HTTP snapshot.
 */

import { afterAll, afterEach, beforeAll, describe, expect, test } from "vitest";
import * as Y from "yjs";
import { getShapes } from "../../src/shared/doc";
import type { Shape } from "../../src/shared/schema";
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

/** ms. The contract: an edit acknowledged and older than this survives a crash. */
const DURABLE_AFTER_MS = 1_000;

let server: DevServer;
const open: Peer[] = [];

async function peer(roomId: string): Promise<Peer> {
  const p = await connectPeer(server.wsUrl, roomId);
  open.push(p);
  await withTimeout(p.synced, 30_000, `initial sync with room ${roomId}`);
  return p;
}

/**
 * Waits until the room reports everything in `p` as saved, and until the last edit is at least
 * DURABLE_AFTER_MS old (this second is part of the contract being tested, not a guess).
 */
async function settle(p: Peer, lastEditAt: number): Promise<void> {
  await p.waitForSaved({ timeout: 10_000 });
  await waitFor(() => Date.now() - lastEditAt >= DURABLE_AFTER_MS, {
    timeout: DURABLE_AFTER_MS + 1_000,
    message: "the last edit to be a second old",
  });
}

async function closeAll(): Promise<void> {
  for (const p of open.splice(0)) await p.close();
}

/** What a fresh peer and the HTTP snapshot see after a restart must equal `expected`. */
async function expectRoomHolds(roomId: string, expected: Shape[]): Promise<void> {
  const want = expected.map(storedFields);
  const fresh = await peer(roomId);
  expect(fresh.shapes().map(storedFields)).toEqual(want);
  const snapshot = await fetchSnapshot(server.url, roomId);
  expect(snapshot.map(storedFields)).toEqual(want);
}

beforeAll(async () => {
  server = await startDevServer();
});

afterEach(closeAll);

afterAll(async () => {
  await closeAll();
  await server?.dispose();
});

describe("persistence", () => {
  test("every acknowledged edit survives a SIGKILL and restart", async () => {
    const room = uniqueRoomId("persist");
    const a = await peer(room);
    const rect = makeShape({ type: "rect", x: 1 });
    const gone = makeShape({ type: "ellipse" });
    const note = makeShape({ type: "sticky", text: "before" });
    const line = makeShape({ type: "line", points: [0, 0, 1, 1] });
    addShapes(a.doc, [rect, gone, note, line]);
    updateShape(a.doc, rect.id, { x: 42, y: -7, rotation: 30, z: "a5" });
    deleteShape(a.doc, gone.id);
    const text = getShapes(a.doc).get(note.id)!.get("text") as Y.Text;
    text.insert(text.length, " and after");
    updateShape(a.doc, line.id, { points: [0, 0, 100, 50, 200, 0] });
    const expected = a.shapes();
    expect(expected.map((s) => s.id).sort()).toEqual([rect.id, note.id, line.id].sort());
    await settle(a, Date.now());

    await closeAll();
    await server.kill();
    await server.restart();
    await expectRoomHolds(room, expected);
  });

  test("edits survive a SIGKILL while clients are still connected", async () => {
    const room = uniqueRoomId("persist");
    const a = await peer(room);
    const b = await peer(room);
    addShapes(a.doc, [makeShape({ id: "from-a" })]);
    addShapes(b.doc, [makeShape({ id: "from-b", type: "pen", points: [0, 0, 3, 4] })]);
    await a.waitFor(() => a.shapes().length === 2);
    await b.waitFor(() => b.shapes().length === 2);
    const expected = a.shapes();
    const now = Date.now();
    await settle(a, now);
    await settle(b, now);

    await server.kill();
    await waitFor(() => a.closeEvent !== null && b.closeEvent !== null, {
      message: "clients notice the crash",
    });
    await closeAll();
    await server.restart();
    await expectRoomHolds(room, expected);
  });

  test("survives two consecutive restarts", async () => {
    const room = uniqueRoomId("persist");
    const first = [makeShape({ id: "one" }), makeShape({ id: "two", type: "text", text: "2" })];
    let a = await peer(room);
    addShapes(a.doc, first);
    await settle(a, Date.now());
    await closeAll();
    await server.kill();
    await server.restart();

    a = await peer(room);
    expect(a.shapes().map((s) => s.id)).toEqual(["one", "two"]);
    addShapes(a.doc, [makeShape({ id: "three", z: "a9" })]);
    updateShape(a.doc, "one", { x: 999 });
    deleteShape(a.doc, "two");
    const expected = a.shapes();
    await settle(a, Date.now());
    await closeAll();
    // The second restart is a graceful stop, the first a crash: both must keep everything.
    await server.stop();
    await server.restart();
    await expectRoomHolds(room, expected);
    expect(expected.map((s) => [s.id, s.x])).toEqual([
      ["one", expect.any(Number)],
      ["three", expect.any(Number)],
    ]);
    expect(expected.find((s) => s.id === "one")?.x).toBe(999);
  });

  test("a document far larger than one 128 KiB storage value survives a restart", async () => {
    const room = uniqueRoomId("large");
    const a = await peer(room);
    const COUNT = 3000;
    // Deterministic, incompressible-looking text: ~300 chars each, ~1 MB in all.
    let seed = 12345;
    const rand = () => {
      seed = (seed * 1103515245 + 12345) % 2 ** 31;
      return seed;
    };
    const alphabet = "abcdefghijklmnopqrstuvwxyz ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789";
    const longText = () =>
      Array.from({ length: 300 }, () => alphabet[rand() % alphabet.length]).join("");
    const shapes = Array.from({ length: COUNT }, (_, i) =>
      makeShape({ id: `big-${i}`, type: "sticky", x: i, y: 2 * i, text: longText() }),
    );
    // Batches keep each update well under the 1 MB message cap.
    for (let i = 0; i < COUNT; i += 250) addShapes(a.doc, shapes.slice(i, i + 250));
    const encodedBytes = Y.encodeStateAsUpdate(a.doc).byteLength;
    expect(encodedBytes).toBeGreaterThan(4 * 128 * 1024);
    const expected = a.shapes();
    expect(expected).toHaveLength(COUNT);
    await a.waitForSaved({ timeout: 30_000 });
    await settle(a, Date.now());

    await closeAll();
    await server.kill();
    await server.restart();
    await expectRoomHolds(room, expected);
  });
});
