/**
 * Board history: the room keeps checkpoints of its document, full Yjs snapshots taken after each
 * burst of edits and when the last person leaves, thinned as they age and bounded by a byte
 * budget (docs/limits.md, "Board history"). Three parts, each testable alone:
 *
 *  - `retain` and `thin`: the pure keep/drop policy over the index;
 *  - CheckpointStore: the checkpoints in room storage, chunked under the value limit, the index
 *    written in the same atomic put as the chunks it names;
 *  - Checkpointer: when to take one (quiet after a burst, a ceiling during continuous editing,
 *    the last connection leaving), never twice the same content in a row.
 */
import { fromHexString, toHexString } from "lib0/buffer";
import * as Y from "yjs";
import {
  CHECKPOINT_BUDGET_BYTES,
  CHECKPOINT_DAILY_MS,
  CHECKPOINT_HOURLY_MS,
  CHECKPOINT_INDEX_MAX_BYTES,
  CHECKPOINT_KEEP_ALL_MS,
  CHECKPOINT_MAX_INTERVAL_MS,
  CHECKPOINT_MAX_NAME_CHARS,
  CHECKPOINT_MAX_PRESENT,
  CHECKPOINT_QUIET_MS,
  STORAGE_CHUNK_BYTES,
  STORAGE_MAX_KEYS_PER_PUT,
} from "../src/shared/constants";
import { assetRefs, readShapes, shapeToJSON } from "../src/shared/doc";
import type { CheckpointReason, CheckpointSummary } from "../src/shared/protocol";
import type { Scheduler } from "./presence";
import type { Log } from "./roomLog";
import { type KeyValueStorage, readChunks } from "./storage";

/** One checkpoint as the index stores it: what the list shows, and where its bytes are. */
export interface CheckpointEntry extends CheckpointSummary {
  chunks: number;
  /** Of the encoded update: tells an identical state apart without loading the previous one. */
  digest: string;
}

export function summary(entry: CheckpointEntry): CheckpointSummary {
  const { id, at, present, shapes, bytes, reason } = entry;
  return { id, at, present, shapes, bytes, reason };
}

/** Checkpoint ids in URLs: what `newId` makes, nothing else reaches storage keys. */
export const CHECKPOINT_ID_PATTERN = /^[0-9a-z]{12}$/;

// ---- Policy -------------------------------------------------------------------------------------

export interface RetentionLimits {
  keepAllMs: number;
  hourlyMs: number;
  dailyMs: number;
  budgetBytes: number;
  indexMaxBytes: number;
}

export const DEFAULT_RETENTION: RetentionLimits = {
  keepAllMs: CHECKPOINT_KEEP_ALL_MS,
  hourlyMs: CHECKPOINT_HOURLY_MS,
  dailyMs: CHECKPOINT_DAILY_MS,
  budgetBytes: CHECKPOINT_BUDGET_BYTES,
  indexMaxBytes: CHECKPOINT_INDEX_MAX_BYTES,
};

const HOUR_MS = 60 * 60_000;
const DAY_MS = 24 * HOUR_MS;

/**
 * The ids to keep by age alone, oldest first: every checkpoint younger than `keepAllMs`; the
 * newest of each UTC hour up to `hourlyMs`; the newest of each UTC day up to `dailyMs`; none
 * older. Buckets are calendar hours and days, not ages, so a kept checkpoint stays the newest of
 * its bucket as time passes and thinning again later never drops it early. The newest of a day
 * is also the newest of its hour, so the daily pick always survived the hourly one.
 */
