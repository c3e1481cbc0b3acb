/**
 * The real client (`createRoomClient` from src/net) running in Node against a real `partykit
 * dev`, plus the measurements the resilience tests assert on and bench/resilience.ts reports:
 * restart → every client resynced, first-retry spread after a drop, half-open detection time.
 */
import WS from "ws";
import { createRoomClient } from "../../src/net/roomClient";
import type { RoomClient } from "../../src/net/types";
import { getShapes } from "../../src/shared/doc";
import type { DevServer } from "./devServer";
import { addShapes, makeShape } from "./shapes";
import { startTcpProxy } from "./tcpProxy";
import { waitFor } from "./wait";
import { uniqueRoomId } from "./yclient";

/** A RoomClient plus the times (Date.now()) its WebSocket objects were constructed. */
export interface NodeClient {
  readonly client: RoomClient;
  /** One entry per connection attempt (each `new WebSocket`). */
  readonly attempts: number[];
}

export function connectNodeClient(host: string, roomId: string): NodeClient {
  const attempts: number[] = [];
  // Records each connection attempt; otherwise the `ws` package's WebSocket, unchanged.
  class CountingWebSocket extends WS {
    constructor(...args: ConstructorParameters<typeof WS>) {
      attempts.push(Date.now());
      super(...args);
    }
  }
  const client = createRoomClient(roomId, {
    host,
    WebSocket: CountingWebSocket as unknown as typeof WebSocket,
    persistLocally: false,
    guardUnload: false,
  });
  return { client, attempts };
}

export const isConnected = (c: NodeClient) => c.client.getStatus().state === "connected";

export function shapesJson(c: NodeClient): Record<string, unknown> {
  return getShapes(c.client.doc).toJSON();
}

/** Connects `n` clients to a fresh room and waits until all are connected and hold a seed shape. */
export async function connectRoom(server: DevServer, n: number): Promise<NodeClient[]> {
  const roomId = uniqueRoomId("res");
  const host = `127.0.0.1:${server.port}`;
  const clients = Array.from({ length: n }, () => connectNodeClient(host, roomId));
  await waitFor(() => clients.every(isConnected), {
    timeout: 30_000,
    message: `${n} clients connected`,
  });
  const seed = makeShape({ id: "seed" });
  addShapes(clients[0]!.client.doc, [seed]);
  await waitFor(
    () => clients.every((c) => getShapes(c.client.doc).has("seed") && c.client.getStatus().saved),
    { timeout: 30_000, message: `${n} clients hold the seed shape, all saved` },
  );
  return clients;
}

export interface RestartMeasurement {
  clients: number;
  /** ms from `restart()` resolving to every client connected, saved and holding every offline edit. */
  resyncMs: number;
  /** ms between the earliest and the latest first reconnect attempt after the drop. */
  firstAttemptSpreadMs: number;
  /** Connection attempts made by all clients from the kill until resynced. */
  attempts: number;
}

/**
 * Kills the server under `clients` (SIGKILL), lets each make one edit while it is down, restarts
 * it and times the resync. The clients must be connected to `server`.
 */
export async function measureRestart(
  server: DevServer,
  clients: NodeClient[],
): Promise<RestartMeasurement> {
  const before = clients.map((c) => c.attempts.length);
  const killedAt = Date.now();
  await server.kill();
  await waitFor(() => clients.every((c) => !isConnected(c)), {
    timeout: 15_000,
    message: "every client noticed the server is gone",
  });
  // One edit each while the room is unreachable: kept locally, sent in the handshake.
  clients.forEach((c, i) => {
    addShapes(c.client.doc, [makeShape({ id: `offline-${i}`, x: i })]);
  });
  await server.restart();
  const restartedAt = performance.now();
  const ids = clients.map((_, i) => `offline-${i}`);
  await waitFor(
    () =>
      clients.every((c) => {
        if (!isConnected(c) || !c.client.getStatus().saved) return false;
        const shapes = getShapes(c.client.doc);
        return ids.every((id) => shapes.has(id));
      }),
    {
      timeout: 60_000,
      interval: 20,
      message: `all ${clients.length} clients reconnected, saved and holding every offline edit`,
    },
  );
  const resyncMs = performance.now() - restartedAt;
  const firsts = clients.map((c, i) => {
    const first = c.attempts[before[i]!];
    if (first === undefined || first < killedAt) throw new Error(`client ${i} never retried`);
    return first;
  });
  return {
    clients: clients.length,
    resyncMs,
    firstAttemptSpreadMs: Math.max(...firsts) - Math.min(...firsts),
    attempts: clients.reduce((sum, c, i) => sum + c.attempts.length - before[i]!, 0),
  };
}

export interface HalfOpenMeasurement {
  /** ms from the path going silent to the client leaving "connected". */
  detectMs: number;
  /** ms from the path forwarding again to the client connected and in sync. */
  recoverMs: number;
}

/**
 * One client reaches the room through a TCP proxy, a second directly. The proxy goes silent
 * (half-open: no close ever arrives); the first client must notice by itself. Then the proxy
 * forwards again and the first client must reconnect and exchange edits with the second.
 */
export async function measureHalfOpen(server: DevServer): Promise<HalfOpenMeasurement> {
  const proxy = await startTcpProxy(server.port);
  const roomId = uniqueRoomId("halfopen");
  const viaProxy = connectNodeClient(`127.0.0.1:${proxy.port}`, roomId);
  const direct = connectNodeClient(`127.0.0.1:${server.port}`, roomId);
  try {
    await waitFor(() => isConnected(viaProxy) && isConnected(direct), {
      timeout: 30_000,
      message: "both clients connected",
    });
    addShapes(viaProxy.client.doc, [makeShape({ id: "before" })]);
    await waitFor(() => getShapes(direct.client.doc).has("before"), {
      message: "the direct client sees the proxied client's edit",
    });

    proxy.blackhole();
    const silentAt = performance.now();
    // An edit made on the dead path is never acknowledged; it must arrive after the reconnect.
    addShapes(viaProxy.client.doc, [makeShape({ id: "during" })]);
    await waitFor(() => !isConnected(viaProxy), {
      timeout: 30_000,
      interval: 20,
      message: "the proxied client notices the silent path",
    });
    const detectMs = performance.now() - silentAt;

    proxy.resume();
    const resumedAt = performance.now();
    addShapes(direct.client.doc, [makeShape({ id: "meanwhile" })]);
    await waitFor(
      () =>
        isConnected(viaProxy) &&
        viaProxy.client.getStatus().saved &&
        getShapes(viaProxy.client.doc).has("meanwhile") &&
        getShapes(direct.client.doc).has("during"),
      {
        timeout: 45_000,
        interval: 20,
        message: "the proxied client reconnects and both hold each other's edits",
      },
    );
    return { detectMs, recoverMs: performance.now() - resumedAt };
  } finally {
    viaProxy.client.destroy();
    direct.client.destroy();
    await proxy.close();
  }
}

export function destroyAll(clients: NodeClient[]): void {
  for (const c of clients) c.client.destroy();
}
