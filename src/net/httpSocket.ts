/**
 * The client half of the HTTP fallback (docs/transport.md, server: party/httpTransport.ts): a
 * class with the WebSocket surface partysocket uses (`new WS(url)`, binaryType, readyState,
 * send, close, open/message/close events), built on Server-Sent Events where `EventSource`
 * exists and on long polling elsewhere, with client → room frames batched into POSTs. Passed to
 * partysocket as its `WebSocket` option, so ConnectionManager's state machine, heartbeat and
 * backoff run unchanged over it.
 */
import {
  FALLBACK_AFTER_FAILURES,
  KEEPALIVE_BODY_LIMIT,
  MAX_BATCH_BYTES,
} from "../shared/constants";
import { type BatchFrame, decodeBatch, encodeBatch } from "../shared/frameBatch";
import { CloseCode, fromBase64 } from "../shared/protocol";

import type { Transport } from "./types";

export type { Transport };
export type HttpTransportKind = Exclude<Transport, "websocket">;

// ---- The decision (pure, unit-tested) -------------------------------------------------------

/** The fallback this runtime can use: SSE where EventSource exists, else long polling. */
export function fallbackKind(scope: { EventSource?: unknown } = globalThis): HttpTransportKind {
  return typeof scope.EventSource === "function" ? "sse" : "long-polling";
}

export interface TransportInputs {
  current: Transport;
  /** WebSocket attempts in a row that closed without ever opening. */
  failuresWithoutOpen: number;
  /** A plain HTTP request to the room answered (the host is up; only the upgrade fails). */
  httpWorks: boolean;
  /** While on the fallback: a background WebSocket probe opened. */
  probeOpened: boolean;
  fallback: HttpTransportKind;
}

/** Which transport the next connection attempt uses. */
export function chooseTransport(s: TransportInputs): Transport {
  if (s.current !== "websocket") return s.probeOpened ? "websocket" : s.current;
  return s.failuresWithoutOpen >= FALLBACK_AFTER_FAILURES && s.httpWorks ? s.fallback : "websocket";
}

/** `ws(s)://host/parties/p/r?q` → `http(s)://host/parties/p/r/<action>?q`. */
export function httpUrl(socketUrl: string, action: string): string {
  const url = new URL(socketUrl);
  url.protocol = url.protocol === "wss:" ? "https:" : "http:";
  url.pathname = `${url.pathname.replace(/\/$/, "")}/${action}`;
  // partysocket's connection id: the room gives fallback connections their own.
  url.searchParams.delete("_pk");
  return url.toString();
}

// ---- Events ---------------------------------------------------------------------------------

/** CloseEvent is not global in Node 20; partysocket clones events with `new E(type, event)`. */
export class HttpCloseEvent extends Event {
  readonly code: number;
  readonly reason: string;
  readonly wasClean: boolean;
  constructor(type: string, init: { code?: number; reason?: string; wasClean?: boolean } = {}) {
    super(type);
    this.code = init.code ?? 1005;
    this.reason = init.reason ?? "";
    this.wasClean = init.wasClean ?? this.code === 1000;
  }
}

/** What a fallback connection needs from its environment (injectable for tests). */
interface HttpSocketEnv {
  fetch: typeof fetch;
  EventSource?: typeof EventSource;
}

// ---- The socket -----------------------------------------------------------------------------

export class HttpFallbackSocket extends EventTarget {
  static readonly CONNECTING = 0;
  static readonly OPEN = 1;
  static readonly CLOSING = 2;
  static readonly CLOSED = 3;
  readonly CONNECTING = 0;
  readonly OPEN = 1;
  readonly CLOSING = 2;
  readonly CLOSED = 3;

  /** Overridden by `httpSocketClass`; the base class picks by runtime. */
  static kind: HttpTransportKind | null = null;

  readyState = 0;
  binaryType: BinaryType = "arraybuffer";
  readonly url: string;
  readonly protocol = "";
  readonly extensions = "";
  readonly bufferedAmount = 0;
  readonly kind: HttpTransportKind;

  private readonly env: HttpSocketEnv;
  private id = "";
  private token = "";
  private source: EventSource | null = null;
  private readonly abort = new AbortController();
  private outbox: BatchFrame[] = [];
  private flushing = false;

  constructor(url: string | URL, _protocols?: string | string[]) {
    super();
    this.url = String(url);
    const own = (new.target as typeof HttpFallbackSocket).kind;
    this.env = {
      fetch: globalThis.fetch.bind(globalThis),
      EventSource: (globalThis as { EventSource?: typeof EventSource }).EventSource,
    };
    this.kind = own ?? fallbackKind(this.env);
    if (this.kind === "sse") this.openEventSource();
    else void this.openLongPoll();
  }

  send(data: string | ArrayBuffer | ArrayBufferView): void {
    if (this.readyState !== 1) return;
    if (typeof data === "string") this.outbox.push({ kind: "text", data });
    else {
      const view =
        data instanceof ArrayBuffer
          ? new Uint8Array(data)
          : new Uint8Array(data.buffer, data.byteOffset, data.byteLength);
      // A copy: callers may reuse their buffer.
      this.outbox.push({ kind: "binary", data: view.slice() });
    }
    // Frames sent in the same tick go out in one POST; one POST at a time keeps them in order.
    if (!this.flushing) {
      this.flushing = true;
      queueMicrotask(() => void this.flush());
    }
  }

  close(code = 1000, reason = ""): void {
    if (this.readyState >= 2) return;
    if (this.kind === "long-polling" && this.id) {
      // Tell the room now rather than after its idle timeout. SSE needs nothing: closing the
      // stream ends the connection.
      void this.post([{ kind: "close", code, reason }]).catch(() => {});
    }
    this.finish(code, reason);
  }

