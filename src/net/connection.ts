/**
 * ConnectionManager: one socket to one room, as an explicit state machine
 *   connecting → connected ⇄ reconnecting,  any → offline
 * over partysocket. partysocket's own retry loop is switched off (it retries without jitter and
 * knows nothing of visibility, `online`, heartbeats or close codes); this class decides when to
 * connect again.
 */
import PartySocket from "partysocket";
import {
  DEAD_AFTER_MS,
  HEARTBEAT_CHECK_MS,
  PING_INTERVAL_MS,
  WEBSOCKET_PROBE_MS,
} from "../shared/constants";
import { CloseCode, CONTROL_QUERY, retryPolicyFor } from "../shared/protocol";
import { backoffDelay } from "./backoff";
import { chooseTransport, fallbackKind, httpSocketClass, type Transport } from "./httpSocket";
import type { ConnectionState } from "./types";

export interface ConnectionEvents {
  onOpen(): void;
  onMessage(data: string | ArrayBuffer): void;
  onStateChange(state: ConnectionState, attempt: number, fatal: string | null): void;
  /** The transport changed (WebSocket ⇄ the HTTP fallback, docs/transport.md). */
  onTransportChange?(transport: Transport): void;
}

export interface ConnectionOptions {
  host: string;
  room: string;
  party?: string;
  query?: Record<string, string>;
  /** Injected WebSocket class (Node tests). */
  WebSocket?: typeof WebSocket;
  random?: () => number;
  /** Browser hooks; absent in Node. */
  document?: Pick<Document, "visibilityState" | "addEventListener" | "removeEventListener">;
  window?: Pick<Window, "addEventListener" | "removeEventListener"> & {
    navigator?: { onLine: boolean };
  };
  /** Fall back to HTTP when WebSockets cannot be established (default true). */
  fallback?: boolean;
  /** Injected fetch for the "does plain HTTP work?" check (default: the global). */
  fetch?: typeof fetch;
  /** ms between WebSocket probes while on the fallback (default WEBSOCKET_PROBE_MS; tests shorten it). */
  probeIntervalMs?: number;
}

export class ConnectionManager {
  private socket: PartySocket;
  private state: ConnectionState = "connecting";
  private attempt = 0;
  private everConnected = false;
  private slow = false;
  private fatal: string | null = null;
  private retryTimer: ReturnType<typeof setTimeout> | null = null;
  private heartbeatTimer: ReturnType<typeof setInterval> | null = null;
  private lastHeard = 0;
  private lastPing = 0;
  private destroyed = false;
  /** True while we replace the socket ourselves (partysocket then dispatches a synthetic close). */
  private replacing = false;
  private readonly cleanups: (() => void)[] = [];
  // Transport fallback (docs/transport.md).
  private transport: Transport = "websocket";
  private openedThisAttempt = false;
  private failuresWithoutOpen = 0;
  private httpWorks = false;
  private probeOpened = false;
  private probeTimer: ReturnType<typeof setInterval> | null = null;
  private probe: WebSocket | null = null;

  constructor(
    private readonly options: ConnectionOptions,
    private readonly events: ConnectionEvents,
  ) {
    this.socket = this.createSocket("websocket");
    this.watchBrowser();
    if (this.isBrowserOffline()) this.setState("offline");
    else this.connectNow();
  }

  private createSocket(transport: Transport): PartySocket {
    const { options } = this;
    const WS = transport === "websocket" ? options.WebSocket : httpSocketClass(transport);
    const socket = new PartySocket({
      host: options.host,
      room: options.room,
      party: options.party,
      // Ask the room for JSON control messages (hello, saved, errors): stock Yjs clients don't.
      query: { ...options.query, [CONTROL_QUERY]: "1" },
      startClosed: true,
      // Never queue while disconnected: the Yjs handshake resends document state on reconnect,
      // and stale presence must never be replayed.
      maxEnqueuedMessages: 0,
      shouldReconnectOnClose: () => false,
      connectionTimeout: 6_000,
      ...(WS ? { WebSocket: WS } : {}),
    });
    socket.binaryType = "arraybuffer";
    socket.addEventListener("open", this.handleOpen);
    socket.addEventListener("message", this.handleMessage);
    socket.addEventListener("close", this.handleClose);
    return socket;
  }

  getTransport(): Transport {
    return this.transport;
  }

  getState(): ConnectionState {
    return this.state;
  }

  getAttempt(): number {
    return this.attempt;
  }

  getFatal(): string | null {
    return this.fatal;
  }

  isOpen(): boolean {
    return this.state === "connected" && this.socket.readyState === 1;
  }

  /** Sends now or not at all (nothing is queued while disconnected). */
  send(data: string | Uint8Array): boolean {
    if (!this.isOpen()) return false;
    this.socket.send(data as string | ArrayBuffer);
    return true;
  }

