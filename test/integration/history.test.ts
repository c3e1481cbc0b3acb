/**
 * Board history against a real `partykit dev` (docs/protocol.md "History", docs/limits.md
 * "Board history"): checkpoints appear after a burst of edits and when the last person leaves,
 * name who was there, hold the board as it was, and survive a restart. The quiet period is cut
 * to seconds with `--var` so the tests do not wait out the real 30 s. [H5]: a view link reads the
 * same history (forwarded by party/viewLink.ts) and cannot write to it.
 */

import { afterAll, afterEach, beforeAll, describe, expect, test } from "vitest";
import * as Y from "yjs";
import { readShapes, shapeToJSON } from "../../src/shared/doc";
import type { CheckpointSummary } from "../../src/shared/protocol";
import { type DevServer, startDevServer } from "../helpers/devServer";
import {
  addShapes,
  fetchHistory,
  fetchSnapshot,
  makeShape,
  updateShape,
  waitForSnapshot,
} from "../helpers/shapes";
import { waitFor, withTimeout } from "../helpers/wait";
import { connectPeer, type Peer, uniqueRoomId } from "../helpers/yclient";

/** ms. Long enough that a test closes its peer inside one burst (H2), short enough to wait out. */
const QUIET_MS = 2_000;

let server: DevServer;
const open: Peer[] = [];

async function peer(roomId: string, name: string): Promise<Peer> {
  const p = await connectPeer(server.wsUrl, roomId, {
    awareness: { user: { name, color: "#1971c2" }, cursor: null, selection: [] },
  });
  open.push(p);
  await withTimeout(p.synced, 30_000, `initial sync with room ${roomId}`);
  return p;
}

const roomUrl = (roomId: string) => `${server.url}/parties/main/${roomId}`;

const listHistory = (roomId: string) => fetchHistory(server.url, roomId);

/** Polls the history until it holds `count` checkpoints; returns them newest first. */
function waitForCheckpoints(roomId: string, count: number): Promise<CheckpointSummary[]> {
  return waitFor(
    async () => {
      const list = await listHistory(roomId);
      return list.length >= count ? list : null;
    },
    { timeout: QUIET_MS + 15_000, message: `${count} checkpoint(s) in room ${roomId}` },
  );
}

async function checkpointShapes(roomId: string, id: string): Promise<unknown[]> {
  const res = await fetch(`${roomUrl(roomId)}/history/${id}`);
  expect(res.status).toBe(200);
  return ((await res.json()) as { shapes: unknown[] }).shapes;
}

async function checkpointYjsShapes(roomId: string, id: string): Promise<unknown[]> {
  const res = await fetch(`${roomUrl(roomId)}/history/${id}?format=yjs`);
  expect(res.status).toBe(200);
  expect(res.headers.get("content-type")).toBe("application/octet-stream");
  const doc = new Y.Doc();
  Y.applyUpdate(doc, new Uint8Array(await res.arrayBuffer()));
  return readShapes(doc).map(shapeToJSON);
}

async function closeAll(): Promise<void> {
  for (const p of open.splice(0)) await p.close();
}

beforeAll(async () => {
  server = await startDevServer({
    vars: { CHECKPOINT_QUIET_MS: String(QUIET_MS), CHECKPOINT_MAX_INTERVAL_MS: "60000" },
  });
});

afterEach(closeAll);

afterAll(async () => {
  await closeAll();
  await server?.dispose();
});

