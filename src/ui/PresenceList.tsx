/**
 * Everyone else in the room, one entry each, in their colour. Clicking someone follows their
 * viewport until this user pans or zooms; clicking them again stops. The button after the list
 * brings everyone to this user's view.
 */
import type { Peer } from "../presence/peers";
import { ICONS } from "./icons";

const STATUS_LABEL = { active: "", idle: " (idle)", away: " (away)" } as const;

export function PresenceList({
  peers,
  more = 0,
  following,
  onFollow,
  onSummon,
}: {
  peers: readonly Peer[];
  /** Others in the room whose presence the room does not send this tab (docs/scale.md). */
  more?: number;
  following: number | null;
  onFollow: (clientId: number | null) => void;
  /** Brings everyone to this user's view; absent when this user may not. */
  onSummon?: () => void;
}) {
  if (peers.length === 0 && more === 0) return null;
  return (
    <ul className="presence" aria-label="People in this room">
      {peers.map((p) => {
        const isFollowed = following === p.clientId;
        return (
          <li
            key={p.clientId}
            data-testid="presence-user"
            data-status={p.status}
            data-following={isFollowed ? "true" : undefined}
            className={`presence-${p.status}${isFollowed ? " following" : ""}`}
            title={`${isFollowed ? "Stop following" : "Follow"} ${p.name}${STATUS_LABEL[p.status]}`}
            style={{ borderColor: p.color }}
            onClick={() => onFollow(isFollowed ? null : p.clientId)}
          >
            {/* The initial comes from CSS (::before), so the entry's text is exactly the name. */}
            <span
              className="avatar"
              style={{ background: p.color }}
              data-initial={p.name.slice(0, 1).toUpperCase()}
              aria-hidden="true"
            />
            <span className="presence-name">{p.name}</span>
          </li>
        );
      })}
      {more > 0 && (
        <li
          className="presence-more"
          data-testid="presence-more"
          title={`${more} more in this room`}
        >
          +{more} more
        </li>
      )}
      {onSummon && (
        <li className="presence-summon">
          <button
            type="button"
            data-testid="summon-everyone"
            title="Bring everyone to my view"
            aria-label="Bring everyone to my view"
            onClick={onSummon}
          >
            {ICONS.summon}
          </button>
        </li>
      )}
    </ul>
  );
}