  /** Drops the current socket (if any) and connects at once. */
  connectNow(): void {
    if (this.destroyed || this.fatal) return;
    this.clearRetry();
    this.stopHeartbeat();
    this.setState(this.everConnected ? "reconnecting" : "connecting");
    this.replacing = true;
    try {
      this.switchTransportIfDue();
      this.openedThisAttempt = false;
      this.socket.reconnect();
    } finally {
      this.replacing = false;
    }
  }

  destroy(): void {
    this.destroyed = true;
    this.clearRetry();
    this.stopHeartbeat();
    this.stopProbing();
    for (const cleanup of this.cleanups) cleanup();
    this.socket.close(1000, "client closed");
  }

  // ---- Socket events ------------------------------------------------------------------------

  private handleOpen = () => {
    this.openedThisAttempt = true;
    if (this.transport === "websocket") this.failuresWithoutOpen = 0;
    else this.startProbing();
    this.lastHeard = Date.now();
    this.attempt = 0;
    this.slow = false;
    this.everConnected = true;
    this.setState("connected");
    this.startHeartbeat();
    this.events.onOpen();
  };

  private handleMessage = (event: MessageEvent) => {
    this.lastHeard = Date.now();
    if (typeof event.data === "string") {
      // Heartbeat replies only prove liveness.
      if (event.data.startsWith('{"type":"pong"')) return;
      this.events.onMessage(event.data);
    } else if (event.data instanceof ArrayBuffer) {
      this.events.onMessage(event.data);
    }
  };

  private handleClose = (event: CloseEvent) => {
    this.stopHeartbeat();
    if (this.destroyed || this.replacing) return;
    if (this.transport === "websocket" && !this.openedThisAttempt) this.noteWebSocketFailure();
    const policy = retryPolicyFor(event.code);
    if (policy === "stop") {
      this.fatal = describeFatal(event.code, event.reason);
      this.setState("offline");
      return;
    }
    if (this.isBrowserOffline()) {
      this.setState("offline");
      return;
    }
    this.slow = policy === "retry-slowly";
    this.scheduleRetry();
  };

  // ---- Transport fallback ---------------------------------------------------------------------

  /**
   * A WebSocket attempt closed without opening. After enough in a row, ask whether plain HTTP to
   * the room works: if it does, something between us and the room refuses the upgrade, and the
   * next attempt goes over the HTTP fallback.
   */
  private noteWebSocketFailure(): void {
    this.failuresWithoutOpen++;
    if (this.options.fallback === false || this.httpWorks) return;
    if (this.decide({ httpWorks: true }) === "websocket") return;
    const fetchFn = this.options.fetch ?? globalThis.fetch?.bind(globalThis);
    if (!fetchFn) return;
    const url = this.socket.roomUrl.replace(/^ws/, "http");
    void fetchFn(url, { method: "GET", signal: AbortSignal.timeout(5_000) })
      .then(async (res) => {
        await res.body?.cancel();
        // Any answer from the server (a 404 for an unknown view link included) proves HTTP works.
        if (res.status < 500) this.httpWorks = true;
      })
      .catch(() => {});
  }

  private decide(patch: { httpWorks?: boolean } = {}): Transport {
    return chooseTransport({
      current: this.transport,
      failuresWithoutOpen: this.failuresWithoutOpen,
      httpWorks: patch.httpWorks ?? this.httpWorks,
      probeOpened: this.probeOpened,
      fallback: fallbackKind(),
    });
  }

  /** Before an attempt: replace the socket if the transport should change. */
  private switchTransportIfDue(): void {
    if (this.options.fallback === false) return;
    const next = this.decide();
    if (next === this.transport) return;
    const old = this.socket;
    old.removeEventListener("open", this.handleOpen);
    old.removeEventListener("message", this.handleMessage);
    old.removeEventListener("close", this.handleClose);
    old.close(1000, "switching transport");
    this.transport = next;
    this.probeOpened = false;
    this.failuresWithoutOpen = 0;
    this.httpWorks = false;
    if (next === "websocket") this.stopProbing();
    this.socket = this.createSocket(next);
    this.events.onTransportChange?.(next);
  }

  /** On the fallback: try a real WebSocket now and then; when one opens, go back to it. */
  private startProbing(): void {
    if (this.probeTimer !== null) return;
    this.probeTimer = setInterval(
      () => this.probeOnce(),
      this.options.probeIntervalMs ?? WEBSOCKET_PROBE_MS,
    );
  }

  private stopProbing(): void {
    if (this.probeTimer !== null) clearInterval(this.probeTimer);
    this.probeTimer = null;
    this.probe?.close();
    this.probe = null;
  }

