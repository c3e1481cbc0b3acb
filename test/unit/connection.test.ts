/**
 * ConnectionManager with vitest fake timers and a fake WebSocket (no network).
 *
 *  [CM1] The socket opens → state connected, onOpen called.
 *  [CM2] A network drop (1006) → reconnecting, retry after a jittered backoff delay.
 *  [CM3] Fatal close codes (4001, 4003, 4009) → offline with a reason; never retried.
 *  [CM4] "Retry slowly" codes (4013, 4029) wait at least 5 s, jittered above it.
 *  [CM5] Heartbeat: a ping every 5 s; silence longer than DEAD_AFTER_MS closes the socket
 *        (half-open) and reconnects.
 *  [CM6] The tab becoming visible, or `online`, triggers an immediate attempt.
 *  [CM7] `offline` → state offline at once, no retry until `online`.
 *  [CM8] Nothing is sent, and nothing queued, while disconnected.
 */
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { ConnectionManager, type ConnectionOptions } from "../../src/net/connection";
import type { ConnectionState } from "../../src/net/types";
import {
  DEAD_AFTER_MS,
  HEARTBEAT_CHECK_MS,
  PING_INTERVAL_MS,
  RECONNECT_SLOW_MIN_MS,
} from "../../src/shared/constants";
import {
  createFakeWebSocket,
  FakeDocument,
  type FakeSocketClass,
  FakeWindow,
} from "./support/fakeSocket";

let fake: FakeSocketClass;
let states: { state: ConnectionState; attempt: number; fatal: string | null }[];
let opens: number;
let messages: (string | ArrayBuffer)[];
let managers: ConnectionManager[];
let doc: FakeDocument;
let win: FakeWindow;

beforeEach(() => {
  vi.useFakeTimers();
  fake = createFakeWebSocket();
  states = [];
  opens = 0;
  messages = [];
  managers = [];
  doc = new FakeDocument();
  win = new FakeWindow();
});

afterEach(() => {
  for (const m of managers) m.destroy();
  vi.useRealTimers();
});

function create(options: Partial<ConnectionOptions> = {}): ConnectionManager {
  const manager = new ConnectionManager(
    {
      host: "127.0.0.1:1",
      room: "room1",
      WebSocket: fake.WebSocket,
      random: () => 0.5,
      document: doc as unknown as ConnectionOptions["document"],
      window: win as unknown as ConnectionOptions["window"],
      ...options,
    },
    {
      onOpen: () => opens++,
      onMessage: (data) => messages.push(data),
      onStateChange: (state, attempt, fatal) => states.push({ state, attempt, fatal }),
    },
  );
  managers.push(manager);
  return manager;
}

/**
 * Advances fake time by `ms`, then lets partysocket's zero-delay connect (a timer plus promises)
 * that a retry started at that moment run.
 */
async function tick(ms = 0) {
  await vi.advanceTimersByTimeAsync(ms);
  for (let i = 0; i < 3; i++) {
    for (let j = 0; j < 10; j++) await Promise.resolve();
    await vi.advanceTimersByTimeAsync(0);
  }
}

async function connected(options: Partial<ConnectionOptions> = {}) {
  const m = create(options);
  await tick();
  fake.latest()!.accept();
  return m;
}

