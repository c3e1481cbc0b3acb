/**
 * The HTTP fallback transport (docs/transport.md): for networks that block WebSockets, a room
 * connection made of plain HTTP requests. Each one is a `RoomConnection` like a socket, so the
 * room applies the same sync, presence, limits, rate budget and read-only rule to it.
 *
 *   GET  …/<room>/sse            room → client: a Server-Sent Events stream
 *   POST …/<room>/open           long polling: creates the connection, answers {id, token}
 *   GET  …/<room>/poll?id&token  long polling: held until frames are queued (or 20 s)
 *   POST …/<room>/send?id&token  client → room: a batch of frames (src/shared/frameBatch.ts)
 *
 * The token (128 random bits) is the connection's capability: its id alone lets no one write.
 */
import { toHexString } from "lib0/buffer";
import {
  DRAIN_LIMIT_BYTES,
  HTTP_TOKEN_BYTES,
  LONG_POLL_HOLD_MS,
  LONG_POLL_IDLE_MS,
  MAX_BATCH_BYTES,
  MAX_POLL_QUEUE_BYTES,
  SSE_KEEPALIVE_MS,
} from "../src/shared/constants";
import { exhaustive } from "../src/shared/exhaustive";
import { type BatchFrame, decodeBatch, encodeBatch } from "../src/shared/frameBatch";
import { CloseCode, toBase64 } from "../src/shared/protocol";
import { frameByteLength } from "../src/shared/utf8";
import { jsonResponse } from "./http";
import type { ConnectOptions, RoomConnection } from "./room";

/** The sub-paths this transport answers under `/parties/<party>/<room>/`. */
export const HTTP_TRANSPORT_ACTIONS = ["sse", "open", "poll", "send"] as const;
export type HttpTransportAction = (typeof HTTP_TRANSPORT_ACTIONS)[number];

/**
 * Header the view party sets when it forwards a viewer's request to the room over a Durable
 * Object stub: the room makes that connection read-only. Stub requests skip the worker's
 * onBeforeRequest; requests from outside pass through it, and it deletes this header.
 */
export const VIEW_UPSTREAM_HEADER = "x-sketchroom-view-upstream";

/** What the transport needs of the room. */
export interface RoomPort {
  connect(conn: RoomConnection, options: ConnectOptions): void;
  message(conn: RoomConnection, data: string | ArrayBuffer | ArrayBufferView): void;
  disconnect(conn: RoomConnection): void;
}

/** `…/<room>/<action>` → the action, or null when the path is not one of ours. */
export function transportAction(url: string): HttpTransportAction | null {
  const match = new URL(url).pathname.match(/^\/part(?:y|ies\/[^/]+)\/[^/]+\/([a-z]+)\/?$/);
  const action = match?.[1];
  return (HTTP_TRANSPORT_ACTIONS as readonly string[]).includes(action ?? "")
    ? (action as HttpTransportAction)
    : null;
}

const NO_STORE = { "cache-control": "no-store" };
const SSE_HEADERS = {
  "content-type": "text/event-stream; charset=utf-8",
  // no-transform: proxies that gzip or buffer a stream would hold events back.
  "cache-control": "no-store, no-transform",
  "x-accel-buffering": "no",
};
const BATCH_HEADERS = { "content-type": "application/octet-stream", ...NO_STORE };

/** One Server-Sent Event. A data line ends at a newline: every line of `data` gets its own. */
function sseEvent(event: string, data: string): string {
  const lines = data
    .split("\n")
    .map((line) => `data: ${line}`)
    .join("\n");
  return `event: ${event}\n${lines}\n\n`;
}

/**
 * The fallback's answer to a request refused outright (an Origin not allowed), like
 * refuseSocket in http.ts: a connection that ends at once with `code`, so the client reads a
 * close code (4003: stop) rather than an HTTP status it would take for a network failure and
 * retry forever. No room starts. `open` hands out a placeholder session whose every poll is that
 * close.
 */
