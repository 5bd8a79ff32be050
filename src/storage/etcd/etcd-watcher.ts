/**
 * One storage watch on one etcd gRPC watch stream. etcd3's own WatchManager is not used: it resumes a broken
 * stream from the response header's revision + 1, which during a history replay is the *current* revision, so
 * events between the last delivered one and "now" would be lost; and it drops a compaction's compact_revision.
 * Here the resume point is the last delivered event's revision + 1, so a reconnect (another member, or the same
 * one after a restart) neither misses nor repeats an event.
 */

import { StorageError } from '../errors.ts';
import type { WatchEvent } from '../interface.ts';
import { QueuedWatcher, WATCH_DONE } from '../queued-watcher.ts';
import type { EtcdRange } from './key-space.ts';

/** The parts of an etcd key-value the watcher reads (etcd3's IKeyValue, revisions as decimal strings). */
export interface RawKeyValue {
  key: Buffer;
  value: Buffer;
  create_revision: string;
  mod_revision: string;
}

/** The parts of an etcd WatchResponse the watcher reads. */
export interface RawWatchResponse {
  created: boolean;
  canceled: boolean;
  compact_revision: string;
  cancel_reason: string;
  events: { type: string; kv: RawKeyValue; prev_kv?: RawKeyValue | null }[];
}

/** The gRPC duplex stream of the Watch service, as the watcher uses it. */
export interface RawWatchStream {
  write(request: unknown): void;
  cancel(): void;
  pause?(): unknown;
  resume?(): unknown;
  on(event: 'data', fn: (res: RawWatchResponse) => void): unknown;
  on(event: 'error', fn: (err: Error) => void): unknown;
  on(event: 'end', fn: () => void): unknown;
}

/** What an EtcdWatcher needs from its storage. */
export interface EtcdWatcherOptions {
  range: EtcdRange;
  /** Deliver events with a revision greater than this. */
  afterRevision: number;
  /** Opens a new Watch stream on some reachable member. */
  openStream(): Promise<RawWatchStream>;
  /** Turns an etcd key-value into the storage's KeyValue. */
  toEvent(type: string, kv: RawKeyValue, prev: RawKeyValue | undefined): WatchEvent;
  /** Told the compact revision a canceled watch reported. */
  onCompacted(revision: number): void;
  /** Called once when the watch ends. */
  onEnd(watcher: EtcdWatcher): void;
}

/** Buffered events past which the stream is paused, so HTTP/2 flow control holds etcd back instead of memory. */
const HIGH_WATER = 5_000;
const MIN_BACKOFF_MS = 100;
const MAX_BACKOFF_MS = 2_000;

/** A Watcher fed by an etcd watch stream that reconnects by itself until closed or compacted. */
export class EtcdWatcher extends QueuedWatcher {
  private readonly opts: EtcdWatcherOptions;
  /** The next revision to ask etcd for: one past the last event delivered into the queue. */
  private next: number;
  private stream: RawWatchStream | undefined;
  private paused = false;
  private backoff = MIN_BACKOFF_MS;
  private retryTimer: ReturnType<typeof setTimeout> | undefined;

  constructor(opts: EtcdWatcherOptions) {
    super();
    this.opts = opts;
    this.next = opts.afterRevision + 1;
    void this.connect();
  }

  protected release(): void {
    clearTimeout(this.retryTimer);
    const stream = this.stream;
    this.stream = undefined;
    stream?.cancel();
    this.opts.onEnd(this);
  }

  private async connect(): Promise<void> {
    if (this.ended) return;
    let stream: RawWatchStream;
    try {
      stream = await this.opts.openStream();
    } catch {
      this.retryLater();
      return;
    }
    if (this.ended) {
      stream.cancel();
      return;
    }
    this.stream = stream;
    this.paused = false;
    const { range } = this.opts;
    stream.on('data', (res) => this.onResponse(stream, res));
    stream.on('error', () => this.onBroken(stream));
    stream.on('end', () => this.onBroken(stream));
    stream.write({
      create_request: { key: range.start, range_end: range.end, start_revision: this.next, prev_kv: true },
    });
  }

  private onResponse(stream: RawWatchStream, res: RawWatchResponse): void {
    if (this.ended || stream !== this.stream) return;
    if (res.created && !res.canceled) this.backoff = MIN_BACKOFF_MS;
    const compacted = Number(res.compact_revision);
    if (compacted > 0) {
      this.opts.onCompacted(compacted);
      this.end(new StorageError('Compacted', 'required revision has been compacted', { revision: compacted }));
      return;
    }
    if (res.canceled) {
      // e.g. a member that lost its leader with "require leader" set, or a server-side limit: start over.
      this.onBroken(stream);
      return;
    }
    const batch: WatchEvent[] = [];
    for (const ev of res.events) {
      const revision = Number(ev.kv.mod_revision);
      // After a reconnect etcd starts at `next`; anything older was already delivered.
      if (revision < this.next) continue;
      batch.push(this.opts.toEvent(ev.type, ev.kv, ev.prev_kv ?? undefined));
    }
    if (batch.length === 0) return;
    // All events of one revision arrive in one response, so the revision is complete once seen.
    this.next = batch[batch.length - 1]!.kv.modRevision + 1;
    this.queue.push(...batch);
    if (this.queue.length >= HIGH_WATER && !this.paused && stream.pause !== undefined) {
      this.paused = true;
      stream.pause();
    }
    this.wakeUp();
  }

  private onBroken(stream: RawWatchStream): void {
    if (this.ended || stream !== this.stream) return;
    this.stream = undefined;
    stream.cancel();
    this.retryLater();
  }

  private retryLater(): void {
    if (this.ended) return;
    const delay = this.backoff;
    this.backoff = Math.min(this.backoff * 2, MAX_BACKOFF_MS);
    this.retryTimer = setTimeout(() => void this.connect(), delay);
    // An open watch must not keep a process alive on its own while etcd is away.
    this.retryTimer.unref();
  }

  protected async pull(): Promise<IteratorResult<WatchEvent[]>> {
    for (;;) {
      if (this.ended) return WATCH_DONE;
      if (this.queue.length > 0) {
        const batch = this.queue;
        this.queue = [];
        if (this.paused) {
          this.paused = false;
          this.stream?.resume?.();
        }
        return { done: false, value: batch };
      }
      await this.waitForWork();
    }
  }
}
