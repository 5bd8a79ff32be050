/**
 * The etcd Storage backend, on the etcd3 client's connection pool and raw KV/Watch RPCs. The contract maps 1:1:
 * an object's resourceVersion is its etcd modRevision, every write is one compare-and-swap transaction, lists read
 * one revision of a key range, and a watch is an etcd watch with prevKv (see etcd-watcher.ts).
 *
 * Failure handling is ours, not etcd3's defaults (three blind retries, a 30 s wait): every request has a deadline
 * (`requestTimeout`, 2 s), a member that failed is skipped for a second, reads are retried on other members
 * within the deadline, and writes only when the request provably never left (no connection), because retrying a
 * write that may have been applied would turn a success into KeyExists or Conflict. A cluster that cannot answer
 * yields StorageError Unavailable within about the deadline; the gRPC channels reconnect by themselves.
 */
import { readFileSync } from 'node:fs';
import { setTimeout as sleep } from 'node:timers/promises';
import { Etcd3, type IKeyValue, type IOptions, type IRangeRequest, type IResponseHeader } from 'etcd3';
import { checkRevision, checkValue, listBounds } from '../arguments.ts';
import { StorageError } from '../errors.ts';
import type { KeyValue, ListOptions, ListResult, Storage, WatchEvent, Watcher } from '../interface.ts';
import { EtcdWatcher, type RawKeyValue, type RawWatchStream } from './etcd-watcher.ts';
import { KeySpace, STORAGE_ROOT } from './key-space.ts';

/** How to reach etcd. */
export interface EtcdStorageOptions {
  /** Client URLs, e.g. http://127.0.0.1:2379 (https:// for TLS; all alike). */
  endpoints: string[];
  /** Replaces the storage keys' "/registry" root in etcd; default "/registry" (keys stored as they are). */
  prefix?: string;
  /** CA bundle that signed the etcd serving certificates. */
  caFile?: string;
  /** Client certificate and key, for etcd's --client-cert-auth. */
  certFile?: string;
  keyFile?: string;
  /** Background compaction period in ms; default 5 minutes (kube-apiserver's); 0 turns it off. */
  compactInterval?: number;
  /** Revisions the background compactor keeps readable; default 1000. */
  compactKeep?: number;
  /** Deadline of one storage call in ms, retries included; default 2000. */
  requestTimeout?: number;
  /** Told about background compaction failures (retried at the next interval). */
  onBackgroundError?: (err: Error) => void;
}

const DEFAULT_COMPACT_INTERVAL_MS = 5 * 60 * 1000;
const DEFAULT_COMPACT_KEEP = 1000;
const DEFAULT_REQUEST_TIMEOUT_MS = 2_000;
/** How long a member that failed a request is skipped (then tried again). */
const HOST_DOWN_MS = 1_000;
/**
 * Where the last compaction target is recorded, at the root of the key space because compaction is cluster-wide.
 * The same key and format (decimal revision) kube-apiserver uses, so they agree on it when sharing a cluster.
 */
const COMPACT_REV_KEY = Buffer.from('compact_rev_key');

type Policy = ReturnType<NonNullable<NonNullable<IOptions['faultHandling']>['host']>>;
type CallOptions = { deadline: number };

/** Thrown by a member's policy while that member is skipped; the pool then tries another member. */
class MemberDownError extends Error {
  constructor(host: string) {
    super(`etcd member ${host} failed recently`);
    this.name = 'MemberDownError';
  }
}

/**
 * Skips a member for HOST_DOWN_MS after a transport failure. etcd3 only calls execute(); a full cockatiel policy
 * is more than this needs (and would make cockatiel a direct dependency).
 */
function memberPolicy(host: string): Policy {
  let downUntil = 0;
  const policy = {
    async execute<T>(fn: (context: { signal: AbortSignal; attempt: number }) => Promise<T> | T): Promise<T> {
      if (Date.now() < downUntil) throw new MemberDownError(host);
      try {
        return await fn({ signal: new AbortController().signal, attempt: 0 });
      } catch (err) {
        if (isTransportFailure(err)) downUntil = Date.now() + HOST_DOWN_MS;
        throw err;
      }
    },
  };
  return policy as unknown as Policy;
}

