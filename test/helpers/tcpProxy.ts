/**
 * A loopback TCP proxy for resilience tests: forwards every connection to a target port, and can
 * be switched into a black hole that silently drops bytes in both directions while keeping every
 * socket open, the way a dead NAT entry or a sleeping laptop's Wi-Fi leaves a half-open TCP path
 * (no FIN, no RST, so no close ever reaches either end).
 */
import { connect, createServer, type Server, type Socket } from "node:net";

export interface TcpProxy {
  readonly port: number;
  /** Connections accepted so far, with the time each was accepted (Date.now()). */
  readonly accepted: number[];
  /**
   * Stop forwarding on every open connection and on any accepted while black-holed. Those
   * connections stay dead for good, even after `resume()`, exactly like a broken path.
   */
  blackhole(): void;
  /** Forward again, for connections accepted from now on. */
  resume(): void;
  /** Cut every open connection at once (both ends see a reset), as a dropped network does. */
  dropAll(): void;
  close(): Promise<void>;
}

interface Pair {
  client: Socket;
  upstream: Socket;
  dead: boolean;
}

export async function startTcpProxy(targetPort: number, listenPort = 0): Promise<TcpProxy> {
  const pairs = new Set<Pair>();
  const accepted: number[] = [];
  let forwarding = true;

  const server: Server = createServer((client) => {
    accepted.push(Date.now());
    const upstream = connect(targetPort, "127.0.0.1");
    const pair: Pair = { client, upstream, dead: !forwarding };
    pairs.add(pair);
    client.on("data", (chunk) => {
      if (!pair.dead) upstream.write(chunk);
    });
    upstream.on("data", (chunk) => {
      if (!pair.dead) client.write(chunk);
    });
    const end = () => {
      pairs.delete(pair);
      client.destroy();
      upstream.destroy();
    };
    // A black-holed path never reports a close to the other end: that is the point.
    client.on("close", () => {
      if (!pair.dead) end();
    });
    upstream.on("close", () => {
      if (!pair.dead) end();
    });
    client.on("error", () => {});
    upstream.on("error", () => {});
  });

  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(listenPort, "127.0.0.1", () => resolve());
  });
  const address = server.address();
  if (address === null || typeof address === "string") throw new Error("proxy has no port");

  return {
    port: address.port,
    accepted,
    blackhole() {
      forwarding = false;
      for (const p of pairs) p.dead = true;
    },
    resume() {
      forwarding = true;
    },
    dropAll() {
      for (const p of [...pairs]) {
        pairs.delete(p);
        p.client.resetAndDestroy();
        p.upstream.resetAndDestroy();
      }
    },
    async close() {
      for (const p of pairs) {
        p.client.destroy();
        p.upstream.destroy();
      }
      pairs.clear();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
