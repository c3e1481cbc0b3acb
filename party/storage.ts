/**
 * Snapshot persistence. The room keeps one compacted Yjs snapshot (Y.encodeStateAsUpdate with
 * GC on), split into chunks under Durable Object storage's 128 KiB value limit and written as one
 * batch, so a reader never sees half of a save.
 */
import {
  STORAGE_CHUNK_BYTES,
  STORAGE_MAX_KEYS_PER_PUT,
  STORAGE_MAX_VALUE_BYTES,
} from "../src/shared/constants";

/** The slice of Durable Object storage the room needs; the in-memory version backs unit tests. */
export interface KeyValueStorage {
  get<T = unknown>(keys: string[]): Promise<Map<string, T>>;
  put(entries: Record<string, unknown>): Promise<void>;
  delete(keys: string[]): Promise<number>;
}

/**
 * The value stored under each of `keys` (chunks, in order) joined into one array of `bytes`
 * bytes: how the snapshot, checkpoints and assets are read back. Null when a chunk is missing;
 * throws when the chunks do not add up to `bytes` (`what` names the value in the error).
 */
export async function readChunks(
  storage: KeyValueStorage,
  keys: string[],
  bytes: number,
  what: string,
): Promise<Uint8Array<ArrayBuffer> | null> {
  const values = await storage.get<Uint8Array | ArrayBuffer>(keys);
  const out = new Uint8Array(bytes);
  let offset = 0;
  for (const key of keys) {
    const value = values.get(key);
    if (value === undefined) return null;
    const chunk = value instanceof Uint8Array ? value : new Uint8Array(value);
    out.set(chunk, offset);
    offset += chunk.byteLength;
  }
  if (offset !== bytes) throw new Error(`${what} is ${offset} bytes, expected ${bytes}`);
  return out;
}

export interface SnapshotStore {
  load(): Promise<Uint8Array | null>;
  save(snapshot: Uint8Array): Promise<void>;
}

const META_KEY = "snapshot:meta";
const chunkKey = (i: number) => `snapshot:${i}`;

interface SnapshotMeta {
  version: 1;
  chunks: number;
  bytes: number;
}

export class ChunkedSnapshotStore implements SnapshotStore {
  private storedChunks = 0;

  constructor(
    private readonly storage: KeyValueStorage,
    private readonly chunkBytes = STORAGE_CHUNK_BYTES,
  ) {}

  async load(): Promise<Uint8Array | null> {
    const meta = (await this.storage.get<SnapshotMeta>([META_KEY])).get(META_KEY);
    if (!meta || meta.chunks === 0) return null;
    const keys = Array.from({ length: meta.chunks }, (_, i) => chunkKey(i));
    const out = await readChunks(this.storage, keys, meta.bytes, "snapshot");
    if (!out) throw new Error(`a snapshot chunk (of ${meta.chunks}) is missing`);
    this.storedChunks = meta.chunks;
    return out;
  }

  async save(snapshot: Uint8Array): Promise<void> {
    const chunks = Math.ceil(snapshot.byteLength / this.chunkBytes);
    if (chunks + 1 > STORAGE_MAX_KEYS_PER_PUT) {
      // MAX_DOCUMENT_BYTES keeps us far below this (128 × 120 KiB ≈ 15 MB).
      throw new Error(`snapshot of ${snapshot.byteLength} bytes needs too many chunks`);
    }
    const entries: Record<string, unknown> = {};
    for (let i = 0; i < chunks; i++) {
      // slice() copies: storage must not keep a view into a buffer we reuse.
      entries[chunkKey(i)] = snapshot.slice(i * this.chunkBytes, (i + 1) * this.chunkBytes);
    }
    entries[META_KEY] = { version: 1, chunks, bytes: snapshot.byteLength } satisfies SnapshotMeta;
    // One put = one atomic batch: the meta and every chunk it names land together.
    await this.storage.put(entries);
    if (this.storedChunks > chunks) {
      const stale = [];
      for (let i = chunks; i < this.storedChunks; i++) stale.push(chunkKey(i));
      await this.storage.delete(stale);
    }
    this.storedChunks = chunks;
  }
}

/** Storage in memory, with the same value-size limit as a Durable Object, for tests. */
export class MemoryStorage implements KeyValueStorage {
  readonly data = new Map<string, unknown>();
  puts = 0;

  async get<T>(keys: string[]): Promise<Map<string, T>> {
    const out = new Map<string, T>();
    for (const k of keys) if (this.data.has(k)) out.set(k, this.data.get(k) as T);
    return out;
  }

  async put(entries: Record<string, unknown>): Promise<void> {
    const keys = Object.keys(entries);
    if (keys.length > STORAGE_MAX_KEYS_PER_PUT) throw new Error("too many keys in one put");
    for (const [k, v] of Object.entries(entries)) {
      if (v instanceof Uint8Array && v.byteLength > STORAGE_MAX_VALUE_BYTES) {
        throw new Error(`value for ${k} is over 128 KiB`);
      }
    }
    this.puts++;
    for (const [k, v] of Object.entries(entries)) this.data.set(k, v);
  }

  async delete(keys: string[]): Promise<number> {
    let n = 0;
    for (const k of keys) if (this.data.delete(k)) n++;
    return n;
  }

  /** Keys with `prefix`, in key order, as Durable Object storage lists them. */
  async list<T>(options: { prefix: string }): Promise<Map<string, T>> {
    const keys = [...this.data.keys()].filter((k) => k.startsWith(options.prefix)).sort();
    return new Map(keys.map((k) => [k, this.data.get(k) as T]));
  }
}
