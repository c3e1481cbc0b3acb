/**
 * The room's log, rate limited: a client sending garbage at full speed must not turn the log
 * into the room's bottleneck. The first line after a quiet period says how many were dropped.
 */
import { LOG_BURST, LOG_WINDOW_MS } from "../src/shared/constants";
import type { Scheduler } from "./presence";

export type Log = (message: string) => void;

export function rateLimitedLog(log: Log, scheduler: Scheduler): Log {
  let windowStart = Number.NEGATIVE_INFINITY;
  let inWindow = 0;
  let dropped = 0;
  return (message) => {
    const now = scheduler.now();
    if (now - windowStart >= LOG_WINDOW_MS) {
      if (dropped > 0) log(`(${dropped} log lines dropped)`);
      windowStart = now;
      inWindow = 0;
      dropped = 0;
    }
    if (inWindow >= LOG_BURST) {
      dropped++;
      return;
    }
    inWindow++;
    log(message);
  };
}
