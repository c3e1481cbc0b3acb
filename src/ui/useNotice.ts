/** Notices from the room (a repaired shape, a refused write) and about images, each shown for NOTICE_MS. */
import { useEffect, useState } from "react";
import { onImageNotice } from "../assets/source";
import type { RoomClient } from "../net/types";
import { NOTICE_MS } from "../shared/constants";

export function useNotice(client: RoomClient, initial: string | null): string | null {
  const [notice, setNotice] = useState<string | null>(initial);
  useEffect(() => client.onNotice((n) => setNotice(n.message)), [client]);
  useEffect(() => onImageNotice(setNotice), []);
  useEffect(() => {
    if (!notice) return;
    const timer = setTimeout(() => setNotice(null), NOTICE_MS);
    return () => clearTimeout(timer);
  }, [notice]);
  return notice;
}
