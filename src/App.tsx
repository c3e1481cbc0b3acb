/**
 * Routing: `/` makes a new room and moves to `/r/<id>`; `/r/<id>` opens that room; `/v/<viewId>`
 * opens a room view-only; anything else, or an invalid id, shows an error screen.
 */
import { useEffect, useState } from "react";
import { createRoomClient } from "./net/roomClient";
import type { RoomClient, RoomParty } from "./net/types";
import { isValidRoomId, newRoomId } from "./shared/roomId";
import { Room } from "./ui/Room";

type Route =
  | { kind: "room"; roomId: string; party: RoomParty }
  | { kind: "invalid"; reason: string };

/** Reads the room from the URL, replacing `/` with a fresh room's URL. */
export function resolveRoute(): Route {
  const path = window.location.pathname;
  if (path === "/" || path === "") {
    const roomId = newRoomId();
    window.history.replaceState(null, "", `/r/${roomId}${window.location.search}`);
    return { kind: "room", roomId, party: "main" };
  }
  const match = path.match(/^\/([rv])\/([^/]*)\/?$/);
  if (!match) return { kind: "invalid", reason: "This page does not exist." };
  const party: RoomParty = match[1] === "v" ? "view" : "main";
  let roomId: string;
  try {
    roomId = decodeURIComponent(match[2]!);
  } catch {
    return { kind: "invalid", reason: "The room link is malformed." };
  }
  if (!isValidRoomId(roomId)) {
    return {
      kind: "invalid",
      reason: "Room ids are 1–128 letters, digits, “-” or “_”. Check the link you were sent.",
    };
  }
  return { kind: "room", roomId, party };
}

/**
 * The room refused a write outright (document over its cap, or view-only): this tab's copy
 * holds edits the room will never have. It is discarded and the room's state loaded afresh
 * (conflict rule C9), with the reason shown.
 */
const REFUSED = new Set(["DOCUMENT_TOO_LARGE", "READ_ONLY"]);

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

function RoomLoader({ roomId, party }: { roomId: string; party: RoomParty }) {
  const [client, setClient] = useState<RoomClient | null>(null);
  const [generation, setGeneration] = useState(0);
  const [carried, setCarried] = useState<string | null>(null);
  // biome-ignore lint/correctness/useExhaustiveDependencies: a new generation is a fresh client
  useEffect(() => {
    const created = createRoomClient(roomId, { party });
    let resetting = false;
    const off = created.onNotice((notice) => {
      if (!REFUSED.has(notice.code) || resetting) return;
      resetting = true;
      setCarried(`${notice.message} The board was reloaded from the room.`);
      void created.discardLocalCopy().finally(() => setGeneration((g) => g + 1));
    });
    setClient(created);
    return () => {
      off();
      created.destroy();
      setClient(null);
    };
  }, [roomId, party, generation]);
  if (!client) return null;
  return <Room key={generation} client={client} initialNotice={carried} />;
}

export function App() {
  const [route] = useState(resolveRoute);
  useEffect(() => {
    if (route.kind === "room") document.title = "Sketchroom";
  }, [route]);
  if (route.kind === "invalid") return <ErrorScreen reason={route.reason} />;
  return <RoomLoader roomId={route.roomId} party={route.party} />;
}
