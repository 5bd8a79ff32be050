/**
 * The latest live value of recently used keys, kept in memory so a read of an unchanged object costs a map lookup
 * instead of a SQLite statement (a point read is most of what clients do: GETs, token lookups, updates' reads).
 *
 * Coherent only because this process is the database's only writer (the server holds the data directory's lock):
 * every write goes through SqliteStorage, which updates the cache in the same synchronous step as its commit.
 * Reads fill it; writes only refresh what is already there.
 * Compaction never removes a live key's latest row, so it needs no invalidation.
 */
import type { KeyValue } from '../interface.ts';

/** Default bound on the cached values' bytes. */
export const DEFAULT_LATEST_CACHE_BYTES = 4 * 1024 * 1024;

/** A bounded key → latest KeyValue map; the oldest insertion is evicted first. Cached entries are frozen. */
export class LatestCache {
  readonly #maxBytes: number;
  readonly #entries = new Map<string, Readonly<KeyValue>>();
  #bytes = 0;

  /** `maxBytes` bounds the sum of cached value sizes; 0 turns the cache off. */
  constructor(maxBytes: number) {
    if (!(maxBytes >= 0)) throw new TypeError('maxBytes must be >= 0');
    this.#maxBytes = maxBytes;
  }

  get(key: string): Readonly<KeyValue> | undefined {
    return this.#entries.get(key);
  }

  /** Remembers `kv` as the key's latest live value (a value larger than the whole bound is not kept). */
  set(kv: KeyValue): void {
    this.delete(kv.key);
    const size = kv.value.length;
    if (size > this.#maxBytes) return;
    while (this.#bytes + size > this.#maxBytes) {
      const oldest = this.#entries.keys().next().value;
      if (oldest === undefined) break;
      this.delete(oldest);
    }
    this.#entries.set(kv.key, Object.freeze({ ...kv }));
    this.#bytes += size;
  }

  /**
   * Replaces the key's value if it is cached. Writes refresh but do not insert: a bulk load would otherwise push
   * out what readers actually use.
   */
  refresh(kv: KeyValue): void {
    if (this.#entries.has(kv.key)) this.set(kv);
  }

  /** Forgets the key (deleted, or in doubt). */
  delete(key: string): void {
    const old = this.#entries.get(key);
    if (old === undefined) return;
    this.#entries.delete(key);
    this.#bytes -= old.value.length;
  }

  /** Bytes of cached values (for tests and metrics). */
  get bytes(): number {
    return this.#bytes;
  }

  get size(): number {
    return this.#entries.size;
  }
}
