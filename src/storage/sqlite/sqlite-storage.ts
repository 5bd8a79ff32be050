/**
 * The embedded Storage backend: kine's single-table log on better-sqlite3 (statements and schema in sql.ts).
 *
 * better-sqlite3 is synchronous and this process is the only writer, so each write is one short IMMEDIATE
 * transaction that runs to completion inside one turn of the event loop; the async API exists because etcd's is.
 * That single-writer fact is also what makes watch cheap: a committed write is fanned out in-process at once
 * (watch-hub.ts) instead of being polled for, and a watch switches from replayed history to live events without
 * a gap (log-watcher.ts).
 */
import { setImmediate as yieldToLoop } from 'node:timers/promises';
import Database from 'better-sqlite3';
import { checkKey, checkPrefix, checkRevision, checkValue, listBounds } from '../arguments.ts';
import { StorageError, type StorageErrorCode } from '../errors.ts';
import type { KeyValue, ListOptions, ListResult, Storage, WatchEvent, Watcher } from '../interface.ts';
import { DEFAULT_LATEST_CACHE_BYTES, LatestCache } from './latest-cache.ts';
import { LogWatcher } from './log-watcher.ts';
import { prefixEnd } from './prefix-range.ts';
import { createRevisionOf, rowToEvent, rowToKeyValue } from './rows.ts';
import { type KvRow, META, SCHEMA_SQL, SCHEMA_VERSION, SEED_SEQUENCE_SQL, SQL } from './sql.ts';
import { WatchHub } from './watch-hub.ts';

/** How to open the SQLite backend. */
export interface SqliteStorageOptions {
  /** Database file, or ':memory:' for a private in-memory database. */
  path: string;
  /** Background compaction period in ms; default 5 minutes; 0 turns it off. */
  compactInterval?: number;
  /** Revisions the background compactor always keeps readable; default 1000. */
  compactKeep?: number;
  /** Live events buffered per unread watcher before it is ended as too slow; default 10,000. */
  maxWatchBuffer?: number;
  /** Told about background compaction failures (which are retried at the next interval). */
  onBackgroundError?: (err: Error) => void;
  /** Bytes of recently read or written values kept in memory for point reads (latest-cache.ts); 0 disables. */
  latestCacheBytes?: number;
}

const DEFAULT_COMPACT_INTERVAL_MS = 5 * 60 * 1000;
const DEFAULT_COMPACT_KEEP = 1000;
const DEFAULT_MAX_WATCH_BUFFER = 10_000;
/** Revisions per compaction transaction: short write locks, like kine's compact-batch-size. */
const COMPACT_BATCH = 1000;
/** Revisions per watch-replay read, so a replay never holds the event loop for long. */
const REPLAY_WINDOW = 1000;
/** Free pages handed back to the file system after a compaction, at most (the rest are reused by inserts). */
const VACUUM_PAGES = 4096;

type Statement = Database.Statement<unknown[], unknown>;
type Statements = { [K in keyof typeof SQL]: Statement };

/**
 * Opens (creating if needed) a SQLite-backed Storage. Throws StorageError Unavailable when the file cannot be
 * opened or was written by a newer schema. The caller owns the returned storage and must close() it.
 */
export function openSqliteStorage(opts: SqliteStorageOptions): SqliteStorage {
  return new SqliteStorage(opts);
}

/** Storage on one SQLite database (see the module comment). */
export class SqliteStorage implements Storage {
  private readonly db: Database.Database;
  private readonly stmt: Statements;
  private readonly hub = new WatchHub();
  private readonly maxWatchBuffer: number;
  private readonly compactKeep: number;
  private readonly onBackgroundError: ((err: Error) => void) | undefined;
  private readonly timer: ReturnType<typeof setInterval> | undefined;
  private readonly inReadTxn: <T>(fn: () => T) => T;
  private readonly cache: LatestCache;
  private closed = false;
  private compacting: Promise<void> = Promise.resolve();
  private backgroundBusy = false;

