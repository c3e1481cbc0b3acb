/**
 * The pending-upload queue and the uploader that drains it. Pure logic over two small
 * interfaces (where the bytes and the queue live; how one PUT goes), so the rules run in Node
 * tests with an in-memory store, and in the browser over IndexedDB (localStore.ts) and fetch.
 *
 * Rules (docs/architecture.md "Images"):
 * - IM1 An image's bytes are queued before its shape is written, so a shape this tab made always
 *   has its bytes here until the room has them.
 * - IM2 An entry leaves the queue only when the room answers 200 or 201.
 * - IM3 A 4xx answer (too large, wrong type, hash mismatch, read-only) or 507 (room quota) is
 *   permanent: the
 *   entry is marked failed, the user is told once, and it is not retried; the shape stays and
 *   shows a placeholder to the others.
 * - IM4 Any other 5xx answer, 408, 429 or a network failure is transient: retried with backoff, and at once when
 *   the connection comes back.
 */
import type { AssetType } from "../shared/assets";

export interface PendingUpload {
  roomId: string;
  hash: string;
  type: AssetType;
  state: "pending" | "failed";
  /** Why it failed (state "failed"). */
  error?: string;
  /** ms epoch when it was queued: uploads go oldest first. */
  at: number;
}

/** This device's copy of assets (by hash) and its upload queue (by room and hash). */
export interface AssetStore {
  getBlob(hash: string): Promise<Blob | null>;
  putBlob(hash: string, blob: Blob): Promise<void>;
  pending(roomId: string): Promise<PendingUpload[]>;
  enqueue(item: PendingUpload): Promise<void>;
  remove(roomId: string, hash: string): Promise<void>;
  fail(roomId: string, hash: string, error: string): Promise<void>;
}

export type PutOutcome =
  | { kind: "stored" }
  | { kind: "permanent"; status: number; error: string }
  | { kind: "transient"; error: string };

/** How the room's answer to a PUT is read (IM2–IM4). */
export function classifyPut(status: number, error = ""): PutOutcome {
  if (status === 200 || status === 201) return { kind: "stored" };
  // 408 and 429 are the server asking for a later try, not a verdict on the bytes. 507 (the
  // room's image quota) is a 5xx but final: the room deleted its unused assets before answering,
  // so a retry cannot fit.
  const final =
    (status >= 400 && status < 500 && status !== 408 && status !== 429) || status === 507;
  if (final) {
    return { kind: "permanent", status, error: putErrorMessage(status, error) };
  }
  return { kind: "transient", error: error || `HTTP ${status}` };
}

/** What the user reads when the room refuses an image for good (codes: docs/limits.md). */
export function putErrorMessage(status: number, detail = ""): string {
  switch (status) {
    case 403:
      return "This link is view-only: images cannot be added.";
    case 413:
      return "The image is too large for the room, even after shrinking it.";
    case 415:
      return "The room does not accept this kind of image (PNG, JPEG, GIF, WebP or safe SVG only).";
    case 422:
      return "The image arrived damaged (its checksum did not match); add it again.";
    case 507:
      return "This room has no space left for images.";
    default:
      return `The room refused the image (HTTP ${status}${detail ? `: ${detail}` : ""}).`;
  }
}

export interface UploaderOptions {
  roomId: string;
  store: AssetStore;
  /** One PUT of `blob` as asset `hash`; resolves with the room's verdict (never rejects). */
  put(hash: string, type: AssetType, blob: Blob): Promise<PutOutcome>;
  /** A permanent refusal, for the user. */
  onRefused(hash: string, message: string): void;
  /** An asset reached the room. */
  onStored?(hash: string): void;
  /** ms before retry `attempt` (1-based) after a transient failure. */
  retryDelay(attempt: number): number;
  setTimer?: (fn: () => void, ms: number) => unknown;
  clearTimer?: (handle: unknown) => void;
}

export class Uploader {
  private connected = false;
  private running: Promise<void> | null = null;
  private again = false;
  private attempts = 0;
  private timer: unknown = null;
  private disposed = false;

  constructor(private readonly options: UploaderOptions) {}

  /** The connection's state changed: uploads run only while connected, and at once on connect. */
  setConnected(connected: boolean): void {
    const was = this.connected;
    this.connected = connected;
    if (connected && !was) {
      this.attempts = 0;
      this.cancelRetry();
      void this.kick();
    }
  }

  /** Something was queued (or may be): drain the queue if connected. Resolves when idle. */
  kick(): Promise<void> {
    if (this.disposed || !this.connected) return Promise.resolve();
    if (this.running) {
      this.again = true;
      return this.running;
    }
    this.running = this.drain().finally(() => {
      this.running = null;
    });
    return this.running;
  }

  dispose(): void {
    this.disposed = true;
    this.cancelRetry();
  }

  private cancelRetry(): void {
    if (this.timer === null) return;
    (this.options.clearTimer ?? ((h) => clearTimeout(h as ReturnType<typeof setTimeout>)))(
      this.timer,
    );
    this.timer = null;
  }

  private async drain(): Promise<void> {
    do {
      this.again = false;
      const { store, roomId } = this.options;
      const queue = (await store.pending(roomId))
        .filter((item) => item.state === "pending")
        .sort((a, b) => a.at - b.at);
      for (const item of queue) {
        if (this.disposed || !this.connected) return;
        const blob = await store.getBlob(item.hash);
        if (!blob) {
          // The bytes are gone (site data cleared): nothing can ever upload them.
          await store.fail(roomId, item.hash, "This device no longer has the image's bytes.");
          continue;
        }
        const outcome = await this.options.put(item.hash, item.type, blob);
        if (outcome.kind === "stored") {
          this.attempts = 0;
          await store.remove(roomId, item.hash);
          this.options.onStored?.(item.hash);
        } else if (outcome.kind === "permanent") {
          await store.fail(roomId, item.hash, outcome.error);
          this.options.onRefused(item.hash, outcome.error);
        } else {
          this.scheduleRetry();
          return;
        }
      }
    } while (this.again);
  }

  private scheduleRetry(): void {
    if (this.disposed) return;
    this.attempts++;
    this.cancelRetry();
    const set =
      this.options.setTimer ?? ((fn: () => void, ms: number) => setTimeout(fn, ms) as unknown);
    this.timer = set(() => {
      this.timer = null;
      void this.kick();
    }, this.options.retryDelay(this.attempts));
  }
}

/** The queue and bytes in memory: for tests, and where IndexedDB is unavailable. */
export class MemoryAssetStore implements AssetStore {
  readonly blobs = new Map<string, Blob>();
  readonly queue = new Map<string, PendingUpload>();

  private static key(roomId: string, hash: string): string {
    return `${roomId}/${hash}`;
  }
  async getBlob(hash: string) {
    return this.blobs.get(hash) ?? null;
  }
  async putBlob(hash: string, blob: Blob) {
    this.blobs.set(hash, blob);
  }
  async pending(roomId: string) {
    return [...this.queue.values()].filter((item) => item.roomId === roomId);
  }
  async enqueue(item: PendingUpload) {
    this.queue.set(MemoryAssetStore.key(item.roomId, item.hash), item);
  }
  async remove(roomId: string, hash: string) {
    this.queue.delete(MemoryAssetStore.key(roomId, hash));
  }
  async fail(roomId: string, hash: string, error: string) {
    const item = this.queue.get(MemoryAssetStore.key(roomId, hash));
    if (item) item.state = "failed";
    if (item) item.error = error;
  }
}