describe("ConnectionManager", () => {
  it("[CM1] opens → connected, with the room URL", async () => {
    const m = create();
    expect(m.getState()).toBe("connecting");
    await tick();
    expect(fake.sockets).toHaveLength(1);
    expect(fake.sockets[0]!.url).toMatch(/^ws:\/\/127\.0\.0\.1:1\/parties\/main\/room1\?/);
    expect(fake.sockets[0]!.binaryType).toBe("arraybuffer");
    fake.sockets[0]!.accept();
    expect(m.getState()).toBe("connected");
    expect(m.isOpen()).toBe(true);
    expect(opens).toBe(1);
    expect(states.at(-1)).toEqual({ state: "connected", attempt: 0, fatal: null });
  });

  it("[CM1] messages reach the listener; pongs are swallowed", async () => {
    await connected();
    const ws = fake.latest()!;
    ws.deliver('{"type":"saved","sv":"AA=="}');
    ws.deliver('{"type":"pong","t":1}');
    ws.deliver(new Uint8Array([0, 1, 2]));
    expect(messages).toHaveLength(2);
    expect(messages[0]).toBe('{"type":"saved","sv":"AA=="}');
    expect(new Uint8Array(messages[1] as ArrayBuffer)).toEqual(new Uint8Array([0, 1, 2]));
  });

  it("[CM2] a 1006 drop → reconnecting, then a retry after the jittered delay", async () => {
    const m = await connected({ random: () => 0.5 });
    fake.latest()!.drop(1006);
    expect(m.getState()).toBe("reconnecting");
    expect(m.getAttempt()).toBe(1);
    // attempt 0: window 1.5 s, random 0.5 → 750 ms.
    await tick(749);
    expect(fake.sockets).toHaveLength(1);
    // (+1 ms: fake timers run partysocket's setTimeout(…, 0) a millisecond later, as Node does.)
    await tick(2);
    expect(fake.sockets).toHaveLength(2);
    fake.latest()!.accept();
    expect(m.getState()).toBe("connected");
    expect(m.getAttempt()).toBe(0);
    expect(opens).toBe(2);
  });

  it("[CM2] repeated failures back off with growing windows", async () => {
    const m = await connected({ random: () => 0.999 });
    fake.latest()!.drop(1006);
    const gaps: number[] = [];
    for (let i = 0; i < 4; i++) {
      const before = fake.sockets.length;
      let waited = 0;
      while (fake.sockets.length === before && waited < 60_000) {
        await tick(100);
        waited += 100;
      }
      gaps.push(waited);
      fake.latest()!.drop(1006);
    }
    expect(m.getState()).toBe("reconnecting");
    // Windows 1.5 s, 3 s, 6 s, 10 s with random ≈ 1.
    expect(gaps).toEqual([1500, 3000, 6000, 10_000]);
  });

  for (const code of [4001, 4003, 4009]) {
    it(`[CM3] close code ${code} → offline with a reason, no retry`, async () => {
      const m = await connected();
      fake.latest()!.drop(code, "nope");
      expect(m.getState()).toBe("offline");
      expect(m.getFatal()).toEqual(expect.any(String));
      expect(states.at(-1)!.fatal).toBe(m.getFatal());
      await tick(10 * 60_000);
      expect(fake.sockets).toHaveLength(1);
      // Even the browser signals do not revive a fatal connection.
      win.goOnline();
      doc.setVisibility("visible");
      await tick(1000);
      expect(fake.sockets).toHaveLength(1);
    });
  }

  for (const code of [4013, 4029]) {
    it(`[CM4] close code ${code} → slow retry (never before 5 s)`, async () => {
      const m = await connected({ random: () => 0 });
      fake.latest()!.drop(code);
      expect(m.getState()).toBe("reconnecting");
      await tick(RECONNECT_SLOW_MIN_MS - 10);
      expect(fake.sockets).toHaveLength(1);
      await tick(20);
      expect(fake.sockets).toHaveLength(2);
    });
  }

  it("[CM4] the same random draw waits longer after 4013 than after 1006", async () => {
    await connected({ random: () => 0.5 });
    fake.latest()!.drop(4013);
    // 5 s floor + half of the 5 s first window.
    await tick(RECONNECT_SLOW_MIN_MS * 1.5 - 1);
    expect(fake.sockets).toHaveLength(1);
    await tick(2);
    expect(fake.sockets).toHaveLength(2);
  });

  it("[CM5] pings every 5 s while the room answers", async () => {
    const m = await connected();
    const ws = fake.latest()!;
    for (let i = 1; i <= 5; i++) {
      await tick(PING_INTERVAL_MS);
      expect(ws.sent.length).toBe(i);
      const ping = JSON.parse(ws.sent.at(-1) as string);
      expect(ping).toEqual({ type: "ping", t: expect.any(Number) });
      ws.deliver(JSON.stringify({ type: "pong", t: ping.t }));
    }
    expect(m.getState()).toBe("connected");
    expect(fake.sockets).toHaveLength(1);
  });

  it("[CM5] silence longer than DEAD_AFTER_MS closes a half-open socket and reconnects", async () => {
    const m = await connected({ random: () => 0 });
    const ws = fake.latest()!;
    await tick(DEAD_AFTER_MS);
    expect(ws.clientClosed).toBeNull();
    await tick(PING_INTERVAL_MS);
    expect(ws.clientClosed).toEqual({ code: 4100, reason: "no heartbeat" });
    expect(m.getState()).toBe("reconnecting");
    await tick(50);
    expect(fake.sockets).toHaveLength(2);
    fake.latest()!.accept();
    expect(m.getState()).toBe("connected");
  });

  it("[CM5] a silent connection is declared dead within DEAD_AFTER_MS + HEARTBEAT_CHECK_MS", async () => {
    // Regression: silence was only checked when a ping was due, so a path that went quiet just
    // after a pong was noticed only after DEAD_AFTER_MS + PING_INTERVAL_MS (up to 17 s).
    const m = await connected();
    const ws = fake.latest()!;
    await tick(1_000);
    ws.deliver(JSON.stringify({ type: "pong", t: 0 }));
    await tick(DEAD_AFTER_MS);
    expect(ws.clientClosed).toBeNull();
    await tick(HEARTBEAT_CHECK_MS);
    expect(ws.clientClosed).toEqual({ code: 4100, reason: "no heartbeat" });
    expect(m.getState()).toBe("reconnecting");
  });

  it("[CM6] the tab becoming visible triggers an immediate attempt", async () => {
    doc.visibilityState = "hidden";
    const m = await connected({ random: () => 0.999 });
    fake.latest()!.drop(1006);
    // Hidden: a long window. Far less time passes here.
    await tick(100);
    expect(fake.sockets).toHaveLength(1);
    doc.setVisibility("visible");
    await tick(0);
    expect(fake.sockets).toHaveLength(2);
    expect(m.getAttempt()).toBe(0);
  });

  it("[CM6] `online` triggers an immediate attempt", async () => {
    const m = await connected({ random: () => 0.999 });
    fake.latest()!.drop(1006);
    await tick(100);
    expect(fake.sockets).toHaveLength(1);
    win.goOnline();
    await tick(0);
    expect(fake.sockets).toHaveLength(2);
    fake.latest()!.accept();
    expect(m.getState()).toBe("connected");
  });

  it("[CM7] `offline` → offline at once, the socket closed, no retry until online", async () => {
    const m = await connected();
    const ws = fake.latest()!;
    win.goOffline();
    expect(m.getState()).toBe("offline");
    expect(ws.clientClosed).not.toBeNull();
    await tick(10 * 60_000);
    expect(fake.sockets).toHaveLength(1);
    win.goOnline();
    await tick(0);
    expect(fake.sockets).toHaveLength(2);
    fake.latest()!.accept();
    expect(m.getState()).toBe("connected");
  });

  it("[CM7] a manager created while the browser is offline starts offline and does not dial", async () => {
    win.navigator.onLine = false;
    const m = create();
    await tick(1000);
    expect(m.getState()).toBe("offline");
    expect(fake.sockets).toHaveLength(0);
  });

  it("[CM8] nothing is sent or queued while disconnected", async () => {
    const m = create();
    expect(m.send("before-open")).toBe(false);
    await tick();
    expect(m.send("while-connecting")).toBe(false);
    fake.latest()!.accept();
    expect(m.send("live")).toBe(true);
    fake.latest()!.drop(1006);
    expect(m.send(new Uint8Array([1]))).toBe(false);
    expect(m.send("while-reconnecting")).toBe(false);
    await tick(5000);
    fake.latest()!.accept();
    expect(fake.sockets[0]!.sent).toEqual(["live"]);
    expect(fake.sockets[1]!.sent).toEqual([]);
  });

  it("[CM8] destroy closes the socket and stops every timer", async () => {
    const m = await connected();
    m.destroy();
    expect(fake.latest()!.clientClosed?.code).toBe(1000);
    expect(vi.getTimerCount()).toBe(0);
  });
});
