/**
 * Resilience benchmarks (issue 4), with the real client (`createRoomClient` in Node over `ws`)
 * against a real `partykit dev`:
 *  - restart: SIGKILL the server under N connected clients, each makes one edit while it is
 *    down, restart it; time from `restart()` resolving to every client connected, saved and
 *    holding every offline edit. Also the spread of the first reconnect attempts (jitter).
 *  - half-open: a TCP proxy silently stops forwarding; time until the client notices (no close
 *    ever arrives), and time to reconnect and sync once the path works again.
 */
import { startDevServer } from "../test/helpers/devServer";
import {
  connectRoom,
  destroyAll,
  measureHalfOpen,
  measureRestart,
} from "../test/helpers/resilience";
import { fmt } from "./lib/table";

export type Row = Record<string, string | number>;

export interface ResilienceOptions {
  /** Client counts for the restart measurement (default 10 and 50). */
  sizes?: number[];
  /** Half-open runs (default 1; each takes about 15 s). */
  halfOpenRuns?: number;
}

export async function resilienceBenchmark(opts: ResilienceOptions = {}): Promise<Row[]> {
  const sizes = opts.sizes ?? [10, 50];
  const rows: Row[] = [];
  const server = await startDevServer();
  try {
    for (const n of sizes) {
      const clients = await connectRoom(server, n);
      try {
        const m = await measureRestart(server, clients);
        rows.push({
          measure: "restart → all resynced",
          clients: n,
          ms: fmt(m.resyncMs, 0),
          first_attempt_spread_ms: m.firstAttemptSpreadMs,
          attempts: m.attempts,
        });
      } finally {
        destroyAll(clients);
      }
    }
    for (let i = 0; i < (opts.halfOpenRuns ?? 1); i++) {
      const m = await measureHalfOpen(server);
      rows.push({
        measure: "half-open detected",
        clients: 1,
        ms: fmt(m.detectMs, 0),
        first_attempt_spread_ms: "",
        attempts: "",
      });
      rows.push({
        measure: "path back → reconnected + synced",
        clients: 1,
        ms: fmt(m.recoverMs, 0),
        first_attempt_spread_ms: "",
        attempts: "",
      });
    }
  } finally {
    await server.dispose();
  }
  return rows;
}