describe("board history", () => {
  test("[H1] a burst of edits ends in a checkpoint naming its editor; each holds the board as it was", async () => {
    const room = uniqueRoomId("hist");
    const ada = await peer(room, "Ada");
    const rect = makeShape({ type: "rect", x: 5 });
    const note = makeShape({ type: "sticky", text: "first idea" });
    addShapes(ada.doc, [rect, note]);

    const [first] = await waitForCheckpoints(room, 1);
    expect(first).toMatchObject({ reason: "burst", shapes: 2, present: ["Ada"] });
    expect(first!.bytes).toBeGreaterThan(0);
    const boardThen = await fetchSnapshot(server.url, room);
    expect(await checkpointShapes(room, first!.id)).toEqual(boardThen);
    expect(await checkpointYjsShapes(room, first!.id)).toEqual(boardThen);

    // A second burst, by someone else: a newer checkpoint, while the first keeps the old board.
    const bo = await peer(room, "Bo");
    updateShape(bo.doc, rect.id, { x: 500 });
    const list = await waitForCheckpoints(room, 2);
    expect(list[1]!.id).toBe(first!.id);
    expect(list[0]!.id > first!.id).toBe(true);
    expect(list[0]!.present).toEqual(["Ada", "Bo"]);
    expect(await checkpointShapes(room, first!.id)).toEqual(boardThen);
    const boardNow = await fetchSnapshot(server.url, room);
    expect(boardNow.find((s) => s.id === rect.id)?.x).toBe(500);
    expect(await checkpointShapes(room, list[0]!.id)).toEqual(boardNow);
  });

  test("[H2] the last person leaving mid-burst makes a checkpoint at once", async () => {
    const room = uniqueRoomId("hist");
    const cy = await peer(room, "Cy");
    addShapes(cy.doc, [makeShape({ type: "ellipse" })]);
    // In the room's memory (not yet saved): the close must come well inside the burst's quiet
    // period, and a storage write can take seconds on a busy machine.
    await waitForSnapshot(server.url, room, (s) => s.length === 1, "the ellipse in the room");
    const closedAt = Date.now();
    await cy.close();
    const [only] = await waitForCheckpoints(room, 1);
    expect(only).toMatchObject({ reason: "empty", shapes: 1, present: ["Cy"] });
    // Not the burst timer: that would have fired QUIET_MS after the edit at the earliest.
    expect(only!.at - closedAt).toBeLessThan(QUIET_MS);
    // Nothing changed since: no second checkpoint once the quiet period has passed.
    await waitFor(() => Date.now() - closedAt > QUIET_MS + 500, { timeout: QUIET_MS + 2_000 });
    expect(await listHistory(room)).toHaveLength(1);
  });

  test("[H3] unknown or malformed checkpoint ids answer 404; other methods 405", async () => {
    const room = uniqueRoomId("hist");
    expect(await listHistory(room)).toEqual([]);
    for (const id of ["000000000000", "nope", "..%2Fsnapshot"]) {
      const res = await fetch(`${roomUrl(room)}/history/${id}`);
      expect(res.status, id).toBe(404);
      expect(((await res.json()) as { error?: string }).error).toBeTruthy();
    }
    const post = await fetch(`${roomUrl(room)}/history`, { method: "POST", body: "x" });
    expect(post.status).toBe(405);
  });

  test("[H5] a view link reads the history and its checkpoints; it cannot write there", async () => {
    const room = uniqueRoomId("hist");
    const eve = await peer(room, "Eve");
    addShapes(eve.doc, [makeShape({ type: "rect", x: 42 })]);
    const hello = await eve.waitFor(() => eve.controls.find((m) => m.type === "hello"), {
      message: "hello",
    });
    const view = `${server.url}/parties/view/${hello.viewId as string}`;
    const [first] = await waitForCheckpoints(room, 1);
    await waitFor(async () => (await fetch(view)).ok, { message: "view link registered" });
    const viaView = await fetch(`${view}/history`);
    expect(viaView.status).toBe(200);
    expect(((await viaView.json()) as { checkpoints: CheckpointSummary[] }).checkpoints).toEqual(
      await listHistory(room),
    );
    const one = await fetch(`${view}/history/${first!.id}`);
    expect(one.status).toBe(200);
    expect(((await one.json()) as { shapes: unknown[] }).shapes).toEqual(
      await checkpointShapes(room, first!.id),
    );
    const yjs = await fetch(`${view}/history/${first!.id}?format=yjs`);
    expect(yjs.status).toBe(200);
    expect((await yjs.arrayBuffer()).byteLength).toBe(first!.bytes);
    const post = await fetch(`${view}/history`, { method: "POST", body: "x" });
    expect(post.status).toBe(403);
  });

  test("[H4] checkpoints survive a restart of the server", async () => {
    const room = uniqueRoomId("hist");
    const di = await peer(room, "Di");
    addShapes(di.doc, [makeShape({ type: "text", text: "keep me" })]);
    await di.waitForSaved();
    await di.close();
    const before = await waitForCheckpoints(room, 1);
    const shapesBefore = await checkpointShapes(room, before[0]!.id);

    await server.restart();
    expect(await listHistory(room)).toEqual(before);
    expect(await checkpointShapes(room, before[0]!.id)).toEqual(shapesBefore);
    expect(await checkpointYjsShapes(room, before[0]!.id)).toEqual(shapesBefore);
  });
});