export function refuseTransport(
  action: HttpTransportAction,
  code: number,
  reason: string,
  headers: Record<string, string> = {},
): Response {
  switch (action) {
    case "sse":
      return new Response(sseEvent("close", JSON.stringify({ code, reason })), {
        headers: { ...SSE_HEADERS, ...headers },
      });
    case "open":
      return jsonResponse(200, { id: "refused", token: "refused" }, headers);
    case "poll":
      return new Response(encodeBatch([{ kind: "close", code, reason }]), {
        headers: { ...BATCH_HEADERS, ...headers },
      });
    case "send":
      return jsonResponse(403, { error: reason }, headers);
    default:
      return exhaustive(action);
  }
}

function randomHex(bytes: number): string {
  return toHexString(crypto.getRandomValues(new Uint8Array(bytes)));
}

/** Equal-time comparison: a token guessed byte by byte learns nothing from timing. */
function sameToken(a: string, b: string): boolean {
  if (a.length !== b.length) return false;
  let diff = 0;
  for (let i = 0; i < a.length; i++) diff |= a.charCodeAt(i) ^ b.charCodeAt(i);
  return diff === 0;
}

/**
 * Reads a request body, returning null when it passes `limit` bytes (the Content-Length header
 * can be absent or lie). An oversized body is still drained, up to DRAIN_LIMIT_BYTES, so the
 * client reads a 413 rather than a reset connection (the dev server resets a request whose body
 * was left unread); beyond that the stream is cancelled.
 */
export async function readBodyLimited(req: Request, limit: number): Promise<Uint8Array | null> {
  if (!req.body) return new Uint8Array(0);
  const reader = req.body.getReader();
  const chunks: Uint8Array[] = [];
  let total = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    total += value.byteLength;
    if (total > DRAIN_LIMIT_BYTES) {
      await reader.cancel().catch(() => {});
      return null;
    }
    if (total <= limit) chunks.push(value);
  }
  if (total > limit) return null;
  const out = new Uint8Array(total);
  let at = 0;
  for (const c of chunks) {
    out.set(c, at);
    at += c.byteLength;
  }
  return out;
}

const encoder = new TextEncoder();

/** One fallback connection, seen by the room as any other connection. */
abstract class HttpConnection implements RoomConnection {
  readonly id = `http-${crypto.randomUUID()}`;
  readonly token = randomHex(HTTP_TOKEN_BYTES);
  closed = false;

  constructor(
    /** The connection is over for the transport and the room. */
    protected readonly onEnd: (conn: HttpConnection) => void,
    /** The transport itself closed the connection: the room lets go at once. */
    protected readonly onLeaveRoom: (conn: HttpConnection) => void,
  ) {}

  abstract send(data: string | Uint8Array): void;
  /** The room closes the connection (rate limited, malformed, idle…): tell the client, end. */
  abstract close(code: number, reason: string): void;
  /** The client went away: free everything. Does not notify the room (the caller does). */
  abstract dispose(): void;
}

/** room → client over Server-Sent Events. */
class SseConnection extends HttpConnection {
  private controller: ReadableStreamDefaultController<Uint8Array> | null = null;
  private keepalive: ReturnType<typeof setInterval> | null = null;
  readonly stream: ReadableStream<Uint8Array>;

  constructor(onEnd: (conn: HttpConnection) => void, onLeaveRoom: (conn: HttpConnection) => void) {
    super(onEnd, onLeaveRoom);
    this.stream = new ReadableStream<Uint8Array>({
      start: (controller) => {
        this.controller = controller;
        // Named "session", not "open": EventSource dispatches its own data-less "open" event.
        this.write("session", JSON.stringify({ id: this.id, token: this.token }));
        this.keepalive = setInterval(() => this.raw(": ping\n\n"), SSE_KEEPALIVE_MS);
      },
      cancel: () => {
        // The client closed the stream (EventSource.close, tab gone, proxy timeout).
        if (this.closed) return;
        this.dispose();
        this.onEnd(this);
      },
    });
  }

  send(data: string | Uint8Array): void {
    if (typeof data === "string") this.write("t", data);
    else this.write("b", toBase64(data));
  }