  // ---- SSE --------------------------------------------------------------------------------

  private openEventSource(): void {
    const Source = this.env.EventSource!;
    const source = new Source(httpUrl(this.url, "sse"));
    this.source = source;
    source.addEventListener("session", (event) => {
      const session = JSON.parse((event as MessageEvent<string>).data) as {
        id: string;
        token: string;
      };
      this.opened(session.id, session.token);
    });
    source.addEventListener("b", (event) => {
      this.deliver(fromBase64((event as MessageEvent<string>).data).buffer as ArrayBuffer);
    });
    source.addEventListener("t", (event) => this.deliver((event as MessageEvent<string>).data));
    source.addEventListener("close", (event) => {
      const { code, reason } = JSON.parse((event as MessageEvent<string>).data) as {
        code: number;
        reason: string;
      };
      this.finish(code, reason);
    });
    source.addEventListener("error", () => {
      // EventSource would reconnect on its own, as a new room connection behind
      // ConnectionManager's back: close it and let the manager's backoff decide.
      this.finish(1006, "event stream failed");
    });
  }

  // ---- Long polling -----------------------------------------------------------------------

  private async openLongPoll(): Promise<void> {
    try {
      const res = await this.env.fetch(httpUrl(this.url, "open"), {
        method: "POST",
        signal: this.abort.signal,
      });
      if (!res.ok) {
        this.finish(1006, `open answered ${res.status}`);
        return;
      }
      const session = (await res.json()) as { id: string; token: string };
      this.opened(session.id, session.token);
      await this.pollLoop();
    } catch {
      this.finish(1006, "long poll failed");
    }
  }

  /** One poll after another while open; each is held by the room until it has frames. */
  private async pollLoop(): Promise<void> {
    const url = this.sessionUrl("poll");
    while (this.readyState === 1) {
      const res = await this.env.fetch(url, { signal: this.abort.signal });
      if (!res.ok) {
        this.finish(1006, `poll answered ${res.status}`);
        return;
      }
      const frames = decodeBatch(new Uint8Array(await res.arrayBuffer()));
      for (const frame of frames) {
        if (this.readyState !== 1) return;
        switch (frame.kind) {
          case "binary":
            this.deliver(frame.data.buffer as ArrayBuffer);
            break;
          case "text":
            this.deliver(frame.data);
            break;
          case "close":
            this.finish(frame.code, frame.reason);
            return;
          default: {
            const never: never = frame;
            void never;
          }
        }
      }
    }
  }

  // ---- Shared -----------------------------------------------------------------------------

  private opened(id: string, token: string): void {
    if (this.readyState !== 0) return;
    this.id = id;
    this.token = token;
    this.readyState = 1;
    this.dispatchEvent(new Event("open"));
  }

  private deliver(data: string | ArrayBuffer): void {
    if (this.readyState !== 1) return;
    this.dispatchEvent(new MessageEvent("message", { data }));
  }

  private async flush(): Promise<void> {
    try {
      while (this.outbox.length > 0 && this.readyState === 1) {
        // As many frames as fit one POST (a single frame always goes, alone if it must).
        let size = 0;
        let count = 0;
        for (const frame of this.outbox) {
          const bytes =
            frame.kind === "binary"
              ? frame.data.byteLength
              : frame.kind === "text"
                ? frame.data.length * 3
                : 64;
          if (count > 0 && size + bytes + 8 > MAX_BATCH_BYTES) break;
          size += bytes + 8;
          count++;
        }
        const batch = this.outbox.splice(0, count);
        if (size > MAX_BATCH_BYTES) {
          // One frame over the room's limit: refused like the room refuses it on a socket,
          // without uploading a megabyte the server would drop.
          this.finish(CloseCode.MESSAGE_TOO_BIG, "message too big");
          return;
        }
        const res = await this.post(batch);
        if (res.status === 413) {
          // Same meaning, and same "do not retry", as the room's close for a frame over 1 MB.
          this.finish(CloseCode.MESSAGE_TOO_BIG, "message too big");
        } else if (!res.ok) {
          this.finish(1006, `send answered ${res.status}`);
        }
      }
    } catch {
      this.finish(1006, "send failed");
    } finally {
      this.flushing = false;
    }
  }

  private post(frames: BatchFrame[]): Promise<Response> {
    const body = encodeBatch(frames);
    return this.env.fetch(this.sessionUrl("send"), {
      method: "POST",
      headers: { "content-type": "application/octet-stream" },
      body,
      // Lets the last frames (presence removal on pagehide) leave with the page; browsers
      // refuse keepalive bodies over 64 KiB.
      keepalive: body.byteLength <= KEEPALIVE_BODY_LIMIT,
    });
  }

  private sessionUrl(action: string): string {
    const url = new URL(httpUrl(this.url, action));
    url.search = new URLSearchParams({ id: this.id, token: this.token }).toString();
    return url.toString();
  }

  /** Ends the connection once: stops the stream or poll and reports a close event. */
  private finish(code: number, reason: string): void {
    if (this.readyState === 3) return;
    this.readyState = 3;
    this.source?.close();
    this.source = null;
    this.abort.abort();
    this.outbox = [];
    this.dispatchEvent(new HttpCloseEvent("close", { code, reason }));
  }
}

/** The fallback socket class for one transport, as partysocket's `WebSocket` option. */
export function httpSocketClass(kind: HttpTransportKind): typeof WebSocket {
  class KindSocket extends HttpFallbackSocket {
    static override kind: HttpTransportKind | null = kind;
  }
  return KindSocket as unknown as typeof WebSocket;
}
