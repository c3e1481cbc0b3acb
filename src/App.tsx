/**
 * Routing: `/` makes a new room and moves to `/r/<id>`; `/r/<id>` opens that room; anything
 * else, or an invalid id, shows an error screen.
 */
import { useEffect, useState } from "react";
import { createRoomClient } from "./net/roomClient";
import type { RoomClient } from "./net/types";
import { isValidRoomId, newRoomId } from "./shared/roomId";
import { Room } from "./ui/Room";

type Route = { kind: "room"; roomId: string } | { kind: "invalid"; reason: string };

/** Reads the room from the URL, replacing `/` with a fresh room's URL. */
export function resolveRoute(): Route {
  const path = window.location.pathname;
  if (path === "/" || path === "") {
    const roomId = newRoomId();
    window.history.replaceState(null, "", `/r/${roomId}${window.location.search}`);
    return { kind: "room", roomId };
  }
  const match = path.match(/^\/r\/([^/]*)\/?$/);
  if (!match) return { kind: "invalid", reason: "This page does not exist." };
  let roomId: string;
  try {
    roomId = decodeURIComponent(match[1]!);
  } catch {
    return { kind: "invalid", reason: "The room link is malformed." };
  }
  if (!isValidRoomId(roomId)) {
    return {
      kind: "invalid",
      reason: "Room ids are 1–128 letters, digits, “-” or “_”. Check the link you were sent.",
    };
  }
  return { kind: "room", roomId };
}

function ErrorScreen({ reason }: { reason: string }) {
  return (
    <main className="error-screen" data-testid="error-screen">
      <h1>Can’t open this room</h1>
      <p>{reason}</p>
      <a className="button-link" href="/">
        Start a new board
      </a>
    </main>
  );
}

function RoomLoader({ roomId }: { roomId: string }) {
  const [client, setClient] = useState<RoomClient | null>(null);
  useEffect(() => {
    const created = createRoomClient(roomId);
    setClient(created);
    return () => {
      created.destroy();
      setClient(null);
    };
  }, [roomId]);
  if (!client) return null;
  return <Room client={client} />;
}

export function App() {
  const [route] = useState(resolveRoute);
  useEffect(() => {
    if (route.kind === "room") document.title = "Sketchroom";
  }, [route]);
  if (route.kind === "invalid") return <ErrorScreen reason={route.reason} />;
  return <RoomLoader roomId={route.roomId} />;
}
