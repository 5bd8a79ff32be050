/**
 * The namespace controller: every active namespace gets a `default` ServiceAccount and the `kube-root-ca.crt`
 * ConfigMap (recreated if deleted); a terminating namespace is emptied, then removed.
 */
import type { ConfigMap, Namespace, ServiceAccount } from '../api/core-v1.ts';
import type { KubernetesObject } from '../api/meta.ts';
import { StatusError } from '../api/status.ts';
import { type Informer, startInformer } from '../registry/informer.ts';
import { anyStore, namespacedStores, type Stores } from '../registry/stores.ts';
import type { Controller } from './controller.ts';
import { WorkQueue } from './work-queue.ts';

export const ROOT_CA_CONFIGMAP = 'kube-root-ca.crt';

/** The description upstream's root-ca-cert-publisher puts on the ConfigMap. */
const ROOT_CA_ANNOTATIONS = {
  'kubernetes.io/description':
    'Contains a CA bundle that can be used to verify the kube-apiserver when using internal endpoints such as the internal service IP or kubernetes.default.svc. No other usage is guaranteed across distributions of Kubernetes clusters.',
};

/** Creates `obj` unless it exists already. */
async function createIfAbsent(create: () => Promise<unknown>): Promise<void> {
  try {
    await create();
  } catch (err) {
    if (err instanceof StatusError && err.code === 409) return;
    // The namespace began terminating meanwhile: nothing to ensure any more.
    if (err instanceof StatusError && (err.code === 403 || err.code === 404)) return;
    throw err;
  }
}

/** Starts the namespace controller. */
export function namespaceController(stores: Stores, caPem: string, onError: (err: unknown) => void): Controller {
  const queue = new WorkQueue(
    (ns) => reconcile(ns),
    (_key, err) => onError(err),
  );
  const contentStores = namespacedStores(stores);

  async function ensureDefaults(ns: string): Promise<void> {
    if (!(await stores.serviceAccounts.find(ns, 'default')))
      await createIfAbsent(() =>
        stores.serviceAccounts.create(ns, { metadata: { name: 'default' } } as ServiceAccount),
      );
    const cm = await stores.configMaps.find(ns, ROOT_CA_CONFIGMAP);
    const desc = ROOT_CA_ANNOTATIONS['kubernetes.io/description'];
    if (!cm) {
      await createIfAbsent(() =>
        stores.configMaps.create(ns, {
          metadata: { name: ROOT_CA_CONFIGMAP, annotations: { ...ROOT_CA_ANNOTATIONS } },
          data: { 'ca.crt': caPem },
        } as ConfigMap),
      );
    } else if (cm.data?.['ca.crt'] !== caPem || cm.metadata.annotations?.['kubernetes.io/description'] !== desc) {
      await stores.configMaps.guaranteedUpdate(ns, ROOT_CA_CONFIGMAP, (c) => ({
        ...c,
        metadata: { ...c.metadata, annotations: { ...(c.metadata.annotations ?? {}), ...ROOT_CA_ANNOTATIONS } },
        data: { 'ca.crt': caPem },
      }));
    }
  }

  async function finalize(ns: string): Promise<'done' | 'requeue'> {
    let remaining = 0;
    for (const store of contentStores) {
      const left = await store.deleteCollection(ns, {});
      remaining += left.length;
    }
    if (remaining > 0) return 'requeue';
    // Objects marked for graceful deletion (pods) may still be there; wait until everything is gone.
    for (const store of contentStores) if ((await store.list(ns, { limit: 1 })).items.length > 0) return 'requeue';
    try {
      await stores.namespaces.remove('', ns);
    } catch (err) {
      if (!(err instanceof StatusError && err.code === 404)) throw err;
    }
    return 'done';
  }

  async function reconcile(ns: string): Promise<'done' | 'requeue'> {
    const obj = await stores.namespaces.find('', ns);
    if (!obj) return 'done';
    if (obj.metadata.deletionTimestamp) return finalize(ns);
    await ensureDefaults(ns);
    return 'done';
  }

  const informers: Informer[] = [
    startInformer<Namespace>(
      stores.namespaces,
      {
        replace: (items) => {
          for (const n of items) queue.add(n.metadata.name!);
        },
        upsert: (n) => queue.add(n.metadata.name!),
        remove: () => {},
      },
      onError,
    ),
    ...[stores.serviceAccounts, stores.configMaps].map((store) =>
      startInformer<KubernetesObject>(
        anyStore(store),
        {
          replace: () => {},
          // A changed kube-root-ca.crt is put back, as upstream's publisher does.
          upsert: (o) => {
            if (store === stores.configMaps && o.metadata.name === ROOT_CA_CONFIGMAP) queue.add(o.metadata.namespace!);
          },
          remove: (o) => {
            if (o.metadata.name === 'default' || o.metadata.name === ROOT_CA_CONFIGMAP)
              queue.add(o.metadata.namespace!);
          },
        },
        onError,
        // Namespaces are reconciled on their own list; these only react to later changes.
        { changesOnly: true },
      ),
    ),
  ];
  return {
    name: 'namespace',
    synced: Promise.all(informers.map((i) => i.synced)).then(() => undefined),
    idle: () => queue.idle(),
    stop: () => {
      for (const i of informers) i.stop();
      queue.stop();
    },
  };
}
