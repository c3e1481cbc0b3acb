/**
 * A fake browser WebSocket for partysocket (which does `new WS(url)`, sets binaryType, listens
 * for open/close/message/error, reads readyState, calls send and close). The test plays the
 * server: `accept()`, `deliver()`, `drop()`.
 */

export class FakeCloseEvent extends Event {
  readonly wasClean: boolean;
  constructor(
    readonly code: number,
    readonly reason: string,
  ) {
    super("close");
    this.wasClean = code === 1000;
  }
}

export interface FakeSocket extends EventTarget {
  readonly url: string;
  readyState: number;
  binaryType: string;
  readonly sent: (string | ArrayBuffer | ArrayBufferView)[];
  /** Set when the client closed the socket. */
  clientClosed: { code?: number; reason?: string } | null;
  /** Test hooks: called for every frame the client sends, and when the client closes. */
  onSend: ((data: string | ArrayBuffer | ArrayBufferView) => void) | null;
  onClientClose: ((code?: number, reason?: string) => void) | null;
  send(data: string | ArrayBuffer | ArrayBufferView): void;
  close(code?: number, reason?: string): void;
  /** Server side: the handshake completes. */
  accept(): void;
  /** Server side: a frame arrives at the client. */
  deliver(data: string | Uint8Array): void;
  /** Server side (or network): the connection ends with this code. */
  drop(code: number, reason?: string): void;
}

export interface FakeSocketClass {
  /** Pass this as the `WebSocket` option. */
  readonly WebSocket: typeof WebSocket;
  /** Every socket created, oldest first. */
  readonly sockets: FakeSocket[];
  latest(): FakeSocket | undefined;
}

/** A fresh fake WebSocket class with its own socket list; `onCreate` runs for each new socket. */
export function createFakeWebSocket(onCreate?: (socket: FakeSocket) => void): FakeSocketClass {
  const sockets: FakeSocket[] = [];
  class Fake extends EventTarget implements FakeSocket {
    static readonly CONNECTING = 0;
    static readonly OPEN = 1;
    static readonly CLOSING = 2;
    static readonly CLOSED = 3;
    readyState = 0;
    binaryType = "blob";
    readonly sent: (string | ArrayBuffer | ArrayBufferView)[] = [];
    clientClosed: { code?: number; reason?: string } | null = null;
    onSend: ((data: string | ArrayBuffer | ArrayBufferView) => void) | null = null;
    onClientClose: ((code?: number, reason?: string) => void) | null = null;

    constructor(readonly url: string) {
      super();
      sockets.push(this);
      onCreate?.(this);
    }

    send(data: string | ArrayBuffer | ArrayBufferView): void {
      if (this.readyState !== 1) throw new Error("InvalidStateError: socket not open");
      this.sent.push(data);
      this.onSend?.(data);
    }

    close(code?: number, reason?: string): void {
      if (this.readyState >= 2) return;
      this.readyState = 3;
      this.clientClosed = { code, reason };
      this.onClientClose?.(code, reason);
    }

    accept(): void {
      if (this.readyState !== 0) return;
      this.readyState = 1;
      this.dispatchEvent(new Event("open"));
    }

    deliver(data: string | Uint8Array): void {
      if (this.readyState !== 1) return;
      const payload =
        typeof data === "string"
          ? data
          : data.buffer.slice(data.byteOffset, data.byteOffset + data.byteLength);
      this.dispatchEvent(new MessageEvent("message", { data: payload }));
    }

    drop(code: number, reason = ""): void {
      if (this.readyState === 3 && this.clientClosed) return;
      this.readyState = 3;
      this.dispatchEvent(new FakeCloseEvent(code, reason));
    }
  }
  return {
    WebSocket: Fake as unknown as typeof WebSocket,
    sockets,
    latest: () => sockets.at(-1),
  };
}

/** A fake `document` with settable visibility. */
export class FakeDocument extends EventTarget {
  visibilityState: DocumentVisibilityState = "visible";
  setVisibility(state: DocumentVisibilityState): void {
    this.visibilityState = state;
    this.dispatchEvent(new Event("visibilitychange"));
  }
}

/** A fake `window` with online/offline events. */
export class FakeWindow extends EventTarget {
  navigator = { onLine: true };
  goOffline(): void {
    this.navigator.onLine = false;
    this.dispatchEvent(new Event("offline"));
  }
  goOnline(): void {
    this.navigator.onLine = true;
    this.dispatchEvent(new Event("online"));
  }
}
