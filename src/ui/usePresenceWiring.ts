/**
 * This user's presence (name, cursor, selection, viewport, activity) going out, other people's
 * coming in, and follow mode: copying someone's viewport until this user moves the camera.
 */
import { type RefObject, useCallback, useEffect, useMemo, useRef, useState } from "react";
import type { BoardHandle } from "../canvas/Board";
import type { RoomClient } from "../net/types";
import { trackActivity } from "../presence/activity";
import { cameraFollowing, viewportOf } from "../presence/follow";
import type { Peer } from "../presence/peers";
import { SummonInbox } from "../presence/summon";
import { usePeers } from "../presence/usePeers";
import { usePresenceCount } from "../presence/usePresenceCount";
import type { UserIdentity } from "./identity";
import { createPresenceSender, type PresenceSender } from "./presenceSender";

export interface PresenceWiring {
  presence: PresenceSender;
  peers: Peer[];
  /** Others in the room whose presence the room does not send this tab (docs/scale.md). */
  morePeers: number;
  /** The awareness client id this user follows, if any. */
  following: number | null;
  setFollowing: (clientId: number | null) => void;
  /** Asks everyone else to move their camera to this user's. */
  summon: () => void;
}

export function usePresenceWiring(
  client: RoomClient,
  boardRef: RefObject<BoardHandle | null>,
  user: UserIdentity,
  selection: readonly string[],
): PresenceWiring {
  const presence = useMemo(() => createPresenceSender(client.awareness), [client]);
  useEffect(() => {
    // A complete presence state from the start: no cursor until the pointer enters the canvas.
    presence.setCursor(null);
    return () => presence.destroy();
  }, [presence]);
  useEffect(() => presence.setUser(user), [presence, user]);
  useEffect(() => presence.setSelection(selection), [presence, selection]);
  useEffect(() => trackActivity(client.awareness), [client]);

  const peers = usePeers(client.awareness);
  const morePeers = usePresenceCount(client.awareness);
  const [following, setFollowing] = useState<number | null>(null);
  const followingRef = useRef(following);
  followingRef.current = following;

  // Publish our viewport (for followers); stop following as soon as this user moves the camera.
  useEffect(() => {
    const board = boardRef.current;
    if (!board) return;
    const publish = () => {
      const { width, height } = board.size();
      presence.setViewport(viewportOf(board.getView(), width, height));
    };
    publish();
    return board.onView((_view, source) => {
      publish();
      if (source === "user" && followingRef.current !== null) setFollowing(null);
    });
  }, [presence, boardRef]);

  // Follow: copy the followed person's viewport whenever it changes; stop when they leave.
  useEffect(() => {
    if (following === null) return;
    const peer = peers.find((p) => p.clientId === following);
    if (!peer) {
      setFollowing(null);
      return;
    }
    const board = boardRef.current;
    if (!board) return;
    const { width, height } = board.size();
    const camera = cameraFollowing(peer, width, height);
    if (camera) board.followView(camera);
  }, [following, peers, boardRef]);

  // Bring everyone to my view: our viewport, stamped, for every receiver to obey once.
  const summon = useCallback(() => {
    const board = boardRef.current;
    if (!board) return;
    const { width, height } = board.size();
    presence.summon({ ...viewportOf(board.getView(), width, height), at: Date.now() });
  }, [presence, boardRef]);

  // Someone summoned everyone: glide to their view once (and stop following anyone else).
  const inbox = useMemo(() => new SummonInbox(), []);
  useEffect(() => {
    const request = inbox.take(peers, Date.now());
    const board = boardRef.current;
    if (!request || !board) return;
    setFollowing(null);
    const { width, height } = board.size();
    board.glideView({
      x: width / 2 - request.x * request.zoom,
      y: height / 2 - request.y * request.zoom,
      zoom: request.zoom,
    });
  }, [inbox, peers, boardRef]);

  return { presence, peers, morePeers, following, setFollowing, summon };
}