export function thin(
  index: readonly Pick<CheckpointEntry, "id" | "at">[],
  now: number,
  limits: Pick<RetentionLimits, "keepAllMs" | "hourlyMs" | "dailyMs"> = DEFAULT_RETENTION,
): string[] {
  const newestIn = new Map<string, { id: string; at: number }>();
  const keep = new Set<string>();
  for (const entry of index) {
    const age = now - entry.at;
    let bucket: string;
    if (age < limits.keepAllMs) {
      keep.add(entry.id);
      continue;
    } else if (age < limits.hourlyMs) bucket = `h${Math.floor(entry.at / HOUR_MS)}`;
    else if (age < limits.dailyMs) bucket = `d${Math.floor(entry.at / DAY_MS)}`;
    else continue;
    const best = newestIn.get(bucket);
    if (!best || entry.at > best.at || (entry.at === best.at && entry.id > best.id)) {
      newestIn.set(bucket, entry);
    }
  }
  for (const entry of newestIn.values()) keep.add(entry.id);
  return index.filter((e) => keep.has(e.id)).map((e) => e.id);
}

/**
 * The index after thinning, then after dropping the oldest while the bytes exceed the budget or
 * the index outgrows its storage value. The newest checkpoint is always kept, even alone over the
 * budget: a room's latest state is the one a history must not lose. `index` is oldest first.
 */
export function retain(
  index: readonly CheckpointEntry[],
  now: number,
  limits: RetentionLimits = DEFAULT_RETENTION,
): CheckpointEntry[] {
  const ids = new Set(thin(index, now, limits));
  const kept = index.filter((e) => ids.has(e.id));
  let bytes = kept.reduce((sum, e) => sum + e.bytes, 0);
  let indexBytes = serialisedBytes(kept);
  let drop = 0;
  while (
    kept.length - drop > 1 &&
    (bytes > limits.budgetBytes || indexBytes > limits.indexMaxBytes)
  ) {
    const oldest = kept[drop]!;
    bytes -= oldest.bytes;
    indexBytes -= serialisedBytes(oldest) + 2;
    drop++;
  }
  return kept.slice(drop);
}

/**
 * An upper bound on the bytes storage needs for a value of plain JSON data: two per character of
 * its JSON (storage serialises strings with a non-Latin-1 character as UTF-16; numbers and
 * structure take no more than their JSON text).
 */
function serialisedBytes(value: unknown): number {
  return 2 * JSON.stringify(value).length;
}

// ---- Storage ------------------------------------------------------------------------------------

export const INDEX_KEY = "ckpt:index";
const chunkKey = (id: string, i: number) => `ckpt:${id}:${i}`;
/** The asset hashes a checkpoint names, 32 raw bytes each (see `assetRefs`). */
const refsKey = (id: string) => `ckpt:${id}:assets`;
const HASH_BYTES = 32;

const TIME_DIGITS = 9; // base 36: enough for dates to the year 5188
const COUNTER_DIGITS = 3;

export interface NewCheckpoint {
  at: number;
  present: string[];
  shapes: number;
  reason: CheckpointReason;
  digest: string;
  /** Asset hashes its image shapes name; kept beside it so collecting assets need not decode it. */
  assets?: Iterable<string>;
}

export class CheckpointStore {
  private cache: CheckpointEntry[] | null = null;
  /** Writes run one at a time: each reads the index the previous one wrote. */
  private queue: Promise<unknown> = Promise.resolve();

  private readonly limits: RetentionLimits;
  private readonly chunkBytes: number;
  private readonly log: Log;

  constructor(
    private readonly storage: KeyValueStorage,
    options: { limits?: RetentionLimits; chunkBytes?: number; log?: Log } = {},
  ) {
    this.limits = options.limits ?? DEFAULT_RETENTION;
    this.chunkBytes = options.chunkBytes ?? STORAGE_CHUNK_BYTES;
    this.log = options.log ?? (() => {});
  }

  /** Every checkpoint, oldest first. */
  async list(): Promise<CheckpointEntry[]> {
    return [...(await this.index())];
  }

  async latest(): Promise<CheckpointEntry | undefined> {
    const index = await this.index();
    return index[index.length - 1];
  }

  /** Total bytes of the checkpoints kept (chunks; the index itself is not counted). */
  async bytes(): Promise<number> {
    return (await this.index()).reduce((sum, e) => sum + e.bytes, 0);
  }

