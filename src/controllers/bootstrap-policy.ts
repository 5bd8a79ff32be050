/**
 * The default RBAC policy, reconciled at every start in union mode (missing objects created, missing rules and
 * subjects added, nothing removed, `autoupdate: "false"` objects left alone), like kube-apiserver's
 * rbac/bootstrap-roles post-start hook.
 */
import type { KubernetesObject } from '../api/meta.ts';
import type { ClusterRole, ClusterRoleBinding, Role, RoleBinding } from '../api/rbac-v1.ts';
import { StatusError } from '../api/status.ts';
import { loadBootstrapPolicy } from '../auth/authz/bootstrap-policy.ts';
import { type ReconcileAction, reconcileBinding, reconcileRole } from '../auth/authz/reconcile.ts';
import type { Store } from '../registry/store.ts';
import type { Stores } from '../registry/stores.ts';

interface Log {
  info(obj: object, msg: string): void;
}

async function apply<T extends KubernetesObject>(
  store: Store<T>,
  desired: T,
  reconcile: (existing: T | undefined, desired: T) => ReconcileAction<T> | undefined,
): Promise<boolean> {
  const ns = desired.metadata.namespace ?? '';
  const name = desired.metadata.name!;
  for (let attempt = 0; attempt < 5; attempt++) {
    const existing = await store.find(ns, name);
    const action = reconcile(existing, desired);
    if (!action) return false;
    const obj = structuredClone(action.object);
    delete obj.metadata.resourceVersion;
    try {
      if (action.op === 'create') await store.create(ns, obj);
      else if (action.op === 'update')
        await store.update(ns, name, {
          ...obj,
          metadata: { ...obj.metadata, resourceVersion: existing!.metadata.resourceVersion },
        });
      else {
        await store.remove(ns, name);
        await store.create(ns, obj);
      }
      return true;
    } catch (err) {
      if (err instanceof StatusError && err.code === 409) continue; // raced another replica: read again
      throw err;
    }
  }
  return false;
}

/** Reconciles the bootstrap policy into the stores; returns how many objects were written. */
export async function bootstrapPolicy(stores: Stores, log: Log): Promise<number> {
  const policy = loadBootstrapPolicy();
  let written = 0;
  for (const r of policy.clusterRoles) if (await apply<ClusterRole>(stores.clusterRoles, r, reconcileRole)) written++;
  for (const b of policy.clusterRoleBindings)
    if (await apply<ClusterRoleBinding>(stores.clusterRoleBindings, b, reconcileBinding)) written++;
  for (const r of policy.roles) {
    await ensureNamespace(stores, r.metadata.namespace!);
    if (await apply<Role>(stores.roles, r, reconcileRole)) written++;
  }
  for (const b of policy.roleBindings) {
    await ensureNamespace(stores, b.metadata.namespace!);
    if (await apply<RoleBinding>(stores.roleBindings, b, reconcileBinding)) written++;
  }
  if (written) log.info({ written }, 'default RBAC policy reconciled');
  return written;
}

async function ensureNamespace(stores: Stores, name: string): Promise<void> {
  if (await stores.namespaces.find('', name)) return;
  try {
    await stores.namespaces.create('', { metadata: { name } });
  } catch (err) {
    if (!(err instanceof StatusError && err.code === 409)) throw err;
  }
}