  close(code: number, reason: string): void {
    if (this.closed) return;
    this.write("close", JSON.stringify({ code, reason }));
    this.dispose();
    try {
      this.controller?.close();
    } catch {
      // Already cancelled.
    }
    this.onEnd(this);
  }

  dispose(): void {
    this.closed = true;
    if (this.keepalive !== null) clearInterval(this.keepalive);
    this.keepalive = null;
  }

  private write(event: string, data: string): void {
    // JSON from the room has no newline, but never trust that: sseEvent splits lines.
    this.raw(sseEvent(event, data));
  }

  private raw(text: string): void {
    if (this.closed || !this.controller) return;
    try {
      this.controller.enqueue(encoder.encode(text));
    } catch {
      // The stream is gone under us: the client left.
      this.dispose();
      this.onEnd(this);
    }
  }
}

/** room → client over long polling: frames wait in a queue for the next poll. */
class PollConnection extends HttpConnection {
  private queue: BatchFrame[] = [];
  private queuedBytes = 0;
  private waiter: ((frames: BatchFrame[]) => void) | null = null;
  private holdTimer: ReturnType<typeof setTimeout> | null = null;
  private idleTimer: ReturnType<typeof setTimeout> | null = null;
  /** The close frame has been handed to a poll: the connection can be forgotten. */
  private closeDelivered = false;

  constructor(onEnd: (conn: HttpConnection) => void, onLeaveRoom: (conn: HttpConnection) => void) {
    super(onEnd, onLeaveRoom);
    this.armIdle();
  }

  send(data: string | Uint8Array): void {
    if (this.closed) return;
    this.queue.push(
      typeof data === "string" ? { kind: "text", data } : { kind: "binary", data: data.slice() },
    );
    this.queuedBytes += frameByteLength(data);
    if (this.queuedBytes > MAX_POLL_QUEUE_BYTES) {
      // A client that stopped polling: like a socket whose buffer never drains. The room lets
      // go now; the close stays queued for the next poll (or the idle timer), so a client that
      // comes back learns why instead of meeting an unknown connection.
      this.queue = [];
      this.queuedBytes = 0;
      this.close(CloseCode.SLOW_CONSUMER, "slow consumer");
      this.onLeaveRoom(this);
      return;
    }
    this.wake();
  }

  close(code: number, reason: string): void {
    if (this.closed) return;
    this.closed = true;
    this.queue.push({ kind: "close", code, reason });
    this.wake();
    // Keep the close for one more poll; the idle timer forgets it if none comes.
  }

  dispose(): void {
    this.closed = true;
    this.queue = [];
    if (this.holdTimer !== null) clearTimeout(this.holdTimer);
    if (this.idleTimer !== null) clearTimeout(this.idleTimer);
    this.holdTimer = this.idleTimer = null;
    this.waiter?.([]);
    this.waiter = null;
  }

  /** Answers with what is queued, or waits for frames (at most LONG_POLL_HOLD_MS). */
  poll(): Promise<BatchFrame[]> {
    if (this.idleTimer !== null) clearTimeout(this.idleTimer);
    this.idleTimer = null;
    // A second poll replaces the first (a client retrying after a dropped response).
    this.waiter?.([]);
    this.waiter = null;
    if (this.queue.length > 0 || this.closeDelivered) return Promise.resolve(this.take());
    return new Promise((resolve) => {
      this.waiter = resolve;
      this.holdTimer = setTimeout(() => this.wake(), LONG_POLL_HOLD_MS);
    });
  }

  private wake(): void {
    const waiter = this.waiter;
    if (!waiter) return;
    this.waiter = null;
    if (this.holdTimer !== null) clearTimeout(this.holdTimer);
    this.holdTimer = null;
    waiter(this.take());
  }

  private take(): BatchFrame[] {
    const frames = this.queue;
    this.queue = [];
    this.queuedBytes = 0;
    if (frames.some((f) => f.kind === "close")) {
      this.closeDelivered = true;
      this.dispose();
      this.onEnd(this);
    } else {
      this.armIdle();
    }
    return frames;
  }