  constructor(opts: SqliteStorageOptions) {
    const interval = opts.compactInterval ?? DEFAULT_COMPACT_INTERVAL_MS;
    this.compactKeep = opts.compactKeep ?? DEFAULT_COMPACT_KEEP;
    this.maxWatchBuffer = opts.maxWatchBuffer ?? DEFAULT_MAX_WATCH_BUFFER;
    if (!Number.isInteger(this.compactKeep) || this.compactKeep < 0) throw new TypeError('compactKeep must be >= 0');
    if (!Number.isInteger(this.maxWatchBuffer) || this.maxWatchBuffer < 1) {
      throw new TypeError('maxWatchBuffer must be >= 1');
    }
    if (!(interval >= 0)) throw new TypeError('compactInterval must be >= 0');
    this.onBackgroundError = opts.onBackgroundError;
    this.cache = new LatestCache(opts.latestCacheBytes ?? DEFAULT_LATEST_CACHE_BYTES);
    try {
      this.db = new Database(opts.path);
    } catch (err) {
      throw new StorageError('Unavailable', 'cannot open the SQLite database', { cause: err });
    }
    try {
      this.db.pragma('busy_timeout = 5000');
      // Before any table exists, or it has no effect (see SCHEMA_SQL).
      this.db.pragma('auto_vacuum = INCREMENTAL');
      this.db.pragma('journal_mode = WAL');
      // FULL: in WAL mode NORMAL may lose the last commits on power loss; an acknowledged write must survive.
      this.db.pragma('synchronous = FULL');
      this.initSchema();
      this.stmt = Object.fromEntries(
        Object.entries(SQL).map(([name, text]) => [name, this.db.prepare(text)]),
      ) as Statements;
    } catch (err) {
      this.db.close();
      throw err instanceof StorageError
        ? err
        : new StorageError('Unavailable', 'cannot initialise the SQLite database', { cause: err });
    }
    const readTxn = this.db.transaction((fn: () => unknown) => fn());
    // DEFERRED: a read snapshot spanning several statements, without taking the write lock.
    this.inReadTxn = <T>(fn: () => T): T => readTxn.deferred(fn) as T;
    if (interval > 0) {
      this.timer = setInterval(() => void this.compactInBackground(), interval);
      this.timer.unref();
    }
  }

  async get(key: string): Promise<KeyValue | undefined> {
    checkKey(key);
    return this.guard(key, () => {
      const cached = this.cache.get(key);
      if (cached !== undefined) return cached;
      const row = this.latest(key);
      if (row === undefined || row.deleted) return undefined;
      const kv = rowToKeyValue(row);
      this.cache.set(kv);
      return kv;
    });
  }

  async list(prefix: string, opts: ListOptions = {}): Promise<ListResult> {
    const { limit, revision: wanted, startAfter: after } = listBounds(prefix, opts);
    const end = prefixEnd(prefix);
    return this.guard(prefix, () =>
      this.inReadTxn(() => {
        const revision = this.readableRevision(wanted);
        const range = { from: after ?? prefix, end, rev: revision };
        const rows = (after === undefined ? this.stmt.listGte : this.stmt.listGt).all({
          ...range,
          limit: limit > 0 ? limit + 1 : -1,
        }) as KvRow[];
        const more = limit > 0 && rows.length > limit;
        if (more) rows.pop();
        const remaining = more ? this.countRange({ ...range, from: rows[rows.length - 1]!.name }, false) : 0;
        return { items: rows.map(rowToKeyValue), revision, more, remaining };
      }),
    );
  }

  async count(prefix: string): Promise<number> {
    checkPrefix(prefix);
    return this.guard(prefix, () =>
      this.inReadTxn(() =>
        this.countRange({ from: prefix, end: prefixEnd(prefix), rev: this.readCurrentRevision() }, true),
      ),
    );
  }

  async create(key: string, value: Buffer): Promise<KeyValue> {
    checkKey(key);
    checkValue(value);
    const stored = Buffer.from(value);
    const kv = this.write(key, 'KeyExists', () => {
      const prev = this.latest(key);
      if (prev !== undefined && !prev.deleted) throw new StorageError('KeyExists', 'key already exists', { key });
      const id = this.insert({
        name: key,
        created: 1,
        deleted: 0,
        create_revision: 0,
        prev_revision: prev?.id ?? 0,
        value: stored,
        old_value: null,
      });
      return { key, value: stored, createRevision: id, modRevision: id };
    });
    this.cache.refresh(kv);
    this.hub.publish({ type: 'ADDED', kv });
    return kv;
  }

  async update(key: string, value: Buffer, expectedRevision: number): Promise<KeyValue> {
    checkKey(key);
    checkValue(value);
    checkRevision(expectedRevision);
    const stored = Buffer.from(value);
    const event = this.write(key, 'Conflict', (): WatchEvent => {
      const prev = this.liveRow(key, expectedRevision);
      const createRevision = createRevisionOf(prev);
      const id = this.insert({
        name: key,
        created: 0,
        deleted: 0,
        create_revision: createRevision,
        prev_revision: prev.id,
        value: stored,
        old_value: prev.value,
      });
      return {
        type: 'MODIFIED',
        kv: { key, value: stored, createRevision, modRevision: id },
        prevKv: rowToKeyValue(prev),
      };
    });
    this.cache.refresh(event.kv);
    this.hub.publish(event);
    return event.kv;
  }

