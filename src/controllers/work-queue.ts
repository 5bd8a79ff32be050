/**
 * A de-duplicating work queue processed one key at a time (client-go's workqueue, minus rate limiting):
 * adding a key that is already waiting does nothing; a failed or `requeue`d key comes back after a delay.
 */
export class WorkQueue {
  private readonly pending = new Set<string>();
  private running = false;
  private stopped = false;
  private readonly timers = new Set<NodeJS.Timeout>();
  private readonly process: (key: string) => Promise<'done' | 'requeue'>;
  private readonly onError: (key: string, err: unknown) => void;
  private idleWaiters: (() => void)[] = [];

  constructor(process: (key: string) => Promise<'done' | 'requeue'>, onError: (key: string, err: unknown) => void) {
    this.process = process;
    this.onError = onError;
  }

  add(key: string): void {
    if (this.stopped) return;
    this.pending.add(key);
    void this.drain();
  }

  addAfter(key: string, ms: number): void {
    if (this.stopped) return;
    const t = setTimeout(() => {
      this.timers.delete(t);
      this.add(key);
    }, ms);
    t.unref();
    this.timers.add(t);
  }

  stop(): void {
    this.stopped = true;
    for (const t of this.timers) clearTimeout(t);
    this.pending.clear();
  }

  /** Resolves when nothing is pending or running (tests). */
  idle(): Promise<void> {
    if (!this.running && this.pending.size === 0) return Promise.resolve();
    return new Promise((resolve) => this.idleWaiters.push(resolve));
  }

  private async drain(): Promise<void> {
    if (this.running) return;
    this.running = true;
    while (!this.stopped && this.pending.size > 0) {
      const key = this.pending.values().next().value as string;
      this.pending.delete(key);
      try {
        if ((await this.process(key)) === 'requeue') this.addAfter(key, 200);
      } catch (err) {
        this.onError(key, err);
        this.addAfter(key, 1000);
      }
    }
    this.running = false;
    const waiters = this.idleWaiters;
    this.idleWaiters = [];
    for (const w of waiters) w();
  }
}
