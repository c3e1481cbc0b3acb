/**
 * The per-connection message-rate budget: a token bucket. A burst (a reconnect's sync plus a
 * queue of edits) passes; a sustained flood empties the bucket and its sender is closed
 * (docs/limits.md).
 */
import { RATE_BUCKET_SIZE, RATE_REFILL_PER_S } from "../src/shared/constants";

const MS_PER_S = 1000;

export class TokenBucket {
  private tokens: number;
  private lastRefill: number;

  constructor(
    now: number,
    private readonly size = RATE_BUCKET_SIZE,
    private readonly refillPerS = RATE_REFILL_PER_S,
  ) {
    this.tokens = size;
    this.lastRefill = now;
  }

  /** Spends one token; false when the budget is exhausted. */
  take(now: number): boolean {
    const refill = ((now - this.lastRefill) / MS_PER_S) * this.refillPerS;
    this.tokens = Math.min(this.size, this.tokens + refill);
    this.lastRefill = now;
    if (this.tokens < 1) return false;
    this.tokens -= 1;
    return true;
  }
}
