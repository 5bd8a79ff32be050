/**
 * In-process fan-out of committed writes to live watchers. This process is the only writer, so every event is
 * known here the moment its transaction commits: no polling and no per-watcher SQL, one startsWith per watcher.
 */
import type { WatchEvent } from '../interface.ts';
import type { LogWatcher } from './log-watcher.ts';

/** The set of live watchers and the broadcast to them. */
export class WatchHub {
  private readonly watchers = new Set<LogWatcher>();

  /** Number of live watchers (for metrics and tests). */
  get size(): number {
    return this.watchers.size;
  }

  add(watcher: LogWatcher): void {
    this.watchers.add(watcher);
  }

  remove(watcher: LogWatcher): void {
    this.watchers.delete(watcher);
  }

  /** Hands `event` to every watcher whose prefix its key starts with. O(watchers); never blocks. */
  publish(event: WatchEvent): void {
    const key = event.kv.key;
    for (const watcher of this.watchers) {
      if (key.startsWith(watcher.prefix)) watcher.push(event);
    }
  }

  /** Ends every watcher with `err` (they remove themselves through their onEnd). */
  endAll(err: Error): void {
    for (const watcher of [...this.watchers]) watcher.end(err);
  }
}
