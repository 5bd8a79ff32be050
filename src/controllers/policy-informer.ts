/**
 * Keeps the RBAC PolicyIndex equal to the stored Roles, ClusterRoles and bindings by following their informers, so
 * authorization never reads the store and a policy change takes effect as soon as its watch event arrives.
 */
import type { KubernetesObject } from '../api/meta.ts';
import type { ClusterRole, ClusterRoleBinding, Role, RoleBinding } from '../api/rbac-v1.ts';
import type { PolicyIndex } from '../auth/authz/policy-index.ts';
import { type InformerHandlers, startInformer } from '../registry/informer.ts';
import type { Store } from '../registry/store.ts';
import type { Stores } from '../registry/stores.ts';

/** Adapts upsert/delete callbacks to an informer, turning a re-list into deletes of what vanished plus upserts. */
function follow<T extends KubernetesObject>(
  upsert: (obj: T) => void,
  remove: (ns: string, name: string) => void,
): InformerHandlers<T> {
  const known = new Map<string, [string, string]>();
  const key = (o: T) => `${o.metadata.namespace ?? ''}/${o.metadata.name}`;
  return {
    replace(items) {
      const fresh = new Set(items.map(key));
      for (const [k, [ns, name]] of known) if (!fresh.has(k)) remove(ns, name);
      known.clear();
      for (const o of items) {
        known.set(key(o), [o.metadata.namespace ?? '', o.metadata.name!]);
        upsert(o);
      }
    },
    upsert(o) {
      known.set(key(o), [o.metadata.namespace ?? '', o.metadata.name!]);
      upsert(o);
    },
    remove(o) {
      known.delete(key(o));
      remove(o.metadata.namespace ?? '', o.metadata.name!);
    },
  };
}

/** Starts the four informers feeding `index`; resolves `synced` once all have listed. */
export function followPolicy(stores: Stores, index: PolicyIndex, onError: (err: unknown) => void) {
  const informers = [
    startInformer<Role>(
      stores.roles,
      follow(
        (r) => index.upsertRole(r),
        (ns, n) => index.deleteRole(ns, n),
      ),
      onError,
    ),
    startInformer<ClusterRole>(
      stores.clusterRoles,
      follow(
        (r) => index.upsertClusterRole(r),
        (_ns, n) => index.deleteClusterRole(n),
      ),
      onError,
    ),
    startInformer<RoleBinding>(
      stores.roleBindings,
      follow(
        (b) => index.upsertRoleBinding(b),
        (ns, n) => index.deleteRoleBinding(ns, n),
      ),
      onError,
    ),
    startInformer<ClusterRoleBinding>(
      stores.clusterRoleBindings as Store<ClusterRoleBinding>,
      follow(
        (b) => index.upsertClusterRoleBinding(b),
        (_ns, n) => index.deleteClusterRoleBinding(n),
      ),
      onError,
    ),
  ];
  return {
    synced: Promise.all(informers.map((i) => i.synced)).then(() => undefined),
    stop: () => {
      for (const i of informers) i.stop();
    },
  };
}
