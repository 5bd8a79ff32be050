/**
 * What both watch implementations share: a queue of events filled by the backend and drained one batch per pull,
 * an idempotent end that settles `done`, and an iterator whose pulls never overlap and whose `return()` (a `break`
 * out of `for await`) closes the watch.
 */
import type { WatchEvent, Watcher } from './interface.ts';

/** The end of a watch's iteration. */
export const WATCH_DONE: IteratorResult<WatchEvent[]> = { done: true, value: undefined };

/** A Watcher over a queue; subclasses fill `queue`, call wakeUp(), and say how to pull and how to let go. */
export abstract class QueuedWatcher implements Watcher {
  readonly done: Promise<Error | undefined>;
  protected queue: WatchEvent[] = [];
  protected ended = false;
  #wake: (() => void) | undefined;
  #resolveDone!: (err: Error | undefined) => void;

  constructor() {
    this.done = new Promise((resolve) => {
      this.#resolveDone = resolve;
    });
  }

  /** Ends the watch with `err` (undefined: closed by the caller). Later calls are ignored. */
  end(err?: Error): void {
    if (this.ended) return;
    this.ended = true;
    this.queue = [];
    this.release();
    this.#resolveDone(err);
    this.wakeUp();
  }

  close(): void {
    this.end(undefined);
  }

  [Symbol.asyncIterator](): AsyncIterator<WatchEvent[]> {
    // A second next() waits for the first, so two pulls never interleave their reads.
    let pulling: Promise<unknown> = Promise.resolve();
    return {
      next: () => {
        const result = pulling.then(() => this.pull());
        pulling = result;
        return result;
      },
      return: async () => {
        this.close();
        return WATCH_DONE;
      },
    };
  }

  /** Resumes a pull waiting in waitForWork(). */
  protected wakeUp(): void {
    const wake = this.#wake;
    this.#wake = undefined;
    wake?.();
  }

  /** Resolves at the next wakeUp() (an event queued, or the end). */
  protected waitForWork(): Promise<void> {
    return new Promise((resolve) => {
      this.#wake = resolve;
    });
  }

  /** Called once, as the watch ends: free the backend's resources and tell the owner. */
  protected abstract release(): void;

  /** The next batch, or WATCH_DONE once ended. */
  protected abstract pull(): Promise<IteratorResult<WatchEvent[]>>;
}
