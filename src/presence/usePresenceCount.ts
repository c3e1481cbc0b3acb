import { useEffect, useState } from "react";
import type { Awareness } from "y-protocols/awareness";

/**
 * How many other people the room is not sending this tab's presence for (docs/scale.md): the
 * room client emits it on awareness from the room's `presence-count` messages, and 0 on each new
 * connection (the room only speaks when the number is not 0).
 */
export function usePresenceCount(awareness: Awareness): number {
  const [hidden, setHidden] = useState(0);
  useEffect(() => {
    const update = (n: number) => setHidden(n);
    awareness.on("presence-count", update);
    return () => awareness.off("presence-count", update);
  }, [awareness]);
  return hidden;
}
