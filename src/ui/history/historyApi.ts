/**
 * The room's checkpoint endpoints (docs/protocol.md "History"), read over HTTP from the page's own
 * origin. A view link reads them through its own party, which the room serves read-only.
 */
import type { RoomClient } from "../../net/types";
import type { CheckpointSummary } from "../../shared/protocol";
import type { Shape } from "../../shared/schema";

/** A checkpoint loaded for preview: its shapes, and the bytes a restore applies. */
export interface LoadedCheckpoint {
  info: CheckpointSummary;
  shapes: Shape[];
  update: Uint8Array;
}

function base(client: RoomClient): string {
  return `/parties/${client.party}/${encodeURIComponent(client.roomId)}/history`;
}

/** Parsed defensively: the list is shown as is, and one bad entry must not hide the others. */
function parseInfo(raw: unknown): CheckpointSummary | null {
  if (typeof raw !== "object" || raw === null) return null;
  const r = raw as Record<string, unknown>;
  if (typeof r.id !== "string" || typeof r.at !== "number") return null;
  return {
    id: r.id,
    at: r.at,
    present: Array.isArray(r.present)
      ? r.present.filter((n): n is string => typeof n === "string")
      : [],
    shapes: typeof r.shapes === "number" ? r.shapes : 0,
    bytes: typeof r.bytes === "number" ? r.bytes : 0,
    reason: r.reason === "empty" ? "empty" : "burst",
  };
}

/** Newest first, as the room sends them. */
export async function listCheckpoints(
  client: RoomClient,
  signal?: AbortSignal,
): Promise<CheckpointSummary[]> {
  const res = await fetch(base(client), { signal, cache: "no-store" });
  if (!res.ok) throw new Error(`history: HTTP ${res.status}`);
  const body = (await res.json()) as { checkpoints?: unknown };
  if (!Array.isArray(body.checkpoints)) return [];
  return body.checkpoints.flatMap((c) => parseInfo(c) ?? []);
}

/**
 * The checkpoint's Yjs update, read by `decode` (src/doc/restore.ts, handed in by the host so that
 * this chunk carries no Yjs of its own) for the preview: the preview then shows exactly what a
 * restore would apply.
 */
export async function loadCheckpoint(
  client: RoomClient,
  info: CheckpointSummary,
  decode: (update: Uint8Array) => Shape[],
  signal?: AbortSignal,
): Promise<LoadedCheckpoint> {
  const res = await fetch(`${base(client)}/${encodeURIComponent(info.id)}?format=yjs`, {
    signal,
  });
  if (!res.ok) throw new Error(`checkpoint ${info.id}: HTTP ${res.status}`);
  const update = new Uint8Array(await res.arrayBuffer());
  return { info, shapes: decode(update), update };
}

/** "just now", "5 min ago", "3 h ago", "2 days ago". */
export function relativeTime(at: number, now: number): string {
  const s = Math.max(0, Math.round((now - at) / 1000));
  if (s < 45) return "just now";
  const m = Math.round(s / 60);
  if (m < 60) return `${m} min ago`;
  const h = Math.round(m / 60);
  if (h < 48) return `${h} h ago`;
  return `${Math.round(h / 24)} days ago`;
}
