/** What every controller exposes to the server that runs it. */
export interface Controller {
  name: string;
  /** Resolves when the controller's informers have delivered their first lists. */
  synced: Promise<void>;
  /** Resolves when the controller has no queued work (tests). */
  idle(): Promise<void>;
  stop(): void;
}