  /** A checkpoint's Yjs update, or null when there is no such checkpoint (any more). */
  async read(id: string): Promise<Uint8Array<ArrayBuffer> | null> {
    const entry = (await this.index()).find((e) => e.id === id);
    if (!entry) return null;
    const keys = Array.from({ length: entry.chunks }, (_, i) => chunkKey(id, i));
    // Null: thinned between our index read and this one, gone like an unknown id.
    return readChunks(this.storage, keys, entry.bytes, `checkpoint ${id}`);
  }

  /**
   * Stores a checkpoint and the thinned index in one put (a reader sees all of it or none of
   * it), then deletes the chunks of the checkpoints the policy dropped.
   */
  add(update: Uint8Array, info: NewCheckpoint): Promise<CheckpointEntry> {
    const run = this.queue.then(() => this.write(update, info));
    this.queue = run.catch(() => {});
    return run;
  }

  private async write(update: Uint8Array, info: NewCheckpoint): Promise<CheckpointEntry> {
    const index = await this.index();
    const last = index[index.length - 1];
    // Ids must sort as taken even if the clock steps back (a restart on another machine).
    const at = last ? Math.max(info.at, last.at) : info.at;
    const id = newId(at, last);
    const chunks = Math.max(1, Math.ceil(update.byteLength / this.chunkBytes));
    if (chunks + 2 > STORAGE_MAX_KEYS_PER_PUT) {
      // MAX_DOCUMENT_BYTES keeps a checkpoint far below this (127 × 120 KiB ≈ 15 MB).
      throw new Error(`checkpoint of ${update.byteLength} bytes needs too many chunks`);
    }
    const { assets, ...fields } = info;
    const entry: CheckpointEntry = { ...fields, id, at, bytes: update.byteLength, chunks };
    const kept = retain([...index, entry], at, this.limits);
    const entries: Record<string, unknown> = {};
    for (let i = 0; i < chunks; i++) {
      // slice() copies: a view would take its whole underlying buffer into storage's serialiser.
      entries[chunkKey(id, i)] = update.slice(i * this.chunkBytes, (i + 1) * this.chunkBytes);
    }
    const refs = assets ? packHashes(assets) : null;
    // More hashes than one value holds: left out, and `assetRefs` reads the checkpoint instead.
    if (refs && refs.byteLength <= this.chunkBytes) entries[refsKey(id)] = refs;
    entries[INDEX_KEY] = kept;
    await this.storage.put(entries);
    this.cache = kept;
    const keptIds = new Set(kept.map((e) => e.id));
    const stale: string[] = [];
    for (const old of index) {
      if (keptIds.has(old.id)) continue;
      for (let i = 0; i < old.chunks; i++) stale.push(chunkKey(old.id, i));
      stale.push(refsKey(old.id));
    }
    try {
      for (let i = 0; i < stale.length; i += STORAGE_MAX_KEYS_PER_PUT) {
        await this.storage.delete(stale.slice(i, i + STORAGE_MAX_KEYS_PER_PUT));
      }
    } catch (error) {
      // The index no longer names them, so nothing reads them; they only cost space.
      this.log(`could not delete thinned checkpoints: ${String(error)}`);
    }
    return entry;
  }

  /**
   * Every asset hash a kept checkpoint names, added to `into`: restoring any of them must find its
   * images. A checkpoint stored without its list (taken before lists were kept, or naming more
   * than one value holds) is read and decoded instead.
   */
  async assetRefs(into: Set<string> = new Set()): Promise<Set<string>> {
    const ids = (await this.index()).map((e) => e.id);
    for (let i = 0; i < ids.length; i += STORAGE_MAX_KEYS_PER_PUT) {
      const batch = ids.slice(i, i + STORAGE_MAX_KEYS_PER_PUT);
      const lists = await this.storage.get<Uint8Array | ArrayBuffer>(batch.map(refsKey));
      for (const id of batch) {
        const list = lists.get(refsKey(id));
        if (list !== undefined) {
          unpackHashes(list instanceof Uint8Array ? list : new Uint8Array(list), into);
          continue;
        }
        // null: thinned since the index was read, so nothing can restore it any more.
        const update = await this.read(id);
        if (update) updateAssetRefs(update, into);
      }
    }
    return into;
  }