  private probeOnce(): void {
    if (this.probe !== null || this.destroyed) return;
    const WS = this.options.WebSocket ?? globalThis.WebSocket;
    if (!WS) return;
    let probe: WebSocket;
    try {
      probe = new WS(this.socket.roomUrl);
    } catch {
      return;
    }
    this.probe = probe;
    const done = () => {
      clearTimeout(timeout);
      if (this.probe === probe) this.probe = null;
    };
    // A probe that neither opens nor fails (a black-holing proxy) is given up.
    const timeout = setTimeout(() => {
      done();
      probe.close();
    }, 10_000);
    probe.addEventListener("open", () => {
      done();
      probe.close(1000, "probe");
      if (this.destroyed || this.transport === "websocket") return;
      this.probeOpened = true;
      // Upgrade now: the fallback connection is dropped and the next attempt is a WebSocket.
      this.attempt = 0;
      this.connectNow();
    });
    probe.addEventListener("error", done);
    probe.addEventListener("close", done);
  }

  // ---- Retry ----------------------------------------------------------------------------------

  private scheduleRetry(): void {
    this.clearRetry();
    const delay = backoffDelay({
      attempt: this.attempt,
      hidden: this.isHidden(),
      slow: this.slow,
      random: this.options.random,
    });
    this.attempt++;
    this.setState(this.everConnected ? "reconnecting" : "connecting");
    this.retryTimer = setTimeout(() => {
      this.retryTimer = null;
      this.connectNow();
    }, delay);
  }

  private clearRetry(): void {
    if (this.retryTimer !== null) clearTimeout(this.retryTimer);
    this.retryTimer = null;
  }

  // ---- Heartbeat ------------------------------------------------------------------------------

  private startHeartbeat(): void {
    this.stopHeartbeat();
    this.lastPing = Date.now();
    // Silence is checked every HEARTBEAT_CHECK_MS, pings go out every PING_INTERVAL_MS.
    this.heartbeatTimer = setInterval(() => {
      const now = Date.now();
      if (now - this.lastHeard > DEAD_AFTER_MS) {
        // Half-open path: no close will ever arrive. Closing dispatches a close event at once,
        // which schedules the retry like any other drop.
        this.stopHeartbeat();
        this.socket.close(CloseCode.DEAD_CONNECTION, "no heartbeat");
        return;
      }
      if (now - this.lastPing >= PING_INTERVAL_MS) {
        this.lastPing = now;
        this.send(JSON.stringify({ type: "ping", t: now }));
      }
    }, HEARTBEAT_CHECK_MS);
  }

  private stopHeartbeat(): void {
    if (this.heartbeatTimer !== null) clearInterval(this.heartbeatTimer);
    this.heartbeatTimer = null;
  }

  // ---- Browser signals ------------------------------------------------------------------------

  private watchBrowser(): void {
    const { document, window } = this.options;
    if (document) {
      const onVisibility = () => {
        // Coming back to the tab: try at once instead of waiting out a long hidden backoff.
        if (document.visibilityState === "visible" && this.state !== "connected") {
          this.attempt = 0;
          this.connectNow();
        }
      };
      document.addEventListener("visibilitychange", onVisibility);
      this.cleanups.push(() => document.removeEventListener("visibilitychange", onVisibility));
    }
    if (window) {
      const onOnline = () => {
        this.attempt = 0;
        if (this.state !== "connected") this.connectNow();
      };
      const onOffline = () => {
        // The OS says the network is gone: show it at once rather than after a timeout.
        this.clearRetry();
        this.stopHeartbeat();
        this.setState("offline");
        this.replacing = true;
        try {
          this.socket.close(1000, "browser offline");
        } finally {
          this.replacing = false;
        }
      };
      window.addEventListener("online", onOnline);
      window.addEventListener("offline", onOffline);
      this.cleanups.push(() => {
        window.removeEventListener("online", onOnline);
        window.removeEventListener("offline", onOffline);
      });
    }
  }

  private isHidden(): boolean {
    return this.options.document?.visibilityState === "hidden";
  }

  private isBrowserOffline(): boolean {
    return this.options.window?.navigator?.onLine === false;
  }

  private setState(state: ConnectionState): void {
    if (this.state === state && state !== "reconnecting") return;
    this.state = state;
    this.events.onStateChange(state, this.attempt, this.fatal);
  }
}

function describeFatal(code: number, reason: string): string {
  switch (code) {
    case CloseCode.INVALID_ROOM:
      return "This room link is not valid.";
    case CloseCode.FORBIDDEN:
      return "You are not allowed to join this room.";
    case CloseCode.MESSAGE_TOO_BIG:
      return "A change was too large to send.";
    default:
      return reason || `Connection refused (${code}).`;
  }
}
