/**
 * PresenceRelay unit tests with a fake scheduler. Frames are decoded by y-protocols'
 * applyAwarenessUpdate into a real Awareness, so a stock Yjs client understands them.
 *
 * Rules (cited in test names):
 *  [P1] Updates within one tick are coalesced: each receiver gets exactly one frame per tick
 *       holding every changed state except its own.
 *  [P2] With coalesce = false every update is relayed at once (the benchmark baseline).
 *  [P3] One awareness client id per connection: a second id from the same connection, or another
 *       connection's live id, is ignored and changes nothing.
 *  [P4] A state over MAX_PRESENCE_BYTES (UTF-8 bytes of its JSON) is rejected as "too-large" and
 *       changes nothing.
 *  [P5] remove(conn) broadcasts a null state for that connection's client id.
 *  [P6] fullFrame() gives a newcomer every live state except its own.
 *  [P7] Malformed updates are rejected as "malformed".
 */
import * as encoding from "lib0/encoding";
import { beforeEach, describe, expect, it } from "vitest";
import * as awarenessProtocol from "y-protocols/awareness";
import * as Y from "yjs";
import { PresenceRelay } from "../../party/presence";
import { MAX_PRESENCE_BYTES, PRESENCE_TICK_MS } from "../../src/shared/constants";
import { decodeFrame, FakeScheduler } from "./support/fakes";

let scheduler: FakeScheduler;
let sent: Map<string, Uint8Array[]>;
let connections: string[];
let relay: PresenceRelay;

beforeEach(() => {
  scheduler = new FakeScheduler();
  sent = new Map();
  connections = ["a", "b", "c"];
  relay = new PresenceRelay(
    {
      connectionIds: () => connections,
      send: (id, frame) => {
        const list = sent.get(id) ?? [];
        list.push(frame);
        sent.set(id, list);
      },
    },
    scheduler,
  );
});

/** A real awareness instance for a given client id. */
function peer(clientId: number): awarenessProtocol.Awareness {
  const doc = new Y.Doc();
  doc.clientID = clientId;
  const awareness = new awarenessProtocol.Awareness(doc);
  awareness.setLocalState(null);
  return awareness;
}

function stateUpdate(aw: awarenessProtocol.Awareness, state: Record<string, unknown> | null) {
  aw.setLocalState(state);
  return awarenessProtocol.encodeAwarenessUpdate(aw, [aw.clientID]);
}

/** Hand-made update: exact client id, clock and JSON. */
function rawUpdate(entries: { id: number; clock: number; json: string }[]): Uint8Array {
  const e = encoding.createEncoder();
  encoding.writeVarUint(e, entries.length);
  for (const x of entries) {
    encoding.writeVarUint(e, x.id);
    encoding.writeVarUint(e, x.clock);
    encoding.writeVarString(e, x.json);
  }
  return encoding.toUint8Array(e);
}

/** What a stock client makes of the frames one connection received. */
function receiverView(frames: Uint8Array[]): Map<number, unknown> {
  const aw = peer(999_999);
  for (const frame of frames) {
    const decoded = decodeFrame(frame);
    if (decoded.kind !== "awareness") throw new Error("not an awareness frame");
    awarenessProtocol.applyAwarenessUpdate(aw, decoded.payload, "room");
  }
  const states = new Map(aw.getStates());
  states.delete(999_999);
  return states;
}

const cursor = (x: number) => ({ user: { name: "u", color: "#123456" }, cursor: { x, y: 0 } });

