/**
 * Reconnect delays: full-jitter exponential backoff. Every client picks a uniformly random delay
 * in [0, window), and the window doubles per failed attempt up to a cap, so a room full of
 * clients dropped by one server restart spreads its retries instead of stampeding.
 */
import {
  RECONNECT_MAX_HIDDEN_MS,
  RECONNECT_MAX_VISIBLE_MS,
  RECONNECT_MIN_MS,
  RECONNECT_SLOW_MIN_MS,
} from "../shared/constants";

export interface BackoffInput {
  /** Failed attempts since the last successful connection (0 for the first retry). */
  attempt: number;
  hidden: boolean;
  /** The server asked us to back off (room full, rate limited). */
  slow: boolean;
  random?: () => number;
}

/** The largest delay for this attempt. The first window is 3 × RECONNECT_MIN_MS = 1.5 s. */
export function backoffWindow({ attempt, hidden, slow }: Omit<BackoffInput, "random">): number {
  const cap = hidden ? RECONNECT_MAX_HIDDEN_MS : RECONNECT_MAX_VISIBLE_MS;
  const floor = slow ? RECONNECT_SLOW_MIN_MS : RECONNECT_MIN_MS * 3;
  return Math.min(Math.max(cap, floor), floor * 2 ** Math.min(attempt, 20));
}

export function backoffDelay(input: BackoffInput): number {
  const random = input.random ?? Math.random;
  const window = backoffWindow(input);
  // "Retry slowly" (room full, rate limited) waits at least RECONNECT_SLOW_MIN_MS, jittered above it.
  if (input.slow) return RECONNECT_SLOW_MIN_MS + Math.floor(random() * window);
  // A small floor keeps a client from hammering a server that refuses at once.
  return Math.max(50, Math.floor(random() * window));
}