  private async index(): Promise<CheckpointEntry[]> {
    if (this.cache === null) {
      const stored = (await this.storage.get<CheckpointEntry[]>([INDEX_KEY])).get(INDEX_KEY);
      // Another call may have loaded (or written) it while we waited.
      this.cache ??= Array.isArray(stored) ? stored : [];
    }
    return this.cache;
  }
}

function newId(at: number, last: CheckpointEntry | undefined): string {
  const time = at.toString(36).padStart(TIME_DIGITS, "0");
  let counter = 0;
  if (last?.id.startsWith(time)) counter = Number.parseInt(last.id.slice(TIME_DIGITS), 36) + 1;
  return time + counter.toString(36).padStart(COUNTER_DIGITS, "0");
}

function packHashes(hashes: Iterable<string>): Uint8Array {
  const list = [...new Set(hashes)];
  const out = new Uint8Array(list.length * HASH_BYTES);
  list.forEach((hex, i) => {
    out.set(fromHexString(hex), i * HASH_BYTES);
  });
  return out;
}

function unpackHashes(bytes: Uint8Array, into: Set<string>): void {
  for (let i = 0; i + HASH_BYTES <= bytes.byteLength; i += HASH_BYTES) {
    into.add(toHexString(bytes.subarray(i, i + HASH_BYTES)));
  }
}

/** The asset hashes a checkpoint's shapes name, decoded from the update itself. */
function updateAssetRefs(update: Uint8Array, into: Set<string>): void {
  const doc = new Y.Doc({ gc: true });
  try {
    Y.applyUpdate(doc, update);
    assetRefs(doc, into);
  } finally {
    doc.destroy();
  }
}

/** A checkpoint as the snapshot endpoint's JSON: valid shapes in paint order. */
export function checkpointJSON(update: Uint8Array): { shapes: Record<string, unknown>[] } {
  const doc = new Y.Doc({ gc: true });
  try {
    Y.applyUpdate(doc, update);
    return { shapes: readShapes(doc).map(shapeToJSON) };
  } finally {
    doc.destroy();
  }
}

/** Hex SHA-256 (first 16 bytes) of a checkpoint: equal digests, equal boards. */
export async function digestOf(update: Uint8Array): Promise<string> {
  const hash = new Uint8Array(
    await crypto.subtle.digest("SHA-256", update as Uint8Array<ArrayBuffer>),
  );
  return toHexString(hash.subarray(0, 16));
}

// ---- When ---------------------------------------------------------------------------------------

/** What the checkpointer needs of the room. */
export interface CheckpointSource {
  /** The whole document now, as one Yjs update. */
  encode(): Uint8Array;
  /** Valid shapes in the document now. */
  shapeCount(): number;
  /** Names of the people in the room now. */
  presentNames(): Iterable<string>;
  /** Asset hashes the document's shapes name now. */
  assets(): Iterable<string>;
}

/** The source a room gives its checkpointer: `doc` as it is, and who `presentNames` says is here. */
export function docSource(doc: Y.Doc, presentNames: () => Iterable<string>): CheckpointSource {
  return {
    encode: () => Y.encodeStateAsUpdate(doc),
    shapeCount: () => readShapes(doc).length,
    presentNames,
    assets: () => assetRefs(doc),
  };
}

export interface CheckpointTiming {
  quietMs?: number;
  maxIntervalMs?: number;
  /** Called after each checkpoint is written (the room collects unused assets then). */
  onTaken?: (entry: CheckpointEntry) => void;
}

