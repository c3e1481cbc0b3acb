/** HTTP pieces every party shares: JSON answers and the room id taken from the URL path. */
import { isValidRoomId } from "../src/shared/roomId";

export const JSON_HEADERS = {
  "content-type": "application/json; charset=utf-8",
  "cache-control": "no-store",
};

/**
 * A JSON answer that no cache keeps; `body` undefined sends none (a 204). `headers` adds to the
 * defaults.
 */
export function jsonResponse(
  status: number,
  body: unknown,
  headers: Record<string, string> = {},
): Response {
  const text = body === undefined ? null : JSON.stringify(body);
  return new Response(text, { status, headers: { ...JSON_HEADERS, ...headers } });
}

/**
 * The room (or view) id in a party URL (`/parties/<party>/<id>/…` or `/party/<id>/…`), or null
 * when there is none or it is not a valid id. Ids come from the URL path only, never a message.
 */
export function roomIdFromUrl(url: string): string | null {
  const match = new URL(url).pathname.match(/^\/part(?:y|ies\/[^/]+)\/([^/?#]*)/);
  if (!match) return null;
  let id: string;
  try {
    id = decodeURIComponent(match[1]!);
  } catch {
    return null;
  }
  return isValidRoomId(id) ? id : null;
}

/**
 * Browsers send Origin on every socket upgrade. When ALLOWED_ORIGINS is set (comma-separated,
 * e.g. "https://sketchroom.example"), an upgrade from any other page is refused, so a third-party
 * site cannot open sockets with a visitor's browser. The app's own origin is always allowed;
 * clients without an Origin (bots, scripts, stock Yjs clients in Node) are not browsers and pass.
 */
export function originAllowed(
  req: { url: string; headers: { get(name: string): string | null } },
  allowList: unknown,
): boolean {
  const origin = req.headers.get("origin");
  if (!origin || typeof allowList !== "string" || allowList.trim() === "") return true;
  try {
    if (new URL(origin).host === new URL(req.url).host) return true;
  } catch {
    return false;
  }
  return allowList
    .split(",")
    .map((o) => o.trim())
    .includes(origin);
}

/** workerd's socket pair: not in the DOM or Node types this project compiles against. */
declare const WebSocketPair: new () => {
  0: WebSocket;
  1: WebSocket & { accept(): void };
};

/**
 * Refuses a socket upgrade with a close code instead of an HTTP status. A browser hides a
 * refused upgrade's status from the page (it sees a bare 1006, like a network drop), so the
 * client could not tell "forbidden" from "down" and would retry forever. Accepting the socket
 * only to close it at once delivers a code the client reads (4003: stop, docs/protocol.md); the
 * room behind it never starts.
 */
export function refuseSocket(code: number, reason: string): Response {
  const pair = new WebSocketPair();
  const server = pair[1];
  server.accept();
  server.close(code, reason);
  return new Response(null, { status: 101, webSocket: pair[0] } as ResponseInit);
}
