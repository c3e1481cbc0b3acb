/** The connection badge: state and "saved" as data attributes (automation hook) and words. */
import { useEffect, useState } from "react";
import type { ConnectionStatus, RoomClient } from "../net/types";

const TRANSPORT_NAMES: Record<ConnectionStatus["transport"], string> = {
  websocket: "WebSocket",
  sse: "SSE",
  "long-polling": "long polling",
};

export function describeStatus(s: ConnectionStatus): string {
  if (s.fatal) return `Disconnected — ${s.fatal}`;
  const saved = s.saved ? "Saved" : "Saving…";
  // A view link is read-only before it connects too (its board can show from the local copy).
  const view = s.readOnly ? " · View only" : "";
  switch (s.state) {
    case "connecting":
      return `Connecting…${view}`;
    case "connected": {
      const text = s.readOnly ? `Connected · View only` : `Connected · ${saved}`;
      return s.transport === "websocket" ? text : `${text} · via ${TRANSPORT_NAMES[s.transport]}`;
    }
    case "reconnecting":
      return s.attempt > 0 ? `Reconnecting (attempt ${s.attempt})…${view}` : `Reconnecting…${view}`;
    case "offline":
      // A viewer has no edits to keep.
      return s.readOnly ? `Offline${view}` : "Offline — your edits are kept on this device";
    default: {
      const never: never = s.state;
      return String(never);
    }
  }
}

export function StatusBadge({ client }: { client: RoomClient }) {
  const [status, setStatus] = useState(() => client.getStatus());
  useEffect(() => {
    setStatus(client.getStatus());
    return client.onStatus(setStatus);
  }, [client]);
  return (
    <div
      className={`status status-${status.state}`}
      data-testid="connection-status"
      data-state={status.state}
      data-saved={String(status.saved)}
      data-transport={status.transport}
      role="status"
      aria-live="polite"
    >
      <span className="status-dot" aria-hidden="true" />
      {describeStatus(status)}
    </div>
  );
}
