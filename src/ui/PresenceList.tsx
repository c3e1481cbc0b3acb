/** Everyone else in the room (from awareness), one entry each. Cursors come in a later issue. */
import { useEffect, useState } from "react";
import type { Awareness } from "y-protocols/awareness";

interface Peer {
  clientId: number;
  name: string;
  color: string;
}

function readPeers(awareness: Awareness): Peer[] {
  const peers: Peer[] = [];
  awareness.getStates().forEach((state, clientId) => {
    if (clientId === awareness.clientID) return;
    const user = (state as { user?: { name?: unknown; color?: unknown } }).user;
    if (!user || typeof user.name !== "string") return;
    const color =
      typeof user.color === "string" && /^#[0-9a-f]{6}$/i.test(user.color) ? user.color : "#868e96";
    peers.push({ clientId, name: user.name.slice(0, 40), color });
  });
  return peers.sort((a, b) => a.clientId - b.clientId);
}

export function PresenceList({ awareness }: { awareness: Awareness }) {
  const [peers, setPeers] = useState(() => readPeers(awareness));
  useEffect(() => {
    // Awareness changes on every remote cursor move; re-render only when the list itself changes.
    let last = "";
    const update = () => {
      const next = readPeers(awareness);
      const key = JSON.stringify(next);
      if (key === last) return;
      last = key;
      setPeers(next);
    };
    update();
    awareness.on("change", update);
    return () => awareness.off("change", update);
  }, [awareness]);
  if (peers.length === 0) return null;
  return (
    <ul className="presence" aria-label="People in this room">
      {peers.map((p) => (
        <li
          key={p.clientId}
          data-testid="presence-user"
          title={p.name}
          style={{ borderColor: p.color }}
        >
          {/* The initial is drawn by CSS so the element's text is exactly the name (test hook). */}
          <span
            className="avatar"
            style={{ background: p.color }}
            data-initial={p.name.slice(0, 1).toUpperCase()}
            aria-hidden="true"
          />
          <span className="presence-name">{p.name}</span>
        </li>
      ))}
    </ul>
  );
}
