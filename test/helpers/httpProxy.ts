/**
 * An HTTP proxy on loopback that forwards every request to a target port, streaming both ways
 * (SSE and long polls pass through unbuffered), but refuses WebSocket upgrades with a 403, the
 * way some corporate proxies and middleboxes do. For the transport fallback tests (issue 8).
 */
import { createServer, request, type Server } from "node:http";
import { connect, type Socket } from "node:net";

export interface UpgradeRefusingProxy {
  readonly port: number;
  /** Upgrade requests refused so far. */
  readonly refusedUpgrades: number;
  /** From now on, pass WebSocket upgrades through (the blocking middlebox went away). */
  allowUpgrades(): void;
  close(): Promise<void>;
}

export async function startUpgradeRefusingProxy(targetPort: number): Promise<UpgradeRefusingProxy> {
  const sockets = new Set<Socket>();
  let refused = 0;
  let allow = false;
  const server: Server = createServer((req, res) => {
    const upstream = request(
      {
        host: "127.0.0.1",
        port: targetPort,
        method: req.method,
        path: req.url,
        headers: req.headers,
        // A fresh upstream connection per request. Node's global agent keeps connections alive,
        // and one the dev server has just closed for idleness fails on its next write: the
        // proxy then answered 502 within milliseconds ([TP7] failed that way under CI).
        agent: false,
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
  server.on("upgrade", (req, socket: Socket, head: Buffer) => {
    if (allow) {
      // A plain TCP tunnel: replay the request head, then pipe bytes both ways.
      const upstream = connect(targetPort, "127.0.0.1", () => {
        const lines = [`${req.method} ${req.url} HTTP/1.1`];
        for (let i = 0; i < req.rawHeaders.length; i += 2) {
          lines.push(`${req.rawHeaders[i]}: ${req.rawHeaders[i + 1]}`);
        }
        upstream.write(`${lines.join("\r\n")}\r\n\r\n`);
        if (head.length > 0) upstream.write(head);
        socket.pipe(upstream);
        upstream.pipe(socket);
      });
      sockets.add(upstream);
      upstream.on("close", () => {
        sockets.delete(upstream);
        socket.destroy();
      });
      upstream.on("error", () => socket.destroy());
      socket.on("error", () => upstream.destroy());
      return;
    }
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
    allowUpgrades() {
      allow = true;
    },
    async close() {
      for (const s of sockets) s.destroy();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
