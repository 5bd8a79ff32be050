/** The iterator both watch implementations hand out: pulls never overlap, and leaving a `for await` closes the watch. */
import type { WatchEvent } from './interface.ts';

/** The end of a watch's iteration. */
export const WATCH_DONE: IteratorResult<WatchEvent[]> = { done: true, value: undefined };

/**
 * An async iterator over `pull`, which is called for one batch at a time (a second next() waits for the first, so
 * two pulls never interleave their reads); `return()` (a `break` out of `for await`) calls `close`.
 */
export function serialIterator(
  pull: () => Promise<IteratorResult<WatchEvent[]>>,
  close: () => void,
): AsyncIterator<WatchEvent[]> {
  let pulling: Promise<unknown> = Promise.resolve();
  return {
    next: () => {
      const result = pulling.then(pull);
      pulling = result;
      return result;
    },
    return: async () => {
      close();
      return WATCH_DONE;
    },
  };
}