  async delete(key: string, expectedRevision?: number): Promise<KeyValue> {
    checkKey(key);
    if (expectedRevision !== undefined) checkRevision(expectedRevision);
    const event = this.write(key, 'Conflict', (): WatchEvent => {
      const prev = this.liveRow(key, expectedRevision);
      const prevKv = rowToKeyValue(prev);
      const id = this.insert({
        name: key,
        created: 0,
        deleted: 1,
        create_revision: prevKv.createRevision,
        prev_revision: prev.id,
        value: null,
        old_value: prev.value,
      });
      return { type: 'DELETED', kv: { ...prevKv, modRevision: id }, prevKv };
    });
    this.cache.delete(key);
    this.hub.publish(event);
    return event.kv;
  }

  watch(prefix: string, afterRevision: number): Watcher {
    checkPrefix(prefix);
    if (!Number.isSafeInteger(afterRevision) || afterRevision < 0) {
      throw new TypeError('afterRevision must be a non-negative integer');
    }
    const end = prefixEnd(prefix);
    let failure: Error | undefined;
    let current = 0;
    try {
      this.assertOpen();
      // Registration below happens in this same synchronous step, so history up to `current` plus live events
      // after it cover everything exactly once.
      current = this.readCurrentRevision();
      this.assertNotCompacted(afterRevision);
    } catch (err) {
      failure = this.toStorageError(err, prefix);
    }
    const watcher = new LogWatcher({
      prefix,
      afterRevision,
      replayUntil: current,
      maxBuffered: this.maxWatchBuffer,
      onEnd: (w) => this.hub.remove(w),
      readHistory: (after, until) =>
        this.guard(prefix, () => {
          this.assertOpen();
          // Compaction may have run since the watch started; rows it removed would be silently missing.
          this.assertNotCompacted(after);
          const through = Math.min(until, after + REPLAY_WINDOW);
          const rows = this.stmt.history.all({ after, until: through, from: prefix, end }) as KvRow[];
          return { events: rows.map(rowToEvent), through };
        }),
    });
    if (failure === undefined) this.hub.add(watcher);
    else watcher.end(failure);
    return watcher;
  }

  async currentRevision(): Promise<number> {
    return this.guard(undefined, () => this.readCurrentRevision());
  }

  async compactedRevision(): Promise<number> {
    return this.guard(undefined, () => this.readCompactRevision());
  }

  /**
   * Compacts history up to `revision` in short batches, yielding between them so requests keep flowing.
   * Compacting to or below the already compacted revision does nothing; past the current one is
   * InvalidArgument (etcd's "future revision"). Concurrent calls run one after the other.
   */
  async compact(revision: number): Promise<void> {
    checkRevision(revision);
    this.guard(undefined, () => this.assertOpen());
    const run = this.compacting.then(() => this.compactTo(revision));
    this.compacting = run.catch(() => undefined);
    return run;
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    if (this.timer !== undefined) clearInterval(this.timer);
    this.hub.endAll(new StorageError('Unavailable', 'storage closed'));
    // A compaction in progress notices `closed` at its next batch boundary.
    await this.compacting;
    this.db.close();
  }

  private initSchema(): void {
    this.db
      .transaction(() => {
        this.db.exec(SCHEMA_SQL);
        this.db.exec(SEED_SEQUENCE_SQL);
        const row = this.db.prepare(SQL.metaGet).get(META.schemaVersion) as { value: number } | undefined;
        if (row !== undefined && row.value > SCHEMA_VERSION) {
          throw new StorageError('Unavailable', `database schema version ${row.value} is newer than supported`);
        }
        this.db.prepare(SQL.metaPut).run(META.schemaVersion, SCHEMA_VERSION);
      })
      .immediate();
  }

  private latest(key: string): KvRow | undefined {
    return this.stmt.latest.get(key) as KvRow | undefined;
  }

  /** The key's live row, checked against an expected revision: KeyNotFound, or Conflict on a mismatch. */
  private liveRow(key: string, expectedRevision: number | undefined): KvRow {
    const row = this.latest(key);
    if (row === undefined || row.deleted) throw new StorageError('KeyNotFound', 'key not found', { key });
    if (expectedRevision !== undefined && row.id !== expectedRevision) {
      throw new StorageError('Conflict', 'revision mismatch', { key, revision: row.id });
    }
    return row;
  }

