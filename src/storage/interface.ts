/**
 * The revisioned key-value store every backend implements (kine's and etcd's model).
 *
 * - Every write gets a new, strictly increasing global revision; an object's resourceVersion is the revision of
 *   its last write (its modRevision).
 * - Keys are `/registry/<resource>/<namespace>/<name>` or `/registry/<resource>/<name>`; values are opaque bytes
 *   (the object's JSON, identical on every backend so moving between backends is a copy).
 * - Knows nothing of HTTP, auth or Kubernetes kinds.
 */

/** One stored value and the revisions that describe it. */
export interface KeyValue {
  key: string;
  value: Buffer;
  /** Revision of the write that created the key (since its last deletion). */
  createRevision: number;
  /** Revision of the last write of the key: the object's resourceVersion. */
  modRevision: number;
}

/** Options of a range read. */
export interface ListOptions {
  /** Read as of this revision (0 or absent: the current one). Older than the compacted revision -> Compacted. */
  revision?: number;
  /** At most this many items; 0 or absent means no limit. */
  limit?: number;
  /** Continue after this key (exclusive); use with `revision` to page through one consistent snapshot. */
  startAfter?: string;
}

/** The result of a range read. `revision` is the revision the read was served at. */
export interface ListResult {
  items: KeyValue[];
  revision: number;
  /** True when `limit` cut the result and more keys follow the last one returned. */
  more: boolean;
  /** How many keys follow the last one returned, when the backend knows it cheaply. */
  remaining?: number;
}

/** A change, as watch delivers it. For DELETED, `kv` is the last value before deletion with modRevision = the delete's revision. */
export interface WatchEvent {
  type: 'ADDED' | 'MODIFIED' | 'DELETED';
  kv: KeyValue;
  /** For MODIFIED and DELETED: the value before this change. */
  prevKv?: KeyValue;
}

/** A live watch. Events arrive in revision order, none missed and none repeated; `close()` ends it. */
export interface Watcher extends AsyncIterable<WatchEvent[]> {
  /** Stops the watch; the async iterator then finishes. Idempotent. */
  close(): void;
  /**
   * Resolves when the watch ended, with the error that ended it (e.g. StorageError Compacted when the watcher
   * fell behind compaction, Unavailable when the backend went away) or undefined when closed by the caller.
   */
  readonly done: Promise<Error | undefined>;
}

/** The storage contract. All methods may reject with StorageError; nothing else is thrown for expected failures. */
export interface Storage {
  /** The value at `key` as of now, or undefined. */
  get(key: string): Promise<KeyValue | undefined>;
  /** Keys starting with `prefix`, in key order. */
  list(prefix: string, opts?: ListOptions): Promise<ListResult>;
  /** Number of keys under `prefix` as of now. */
  count(prefix: string): Promise<number>;
  /** Creates `key`; KeyExists if it exists. Returns the new revision. */
  create(key: string, value: Buffer): Promise<KeyValue>;
  /**
   * Replaces `key` if its modRevision equals `expectedRevision`; Conflict otherwise, KeyNotFound if absent.
   * Returns the stored KeyValue with the new revision.
   */
  update(key: string, value: Buffer, expectedRevision: number): Promise<KeyValue>;
  /**
   * Deletes `key` (only if its modRevision equals `expectedRevision`, when given). KeyNotFound if absent,
   * Conflict on a revision mismatch. Returns the deleted value with modRevision set to the delete's revision.
   */
  delete(key: string, expectedRevision?: number): Promise<KeyValue>;
  /**
   * Watches keys under `prefix` for every change with a revision greater than `afterRevision`.
   * `afterRevision` older than the compacted revision -> the watch ends at once with Compacted.
   */
  watch(prefix: string, afterRevision: number): Watcher;
  /** The newest revision written. */
  currentRevision(): Promise<number>;
  /** The oldest revision still readable (everything at or before it may be gone). */
  compactedRevision(): Promise<number>;
  /** Removes history at or below `revision` (keeps each key's newest value). */
  compact(revision: number): Promise<void>;
  /** Releases resources; pending watches end. */
  close(): Promise<void>;
}
