/**
 * Closes connections the room has heard nothing from. A half-open TCP path (a laptop lid shut,
 * a mobile network gone) never delivers a close: without this its slot and its presence would
 * stay forever. The timer runs only while the room has connections.
 */
import { SERVER_IDLE_TIMEOUT_MS, SERVER_SWEEP_MS } from "../src/shared/constants";
import type { Scheduler } from "./presence";

export interface Watched {
  /** Last time anything arrived from this connection (scheduler time, ms). */
  lastSeen: number;
}

export class IdleSweep<T extends Watched> {
  private timer: unknown = null;

  constructor(
    private readonly scheduler: Scheduler,
    private readonly watched: () => Iterable<T>,
    private readonly onIdle: (entry: T) => void,
    private readonly idleMs = SERVER_IDLE_TIMEOUT_MS,
    private readonly everyMs = SERVER_SWEEP_MS,
  ) {}

  /** Starts sweeping if not already; call whenever a connection joins. */
  start(): void {
    if (this.timer !== null) return;
    this.timer = this.scheduler.setTimeout(() => this.tick(), this.everyMs);
  }

  stop(): void {
    if (this.timer !== null) this.scheduler.clearTimeout(this.timer);
    this.timer = null;
  }

  private tick(): void {
    this.timer = null;
    const now = this.scheduler.now();
    let left = 0;
    for (const entry of [...this.watched()]) {
      if (now - entry.lastSeen > this.idleMs) this.onIdle(entry);
      else left++;
    }
    if (left > 0) this.start();
  }
}
