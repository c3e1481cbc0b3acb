/**
 * A bare socket for hostile-input tests: it sends exactly the bytes it is given and records every
 * frame and the close, from the very first frame on (listeners are attached before the upgrade
 * completes, so nothing the room sends is missed).
 */
import WebSocket from "ws";
import { withTimeout } from "./wait";

export interface RawSocket {
  readonly ws: WebSocket;
  /** Text frames received, in order. */
  readonly texts: string[];
  /** Binary frames received, in order. */
  readonly binaries: Uint8Array[];
  /** Set once the socket has closed. */
  closeEvent: { code: number; reason: string; at: number } | null;
  /** Resolves with the close event. */
  readonly closed: Promise<{ code: number; reason: string; at: number }>;
  /** Parsed JSON control messages received (unparseable text is skipped). */
  controls(): { type: string; [key: string]: unknown }[];
  /** Sends when open; returns whether the frame went out. */
  send(data: string | Uint8Array): boolean;
  /** Closes (or drops) the socket and waits until it is gone. */
  close(): Promise<void>;
}

export interface RawSocketOptions {
  /** Sent as the Origin header of the upgrade. */
  origin?: string;
  /** ms to wait for the upgrade (default 10 000). */
  openTimeout?: number;
}

/** Thrown when the upgrade is answered with an HTTP status instead of a socket. */
export class UpgradeRefused extends Error {
  constructor(
    readonly status: number,
    readonly body: string,
  ) {
    super(`upgrade refused with HTTP ${status}: ${body.slice(0, 200)}`);
  }
}

/** Opens a socket to `url`; rejects with UpgradeRefused when the server answers over HTTP. */
export async function openRawSocket(url: string, opts: RawSocketOptions = {}): Promise<RawSocket> {
  const ws = new WebSocket(url, opts.origin ? { origin: opts.origin } : {});
  ws.binaryType = "arraybuffer";
  const texts: string[] = [];
  const binaries: Uint8Array[] = [];
  ws.on("message", (data: ArrayBuffer, isBinary: boolean) => {
    if (isBinary) binaries.push(new Uint8Array(data));
    else texts.push(Buffer.from(data).toString("utf8"));
  });
  let resolveClosed!: (e: { code: number; reason: string; at: number }) => void;
  const closed = new Promise<{ code: number; reason: string; at: number }>((res) => {
    resolveClosed = res;
  });
  const socket: RawSocket = {
    ws,
    texts,
    binaries,
    closeEvent: null,
    closed,
    controls: () => {
      const out: { type: string; [key: string]: unknown }[] = [];
      for (const t of texts) {
        try {
          const parsed = JSON.parse(t) as { type?: unknown };
          if (parsed && typeof parsed.type === "string") out.push(parsed as { type: string });
        } catch {
          // Not JSON: the test decides whether that matters.
        }
      }
      return out;
    },
    send: (data) => {
      if (ws.readyState !== WebSocket.OPEN) return false;
      ws.send(data);
      return true;
    },
    close: async () => {
      if (ws.readyState === WebSocket.CLOSED) return;
      if (ws.readyState === WebSocket.CONNECTING) ws.terminate();
      else ws.close(1000, "test done");
      // `partykit dev` does not always answer the close handshake: drop the TCP connection.
      await withTimeout(closed, 500, "socket close").catch(() => ws.terminate());
      await closed;
    },
  };
  ws.on("close", (code, reason) => {
    socket.closeEvent = { code, reason: reason.toString("utf8"), at: Date.now() };
    resolveClosed(socket.closeEvent);
  });
  ws.on("error", () => {
    // Reported through the open promise or the close event.
  });
  await withTimeout(
    new Promise<void>((res, reject) => {
      ws.once("open", () => res());
      ws.once("unexpected-response", (_req, response) => {
        let body = "";
        response.on("data", (chunk: Buffer) => {
          body += chunk.toString("utf8");
        });
        response.on("end", () => reject(new UpgradeRefused(response.statusCode ?? 0, body)));
        response.on("error", () => reject(new UpgradeRefused(response.statusCode ?? 0, body)));
      });
      ws.once("error", (err) => reject(err));
      ws.once("close", (code) => reject(new Error(`socket closed before open (code ${code})`)));
    }),
    opts.openTimeout ?? 10_000,
    `open ${url}`,
  ).catch((err) => {
    ws.terminate();
    throw err;
  });
  return socket;
}

/** The HTTP status a refused upgrade got, or "open" when the socket opened (then closed again). */
export async function upgradeStatus(
  url: string,
  opts: RawSocketOptions = {},
): Promise<number | "open"> {
  try {
    const s = await openRawSocket(url, opts);
    await s.close();
    return "open";
  } catch (err) {
    if (err instanceof UpgradeRefused) return err.status;
    throw err;
  }
}