  private armIdle(): void {
    if (this.idleTimer !== null) clearTimeout(this.idleTimer);
    this.idleTimer = setTimeout(() => {
      // Not polled for LONG_POLL_IDLE_MS: the client is gone.
      this.dispose();
      this.onEnd(this);
    }, LONG_POLL_IDLE_MS);
  }
}

export class HttpTransport {
  private readonly connections = new Map<string, HttpConnection>();

  constructor(
    private readonly room: RoomPort,
    /** Options for a new connection (the adapter adds the view id for editors). */
    private readonly connectOptions: (opts: {
      readOnly: boolean;
      control: boolean;
    }) => ConnectOptions,
  ) {}

  async handle(req: Request, action: HttpTransportAction, readOnly: boolean): Promise<Response> {
    const url = new URL(req.url);
    const control = url.searchParams.get("control") === "1";
    switch (action) {
      case "sse": {
        if (req.method !== "GET") return jsonResponse(405, { error: "method not allowed" });
        const conn = new SseConnection(this.ended, this.leftRoom);
        this.start(conn, readOnly, control);
        return new Response(conn.stream, { headers: SSE_HEADERS });
      }
      case "open": {
        if (req.method !== "POST") return jsonResponse(405, { error: "method not allowed" });
        const conn = new PollConnection(this.ended, this.leftRoom);
        this.start(conn, readOnly, control);
        return jsonResponse(200, { id: conn.id, token: conn.token });
      }
      case "poll": {
        if (req.method !== "GET") return jsonResponse(405, { error: "method not allowed" });
        const found = this.find(url);
        if (found instanceof Response) return found;
        if (!(found instanceof PollConnection))
          return jsonResponse(400, { error: "not a polling connection" });
        const frames = await found.poll();
        return new Response(encodeBatch(frames), { headers: BATCH_HEADERS });
      }
      case "send":
        return this.send(req, url);
      default:
        return exhaustive(action);
    }
  }

  private readonly ended = (conn: HttpConnection) => this.end(conn);
  private readonly leftRoom = (conn: HttpConnection) => this.room.disconnect(conn);

  private start(conn: HttpConnection, readOnly: boolean, control: boolean): void {
    this.connections.set(conn.id, conn);
    this.room.connect(conn, this.connectOptions({ readOnly, control }));
  }

  private async send(req: Request, url: URL): Promise<Response> {
    if (req.method !== "POST") return jsonResponse(405, { error: "method not allowed" });
    const conn = this.find(url);
    if (conn instanceof Response) return conn;
    const body = await readBodyLimited(req, MAX_BATCH_BYTES);
    if (body === null) return jsonResponse(413, { error: "batch too large" });
    let frames: BatchFrame[];
    try {
      frames = decodeBatch(body);
    } catch {
      // A broken batch is a malformed message, like a broken frame on a socket.
      this.room.disconnect(conn);
      conn.close(CloseCode.MALFORMED, "malformed batch");
      return jsonResponse(400, { error: "malformed batch" });
    }
    for (const frame of frames) {
      // The room may close the connection mid-batch (rate limit): the rest is dropped.
      if (conn.closed) break;
      switch (frame.kind) {
        case "binary":
        case "text":
          this.room.message(conn, frame.data);
          break;
        case "close":
          // The client closes its connection.
          conn.dispose();
          this.end(conn);
          break;
        default:
          exhaustive(frame);
      }
    }
    return new Response(null, { status: 204, headers: NO_STORE });
  }

  private find(url: URL): HttpConnection | Response {
    const id = url.searchParams.get("id") ?? "";
    const token = url.searchParams.get("token") ?? "";
    const conn = this.connections.get(id);
    if (!conn) return jsonResponse(404, { error: "unknown connection" });
    if (!sameToken(conn.token, token)) return jsonResponse(403, { error: "bad token" });
    return conn;
  }

  private end(conn: HttpConnection): void {
    if (this.connections.get(conn.id) !== conn) return;
    this.connections.delete(conn.id);
    this.room.disconnect(conn);
  }
}
