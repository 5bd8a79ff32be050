/** Every stored resource's Store, built once per server over one storage backend. */

import type { Lease } from '../api/coordination-v1.ts';
import type { ConfigMap, Event, Namespace, Node, Pod, Secret, ServiceAccount } from '../api/core-v1.ts';
import type { KubernetesObject } from '../api/meta.ts';
import type { ClusterRole, ClusterRoleBinding, Role, RoleBinding } from '../api/rbac-v1.ts';
import { forbidden, notFound } from '../api/status.ts';
import type { Storage } from '../storage/interface.ts';
import type { Clock } from '../util/clock.ts';
import { leaseStrategy, leasesResource } from './coordination/leases.ts';
import { configMapStrategy, configMapsResource } from './core/config-maps.ts';
import { eventStrategy, eventsResource } from './core/events.ts';
import { namespaceStrategy, namespacesResource } from './core/namespaces.ts';
import { nodeStrategy, nodesResource } from './core/nodes.ts';
import { podStrategy, podsResource } from './core/pods.ts';
import { secretStrategy, secretsResource } from './core/secrets.ts';
import { serviceAccountStrategy, serviceAccountsResource } from './core/service-accounts.ts';
import {
  clusterRoleBindingStrategy,
  clusterRoleBindingsResource,
  clusterRoleStrategy,
  clusterRolesResource,
  roleBindingStrategy,
  roleBindingsResource,
  roleStrategy,
  rolesResource,
} from './rbac/resources.ts';
import { type NamespaceGate, Store } from './store.ts';

/** The stores of every kind superkube keeps. */
export interface Stores {
  namespaces: Store<Namespace>;
  serviceAccounts: Store<ServiceAccount>;
  secrets: Store<Secret>;
  configMaps: Store<ConfigMap>;
  pods: Store<Pod>;
  nodes: Store<Node>;
  events: Store<Event>;
  roles: Store<Role>;
  clusterRoles: Store<ClusterRole>;
  roleBindings: Store<RoleBinding>;
  clusterRoleBindings: Store<ClusterRoleBinding>;
  leases: Store<Lease>;
}

/**
 * NamespaceLifecycle admission: objects may only be created in a namespace that exists and is not terminating.
 * Errors are upstream's: 404 `namespaces "x" not found`, 403 `... unable to create new content in namespace x
 * because it is being terminated`.
 */
function namespaceGate(namespaces: Store<Namespace>): (gr: { group: string; resource: string }) => NamespaceGate {
  return (gr) => async (ns, name) => {
    const obj = await namespaces.find('', ns);
    if (!obj) throw notFound({ group: '', resource: 'namespaces' }, ns);
    if (obj.metadata.deletionTimestamp || obj.status?.phase === 'Terminating') {
      const err = forbidden(gr, name, `unable to create new content in namespace ${ns} because it is being terminated`);
      err.status.details = {
        ...err.status.details,
        causes: [
          {
            reason: 'NamespaceTerminating',
            message: `namespace ${ns} is being terminated`,
            field: 'metadata.namespace',
          },
        ],
      };
      throw err;
    }
  };
}

/** Builds every store over `storage`. */
export function createStores(storage: Storage, clock: Clock): Stores {
  const namespaces = new Store<Namespace>(namespacesResource, namespaceStrategy, storage, clock);
  const gate = namespaceGate(namespaces);
  const ns = <T extends KubernetesObject>(def: typeof podsResource, strategy: import('./strategy.ts').Strategy<T>) =>
    new Store<T>(def, strategy, storage, clock, gate({ group: def.group, resource: def.resource }));
  return {
    namespaces,
    serviceAccounts: ns(serviceAccountsResource, serviceAccountStrategy),
    secrets: ns(secretsResource, secretStrategy),
    configMaps: ns(configMapsResource, configMapStrategy),
    pods: ns(podsResource, podStrategy),
    nodes: new Store<Node>(nodesResource, nodeStrategy, storage, clock),
    events: ns(eventsResource, eventStrategy),
    roles: ns(rolesResource, roleStrategy),
    clusterRoles: new Store<ClusterRole>(clusterRolesResource, clusterRoleStrategy, storage, clock),
    roleBindings: ns(roleBindingsResource, roleBindingStrategy),
    clusterRoleBindings: new Store<ClusterRoleBinding>(
      clusterRoleBindingsResource,
      clusterRoleBindingStrategy,
      storage,
      clock,
    ),
    leases: ns(leasesResource, leaseStrategy),
  };
}

/**
 * A store seen through the KubernetesObject interface, for code generic over kinds (REST, informers of any kind).
 * Store<T> is invariant in T because its methods take and return T, so this is the one place that widens it.
 */
export function anyStore<T extends KubernetesObject>(store: Store<T>): Store<KubernetesObject> {
  return store as unknown as Store<KubernetesObject>;
}

/** The namespaced stores, for namespace deletion. */
export function namespacedStores(stores: Stores): Store<KubernetesObject>[] {
  return (Object.values(stores) as Store<KubernetesObject>[]).map(anyStore).filter((s) => s.def.namespaced);
}