describe("PresenceRelay", () => {
  it("[P1] many updates within one tick: each receiver gets one frame with every other changed state", () => {
    const pa = peer(1);
    const pb = peer(2);
    const pc = peer(3);
    for (let i = 0; i < 10; i++) {
      expect(relay.receive("a", stateUpdate(pa, cursor(i)))).toEqual({ ok: true, ignored: 0 });
      expect(relay.receive("b", stateUpdate(pb, cursor(100 + i)))).toEqual({
        ok: true,
        ignored: 0,
      });
    }
    expect(relay.receive("c", stateUpdate(pc, cursor(200)))).toEqual({ ok: true, ignored: 0 });
    expect(sent.size).toBe(0);
    scheduler.advance(PRESENCE_TICK_MS);
    for (const id of connections) expect(sent.get(id), id).toHaveLength(1);
    expect(receiverView(sent.get("a")!)).toEqual(
      new Map([
        [2, cursor(109)],
        [3, cursor(200)],
      ]),
    );
    expect(receiverView(sent.get("b")!)).toEqual(
      new Map([
        [1, cursor(9)],
        [3, cursor(200)],
      ]),
    );
    expect(receiverView(sent.get("c")!)).toEqual(
      new Map([
        [1, cursor(9)],
        [2, cursor(109)],
      ]),
    );
    expect(relay.stats.flushes).toBe(1);
  });

  it("[P1] a busy room sends at most one frame per receiver per tick", () => {
    const pa = peer(1);
    for (let t = 0; t < 300; t += 5) {
      relay.receive("a", stateUpdate(pa, cursor(t)));
      scheduler.advance(5);
    }
    scheduler.advance(PRESENCE_TICK_MS);
    const frames = sent.get("b")!;
    expect(frames.length).toBeGreaterThanOrEqual(300 / PRESENCE_TICK_MS - 1);
    expect(frames.length).toBeLessThanOrEqual(300 / PRESENCE_TICK_MS + 2);
    expect(sent.get("a")).toBeUndefined();
    expect(receiverView(frames).get(1)).toEqual(cursor(295));
  });

  it("[P2] with coalesce = false every update is relayed at once to everyone else", () => {
    relay.coalesce = false;
    const pa = peer(1);
    for (let i = 0; i < 5; i++) relay.receive("a", stateUpdate(pa, cursor(i)));
    expect(sent.get("b")).toHaveLength(5);
    expect(sent.get("c")).toHaveLength(5);
    expect(sent.get("a")).toBeUndefined();
    expect(receiverView(sent.get("b")!).get(1)).toEqual(cursor(4));
  });

  it("[P3] a second client id from the same connection is ignored", () => {
    relay.receive("a", stateUpdate(peer(1), cursor(1)));
    const result = relay.receive("a", stateUpdate(peer(7), cursor(2)));
    expect(result).toEqual({ ok: true, ignored: 1 });
    expect(relay.clientIdOf("a")).toBe(1);
    scheduler.advance(PRESENCE_TICK_MS);
    expect([...receiverView(sent.get("b")!).keys()]).toEqual([1]);
  });

  it("[P3] another connection's live id is ignored and its state is untouched", () => {
    const owner = peer(1);
    relay.receive("a", stateUpdate(owner, cursor(1)));
    scheduler.advance(PRESENCE_TICK_MS);
    sent.clear();
    const forged = rawUpdate([{ id: 1, clock: 1000, json: JSON.stringify(cursor(666)) }]);
    expect(relay.receive("b", forged)).toEqual({ ok: true, ignored: 1 });
    const removal = rawUpdate([{ id: 1, clock: 1000, json: "null" }]);
    expect(relay.receive("c", removal)).toEqual({ ok: true, ignored: 1 });
    scheduler.advance(PRESENCE_TICK_MS * 3);
    expect(sent.size).toBe(0);
    expect(relay.clientIdOf("b")).toBeUndefined();
    expect(receiverView([relay.fullFrame("b")!]).get(1)).toEqual(cursor(1));
  });

  it("[P4] a state over 2 KB is rejected as too-large and changes nothing", () => {
    const pa = peer(1);
    relay.receive("a", stateUpdate(pa, cursor(1)));
    scheduler.advance(PRESENCE_TICK_MS);
    sent.clear();
    const huge = { ...cursor(2), pad: "x".repeat(MAX_PRESENCE_BYTES) };
    expect(relay.receive("a", stateUpdate(pa, huge))).toMatchObject({
      ok: false,
      reason: "too-large",
    });
    scheduler.advance(PRESENCE_TICK_MS * 3);
    expect(sent.size).toBe(0);
    expect(receiverView([relay.fullFrame("b")!]).get(1)).toEqual(cursor(1));
  });

  it("[P4] the cap counts the state's UTF-8 bytes: multi-byte text just under passes, just over is too-large", () => {
    const pa = peer(1);
    const base = JSON.stringify({ ...cursor(1), pad: "" }).length;
    // "é": one character, two bytes.
    const fits = Math.floor((MAX_PRESENCE_BYTES - base) / 2);
    expect(relay.receive("a", stateUpdate(pa, { ...cursor(1), pad: "é".repeat(fits) }))).toEqual({
      ok: true,
      ignored: 0,
    });
    const over = { ...cursor(1), pad: "é".repeat(fits + 1) };
    expect(JSON.stringify(over).length).toBeLessThanOrEqual(MAX_PRESENCE_BYTES);
    expect(relay.receive("a", stateUpdate(pa, over))).toMatchObject({
      ok: false,
      reason: "too-large",
    });
  });

  it("[P5] remove(conn) broadcasts a null state and the client disappears for stock receivers", () => {
    const pa = peer(1);
    relay.receive("a", stateUpdate(pa, cursor(1)));
    scheduler.advance(PRESENCE_TICK_MS);
    const viewB = peer(50);
    const apply = (frames: Uint8Array[]) => {
      for (const f of frames) {
        const d = decodeFrame(f);
        if (d.kind === "awareness")
          awarenessProtocol.applyAwarenessUpdate(viewB, d.payload, "room");
      }
    };
    apply(sent.get("b")!);
    expect(viewB.getStates().has(1)).toBe(true);
    sent.clear();
    connections = ["b", "c"];
    relay.remove("a");
    scheduler.advance(PRESENCE_TICK_MS);
    expect(sent.get("b")).toHaveLength(1);
    apply(sent.get("b")!);
    expect(viewB.getStates().has(1)).toBe(false);
    expect(relay.size).toBe(0);
    expect(relay.fullFrame("b")).toBeNull();
    // The id is free again for a new connection.
    expect(relay.receive("d", stateUpdate(peer(1), cursor(5)))).toEqual({ ok: true, ignored: 0 });
  });

  it("[P6] fullFrame gives a newcomer every live state except its own", () => {
    relay.receive("a", stateUpdate(peer(1), cursor(1)));
    relay.receive("b", stateUpdate(peer(2), cursor(2)));
    relay.receive("c", stateUpdate(peer(3), null));
    expect(receiverView([relay.fullFrame("x")!])).toEqual(
      new Map([
        [1, cursor(1)],
        [2, cursor(2)],
      ]),
    );
    expect([...receiverView([relay.fullFrame("a")!]).keys()]).toEqual([2]);
    expect(relay.size).toBe(2);
  });

  it("[P7] malformed updates are rejected", () => {
    expect(relay.receive("a", new Uint8Array([1, 1]))).toMatchObject({ reason: "malformed" });
    expect(relay.receive("a", rawUpdate([{ id: 1, clock: 1, json: "{nope" }]))).toMatchObject({
      reason: "malformed",
    });
    expect(relay.receive("b", rawUpdate([{ id: 2, clock: 1, json: "[1,2]" }]))).toMatchObject({
      reason: "malformed",
    });
    const many = Array.from({ length: 17 }, (_, i) => ({ id: 10, clock: i, json: "{}" }));
    expect(relay.receive("c", rawUpdate(many))).toMatchObject({ reason: "malformed" });
    scheduler.advance(PRESENCE_TICK_MS);
    expect(sent.size).toBe(0);
  });

  it("[P1] an older clock never overwrites a newer state", () => {
    relay.receive("a", rawUpdate([{ id: 1, clock: 5, json: JSON.stringify(cursor(5)) }]));
    relay.receive("a", rawUpdate([{ id: 1, clock: 3, json: JSON.stringify(cursor(3)) }]));
    scheduler.advance(PRESENCE_TICK_MS);
    expect(receiverView(sent.get("b")!).get(1)).toEqual(cursor(5));
  });
});