/** etcd3's global policy slot: one attempt; retries are decided per request kind in EtcdStorage.call. */
const ONCE = {
  async execute<T>(fn: (context: { signal: AbortSignal; attempt: number }) => Promise<T> | T): Promise<T> {
    return fn({ signal: new AbortController().signal, attempt: 0 });
  },
} as unknown as Policy;

function errorName(err: unknown): string {
  return err instanceof Error ? err.constructor.name : '';
}

function errorMessage(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}

/**
 * A failure of the connection or the member (as opposed to an answer such as "compacted"). Not CANCELLED: that is
 * what closing a watch stream reports, and etcd3 feeds stream errors to the member's policy too.
 */
function isTransportFailure(err: unknown): boolean {
  const name = errorName(err);
  return (
    name === 'GRPCUnavailableError' ||
    name === 'GRPCDeadlineExceededError' ||
    name === 'GRPCInternalError' ||
    name === 'GRPCUnknownError' ||
    name === 'MemberDownError'
  );
}

/** True when the request cannot have reached etcd, so even a write may be sent again. */
function wasNotSent(err: unknown): boolean {
  if (errorName(err) === 'MemberDownError') return true;
  return errorName(err) === 'GRPCUnavailableError' && /No connection established|ECONNREFUSED/.test(errorMessage(err));
}

/**
 * Opens an etcd-backed Storage and checks that the cluster answers (StorageError Unavailable if it does not).
 * The caller owns the returned storage and must close() it.
 */
export async function openEtcdStorage(opts: EtcdStorageOptions): Promise<Storage> {
  const storage = new EtcdStorage(opts);
  try {
    await storage.currentRevision();
  } catch (err) {
    await storage.close();
    throw err;
  }
  return storage;
}

/** Storage on an etcd v3 cluster (see the module comment). */
export class EtcdStorage implements Storage {
  private readonly client: Etcd3;
  private readonly keys: KeySpace;
  private readonly requestTimeout: number;
  private readonly compactKeep: number;
  private readonly onBackgroundError: ((err: Error) => void) | undefined;
  private readonly timer: ReturnType<typeof setInterval> | undefined;
  private readonly watchers = new Set<EtcdWatcher>();
  /** The highest compacted revision a watch reported (covers compactions made without the marker key). */
  private seenCompacted = 0;
  private closed = false;
  private backgroundBusy = false;

  constructor(opts: EtcdStorageOptions) {
    if (!Array.isArray(opts.endpoints) || opts.endpoints.length === 0) {
      throw new TypeError('at least one etcd endpoint is required');
    }
    const interval = opts.compactInterval ?? DEFAULT_COMPACT_INTERVAL_MS;
    this.compactKeep = opts.compactKeep ?? DEFAULT_COMPACT_KEEP;
    this.requestTimeout = opts.requestTimeout ?? DEFAULT_REQUEST_TIMEOUT_MS;
    if (!Number.isInteger(this.compactKeep) || this.compactKeep < 0) throw new TypeError('compactKeep must be >= 0');
    if (!(interval >= 0)) throw new TypeError('compactInterval must be >= 0');
    if (!(this.requestTimeout > 0)) throw new TypeError('requestTimeout must be > 0');
    this.keys = new KeySpace(opts.prefix ?? STORAGE_ROOT);
    this.onBackgroundError = opts.onBackgroundError;

    const credentials =
      opts.caFile !== undefined
        ? {
            rootCertificate: readFileSync(opts.caFile),
            ...(opts.keyFile !== undefined ? { privateKey: readFileSync(opts.keyFile) } : {}),
            ...(opts.certFile !== undefined ? { certChain: readFileSync(opts.certFile) } : {}),
          }
        : undefined;
    this.client = new Etcd3({
      hosts: opts.endpoints,
      ...(credentials !== undefined ? { credentials } : {}),
      grpcOptions: {
        // Lists and watch batches can be large; etcd itself sends up to 2 GiB.
        'grpc.max_receive_message_length': -1,
        // A member that comes back is found within a second or two, not after minutes of backoff.
        'grpc.initial_reconnect_backoff_ms': 100,
        'grpc.max_reconnect_backoff_ms': 1_000,
        // Notice a silently dead connection (etcd allows pings every 5 s or slower).
        'grpc.keepalive_time_ms': 30_000,
        'grpc.keepalive_timeout_ms': 5_000,
      },
      faultHandling: { host: memberPolicy, global: ONCE },
    });
    if (interval > 0) {
      this.timer = setInterval(() => void this.compactInBackground(), interval);
      this.timer.unref();
    }
  }

