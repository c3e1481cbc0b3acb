/**
 * Durability: when the room writes its snapshot, and what it tells each connection once a write
 * lands. Saves are debounced (SAVE_DEBOUNCE_MS) but never later than SAVE_MAX_WAIT_MS after the
 * first unsaved change; one write is in flight at a time. After each write every connection gets
 * `saved` with the stored state vector and how many of its own updates the write holds
 * (docs/protocol.md).
 */
import * as Y from "yjs";
import { SAVE_DEBOUNCE_MS, SAVE_MAX_WAIT_MS } from "../src/shared/constants";
import { toBase64 } from "../src/shared/protocol";
import type { Scheduler } from "./presence";
import type { Log } from "./roomLog";
import { ackableSeq, type RoomSession } from "./session";
import type { SnapshotStore } from "./storage";

export interface DurabilityStats {
  saves: number;
  saveFailures: number;
}

/** What durability needs of the room. */
export interface DurabilityHost {
  /** A compacted snapshot of the document now. */
  encodeSnapshot(): Uint8Array;
  readonly doc: Y.Doc;
  sessions(): Iterable<RoomSession>;
  sendSaved(session: RoomSession, sv: string, seq: number): void;
}

export interface DurabilityOptions {
  debounceMs?: number;
  maxWaitMs?: number;
}

/** Updates a session has had applied; viewers apply none. */
function appliedBy(session: RoomSession): number {
  return session.role === "editor" ? session.applied : 0;
}

export class Durability {
  /** State vector of the last durable snapshot (base64), sent as "saved". */
  savedSv: string;
  private timer: unknown = null;
  private firstUnsavedAt: number | null = null;
  private saving: Promise<void> | null = null;
  private dirty = false;
  private readonly debounceMs: number;
  private readonly maxWaitMs: number;

  constructor(
    private readonly host: DurabilityHost,
    private readonly store: SnapshotStore,
    private readonly scheduler: Scheduler,
    readonly stats: DurabilityStats,
    private readonly log: Log,
    options: DurabilityOptions = {},
  ) {
    this.debounceMs = options.debounceMs ?? SAVE_DEBOUNCE_MS;
    this.maxWaitMs = options.maxWaitMs ?? SAVE_MAX_WAIT_MS;
    this.savedSv = this.currentSv();
  }

  /** Reads the stored snapshot (null when the room is new). */
  load(): Promise<Uint8Array | null> {
    return this.store.load();
  }

  /** The document as loaded is what storage holds. */
  markLoaded(): void {
    this.savedSv = this.currentSv();
  }

  /** Nothing is waiting to be written: everything the room holds is durable. */
  get clean(): boolean {
    return !this.dirty && !this.saving;
  }

  /** The document changed: schedule a write. */
  changed(): void {
    this.dirty = true;
    const now = this.scheduler.now();
    if (this.firstUnsavedAt === null) this.firstUnsavedAt = now;
    if (this.timer !== null) this.scheduler.clearTimeout(this.timer);
    const wait = Math.max(0, Math.min(this.debounceMs, this.firstUnsavedAt + this.maxWaitMs - now));
    this.timer = this.scheduler.setTimeout(() => {
      this.timer = null;
      void this.save();
    }, wait);
  }

  /** Tells one session that the stored state and its first `seq` updates are durable. */
  acknowledge(session: RoomSession, seq: number): void {
    if (session.role !== "editor") return;
    if (ackableSeq(session, seq) === null || seq <= session.acked) return;
    session.acked = seq;
    this.host.sendSaved(session, this.savedSv, seq);
  }

  /** Writes any unsaved change now (shutdown paths and tests). */
  async flush(): Promise<void> {
    this.cancelTimer();
    while (this.dirty || this.saving) {
      if (this.saving) await this.saving;
      else await this.save();
    }
  }

  destroy(): void {
    this.cancelTimer();
  }

  private cancelTimer(): void {
    if (this.timer !== null) this.scheduler.clearTimeout(this.timer);
    this.timer = null;
  }

  private currentSv(): string {
    return toBase64(Y.encodeStateVector(this.host.doc));
  }

  private async save(): Promise<void> {
    if (this.saving) {
      // A save is in flight: this change goes in the next one.
      await this.saving;
      if (this.dirty && this.timer === null) this.changed();
      return;
    }
    if (!this.dirty) return;
    this.dirty = false;
    this.firstUnsavedAt = null;
    const snapshot = this.host.encodeSnapshot();
    const sv = this.currentSv();
    const inSnapshot = new Map<RoomSession, number>();
    for (const session of this.host.sessions()) inSnapshot.set(session, appliedBy(session));
    this.saving = (async () => {
      try {
        await this.store.save(snapshot);
        this.stats.saves++;
        this.savedSv = sv;
        for (const session of this.host.sessions()) {
          // Updates applied during the save that changed nothing left the room clean: they are
          // durable too. Otherwise only those in this snapshot are.
          const applied = this.dirty ? (inSnapshot.get(session) ?? 0) : appliedBy(session);
          const seq = ackableSeq(session, applied);
          if (seq === null) continue;
          if (session.role === "editor") session.acked = seq;
          this.host.sendSaved(session, sv, seq);
        }
      } catch (error) {
        this.stats.saveFailures++;
        this.log(`save failed: ${String(error)}`);
        this.dirty = true;
      }
    })();
    await this.saving;
    this.saving = null;
    if (this.dirty) this.changed();
  }
}
