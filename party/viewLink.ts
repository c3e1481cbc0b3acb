/**
 * View-only links. A room's edit capability is its id (144 random bits). A view link names a
 * different random id, `viewId`, resolved by this party (`/parties/view/<viewId>`) to the room
 * id, which never leaves the server. Each viewer's socket is piped to the room as a read-only
 * connection (`?mode=view`): the room itself enforces read-only, this party only hides the id.
 *
 * Registration (viewId → roomId) comes from the room over a Durable Object stub, which does not
 * pass through the worker's onBeforeRequest; POSTs from outside are refused there.
 */
import type * as Party from "partykit/server";
import { MAX_BATCH_BYTES, MAX_VIEWER_PENDING_FRAMES } from "../src/shared/constants";
import {
  CloseCode,
  CONTROL_QUERY,
  isApplicationCloseCode,
  SOCKET_OPEN,
  WsCloseCode,
} from "../src/shared/protocol";
import { isValidRoomId } from "../src/shared/roomId";
import { JSON_HEADERS, jsonResponse, originAllowed, refuseSocket, roomIdFromUrl } from "./http";
import {
  type HTTP_TRANSPORT_ACTIONS,
  readBodyLimited,
  refuseTransport,
  transportAction,
  VIEW_UPSTREAM_HEADER,
} from "./httpTransport";

const ROOM_KEY = "roomId";
/** Images and history are readable from any page through a view link, as from the room. */
const CORS = { "access-control-allow-origin": "*" };

/** The Durable Object WebSocket returned by a stub's socket(): only what we use of it. */
interface UpstreamSocket {
  send(data: string | ArrayBuffer): void;
  close(code?: number, reason?: string): void;
  addEventListener(type: "message", fn: (event: { data: unknown }) => void): void;
  addEventListener(type: "close", fn: (event: { code: number; reason: string }) => void): void;
}

export default class ViewLinkServer implements Party.Server {
  private roomId: string | null = null;
  private readonly upstreams = new Map<string, UpstreamSocket>();
  /** Frames a viewer sent before its upstream socket opened. */
  private readonly pending = new Map<string, (string | ArrayBuffer | ArrayBufferView)[]>();

  constructor(readonly party: Party.Room) {}

  static onBeforeRequest(req: Party.Request, lobby: Party.Lobby): Party.Request | Response {
    const action = transportAction(req.url);
    if (action !== null) {
      // The HTTP fallback (party/httpTransport.ts): forwarded to the room as read-only.
      if (roomIdFromUrl(req.url) === null) {
        return jsonResponse(400, { error: "invalid link" });
      }
      if (!originAllowed(req, lobby.env.ALLOWED_ORIGINS)) {
        return refuseTransport(action, CloseCode.FORBIDDEN, "origin not allowed");
      }
      return req;
    }
    const readPath = forwardedReadPath(req.url);
    if (readPath !== null) {
      if (roomIdFromUrl(req.url) === null) return jsonResponse(400, { error: "invalid link" });
      // A view link reads images and history; it never uploads (nor anything else).
      if (req.method !== "GET" && req.method !== "HEAD") {
        return jsonResponse(403, { error: "read-only: a view link cannot write" }, CORS);
      }
      if (readPath === "malformed") return jsonResponse(400, { error: "malformed id" }, CORS);
      return req;
    }
    if (req.method !== "GET" && req.method !== "HEAD") {
      return jsonResponse(405, { error: "method not allowed" });
    }
    return roomIdFromUrl(req.url) !== null ? req : jsonResponse(400, { error: "invalid link" });
  }

  static onBeforeConnect(req: Party.Request, lobby: Party.Lobby): Party.Request | Response {
    if (roomIdFromUrl(req.url) === null) return new Response("invalid link", { status: 400 });
    // A view socket reads the whole board: the same allow-list as the room's own sockets.
    if (!originAllowed(req, lobby.env.ALLOWED_ORIGINS)) {
      return refuseSocket(CloseCode.FORBIDDEN, "origin not allowed");
    }
    return req;
  }

  async onStart(): Promise<void> {
    this.roomId = (await this.party.storage.get<string>(ROOM_KEY)) ?? null;
  }

  async onRequest(req: Party.Request): Promise<Response> {
    const action = transportAction(req.url);
    if (action !== null) return this.forwardTransport(req, action);
    const readPath = forwardedReadPath(req.url);
    if (readPath !== null) return this.forwardRead(req, readPath);
    if (req.method === "POST") {
      // Internal only (see above). The first registration wins; a view id never moves.
      const body = (await req.json().catch(() => null)) as { roomId?: unknown } | null;
      const roomId = body?.roomId;
      if (typeof roomId !== "string" || !isValidRoomId(roomId))
        return new Response("bad", { status: 400 });
      if (this.roomId === null) {
        this.roomId = roomId;
        await this.party.storage.put(ROOM_KEY, roomId);
      }
      return new Response(this.roomId === roomId ? "ok" : "taken", {
        status: this.roomId === roomId ? 200 : 409,
      });
    }
    if (this.roomId === null) {
      return jsonResponse(404, { error: "unknown view link" });
    }
    const res = await this.party.context.parties.main!.get(this.roomId).fetch({ method: "GET" });
    return new Response(await res.text(), { status: res.status, headers: JSON_HEADERS });
  }

