/**
 * An HTTP proxy on loopback that forwards every request to a target port, streaming both ways
 * (SSE and long polls pass through unbuffered), but refuses WebSocket upgrades with a 403, the
 * way some corporate proxies and middleboxes do. For the transport fallback tests (issue 8).
 */
import { createServer, request, type Server } from "node:http";
import type { Socket } from "node:net";

export interface UpgradeRefusingProxy {
  readonly port: number;
  /** Upgrade requests refused so far. */
  readonly refusedUpgrades: number;
  close(): Promise<void>;
}

export async function startUpgradeRefusingProxy(targetPort: number): Promise<UpgradeRefusingProxy> {
  const sockets = new Set<Socket>();
  let refused = 0;
  const server: Server = createServer((req, res) => {
    const upstream = request(
      {
        host: "127.0.0.1",
        port: targetPort,
        method: req.method,
        path: req.url,
        headers: req.headers,
      },
      (up) => {
        res.writeHead(up.statusCode ?? 502, up.headers);
        res.flushHeaders();
        up.pipe(res);
      },
    );
    upstream.on("error", () => {
      // The server may answer (a 413) and close before the whole body is sent: keep its answer.
      if (!res.headersSent) res.writeHead(502).end();
    });
    // The client went away (EventSource closed, poll aborted): so does the upstream request.
    res.on("close", () => upstream.destroy());
    req.pipe(upstream);
  });
  server.on("upgrade", (_req, socket: Socket) => {
    refused++;
    socket.end("HTTP/1.1 403 Forbidden\r\ncontent-length: 0\r\nconnection: close\r\n\r\n");
  });
  server.on("connection", (socket: Socket) => {
    sockets.add(socket);
    socket.on("close", () => sockets.delete(socket));
  });
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => resolve());
  });
  const address = server.address();
  if (address === null || typeof address === "string") throw new Error("proxy has no port");
  return {
    port: address.port,
    get refusedUpgrades() {
      return refused;
    },
    async close() {
      for (const s of sockets) s.destroy();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