  async get(key: string): Promise<KeyValue | undefined> {
    const etcdKey = this.keys.key(key);
    const res = await this.call('get', key, true, (o) => this.client.kv.range({ key: etcdKey }, o));
    const kv = res.kvs[0];
    return kv === undefined ? undefined : this.toKeyValue(kv);
  }

  async list(prefix: string, opts: ListOptions = {}): Promise<ListResult> {
    const { limit, revision: wanted, startAfter } = listBounds(prefix, opts);
    const range = this.keys.range(prefix);
    if (range === undefined) {
      const revision = wanted > 0 ? wanted : await this.currentRevision();
      return { items: [], revision, more: false, remaining: 0 };
    }
    // A continue key at or past the prefix starts the range just after itself.
    const start = startAfter === undefined ? range.start : Buffer.concat([this.keys.key(startAfter), Buffer.from([0])]);
    const req: IRangeRequest = { key: start, range_end: range.end, limit, revision: wanted };
    const res = await this.call('list', prefix, true, (o) => this.client.kv.range(req, o));
    const items = res.kvs.map((kv) => this.toKeyValue(kv));
    const count = Number(res.count);
    return {
      items,
      revision: wanted > 0 ? wanted : revisionOf(res.header),
      more: res.more,
      remaining: Math.max(0, count - items.length),
    };
  }

  async count(prefix: string): Promise<number> {
    const range = this.keys.range(prefix);
    if (range === undefined) return 0;
    const res = await this.call('count', prefix, true, (o) =>
      this.client.kv.range({ key: range.start, range_end: range.end, count_only: true }, o),
    );
    return Number(res.count);
  }

  async create(key: string, value: Buffer): Promise<KeyValue> {
    const etcdKey = this.keys.key(key);
    checkValue(value);
    const res = await this.call('create', key, false, (o) =>
      this.client.kv.txn(
        {
          compare: [{ key: etcdKey, target: 'Create', result: 'Equal', create_revision: 0 }],
          success: [{ request_put: { key: etcdKey, value } }],
        },
        o,
      ),
    );
    if (!res.succeeded) throw new StorageError('KeyExists', 'key already exists', { key });
    const revision = revisionOf(res.header);
    return { key, value: Buffer.from(value), createRevision: revision, modRevision: revision };
  }

  async update(key: string, value: Buffer, expectedRevision: number): Promise<KeyValue> {
    const etcdKey = this.keys.key(key);
    checkValue(value);
    checkRevision(expectedRevision);
    const res = await this.call('update', key, false, (o) =>
      this.client.kv.txn(
        {
          compare: [
            { key: etcdKey, target: 'Mod', result: 'Equal', mod_revision: expectedRevision },
            // An absent key's modRevision is 0: without this, expectedRevision 0 would create it.
            { key: etcdKey, target: 'Create', result: 'Greater', create_revision: 0 },
          ],
          success: [{ request_put: { key: etcdKey, value, prev_kv: true } }],
          failure: [{ request_range: { key: etcdKey } }],
        },
        o,
      ),
    );
    if (!res.succeeded) throw this.writeFailure(key, res.responses[0]?.response_range?.kvs[0]);
    const prev = res.responses[0]?.response_put?.prev_kv;
    return {
      key,
      value: Buffer.from(value),
      createRevision: Number(prev?.create_revision ?? 0),
      modRevision: revisionOf(res.header),
    };
  }

  async delete(key: string, expectedRevision?: number): Promise<KeyValue> {
    const etcdKey = this.keys.key(key);
    if (expectedRevision !== undefined) checkRevision(expectedRevision);
    const res = await this.call('delete', key, false, (o) =>
      this.client.kv.txn(
        {
          compare:
            expectedRevision === undefined
              ? []
              : [{ key: etcdKey, target: 'Mod', result: 'Equal', mod_revision: expectedRevision }],
          success: [{ request_delete_range: { key: etcdKey, prev_kv: true } }],
          failure: [{ request_range: { key: etcdKey } }],
        },
        o,
      ),
    );
    if (!res.succeeded) throw this.writeFailure(key, res.responses[0]?.response_range?.kvs[0]);
    const prev = res.responses[0]?.response_delete_range?.prev_kvs[0];
    if (prev === undefined) throw new StorageError('KeyNotFound', 'key not found', { key });
    // The deleted value, stamped with the delete's revision: what a DELETED watch event carries.
    return { ...this.toKeyValue(prev), modRevision: revisionOf(res.header) };
  }

