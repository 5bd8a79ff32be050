/**
 * One watch over the in-process write log: first a replay of stored history, then live events, with no gap and
 * no duplicate. The storage registers the watcher for live events and notes the current revision R in the same
 * synchronous step, so history covers (afterRevision, R] and live events cover (R, ...): since this process is
 * the only writer, no event can fall between the two.
 */

import { setImmediate as yieldToLoop } from 'node:timers/promises';
import { StorageError } from '../errors.ts';
import type { WatchEvent } from '../interface.ts';
import { QueuedWatcher, WATCH_DONE } from '../queued-watcher.ts';

/**
 * Reads stored history for the watcher's prefix after revision `after`, stopping at or before `until`. Returns the
 * events found and the revision it read through (callers bound the window so one call stays short). Throws
 * StorageError Compacted when `after` is older than the compacted revision.
 */
export type HistoryReader = (after: number, until: number) => { events: WatchEvent[]; through: number };

/** How a LogWatcher is set up. */
export interface LogWatcherOptions {
  prefix: string;
  /** Deliver only events with a revision greater than this. */
  afterRevision: number;
  /** History (afterRevision, replayUntil] comes from `readHistory`; later revisions arrive through push(). */
  replayUntil: number;
  readHistory: HistoryReader;
  /**
   * Most live events held for a consumer that is not reading. Past it the watch ends with StorageError
   * Unavailable "watcher too slow": an unread watch must neither block writers nor grow memory without bound, and
   * Unavailable (not Compacted) because the consumer can resume from the last revision it saw, without relisting.
   */
  maxBuffered: number;
  /** Called once when the watch ends, so the owner stops fanning events out to it. */
  onEnd(watcher: LogWatcher): void;
}

/** A Watcher fed by a history reader and then by push(). */
export class LogWatcher extends QueuedWatcher {
  readonly prefix: string;
  private readonly liveAfter: number;
  private readonly replayUntil: number;
  private readonly readHistory: HistoryReader;
  private readonly maxBuffered: number;
  private readonly onEnd: (watcher: LogWatcher) => void;
  private cursor: number;

  constructor(opts: LogWatcherOptions) {
    super();
    this.prefix = opts.prefix;
    this.cursor = opts.afterRevision;
    this.replayUntil = opts.replayUntil;
    this.liveAfter = Math.max(opts.afterRevision, opts.replayUntil);
    this.readHistory = opts.readHistory;
    this.maxBuffered = opts.maxBuffered;
    this.onEnd = opts.onEnd;
  }

  /** Offers a committed event whose key is under this watcher's prefix. Never blocks. */
  push(event: WatchEvent): void {
    if (this.ended || event.kv.modRevision <= this.liveAfter) return;
    if (this.queue.length >= this.maxBuffered) {
      this.end(new StorageError('Unavailable', 'watcher too slow', { revision: event.kv.modRevision }));
      return;
    }
    this.queue.push(event);
    this.wakeUp();
  }

  protected release(): void {
    this.onEnd(this);
  }

  protected async pull(): Promise<IteratorResult<WatchEvent[]>> {
    for (;;) {
      if (this.ended) return WATCH_DONE;
      if (this.cursor < this.replayUntil) {
        let read: { events: WatchEvent[]; through: number };
        try {
          read = this.readHistory(this.cursor, this.replayUntil);
        } catch (err) {
          this.end(err instanceof Error ? err : new StorageError('Unavailable', 'watch replay failed', { cause: err }));
          return WATCH_DONE;
        }
        this.cursor = read.through;
        if (read.events.length > 0) return { done: false, value: read.events };
        // An empty window: let other work run before scanning the next one.
        await yieldToLoop();
        continue;
      }
      if (this.queue.length > 0) {
        const batch = this.queue;
        this.queue = [];
        return { done: false, value: batch };
      }
      await this.waitForWork();
    }
  }
}
