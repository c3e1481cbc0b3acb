/**
 * Durability on its own (party/durability.ts): a fake host, a fake scheduler, a store that can
 * fail. The room's tests ([R11]) cover the same module through RoomServer.
 *
 *  [DU1] A failed write sends no `saved` and counts a failure; the change is written again on
 *        the next timer, and then everyone is told.
 *  [DU2] `saved` carries each editor's applied count; a viewer's is 0; an editor awaiting a
 *        resync is told nothing, and acknowledge() sends only a higher seq, once.
 */
import { describe, expect, it } from "vitest";
import * as Y from "yjs";
import { Durability } from "../../party/durability";
import { TokenBucket } from "../../party/rateLimit";
import { AWAITING_RESYNC, type RoomSession, SYNCED } from "../../party/session";
import type { SnapshotStore } from "../../party/storage";
import { SAVE_DEBOUNCE_MS } from "../../src/shared/constants";
import { FakeConn, FakeScheduler, settle } from "./support/fakes";

function setup(failures = 0) {
  const scheduler = new FakeScheduler();
  const doc = new Y.Doc();
  const writes: Uint8Array[] = [];
  let failing = failures;
  const store: SnapshotStore = {
    load: async () => null,
    save: async (snapshot) => {
      if (failing-- > 0) throw new Error("storage unavailable");
      writes.push(snapshot);
    },
  };
  const sessions: RoomSession[] = [];
  const saved: { id: string; seq: number }[] = [];
  const stats = { saves: 0, saveFailures: 0 };
  const log: string[] = [];
  const durability = new Durability(
    {
      doc,
      encodeSnapshot: () => Y.encodeStateAsUpdate(doc),
      sessions: () => sessions,
      sendSaved: (session, _sv, seq) => saved.push({ id: session.conn.id, seq }),
    },
    store,
    scheduler,
    stats,
    (line) => log.push(line),
  );
  const base = (id: string) => ({
    conn: new FakeConn(id),
    control: true,
    bucket: new TokenBucket(0),
    lastSeen: 0,
  });
  const editor = (id: string, applied: number): RoomSession => ({
    ...base(id),
    role: "editor",
    sync: SYNCED,
    applied,
    acked: 0,
    resyncs: 0,
  });
  const viewer = (id: string): RoomSession => ({ ...base(id), role: "viewer" });
  return { scheduler, doc, writes, durability, sessions, saved, stats, log, editor, viewer };
}

describe("Durability", () => {
  it("[DU1] a failed write sends no saved, counts a failure, and is written again", async () => {
    const t = setup(1);
    t.sessions.push(t.editor("a", 1));
    t.doc.getMap("m").set("k", 1);
    t.durability.changed();
    t.scheduler.advance(SAVE_DEBOUNCE_MS);
    await settle();
    expect(t.stats).toEqual({ saves: 0, saveFailures: 1 });
    expect(t.saved).toEqual([]);
    expect(t.log.join()).toMatch(/save failed/);
    expect(t.durability.clean).toBe(false);

    t.scheduler.advance(SAVE_DEBOUNCE_MS);
    await settle();
    expect(t.stats).toEqual({ saves: 1, saveFailures: 1 });
    expect(t.writes).toHaveLength(1);
    expect(t.saved).toEqual([{ id: "a", seq: 1 }]);
    expect(t.durability.clean).toBe(true);
  });

  it("[DU2] saved carries each editor's count, 0 for a viewer, nothing while awaiting a resync", async () => {
    const t = setup();
    const waiting = t.editor("waiting", 4);
    if (waiting.role === "editor") waiting.sync = AWAITING_RESYNC;
    t.sessions.push(t.editor("a", 2), t.viewer("v"), waiting);
    t.doc.getMap("m").set("k", 1);
    t.durability.changed();
    await t.durability.flush();
    expect(t.saved).toEqual([
      { id: "a", seq: 2 },
      { id: "v", seq: 0 },
    ]);

    t.saved.length = 0;
    const a = t.sessions[0]!;
    t.durability.acknowledge(a, 2);
    t.durability.acknowledge(t.sessions[1]!, 5);
    t.durability.acknowledge(waiting, 5);
    t.durability.acknowledge(a, 3);
    expect(t.saved).toEqual([{ id: "a", seq: 3 }]);
  });
});