  watch(prefix: string, afterRevision: number): Watcher {
    if (!Number.isSafeInteger(afterRevision) || afterRevision < 0) {
      throw new TypeError('afterRevision must be a non-negative integer');
    }
    // A prefix no storage key can have still gets a live watch: on an empty etcd range.
    const range = this.keys.range(prefix) ?? { start: Buffer.from([0]), end: Buffer.from([0, 0]) };
    const watcher = new EtcdWatcher({
      range,
      afterRevision,
      openStream: () => this.openWatchStream(),
      toEvent: (type, kv, prev) => this.toEvent(type, kv, prev),
      onCompacted: (revision) => {
        this.seenCompacted = Math.max(this.seenCompacted, revision);
      },
      onEnd: (w) => this.watchers.delete(w),
    });
    if (this.closed) watcher.end(new StorageError('Unavailable', 'storage closed'));
    else this.watchers.add(watcher);
    return watcher;
  }

  async currentRevision(): Promise<number> {
    const res = await this.call('revision', undefined, true, (o) =>
      this.client.kv.range({ key: COMPACT_REV_KEY, count_only: true }, o),
    );
    return revisionOf(res.header);
  }

  async compactedRevision(): Promise<number> {
    return Math.max(this.seenCompacted, (await this.readCompactMarker()).revision);
  }

  /**
   * Compacts etcd's history up to `revision` (cluster-wide: etcd has one history). Compacting to or below the
   * compacted revision does nothing; past the current one is InvalidArgument. The target is recorded first in
   * compact_rev_key, so compactedRevision() never claims a revision readable that may be gone.
   */
  async compact(revision: number): Promise<void> {
    checkRevision(revision);
    const current = await this.currentRevision();
    if (revision > current) {
      throw new StorageError('InvalidArgument', 'required revision is a future revision', { revision: current });
    }
    for (;;) {
      const marker = await this.readCompactMarker();
      if (marker.revision >= revision) break;
      const res = await this.call('compact', undefined, false, (o) =>
        this.client.kv.txn(
          {
            compare: [{ key: COMPACT_REV_KEY, target: 'Version', result: 'Equal', version: marker.version }],
            success: [{ request_put: { key: COMPACT_REV_KEY, value: Buffer.from(String(revision)) } }],
          },
          o,
        ),
      );
      if (res.succeeded) break;
      // Another replica moved the marker meanwhile: look again.
    }
    try {
      await this.call('compact', undefined, true, (o) => this.client.kv.compact({ revision }, o));
    } catch (err) {
      // Someone compacted as far or further already: harmless.
      if (!(err instanceof StorageError && err.code === 'Compacted')) throw err;
    }
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    if (this.timer !== undefined) clearInterval(this.timer);
    for (const w of [...this.watchers]) w.end(new StorageError('Unavailable', 'storage closed'));
    this.client.close();
  }

  /** The compaction marker: the revision last compacted to (0: never) and the key's version for a CAS. */
  private async readCompactMarker(): Promise<{ revision: number; version: number }> {
    const res = await this.call('compacted revision', undefined, true, (o) =>
      this.client.kv.range({ key: COMPACT_REV_KEY }, o),
    );
    const kv = res.kvs[0];
    if (kv === undefined) return { revision: 0, version: 0 };
    const revision = Number.parseInt(kv.value.toString(), 10);
    return { revision: Number.isSafeInteger(revision) ? revision : 0, version: Number(kv.version) };
  }

  private async compactInBackground(): Promise<void> {
    if (this.backgroundBusy || this.closed) return;
    this.backgroundBusy = true;
    try {
      const target = (await this.currentRevision()) - this.compactKeep;
      if (target > (await this.compactedRevision())) await this.compact(target);
    } catch (err) {
      this.onBackgroundError?.(err instanceof Error ? err : new Error(String(err)));
    } finally {
      this.backgroundBusy = false;
    }
  }

