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
 *  [P8] A receiver holds at most PRESENCE_MAX_PEERS other states however many are live, and
 *       what it holds is exactly what a stock Yjs client makes of its frames.
 *  [P9] Cursors in the receiver's view come first, then those nearest its view's centre (a
 *       receiver without a viewport sees the default view). A state leaving the receiver's set is
 *       removed for it, and one coming back is accepted again by a stock client (newer clock).
 *  [P10] Control receivers get `presence-count` {total, shown} when the number they are not shown
 *        changes, at most once per PRESENCE_COUNT_INTERVAL_MS; nobody gets one while they see
 *        everyone.
 *  [P11] Receivers without presence of their own (silent viewers) cost one send of a shared frame
 *        per tick and no work of their own; a tick with nothing changed sends nothing.
 *  [P12] However busy the room, a receiver gets at most 40 messages a second (frames and counts).
 */
import * as encoding from "lib0/encoding";
import { beforeEach, describe, expect, it } from "vitest";
import * as awarenessProtocol from "y-protocols/awareness";
import * as Y from "yjs";
import { type PresenceCount, PresenceRelay } from "../../party/presence";
import {
  MAX_PRESENCE_BYTES,
  PRESENCE_COUNT_INTERVAL_MS,
  PRESENCE_MAX_PEERS,
  PRESENCE_TICK_MS,
  PRESENCE_VIEW_HEIGHT,
  PRESENCE_VIEW_WIDTH,
} from "../../src/shared/constants";
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

/** A relay over `ids` connections that records frames and counts per connection. */
function bigRoom(ids: string[]) {
  const frames = new Map<string, Uint8Array[]>();
  const counts = new Map<string, PresenceCount[]>();
  const push = <T>(map: Map<string, T[]>, id: string, v: T) => {
    const list = map.get(id) ?? [];
    list.push(v);
    map.set(id, list);
  };
  const room = new PresenceRelay(
    {
      connectionIds: () => ids,
      send: (id, frame) => push(frames, id, frame),
      sendControl: (id, message) => push(counts, id, message),
    },
    scheduler,
  );
  const clocks = new Map<number, number>();
  /** Connection `conn` (client id `id`) announces a state. */
  const say = (conn: string, id: number, state: Record<string, unknown> | null) => {
    const clock = (clocks.get(id) ?? 0) + 1;
    clocks.set(id, clock);
    const result = room.receive(conn, rawUpdate([{ id, clock, json: JSON.stringify(state) }]));
    expect(result).toEqual({ ok: true, ignored: 0 });
  };
  return { room, frames, counts, say };
}

const at = (x: number, y: number, viewport?: { x: number; y: number; zoom: number }) => ({
  user: { name: `u${x},${y}`, color: "#123456" },
  cursor: { x, y },
  selection: [],
  ...(viewport ? { viewport } : {}),
});

