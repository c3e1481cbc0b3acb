/**
 * The thin PartyKit adapter: one Durable Object per room, forwarding sockets and HTTP to
 * RoomServer (room.ts and the modules behind it), which never sees a real socket.
 */
import type * as Party from "partykit/server";
import { ASSET_COLLECT_INTERVAL_MS } from "../src/shared/constants";
import { assetRefs } from "../src/shared/doc";
import { CloseCode, CONTROL_QUERY, SOCKET_OPEN, WsCloseCode } from "../src/shared/protocol";
import { isValidRoomId, newRoomId } from "../src/shared/roomId";
import { AssetStore, assetRoute, handleAssetRequest, type ListableStorage } from "./assets";
import { CHECKPOINT_ID_PATTERN, CheckpointStore, checkpointJSON, summary } from "./history";
import { jsonResponse, originAllowed, refuseSocket, roomIdFromUrl } from "./http";
import {
  HttpTransport,
  refuseTransport,
  transportAction,
  VIEW_UPSTREAM_HEADER,
} from "./httpTransport";
import { type RoomConnection, RoomServer } from "./room";
import { ChunkedSnapshotStore, type KeyValueStorage } from "./storage";

/** The room's own HTTP answers (snapshot, errors) may be read from any page (docs/threat-model.md). */
const CORS = { "access-control-allow-origin": "*" };

/**
 * The room keys connections by `id`. PartyKit's `connection.id` is the client's `_pk`, which
 * partysocket and y-partykit keep for every socket they open: after a drop the new socket can
 * arrive before the old one's close, so the room gets an id of its own per socket.
 */
let socketSeq = 0;
/** WebSocket.readyState after the peer's close frame arrived and before we answered it. */
const WS_CLOSING = 2;
function adapt(connection: Party.Connection): RoomConnection {
  return {
    id: `${connection.id}~${++socketSeq}`,
    send: (data) => {
      // A socket closed under us (network drop) is not an error for the room.
      if (connection.readyState === SOCKET_OPEN) connection.send(data);
    },
    close: (code, reason) => connection.close(code, reason),
  };
}

function positiveNumber(value: unknown): number | undefined {
  const n = typeof value === "string" ? Number(value) : Number.NaN;
  return Number.isFinite(n) && n > 0 ? n : undefined;
}

const VIEW_ID_KEY = "viewId";
const VIEW_REGISTERED_KEY = "viewRegistered";

export default class SketchroomServer implements Party.Server {
  // No `options.hibernate` (docs/scale.md): the room keeps per-connection state in memory that
  // does not survive hibernation, and in `partykit dev` a hibernatable socket closed outside a
  // message handler (room full, idle sweep) is never closed.
  readonly room: RoomServer;
  /** The HTTP fallback for networks that block WebSockets (party/httpTransport.ts). */
  private readonly http: HttpTransport;
  /** Keyed by the socket itself: two sockets may share a PartyKit connection id (see adapt). */
  private readonly adapters = new WeakMap<Party.Connection, RoomConnection>();
  private viewId: string | null = null;
  private viewRegistered = false;
  /** When this room instance last looked for unused assets (ms epoch), or never. */
  private collectedAt = Number.NEGATIVE_INFINITY;
  /** Image bytes, beside the snapshot in the same storage (party/assets.ts). */
  readonly assets: AssetStore;
  private readonly history: CheckpointStore;

  constructor(readonly party: Party.Room) {
    this.history = new CheckpointStore(party.storage as unknown as KeyValueStorage, {
      log: (message) => console.warn(`[room ${party.id}] ${message}`),
    });
    this.room = new RoomServer({
      store: new ChunkedSnapshotStore(party.storage as unknown as KeyValueStorage),
      log: (message) => console.warn(`[room ${party.id}] ${message}`),
      // Tests reach the document cap quickly with `--var MAX_DOCUMENT_BYTES=<bytes>`;
      // unset or not a positive number means the default cap (src/shared/constants.ts).
      maxDocumentBytes: positiveNumber(party.env.MAX_DOCUMENT_BYTES),
      // Tests see checkpoints within seconds with `--var CHECKPOINT_QUIET_MS=<ms>` (and
      // CHECKPOINT_MAX_INTERVAL_MS); unset means the defaults (src/shared/constants.ts).
      history: {
        store: this.history,
        quietMs: positiveNumber(party.env.CHECKPOINT_QUIET_MS),
        maxIntervalMs: positiveNumber(party.env.CHECKPOINT_MAX_INTERVAL_MS),
        onTaken: () => this.collectAssetsSoon(),
      },
    });
    // Tests reach the image quota quickly with `--var MAX_ROOM_ASSET_BYTES=<bytes>`.
    this.assets = new AssetStore(
      party.storage as unknown as ListableStorage,
      positiveNumber(party.env.MAX_ROOM_ASSET_BYTES),
    );
    // The image benchmark's baseline uploads a photo without downscaling: `MAX_ASSET_BYTES`.
    this.assets.maxAssetBytes =
      positiveNumber(party.env.MAX_ASSET_BYTES) ?? this.assets.maxAssetBytes;
    // What the room must keep: images on the board, and in any checkpoint a restore could bring
    // back (party/assets.ts, "Collecting"). Tests shorten the grace with `ASSET_GRACE_MS`.
    this.assets.references = async () => assetRefs(this.room.doc, await this.history.assetRefs());
    this.assets.graceMs = positiveNumber(party.env.ASSET_GRACE_MS) ?? this.assets.graceMs;
    // Benchmarks run the plain relay-everything baseline with `--var PRESENCE_COALESCE=off`.
    if (party.env.PRESENCE_COALESCE === "off") this.room.presence.coalesce = false;
    // …and today's coalesced relay without interest management with `PRESENCE_MAX_PEERS=all`.
    if (party.env.PRESENCE_MAX_PEERS === "all") {
      this.room.presence.maxPeers = Number.POSITIVE_INFINITY;
    }
    this.http = new HttpTransport(this.room, ({ readOnly, control }) => {
      if (!readOnly) this.ensureViewLink();
      return { readOnly, control, viewId: this.viewId ?? undefined };
    });
  }

