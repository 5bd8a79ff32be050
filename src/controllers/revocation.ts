/**
 * Revocation: a token's validity depends on its service account, secret, pod or node still existing. The token
 * cache would otherwise honour a deleted one's tokens for up to its TTL; deleting any of them flushes it at once.
 */
import type { KubernetesObject } from '../api/meta.ts';
import { startInformer } from '../registry/informer.ts';
import type { Store } from '../registry/store.ts';

/** Calls `flush` whenever an object of one of `stores` is deleted (on any replica: it follows the store's watch). */
export function flushOnDeletes(stores: Store<KubernetesObject>[], flush: () => void, onError: (err: unknown) => void) {
  const informers = stores.map((store) =>
    startInformer<KubernetesObject>(
      store,
      { replace: () => flush(), upsert: () => {}, remove: () => flush() },
      onError,
      { changesOnly: true },
    ),
  );
  return {
    synced: Promise.all(informers.map((i) => i.synced)).then(() => undefined),
    stop: () => {
      for (const i of informers) i.stop();
    },
  };
}
