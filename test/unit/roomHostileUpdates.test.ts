/**
 * Updates that pass the structure check (party/updateGuard.ts) but make Yjs throw halfway
 * through applying them. Yjs integrates the structs before the failing one and still fires its
 * update and observer events, so part of such an update lands in the document. The room must
 * repair or remove whatever shapes that part touched, exactly as for an update that applies
 * cleanly (docs/schema.md: a shape that breaks the schema never stays in a room).
 *
 * Seeded: bit-flipped copies of real updates; the seed and the failing update are printed.
 */
import { describe, expect, it } from "vitest";
import * as Y from "yjs";
import { RoomServer } from "../../party/room";
import { ChunkedSnapshotStore, MemoryStorage } from "../../party/storage";
import { isWellFormedUpdate } from "../../party/updateGuard";
import { checkEntry, getShapes } from "../../src/shared/doc";
import { CloseCode } from "../../src/shared/protocol";
import { FakeConn, FakeScheduler, SYNC_STEP1, SYNC_UPDATE, syncFrame } from "./support/fakes";

const SEED = 20_261_125;

function makeRng(seed: number) {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Real updates of a small board: shapes with text, an edit, a text insert, a delete. */
function realUpdates(): Uint8Array[] {
  const doc = new Y.Doc();
  const updates: Uint8Array[] = [];
  doc.on("update", (u: Uint8Array) => updates.push(u));
  const shapes = getShapes(doc);
  for (let i = 0; i < 5; i++) {
    const m = new Y.Map<unknown>();
    m.set("type", "rect");
    m.set("x", i);
    m.set("text", new Y.Text("hi"));
    shapes.set(`k${i}`, m);
  }
  shapes.get("k1")!.set("x", 5);
  (shapes.get("k2")!.get("text") as Y.Text).insert(0, "abc");
  shapes.delete("k3");
  updates.push(Y.encodeStateAsUpdate(doc));
  return updates;
}

/** Bit-flipped updates that pass the guard, make Yjs throw, and leave an invalid shape behind. */
function halfApplyingUpdates(count: number): Uint8Array[] {
  const rng = makeRng(SEED);
  const bases = realUpdates();
  const found: Uint8Array[] = [];
  for (let n = 0; n < 500_000 && found.length < count; n++) {
    const u = bases[Math.floor(rng() * bases.length)]!.slice();
    const flips = 1 + Math.floor(rng() * 3);
    for (let f = 0; f < flips; f++) u[Math.floor(rng() * u.length)]! ^= 1 << Math.floor(rng() * 8);
    if (!isWellFormedUpdate(u)) continue;
    const doc = new Y.Doc();
    try {
      Y.applyUpdate(doc, u);
      continue;
    } catch {
      // What we are looking for: Yjs gave up halfway.
    }
    let invalid = false;
    getShapes(doc).forEach((value, id) => {
      if (checkEntry(id, value).status !== "valid") invalid = true;
    });
    if (invalid) found.push(u);
  }
  return found;
}

describe("updates Yjs gives up on halfway", () => {
  it("leave no invalid shape in the room; only their sender is closed", () => {
    const updates = halfApplyingUpdates(25);
    expect(updates.length, `seed ${SEED}`).toBe(25);
    for (const [i, update] of updates.entries()) {
      const room = new RoomServer({
        store: new ChunkedSnapshotStore(new MemoryStorage()),
        scheduler: new FakeScheduler(),
      });
      const bystander = new FakeConn("bystander");
      room.connect(bystander);
      const sender = new FakeConn("sender");
      room.connect(sender);
      room.message(sender, syncFrame(SYNC_STEP1, Y.encodeStateVector(new Y.Doc())));
      room.message(sender, syncFrame(SYNC_UPDATE, update));

      const invalid: string[] = [];
      getShapes(room.doc).forEach((value, id) => {
        if (checkEntry(id, value).status !== "valid") invalid.push(id);
      });
      const hex = Buffer.from(update).toString("hex");
      expect(invalid, `seed ${SEED}, update #${i}: ${hex}`).toEqual([]);
      expect(sender.closed?.code, hex).toBe(CloseCode.MALFORMED);
      expect(bystander.closed).toBeNull();
      room.destroy();
    }
  });
});