  static onBeforeConnect(req: Party.Request, lobby: Party.Lobby): Party.Request | Response {
    // Anything but a valid room id is refused before a room starts.
    if (roomIdFromUrl(req.url) === null) return new Response("invalid room id", { status: 400 });
    if (!originAllowed(req, lobby.env.ALLOWED_ORIGINS)) {
      return refuseSocket(CloseCode.FORBIDDEN, "origin not allowed");
    }
    return req;
  }

  static onBeforeRequest(req: Party.Request, lobby: Party.Lobby): Party.Request | Response {
    if (roomIdFromUrl(req.url) === null)
      return jsonResponse(400, { error: "invalid room id" }, CORS);
    // Only the view party, over a stub (which skips this hook), may mark a request read-only.
    req.headers.delete(VIEW_UPSTREAM_HEADER);
    // An upload writes to the room like a socket does: same allow-list.
    if (
      req.method === "PUT" &&
      assetRoute(req.url) !== null &&
      !originAllowed(req, lobby.env.ALLOWED_ORIGINS)
    ) {
      return jsonResponse(403, { error: "origin not allowed" }, CORS);
    }
    // The fallback transport reads and writes the board like a socket: same allow-list.
    const action = transportAction(req.url);
    if (action !== null && !originAllowed(req, lobby.env.ALLOWED_ORIGINS)) {
      return refuseTransport(action, CloseCode.FORBIDDEN, "origin not allowed", CORS);
    }
    return req;
  }

  /**
   * Room pages (`/r/<id>`, `/v/<viewId>`) are the single-page app. PartyKit's own fallback only
   * answers browser navigations (Sec-Fetch-Mode: navigate); a service worker's fetch or a plain
   * HTTP client gets the page too.
   */
  static async onFetch(req: Party.Request, lobby: Party.FetchLobby): Promise<Response | null> {
    if (req.method !== "GET" && req.method !== "HEAD") return null;
    if (!/^\/(r|v)\/[^/]+\/?$/.test(new URL(req.url).pathname)) return null;
    const page = await lobby.assets.fetch("/index.html");
    if (!page?.ok) return null;
    return new Response(page.body, {
      headers: { "content-type": "text/html; charset=utf-8", "cache-control": "no-cache" },
    });
  }

  async onStart(): Promise<void> {
    await this.room.load();
    this.viewId = (await this.party.storage.get<string>(VIEW_ID_KEY)) ?? null;
    this.viewRegistered = (await this.party.storage.get<boolean>(VIEW_REGISTERED_KEY)) ?? false;
  }

  onConnect(connection: Party.Connection, ctx: Party.ConnectionContext): void {
    if (!isValidRoomId(this.party.id)) {
      connection.close(CloseCode.INVALID_ROOM, "invalid room id");
      return;
    }
    const query = new URL(ctx.request.url).searchParams;
    const readOnly = query.get("mode") === "view";
    const control = query.get(CONTROL_QUERY) === "1";
    if (!readOnly) this.ensureViewLink();
    const adapter = adapt(connection);
    this.adapters.set(connection, adapter);
    this.room.connect(adapter, { readOnly, control, viewId: this.viewId ?? undefined });
  }

  /** After a checkpoint: deletes unused assets, at most every ASSET_COLLECT_INTERVAL_MS. */
  private collectAssetsSoon(): void {
    const now = Date.now();
    if (now - this.collectedAt < ASSET_COLLECT_INTERVAL_MS) return;
    this.collectedAt = now;
    this.assets.collect().then(
      ({ deleted, freed }) => {
        if (deleted.length > 0) {
          console.warn(
            `[room ${this.party.id}] deleted ${deleted.length} unused assets, ${freed} bytes`,
          );
        }
      },
      (error) => console.warn(`[room ${this.party.id}] collecting assets failed: ${String(error)}`),
    );
  }

