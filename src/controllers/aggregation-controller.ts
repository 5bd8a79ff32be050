/**
 * ClusterRole aggregation (kube-controller-manager's clusterrole-aggregation controller): a ClusterRole with an
 * aggregationRule gets the union of the rules of the ClusterRoles its selectors match, kept current as they change.
 * This is how admin, edit and view get their rules.
 */
import type { ClusterRole } from '../api/rbac-v1.ts';
import { StatusError } from '../api/status.ts';
import { syncAggregatedRole } from '../auth/authz/aggregation.ts';
import { startInformer } from '../registry/informer.ts';
import type { Stores } from '../registry/stores.ts';
import type { Controller } from './controller.ts';
import { WorkQueue } from './work-queue.ts';

/** Starts the aggregation controller. */
export function aggregationController(stores: Stores, onError: (err: unknown) => void): Controller {
  const roles = new Map<string, ClusterRole>();
  const queue = new WorkQueue(
    async (name) => {
      const role = roles.get(name);
      if (!role?.aggregationRule) return 'done';
      const rules = syncAggregatedRole(role, [...roles.values()]);
      if (!rules) return 'done';
      try {
        await stores.clusterRoles.guaranteedUpdate('', name, (r) => ({ ...r, rules }));
      } catch (err) {
        if (err instanceof StatusError && err.code === 404) return 'done';
        throw err;
      }
      return 'done';
    },
    (_k, err) => onError(err),
  );
  // Any change can affect any aggregated role: requeue all of them (there are few).
  const requeueAggregated = () => {
    for (const r of roles.values()) if (r.aggregationRule) queue.add(r.metadata.name!);
  };
  const informer = startInformer<ClusterRole>(
    stores.clusterRoles,
    {
      replace(items) {
        roles.clear();
        for (const r of items) roles.set(r.metadata.name!, r);
        requeueAggregated();
      },
      upsert(r) {
        roles.set(r.metadata.name!, r);
        requeueAggregated();
      },
      remove(r) {
        roles.delete(r.metadata.name!);
        requeueAggregated();
      },
    },
    onError,
  );
  return {
    name: 'clusterrole-aggregation',
    synced: informer.synced,
    idle: () => queue.idle(),
    stop: () => {
      informer.stop();
      queue.stop();
    },
  };
}
