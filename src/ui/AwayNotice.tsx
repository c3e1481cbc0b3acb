/**
 * "While you were away": after an offline spell, once the room's state has been merged and this
 * tab's edits acknowledged, a dismissible summary of what others changed and of this tab's own
 * offline edits that lost a race or were repaired. The tracking code (src/doc/away.ts) loads just
 * after the page rather than with it: it is needed only once the connection drops, and once
 * loaded it stays in memory, so it works offline. Should the connection drop before it arrives,
 * that spell goes unsummarised.
 */
import { useEffect, useState } from "react";
import type * as Y from "yjs";
import type { AwaySummary } from "../doc/away";
import type { RoomClient } from "../net/types";
import { AWAY_MAX_LOST_LINES } from "../shared/constants";
import { entryField, getShapes } from "../shared/doc";

type AwayModule = typeof import("../doc/away");

function useAwayModule(client: RoomClient): AwayModule | null {
  const [away, setAway] = useState<AwayModule | null>(null);
  useEffect(() => {
    let live = true;
    let loaded = false;
    const load = () => {
      if (loaded) return;
      import("../doc/away").then(
        (m) => {
          loaded = true;
          if (live) setAway(m);
        },
        // The room went away before the chunk arrived: try again once it is back.
        () => {},
      );
    };
    const off = client.onStatus((status) => {
      if (status.state === "connected") load();
    });
    load();
    return () => {
      live = false;
      off();
    };
  }, [client]);
  return away;
}

function useAwaySummary(
  client: RoomClient,
  away: AwayModule | null,
): [AwaySummary | null, () => void] {
  const [summary, setSummary] = useState<AwaySummary | null>(null);
  useEffect(() => {
    if (!away) return;
    const tracker = new away.AwayTracker(
      getShapes(client.doc) as Y.Map<unknown>,
      client.remoteOrigin,
    );
    // Names by Yjs client id, remembered: a peer's presence times out while we are offline.
    const names = new Map<number, string>();
    const learnNames = () => {
      client.awareness.getStates().forEach((state, id) => {
        const name = (state as { user?: { name?: unknown } }).user?.name;
        if (typeof name === "string" && name !== "") names.set(id, name.slice(0, 64));
      });
    };
    learnNames();
    let wasConnected = client.getStatus().state === "connected";
    let roomSpoke = false;
    const tryFinish = () => {
      const status = client.getStatus();
      // The room's step 2 has been merged and everything this tab sent is acknowledged: the
      // room's repairs of offline edits came before that acknowledgement.
      if (!tracker.catchingUp || !roomSpoke || status.state !== "connected" || !status.saved) {
        return;
      }
      learnNames();
      const result = tracker.finish((id) => names.get(id) ?? null);
      if (!away.isEmptySummary(result)) setSummary(result);
    };
    let previous = client.getStatus().state;
    const offStatus = client.onStatus((status) => {
      if (status.state === "connected" && previous !== "connected") {
        roomSpoke = false;
        tracker.reconnected();
        wasConnected = true;
      } else if (wasConnected && (status.state === "reconnecting" || status.state === "offline")) {
        tracker.start();
      }
      previous = status.state;
      tryFinish();
    });
    const onTransaction = (tr: Y.Transaction) => {
      if (tr.origin !== client.remoteOrigin || !tracker.catchingUp) return;
      roomSpoke = true;
      tryFinish();
    };
    client.doc.on("afterTransaction", onTransaction);
    client.awareness.on("change", learnNames);
    return () => {
      offStatus();
      client.doc.off("afterTransaction", onTransaction);
      client.awareness.off("change", learnNames);
      tracker.stop();
    };
  }, [client, away]);
  return [summary, () => setSummary(null)];
}

export function AwayNotice({ client }: { client: RoomClient }) {
  const away = useAwayModule(client);
  const [summary, dismiss] = useAwaySummary(client, away);
  if (!summary || !away) return null;
  const shapes = getShapes(client.doc);
  const typeOf = (id: string) => {
    const t = entryField(shapes.get(id), "type");
    return typeof t === "string" ? t : null;
  };
  const lost = summary.lost.slice(0, AWAY_MAX_LOST_LINES);
  const more = summary.lost.length - lost.length;
  return (
    <div className="panel away-notice" data-testid="away-notice" role="status">
      <strong>While you were away</strong>
      {summary.others.length > 0 && (
        <ul>
          {summary.others.map((a) => (
            <li key={a.name ?? ""} data-testid="away-other">
              {away.describeAuthor(a)}
            </li>
          ))}
        </ul>
      )}
      {lost.length > 0 && (
        <>
          <p>Your offline edits that did not stick:</p>
          <ul>
            {lost.map((l) => (
              <li key={`${l.id}:${l.key ?? ""}`} data-testid="away-lost">
                {away.describeLost(l, typeOf)}
              </li>
            ))}
            {more > 0 && <li>and {more} more</li>}
          </ul>
        </>
      )}
      <button type="button" data-testid="away-dismiss" onClick={dismiss}>
        Dismiss
      </button>
    </div>
  );
}