  /** Makes this room's view-only id on first use and registers it with the view party. */
  private ensureViewLink(): void {
    if (this.viewId === null) {
      this.viewId = newRoomId();
      void this.party.storage.put(VIEW_ID_KEY, this.viewId);
    }
    if (this.viewRegistered) return;
    const viewId = this.viewId;
    this.viewRegistered = true;
    void (async () => {
      try {
        const res = await this.party.context.parties.view!.get(viewId).fetch({
          method: "POST",
          body: JSON.stringify({ roomId: this.party.id }),
        });
        if (!res.ok) throw new Error(`view link registration answered ${res.status}`);
        await this.party.storage.put(VIEW_REGISTERED_KEY, true);
      } catch (error) {
        // Try again on the next editor's connection.
        this.viewRegistered = false;
        console.warn(`[room ${this.party.id}] ${String(error)}`);
      }
    })();
  }

  onMessage(message: string | ArrayBuffer | ArrayBufferView, sender: Party.Connection): void {
    const adapter = this.adapters.get(sender);
    if (adapter) this.room.message(adapter, message);
  }

  onClose(connection: Party.Connection): void {
    this.forget(connection);
    // Answer the client's close frame. Without it (the runtime does not reply for us at this
    // compatibility date) a client waits out its own close timeout (30 s in `ws`, which
    // y-websocket and y-partykit use in Node) before it may open the next socket. Only a socket
    // in CLOSING (2) got a close frame; one still OPEN lost its peer, and there is no one to
    // answer.
    try {
      if (connection.readyState === WS_CLOSING) connection.close(WsCloseCode.NORMAL, "closed");
    } catch {
      // Already gone.
    }
  }

  onError(connection: Party.Connection): void {
    this.forget(connection);
  }

  async onRequest(req: Party.Request): Promise<Response> {
    const action = transportAction(req.url);
    if (action !== null) {
      if (!isValidRoomId(this.party.id))
        return jsonResponse(400, { error: "invalid room id" }, CORS);
      return this.http.handle(
        req as unknown as Request,
        action,
        req.headers.has(VIEW_UPSTREAM_HEADER),
      );
    }
    const assets = await this.assetRequest(req);
    if (assets !== null) return assets;
    if (req.method === "OPTIONS") return jsonResponse(204, undefined, CORS);
    const history = historyPath(req.url);
    if (history !== null) return this.historyResponse(req, history);
    if (req.method !== "GET" && req.method !== "HEAD") {
      return jsonResponse(405, { error: "method not allowed" }, CORS);
    }
    return jsonResponse(200, this.room.snapshot(), CORS);
  }

  /** `<room>/assets[/<hash>]` (party/assets.ts), or null for any other path. */
  private async assetRequest(req: Party.Request): Promise<Response | null> {
    if (assetRoute(req.url) === null) return null;
    if (!isValidRoomId(this.party.id)) return jsonResponse(400, { error: "invalid room id" }, CORS);
    return handleAssetRequest(
      req as unknown as Request,
      this.assets,
      req.headers.has(VIEW_UPSTREAM_HEADER),
    );
  }

  /**
   * `GET <room>/history` lists checkpoints newest first; `GET <room>/history/<id>` is one as the
   * snapshot's JSON, or with `?format=yjs` as its Yjs update (docs/protocol.md). Read-only, so a
   * view link reads them too.
   */
  private async historyResponse(req: Party.Request, path: HistoryPath): Promise<Response> {
    if (req.method !== "GET" && req.method !== "HEAD") {
      return jsonResponse(405, { error: "method not allowed" }, CORS);
    }
    if (path.id === undefined) {
      const checkpoints = (await this.history.list()).reverse().map(summary);
      return jsonResponse(200, { checkpoints }, CORS);
    }
    const update = CHECKPOINT_ID_PATTERN.test(path.id) ? await this.history.read(path.id) : null;
    if (update === null) return jsonResponse(404, { error: "no such checkpoint" }, CORS);
    // A checkpoint never changes once taken: its id names its content.
    const cache = { "cache-control": "private, max-age=31536000, immutable" };
    if (new URL(req.url).searchParams.get("format") === "yjs") {
      return new Response(update, {
        headers: { "content-type": "application/octet-stream", ...cache, ...CORS },
      });
    }
    return jsonResponse(200, checkpointJSON(update), { ...cache, ...CORS });
  }

  private forget(connection: Party.Connection): void {
    const adapter = this.adapters.get(connection);
    if (!adapter) return;
    this.adapters.delete(connection);
    this.room.disconnect(adapter);
  }
}

interface HistoryPath {
  /** Undefined for the list. */
  id?: string;
}

/** `<room>/history` or `<room>/history/<id>`, or null for any other path. */
function historyPath(url: string): HistoryPath | null {
  const match = new URL(url).pathname.match(
    /^\/part(?:y|ies\/[^/]+)\/[^/]+\/history(?:\/([^/]+))?\/?$/,
  );
  if (!match) return null;
  return match[1] === undefined ? {} : { id: match[1] };
}