describe("PresenceRelay interest management", () => {
  it("[P8] each receiver holds at most PRESENCE_MAX_PEERS others however many are live", () => {
    const n = PRESENCE_MAX_PEERS * 2 + 20;
    const movers = Array.from({ length: n }, (_, i) => `m${i}`);
    const { room, frames, say } = bigRoom([...movers, "viewer"]);
    for (const m of movers) room.fullFrame(m);
    room.fullFrame("viewer");
    for (let step = 0; step < 3; step++) {
      for (const [i, m] of movers.entries()) say(m, i + 1, at(i * 10 + step, 0));
      scheduler.advance(PRESENCE_TICK_MS);
    }
    expect(room.size).toBe(n);
    for (const id of ["viewer", "m0", `m${n - 1}`]) {
      const held = receiverView(frames.get(id)!);
      expect(held.size, id).toBe(PRESENCE_MAX_PEERS);
      expect([...held.values()].every((s) => s !== null)).toBe(true);
    }
    expect(receiverView(frames.get("m0")!).has(1)).toBe(false);
    // A newcomer's first frame is bounded too.
    expect(receiverView([room.fullFrame("late")!]).size).toBe(PRESENCE_MAX_PEERS);
    // The plain relay (the benchmark baseline) sends everyone everything.
    const plain = bigRoom([...movers, "viewer"]);
    plain.room.maxPeers = Number.POSITIVE_INFINITY;
    for (const [i, m] of movers.entries()) plain.say(m, i + 1, at(i, 0));
    scheduler.advance(PRESENCE_TICK_MS);
    expect(receiverView(plain.frames.get("viewer")!).size).toBe(n);
  });

  it("[P9] cursors in view first, then nearest the view's centre; hidden ones come back to a stock client", () => {
    // 60 cursors in a row 100 units apart; a watcher whose view is centred on the row's start.
    const n = PRESENCE_MAX_PEERS + 10;
    const ids = Array.from({ length: n }, (_, i) => `m${i}`);
    const { frames, say } = bigRoom([...ids, "watcher"]);
    for (const [i, m] of ids.entries()) say(m, i + 1, at(i * 100, 0));
    const watch = (x: number) =>
      say("watcher", 999, { ...at(x, 5000), viewport: { x, y: 0, zoom: 1 } });
    watch(0);
    scheduler.advance(PRESENCE_TICK_MS);
    const first = receiverView(frames.get("watcher")!);
    const nearest = (x: number) =>
      Array.from({ length: n }, (_, i) => i + 1)
        .sort((a, b) => Math.abs((a - 1) * 100 - x) - Math.abs((b - 1) * 100 - x) || a - b)
        .slice(0, PRESENCE_MAX_PEERS)
        .sort((a, b) => a - b);
    expect([...first.keys()].sort((a, b) => a - b)).toEqual(nearest(0));
    // Panned to the row's far end: the first ten leave, the last ten arrive.
    watch((n - 1) * 100);
    scheduler.advance(PRESENCE_TICK_MS);
    expect([...receiverView(frames.get("watcher")!).keys()].sort((a, b) => a - b)).toEqual(
      nearest((n - 1) * 100),
    );
    // Back again: the first ten are shown again although none of them moved.
    watch(0);
    scheduler.advance(PRESENCE_TICK_MS);
    expect([...receiverView(frames.get("watcher")!).keys()].sort((a, b) => a - b)).toEqual(
      nearest(0),
    );

    // In view beats near: 60 cursors just below the far view's bottom edge (out of view, ~500
    // from its centre) lose to three inside it near its right edge (~700 from its centre).
    const far = bigRoom([...ids, "far"]);
    for (const [i, m] of ids.entries())
      far.say(m, i + 1, at(20_000, PRESENCE_VIEW_HEIGHT / 2 + 10 + i));
    const inView = [3, 17, 42];
    for (const id of inView)
      far.say(`m${id - 1}`, id, at(20_000 + PRESENCE_VIEW_WIDTH / 2 - 20, 0));
    far.say("far", 999, { ...at(20_000, 0), viewport: { x: 20_000, y: 0, zoom: 1 } });
    scheduler.advance(PRESENCE_TICK_MS);
    const held = receiverView(far.frames.get("far")!);
    for (const id of inView) expect(held.has(id), `in-view ${id}`).toBe(true);
    expect(held.size).toBe(PRESENCE_MAX_PEERS);
  });

  it("[P10] presence-count tells control receivers how many they are not shown, at most once a second", () => {
    const n = PRESENCE_MAX_PEERS + 5;
    const ids = Array.from({ length: n }, (_, i) => `m${i}`);
    const { room, counts, say } = bigRoom([...ids, "viewer"]);
    room.fullFrame("viewer");
    for (const [i, m] of ids.slice(0, PRESENCE_MAX_PEERS - 1).entries()) say(m, i + 1, at(i, 0));
    scheduler.advance(PRESENCE_COUNT_INTERVAL_MS * 2);
    // Everyone sees everyone: no counts at all.
    expect(counts.size).toBe(0);
    for (let i = PRESENCE_MAX_PEERS - 1; i < n; i++) {
      say(ids[i]!, i + 1, at(i, 0));
      scheduler.advance(PRESENCE_TICK_MS);
    }
    scheduler.advance(PRESENCE_COUNT_INTERVAL_MS);
    expect(counts.get("viewer")!.at(-1)).toEqual({
      type: "presence-count",
      total: n,
      shown: PRESENCE_MAX_PEERS,
    });
    expect(counts.get("m0")!.at(-1)).toEqual({
      type: "presence-count",
      total: n - 1,
      shown: PRESENCE_MAX_PEERS,
    });
    // Six joins over 180 ms produced at most two counts (one right away, one a second later).
    expect(counts.get("viewer")!.length).toBeLessThanOrEqual(2);
    // A newcomer to the now quiet room is told within a second, without any change happening.
    room.fullFrame("late");
    scheduler.advance(PRESENCE_COUNT_INTERVAL_MS);
    expect(counts.get("late")).toEqual([
      { type: "presence-count", total: n, shown: PRESENCE_MAX_PEERS },
    ]);
    // Back under the bound: the hidden number returns to 0 and is said once.
    const before = counts.get("viewer")!.length;
    for (const m of ids.slice(PRESENCE_MAX_PEERS)) room.remove(m);
    scheduler.advance(PRESENCE_COUNT_INTERVAL_MS * 3);
    expect(counts.get("viewer")!.slice(before)).toEqual([
      { type: "presence-count", total: PRESENCE_MAX_PEERS, shown: PRESENCE_MAX_PEERS },
    ]);
  });

  it("[P11] silent viewers share one frame per tick and cost no work of their own", () => {
    const editors = Array.from({ length: 10 }, (_, i) => `e${i}`);
    const run = (viewers: number) => {
      const silent = Array.from({ length: viewers }, (_, i) => `v${i}`);
      const room = bigRoom([...editors, ...silent]);
      for (const id of [...editors, ...silent]) room.room.fullFrame(id);
      for (let step = 0; step < 5; step++) {
        for (const [i, e] of editors.entries()) room.say(e, i + 1, at(step, i));
        scheduler.advance(PRESENCE_TICK_MS);
      }
      const diffsBefore = room.room.stats.receiverDiffs;
      for (let step = 0; step < 5; step++) {
        for (const [i, e] of editors.entries()) room.say(e, i + 1, at(10 + step, i));
        scheduler.advance(PRESENCE_TICK_MS);
      }
      return { ...room, silent, diffs: room.room.stats.receiverDiffs - diffsBefore };
    };
    const none = run(0);
    const many = run(1000);
    // Work per tick is the same with 0 or 1,000 silent viewers: only the editors are diffed.
    expect(many.diffs).toBe(none.diffs);
    expect(many.diffs).toBe(5 * editors.length);
    const lastOf = (id: string) => many.frames.get(id)!.at(-1)!;
    for (const v of many.silent) expect(lastOf(v)).toBe(lastOf("v0"));
    expect(receiverView(many.frames.get("v999")!).size).toBe(editors.length);
    // Nothing changed: nothing is sent.
    const sent = many.room.stats.framesSent;
    scheduler.advance(PRESENCE_TICK_MS * 10);
    expect(many.room.stats.framesSent).toBe(sent);
  });

  it("[P12] a receiver gets at most 40 messages a second in a busy room", () => {
    const n = PRESENCE_MAX_PEERS * 2;
    const ids = Array.from({ length: n }, (_, i) => `m${i}`);
    const { room, frames, counts, say } = bigRoom([...ids, "viewer"]);
    room.fullFrame("viewer");
    // Everyone moves at 100 Hz and a tenth of them leave and come back every 100 ms.
    for (let t = 0; t < 1000; t += 10) {
      for (const [i, m] of ids.entries()) {
        if (t % 100 === 0 && i % 10 === t / 100) room.remove(m);
        else say(m, i + 1, at(i * 10 + t, 0));
      }
      scheduler.advance(10);
    }
    for (const id of ["viewer", "m0", "m55"]) {
      const messages = (frames.get(id)?.length ?? 0) + (counts.get(id)?.length ?? 0);
      expect(messages, id).toBeGreaterThan(20);
      expect(messages, id).toBeLessThanOrEqual(40);
    }
  });
});