  /**
   * A viewer on the HTTP fallback: the request goes to the room over a stub with the read-only
   * marker (which requests from outside cannot carry), and the answer (an SSE stream, a long
   * poll) streams back unchanged.
   */
  private async forwardTransport(
    req: Party.Request,
    action: (typeof HTTP_TRANSPORT_ACTIONS)[number],
  ): Promise<Response> {
    if (this.roomId === null) {
      return jsonResponse(404, { error: "unknown view link" });
    }
    let body: Uint8Array | undefined;
    if (req.method === "POST") {
      const read = await readBodyLimited(req as unknown as Request, MAX_BATCH_BYTES);
      if (read === null) {
        return jsonResponse(413, { error: "batch too large" });
      }
      body = read;
    }
    const url = new URL(req.url);
    const res = await this.party.context.parties
      .main!.get(this.roomId)
      .fetch(`/${action}${url.search}`, {
        method: req.method,
        headers: [
          [VIEW_UPSTREAM_HEADER, "1"],
          ["content-type", req.headers.get("content-type") ?? "application/octet-stream"],
        ],
        ...(body ? { body } : {}),
      } as unknown as Parameters<Party.Stub["fetch"]>[1]);
    return new Response(res.body, { status: res.status, headers: res.headers });
  }

  /**
   * A viewer reading images or history (`assets`, `assets/<hash>`, `history`, `history/<id>`):
   * forwarded to the room with the read-only marker, answer and headers passed back unchanged.
   */
  private async forwardRead(req: Party.Request, path: string): Promise<Response> {
    if (req.method !== "GET" && req.method !== "HEAD") {
      return jsonResponse(403, { error: "read-only: a view link cannot write" }, CORS);
    }
    if (path === "malformed") return jsonResponse(400, { error: "malformed id" }, CORS);
    if (this.roomId === null) return jsonResponse(404, { error: "unknown view link" });
    const headers: [string, string][] = [[VIEW_UPSTREAM_HEADER, "1"]];
    const etag = req.headers.get("if-none-match");
    if (etag !== null) headers.push(["if-none-match", etag]);
    const res = await this.party.context.parties
      .main!.get(this.roomId)
      .fetch(`/${path}${new URL(req.url).search}`, {
        method: req.method,
        headers,
      } as unknown as Parameters<Party.Stub["fetch"]>[1]);
    return new Response(res.body, { status: res.status, headers: res.headers });
  }

  async onConnect(conn: Party.Connection, ctx: Party.ConnectionContext): Promise<void> {
    if (this.roomId === null) {
      conn.close(CloseCode.INVALID_ROOM, "unknown view link");
      return;
    }
    this.pending.set(conn.id, []);
    let upstream: UpstreamSocket;
    try {
      upstream = (await this.party.context.parties
        .main!.get(this.roomId)
        .socket(upstreamPath(ctx.request.url))) as unknown as UpstreamSocket;
    } catch {
      this.pending.delete(conn.id);
      conn.close(WsCloseCode.INTERNAL_ERROR, "room unavailable");
      return;
    }
    if (!this.pending.has(conn.id)) {
      // The viewer left while we connected.
      upstream.close(WsCloseCode.NORMAL, "viewer left");
      return;
    }
    this.upstreams.set(conn.id, upstream);
    upstream.addEventListener("message", (event) => {
      if (conn.readyState === SOCKET_OPEN) conn.send(event.data as string | ArrayBuffer);
    });
    upstream.addEventListener("close", (event) => {
      this.upstreams.delete(conn.id);
      // Pass the room's close code on (rate limited, room full, …): the client's retry policy reads it.
      const code = isApplicationCloseCode(event.code) ? event.code : WsCloseCode.SERVICE_RESTART;
      if (conn.readyState === SOCKET_OPEN) conn.close(code, event.reason || "room closed");
    });
    for (const frame of this.pending.get(conn.id) ?? [])
      upstream.send(frame as string | ArrayBuffer);
    this.pending.delete(conn.id);
  }

  onMessage(message: string | ArrayBuffer | ArrayBufferView, sender: Party.Connection): void {
    const upstream = this.upstreams.get(sender.id);
    if (upstream) {
      upstream.send(message as string | ArrayBuffer);
      return;
    }
    const queue = this.pending.get(sender.id);
    // Bounded: a viewer that floods before its upstream opens is closed like any flooder.
    if (queue && queue.length < MAX_VIEWER_PENDING_FRAMES) queue.push(message);
    else if (queue) sender.close(CloseCode.RATE_LIMITED, "rate limited");
  }

  onClose(conn: Party.Connection): void {
    this.pending.delete(conn.id);
    const upstream = this.upstreams.get(conn.id);
    this.upstreams.delete(conn.id);
    upstream?.close(WsCloseCode.NORMAL, "viewer left");
  }

  onError(conn: Party.Connection): void {
    this.onClose(conn);
  }
}

/**
 * Read-only room paths a view link forwards: `assets`, `assets/<hash>`, `history`,
 * `history/<id>` (the sub-path without the party prefix), "malformed" for an id that is no
 * plain token (a `..` or an encoded slash must not walk the room's paths), null for others.
 */
export function forwardedReadPath(url: string): string | "malformed" | null {
  const match = new URL(url).pathname.match(
    /^\/part(?:y|ies\/[^/]+)\/[^/]+\/(assets|history)(?:\/([^/]+))?\/?$/,
  );
  if (!match) return null;
  const [, kind, id] = match;
  if (id === undefined) return kind!;
  return /^[A-Za-z0-9_-]{1,128}$/.test(id) ? `${kind}/${id}` : "malformed";
}

/** The room socket path for a viewer: read-only, with control messages if the viewer reads them. */
function upstreamPath(viewerUrl: string): string {
  const control = new URL(viewerUrl).searchParams.get(CONTROL_QUERY) === "1";
  return control ? `/?mode=view&${CONTROL_QUERY}=1` : "/?mode=view";
}
