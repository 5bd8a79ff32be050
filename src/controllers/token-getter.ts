/**
 * What service-account token validation reads, served like upstream's tokengetter: service accounts from an
 * in-memory cache that follows the store's watch, with a live read when the cache does not have the object (it may
 * be newer than the last event). Secrets, pods and nodes are read live: they are looked up only for secret-based
 * and bound tokens, and caching all pods would cost more memory than it saves.
 */
import type { ServiceAccount } from '../api/core-v1.ts';
import { LAST_USED_LABEL } from '../auth/authn/serviceaccount/legacy-validator.ts';
import type { LegacyTokenUsageRecorder, ServiceAccountTokenGetter } from '../auth/authn/serviceaccount/ports.ts';
import { startInformer } from '../registry/informer.ts';
import type { Stores } from '../registry/stores.ts';

/** The token getter over `stores`, plus its informer's lifecycle. */
export function cachedTokenGetter(stores: Stores, onError: (err: unknown) => void, onRemoved: () => void = () => {}) {
  const serviceAccounts = new Map<string, ServiceAccount>();
  const key = (ns: string, name: string) => `${ns}/${name}`;
  const informer = startInformer<ServiceAccount>(
    stores.serviceAccounts,
    {
      replace(items) {
        serviceAccounts.clear();
        for (const sa of items) serviceAccounts.set(key(sa.metadata.namespace!, sa.metadata.name!), sa);
      },
      upsert: (sa) => serviceAccounts.set(key(sa.metadata.namespace!, sa.metadata.name!), sa),
      // After the cache forgot the account, so a token validated meanwhile cannot be re-cached against it.
      remove: (sa) => {
        serviceAccounts.delete(key(sa.metadata.namespace!, sa.metadata.name!));
        onRemoved();
      },
    },
    onError,
  );
  const getter: ServiceAccountTokenGetter = {
    // Synchronous on a cache hit, so the validator need not wait a microtask turn for a value it already has.
    getServiceAccount: (ns, name) => serviceAccounts.get(key(ns, name)) ?? stores.serviceAccounts.find(ns, name),
    getSecret: (ns, name) => stores.secrets.find(ns, name),
    getPod: (ns, name) => stores.pods.find(ns, name),
    getNode: (name) => stores.nodes.find('', name),
  };
  // Upstream records the day a secret-based token was last used on its Secret (a label), guarded by the UID.
  const usageRecorder: LegacyTokenUsageRecorder = {
    recordLastUsed: async (secret, date) => {
      await stores.secrets.guaranteedUpdate(
        secret.metadata.namespace!,
        secret.metadata.name!,
        (s) => {
          if (s.metadata.uid !== secret.metadata.uid) return s;
          s.metadata.labels = { ...(s.metadata.labels ?? {}), [LAST_USED_LABEL]: date };
          return s;
        },
        { trusted: true },
      );
    },
  };
  return { getter, usageRecorder, synced: informer.synced, stop: () => informer.stop() };
}
