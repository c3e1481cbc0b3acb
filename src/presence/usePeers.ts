import { useEffect, useState } from "react";
import type { Awareness } from "y-protocols/awareness";
import { type Peer, readPeers } from "./peers";

/** Everyone else in the room, re-read whenever awareness changes. */
export function usePeers(awareness: Awareness): Peer[] {
  const [peers, setPeers] = useState(() => readPeers(awareness));
  useEffect(() => {
    const update = () => setPeers(readPeers(awareness));
    update();
    awareness.on("change", update);
    return () => awareness.off("change", update);
  }, [awareness]);
  return peers;
}
