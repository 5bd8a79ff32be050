/**
 * Streams a watch as newline-delimited JSON events: the events of the store watch, BOOKMARKs when asked for, an
 * ERROR event when the watch cannot continue, and an orderly end at timeoutSeconds or when the client leaves.
 */
import type { KubernetesObject } from '../../api/meta.ts';
import { toStatusError } from '../../registry/errors.ts';
import type { ObjectWatch } from '../../registry/store.ts';
import { AsyncQueue } from '../../util/async-queue.ts';
import { statusOf } from '../respond.ts';

/** How to stream one watch. */
export interface WatchStreamOptions {
  /** Ends the stream after this long. */
  timeoutMs: number;
  /** Send BOOKMARK events at this interval (undefined: never). */
  bookmarkIntervalMs?: number;
  /** Builds the BOOKMARK object (kind and apiVersion of the resource, metadata.resourceVersion only). */
  bookmark: (resourceVersion: string) => unknown;
  /** Turns an object into what the event carries (the object itself, or a one-row Table). */
  transform: (obj: KubernetesObject, first: boolean) => unknown;
  signal: AbortSignal;
}

/** The watch as a stream of JSON lines. Closing the iterator (client gone) closes the store watch. */
export function watchStream(watch: ObjectWatch<KubernetesObject>, opts: WatchStreamOptions): AsyncIterable<string> {
  const out = new AsyncQueue<string>();
  let lastRv = String(watch.startRevision);
  let first = true;
  const timers: NodeJS.Timeout[] = [];
  const finish = () => {
    for (const t of timers) clearTimeout(t);
    watch.close();
    out.end();
  };
  timers.push(setTimeout(finish, opts.timeoutMs));
  if (opts.bookmarkIntervalMs)
    timers.push(
      setInterval(
        () => out.push(`${JSON.stringify({ type: 'BOOKMARK', object: opts.bookmark(lastRv) })}\n`),
        opts.bookmarkIntervalMs,
      ),
    );
  opts.signal.addEventListener('abort', finish, { once: true });
  void (async () => {
    try {
      for await (const ev of watch) {
        lastRv = ev.object.metadata.resourceVersion ?? lastRv;
        out.push(`${JSON.stringify({ type: ev.type, object: opts.transform(ev.object, first) })}\n`);
        first = false;
      }
      const err = await watch.done;
      if (err) out.push(`${JSON.stringify({ type: 'ERROR', object: statusOf(asStatusError(err)) })}\n`);
    } catch (err) {
      out.push(`${JSON.stringify({ type: 'ERROR', object: statusOf(asStatusError(err)) })}\n`);
    } finally {
      finish();
    }
  })();
  const iterator = out[Symbol.asyncIterator]();
  return {
    [Symbol.asyncIterator]: () => ({
      next: () => iterator.next(),
      return: async () => {
        finish();
        return iterator.return?.(undefined) ?? { done: true, value: undefined };
      },
    }),
  };
}

function asStatusError(err: unknown) {
  return toStatusError(err, { group: '', resource: '' }, '');
}
