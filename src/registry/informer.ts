/**
 * An informer: list, then watch from the list's revision, re-listing when the watch breaks. Caches and controllers
 * build on it so they follow the store (every replica's store, with etcd) instead of reading it per request.
 */
import type { KubernetesObject } from '../api/meta.ts';
import type { Store } from './store.ts';

/** Callbacks of an informer. `synced` fires after each (re)list has been delivered as `replace`. */
export interface InformerHandlers<T extends KubernetesObject> {
  /** The complete current set, after a (re)list. */
  replace(items: T[]): void;
  upsert(obj: T): void;
  remove(obj: T): void;
}

/** A running informer. */
export interface Informer {
  /** Resolves once the first list was delivered. */
  readonly synced: Promise<void>;
  stop(): void;
}

/**
 * Starts an informer over `store` (all namespaces). Errors are retried with a short backoff. With `changesOnly`,
 * the initial list is skipped (replace gets []) and only changes after the start are delivered.
 */
export function startInformer<T extends KubernetesObject>(
  store: Store<T>,
  handlers: InformerHandlers<T>,
  onError: (err: unknown) => void = () => {},
  opts: { changesOnly?: boolean } = {},
): Informer {
  let stopped = false;
  let current: { close(): void } | undefined;
  let markSynced!: () => void;
  const synced = new Promise<void>((resolve) => {
    markSynced = resolve;
  });
  void (async () => {
    let backoff = 100;
    while (!stopped) {
      try {
        // changesOnly: callers that react only to changes (deletions, say) skip decoding every existing object.
        const list = await store.list('', opts.changesOnly ? { limit: 1 } : {});
        if (stopped) return;
        handlers.replace(opts.changesOnly ? [] : list.items);
        markSynced();
        const watch = await store.watch('', { resourceVersion: list.metadata.resourceVersion });
        current = watch;
        if (stopped) {
          watch.close();
          return;
        }
        backoff = 100;
        for await (const ev of watch) {
          if (ev.type === 'DELETED') handlers.remove(ev.object);
          else handlers.upsert(ev.object);
        }
        const err = await watch.done;
        if (err) onError(err);
      } catch (err) {
        if (stopped) return;
        onError(err);
      }
      if (stopped) return;
      await new Promise((r) => setTimeout(r, backoff).unref());
      backoff = Math.min(backoff * 2, 5000);
    }
  })();
  return {
    synced,
    stop: () => {
      stopped = true;
      current?.close();
    },
  };
}
