/**
 * Restoring a checkpoint against a real `partykit dev` (docs/conflicts.md C15): a board is
 * checkpointed by the room, wiped, a second client goes offline and draws, the first restores
 * the checkpoint fetched from the real `/history` endpoint, and once the second reconnects both
 * replicas and the HTTP snapshot hold the checkpoint plus the offline shape.
 */
import { afterAll, afterEach, beforeAll, describe, expect, test } from "vitest";
import type * as Y from "yjs";
import { LOCAL_ORIGIN } from "../../src/doc/origin";
import { restoreCheckpoint } from "../../src/doc/restore";
import { readShapes, shapeToJSON } from "../../src/shared/doc";
import { type DevServer, startDevServer } from "../helpers/devServer";
import { addShapes, deleteShape, fetchHistory, fetchSnapshot, makeShape } from "../helpers/shapes";
import { waitFor, withTimeout } from "../helpers/wait";
import { connectPeer, type Peer, uniqueRoomId } from "../helpers/yclient";

/** ms. The room's quiet period before a checkpoint, cut from 30 s so the test need not wait it out. */
const QUIET_MS = 1_500;

let server: DevServer;
const open: Peer[] = [];

async function peer(roomId: string, name: string, doc?: Y.Doc): Promise<Peer> {
  const p = await connectPeer(server.wsUrl, roomId, {
    doc,
    awareness: { user: { name, color: "#1971c2" }, cursor: null, selection: [] },
  });
  open.push(p);
  await withTimeout(p.synced, 30_000, `sync with room ${roomId}`);
  return p;
}

beforeAll(async () => {
  server = await startDevServer({
    vars: { CHECKPOINT_QUIET_MS: String(QUIET_MS), CHECKPOINT_MAX_INTERVAL_MS: "60000" },
  });
});

afterEach(async () => {
  for (const p of open.splice(0)) await p.close();
});

afterAll(async () => {
  await server?.dispose();
});

describe("restoring a checkpoint", () => {
  test("[C15] restore converges with a concurrent offline peer: checkpoint + the offline shape everywhere", async () => {
    const room = uniqueRoomId("restore");
    const ada = await peer(room, "Ada");
    const board = [
      makeShape({ type: "rect", x: 10 }),
      makeShape({ type: "sticky", x: 200, text: "keep me" }),
      makeShape({ type: "ellipse", x: 400 }),
    ];
    addShapes(ada.doc, board);
    await ada.waitForSaved();
    const checkpoint = await waitFor(
      async () => (await fetchHistory(server.url, room)).find((c) => c.shapes === board.length),
      { timeout: QUIET_MS + 20_000, message: "a checkpoint of the 3-shape board" },
    );
    const boardThen = await fetchSnapshot(server.url, room);
    expect(boardThen).toHaveLength(board.length);

    // Bo joins, sees the board, and goes offline (the socket closes; his document stays).
    const bo = await peer(room, "Bo");
    await bo.waitFor(() => bo.shapes().length === board.length);
    const boDoc = bo.doc;
    await bo.close();

    // Vandalism while Bo is away; then Bo, offline, draws a shape Ada cannot see.
    for (const s of board) deleteShape(ada.doc, s.id);
    await ada.waitForSaved();
    expect(await fetchSnapshot(server.url, room)).toEqual([]);
    const offline = makeShape({ type: "rect", x: -300, fill: "#b2f2bb" });
    addShapes(boDoc, [offline]);

    // Ada restores the checkpoint the room serves.
    const res = await fetch(
      `${server.url}/parties/main/${room}/history/${checkpoint.id}?format=yjs`,
    );
    expect(res.status).toBe(200);
    const update = new Uint8Array(await res.arrayBuffer());
    const result = restoreCheckpoint(ada.doc, update, LOCAL_ORIGIN);
    expect(result.recreated).toBe(board.length);
    await ada.waitForSaved();

    // Bo comes back with his offline shape.
    const boAgain = await peer(room, "Bo", boDoc);
    await boAgain.waitForSaved();
    const want = [...boardThen.map((s) => s.id), offline.id].sort();
    const ids = (shapes: { id: string }[]) => shapes.map((s) => s.id).sort();
    await ada.waitFor(() => ada.shapes().length === want.length, {
      message: "Ada receives Bo's offline shape",
    });
    await boAgain.waitFor(() => boAgain.shapes().length === want.length, {
      message: "Bo receives the restore",
    });
    expect(ada.shapes()).toEqual(boAgain.shapes());
    expect(ids(ada.shapes())).toEqual(want);
    const snapshot = await waitFor(
      async () => {
        const s = await fetchSnapshot(server.url, room);
        return s.length === want.length ? s : null;
      },
      { message: "the HTTP snapshot holds checkpoint + offline shape" },
    );
    expect(snapshot).toEqual(readShapes(ada.doc).map(shapeToJSON));
    // The restored shapes are exactly the checkpoint's; the offline one is Bo's as drawn.
    expect(snapshot.filter((s) => s.id !== offline.id)).toEqual(boardThen);
    expect(snapshot.find((s) => s.id === offline.id)).toMatchObject({ x: -300, fill: "#b2f2bb" });
  });
});