export class Checkpointer {
  private dirty = false;
  private firstChangeAt: number | null = null;
  private timer: unknown = null;
  /** Names seen since the last checkpoint (those still here are added when it is taken). */
  private readonly seen = new Set<string>();
  private queue: Promise<unknown> = Promise.resolve();
  private readonly quietMs: number;
  private readonly maxIntervalMs: number;
  private readonly onTaken: (entry: CheckpointEntry) => void;

  constructor(
    private readonly source: CheckpointSource,
    readonly store: CheckpointStore,
    private readonly scheduler: Scheduler,
    private readonly log: Log,
    timing: CheckpointTiming = {},
  ) {
    this.quietMs = timing.quietMs ?? CHECKPOINT_QUIET_MS;
    this.maxIntervalMs = timing.maxIntervalMs ?? CHECKPOINT_MAX_INTERVAL_MS;
    this.onTaken = timing.onTaken ?? (() => {});
  }

  /**
   * The document changed. The burst ends after `quietMs` without a change, or `maxIntervalMs`
   * after its first change, whichever comes first.
   */
  changed(): void {
    this.dirty = true;
    const now = this.scheduler.now();
    if (this.firstChangeAt === null) this.firstChangeAt = now;
    this.cancelTimer();
    const wait = Math.max(0, Math.min(this.quietMs, this.firstChangeAt + this.maxIntervalMs - now));
    this.timer = this.scheduler.setTimeout(() => {
      this.timer = null;
      void this.take("burst");
    }, wait);
  }

  /** Someone was in the room: they count as present in the next checkpoint, even if gone by then. */
  saw(name: string | undefined): void {
    if (name) this.seen.add(name);
  }

  /** The last connection left: keep what changed since the last checkpoint now. */
  lastLeft(): void {
    if (this.dirty) void this.take("empty");
  }

  /**
   * Takes a checkpoint if the document changed since the last one and differs from it. Resolves
   * to the new entry, or null when none was needed. Never rejects: a failed write is logged and
   * retried after the next quiet period.
   */
  take(reason: CheckpointReason): Promise<CheckpointEntry | null> {
    const run = this.queue.then(() => this.takeNow(reason));
    this.queue = run;
    return run;
  }

  /** Resolves once every checkpoint asked for so far is written (tests, shutdown). */
  async idle(): Promise<void> {
    await this.queue;
  }

  destroy(): void {
    this.cancelTimer();
  }

  private async takeNow(reason: CheckpointReason): Promise<CheckpointEntry | null> {
    if (!this.dirty) return null;
    this.dirty = false;
    this.firstChangeAt = null;
    this.cancelTimer();
    const seen = [...this.seen];
    this.seen.clear();
    try {
      const at = this.scheduler.now();
      const update = this.source.encode();
      const shapes = this.source.shapeCount();
      const present = presentList([...seen, ...this.source.presentNames()]);
      const assets = this.source.assets();
      const digest = await digestOf(update);
      if ((await this.store.latest())?.digest === digest) return null;
      const entry = await this.store.add(update, { at, present, shapes, reason, digest, assets });
      try {
        this.onTaken(entry);
      } catch (error) {
        this.log(`after checkpoint: ${String(error)}`);
      }
      return entry;
    } catch (error) {
      this.log(`checkpoint failed: ${String(error)}`);
      for (const name of seen) this.seen.add(name);
      this.changed();
      return null;
    }
  }

  private cancelTimer(): void {
    if (this.timer !== null) this.scheduler.clearTimeout(this.timer);
    this.timer = null;
  }
}

/** Distinct names, cut to length, at most CHECKPOINT_MAX_PRESENT, sorted for a stable list. */
function presentList(names: Iterable<string>): string[] {
  const out = new Set<string>();
  for (const name of names) {
    const trimmed = name.trim().slice(0, CHECKPOINT_MAX_NAME_CHARS);
    if (trimmed) out.add(trimmed);
  }
  return [...out].sort().slice(0, CHECKPOINT_MAX_PRESENT);
}