  private openWatchStream(): Promise<RawWatchStream> {
    if (this.closed) return Promise.reject(new StorageError('Unavailable', 'storage closed'));
    return this.client.watchClient.watch() as Promise<unknown> as Promise<RawWatchStream>;
  }

  /** KeyNotFound when the key is absent, else Conflict naming the key's current revision. */
  private writeFailure(key: string, current: IKeyValue | undefined): StorageError {
    if (current === undefined) return new StorageError('KeyNotFound', 'key not found', { key });
    return new StorageError('Conflict', 'revision mismatch', { key, revision: Number(current.mod_revision) });
  }

  private toKeyValue(kv: RawKeyValue): KeyValue {
    return {
      key: this.keys.storageKey(kv.key),
      // A copy: the decoded bytes may be a view into a much larger gRPC message buffer.
      value: Buffer.from(kv.value ?? Buffer.alloc(0)),
      createRevision: Number(kv.create_revision),
      modRevision: Number(kv.mod_revision),
    };
  }

  private toEvent(type: string, kv: RawKeyValue, prev: RawKeyValue | undefined): WatchEvent {
    const prevKv = prev === undefined ? undefined : this.toKeyValue(prev);
    if (type === 'Delete') {
      const modRevision = Number(kv.mod_revision);
      const last = prevKv ?? { ...this.toKeyValue(kv), createRevision: 0 };
      const event: WatchEvent = { type: 'DELETED', kv: { ...last, modRevision } };
      if (prevKv !== undefined) event.prevKv = prevKv;
      return event;
    }
    const current = this.toKeyValue(kv);
    if (current.createRevision === current.modRevision) return { type: 'ADDED', kv: current };
    const event: WatchEvent = { type: 'MODIFIED', kv: current };
    if (prevKv !== undefined) event.prevKv = prevKv;
    return event;
  }

  /**
   * Runs one RPC under the request deadline. Reads (idempotent) are retried on another member until the deadline;
   * writes only when they provably were not sent. Errors come out as StorageError.
   */
  private async call<T>(
    what: string,
    key: string | undefined,
    idempotent: boolean,
    rpc: (options: CallOptions) => Promise<T>,
  ): Promise<T> {
    if (this.closed) throw new StorageError('Unavailable', 'storage closed', { key });
    const deadline = Date.now() + this.requestTimeout;
    // The error worth reporting: "member failed recently" says less than the failure that put it there.
    let reported: unknown;
    for (let attempt = 0; ; attempt++) {
      try {
        return await rpc({ deadline });
      } catch (err) {
        if (reported === undefined || errorName(err) !== 'MemberDownError') reported = err;
        const mapped = this.toStorageError(reported, what, key);
        const pause = Math.min(50 * 2 ** attempt, 250);
        const retry =
          mapped.code === 'Unavailable' &&
          !this.closed &&
          (idempotent || wasNotSent(err)) &&
          Date.now() + pause < deadline;
        if (!retry) throw mapped;
        await sleep(pause);
      }
    }
  }

  private toStorageError(err: unknown, what: string, key: string | undefined): StorageError {
    if (err instanceof StorageError) return err;
    const message = errorMessage(err);
    if (message.includes('required revision has been compacted')) {
      return new StorageError('Compacted', 'required revision has been compacted', { key, cause: err });
    }
    if (message.includes('required revision is a future revision')) {
      return new StorageError('InvalidArgument', 'required revision is a future revision', { key, cause: err });
    }
    if (message.includes('request is too large') || message.includes('received message larger than max')) {
      // etcd's --max-request-bytes (1.5 MiB by default; gRPC's own limit 512 KiB above): the caller's problem.
      return new StorageError('InvalidArgument', 'etcd: request is too large', { key, cause: err });
    }
    if (errorName(err) === 'GRPCDeadlineExceededError') {
      return new StorageError('Unavailable', `etcd ${what} timed out`, { key, cause: err });
    }
    // Anything else (no connection, no leader, a closed client) means etcd cannot serve us right now.
    return new StorageError('Unavailable', `etcd ${what} failed: ${message}`, { key, cause: err });
  }
}

function revisionOf(header: IResponseHeader): number {
  return Number(header.revision);
}