  private insert(row: Omit<KvRow, 'id'>): number {
    return Number(this.stmt.insert.run(row).lastInsertRowid);
  }

  private countRange(range: { from: string; end: string | Buffer; rev: number }, inclusive: boolean): number {
    const row = (inclusive ? this.stmt.countGte : this.stmt.countGt).get(range) as { n: number };
    return row.n;
  }

  private readCurrentRevision(): number {
    return (this.stmt.currentRevision.get() as { seq: number } | undefined)?.seq ?? 0;
  }

  private readCompactRevision(): number {
    return (this.stmt.metaGet.get(META.compactRevision) as { value: number } | undefined)?.value ?? 0;
  }

  /** The revision a read at `wanted` (0: now) is served at; Compacted or InvalidArgument when it cannot be. */
  private readableRevision(wanted: number): number {
    const current = this.readCurrentRevision();
    if (wanted > current) {
      throw new StorageError('InvalidArgument', 'required revision is a future revision', { revision: current });
    }
    const revision = wanted === 0 ? current : wanted;
    this.assertNotCompacted(revision);
    return revision;
  }

  private assertNotCompacted(revision: number): void {
    const compacted = this.readCompactRevision();
    if (revision < compacted) {
      throw new StorageError('Compacted', 'required revision has been compacted', { revision: compacted });
    }
  }

  private assertOpen(): void {
    if (this.closed) throw new StorageError('Unavailable', 'storage closed');
  }

  /** Runs a read, turning SQLite failures into StorageError Unavailable. */
  private guard<T>(key: string | undefined, fn: () => T): T {
    try {
      this.assertOpen();
      return fn();
    } catch (err) {
      throw this.toStorageError(err, key);
    }
  }

  /**
   * Runs one write transaction. A UNIQUE(name, prev_revision) violation means another writer (another process on
   * the same file, which the server's lock file should prevent) appended first: `onRace` names what that is.
   */
  private write<T>(key: string, onRace: StorageErrorCode, fn: () => T): T {
    return this.guard(key, () => {
      try {
        return this.db.transaction(fn).immediate();
      } catch (err) {
        if (err instanceof Database.SqliteError && err.code === 'SQLITE_CONSTRAINT_UNIQUE') {
          // Someone else wrote this key: what the cache holds for it can no longer be trusted.
          this.cache.delete(key);
          throw new StorageError(onRace, 'concurrent write to the same key', { key, cause: err });
        }
        throw err;
      }
    });
  }

  private toStorageError(err: unknown, key: string | undefined): Error {
    if (err instanceof StorageError || err instanceof TypeError) return err;
    return new StorageError('Unavailable', 'SQLite storage failure', { key, cause: err });
  }

  private async compactTo(target: number): Promise<void> {
    if (this.closed) return;
    const current = this.readCurrentRevision();
    if (target > current) {
      throw new StorageError('InvalidArgument', 'required revision is a future revision', { revision: current });
    }
    const batch = this.db.transaction((lo: number, hi: number) => {
      this.stmt.compactSuperseded.run({ lo, hi });
      this.stmt.compactTombstones.run({ lo, hi });
      // In the same transaction as the deletes: no reader can pass the compaction check and then miss rows.
      this.stmt.metaPut.run(META.compactRevision, hi);
    });
    let lo = this.readCompactRevision();
    while (lo < target && !this.closed) {
      const hi = Math.min(target, lo + COMPACT_BATCH);
      this.guard(undefined, () => batch.immediate(lo, hi));
      lo = hi;
      if (lo < target) await yieldToLoop();
    }
    if (this.closed) return;
    this.guard(undefined, () => {
      // Keep the WAL from growing without bound (k3s #4044) and give some freed pages back (kine #607).
      this.db.pragma('wal_checkpoint(TRUNCATE)');
      this.db.pragma(`incremental_vacuum(${VACUUM_PAGES})`);
    });
  }

  private async compactInBackground(): Promise<void> {
    if (this.backgroundBusy || this.closed) return;
    this.backgroundBusy = true;
    try {
      const target = this.readCurrentRevision() - this.compactKeep;
      if (target > this.readCompactRevision()) await this.compact(target);
    } catch (err) {
      this.onBackgroundError?.(err instanceof Error ? err : new Error(String(err)));
    } finally {
      this.backgroundBusy = false;
    }
  }
}
