/** Namespaces: cluster-scoped; deletion marks them Terminating and the namespace controller empties and removes them. */
import type { Namespace } from '../../api/core-v1.ts';
import { formatTime } from '../../api/meta.ts';
import { validateNamespace, validateNamespaceUpdate } from '../../validation/index.ts';
import type { ResourceDef } from '../resource.ts';
import { AGE_COLUMN, NAME_COLUMN, type Strategy } from '../strategy.ts';
import { age, column } from './columns.ts';

export const namespacesResource: ResourceDef = {
  group: '',
  version: 'v1',
  resource: 'namespaces',
  kind: 'Namespace',
  listKind: 'NamespaceList',
  singular: 'namespace',
  namespaced: false,
  verbs: ['create', 'delete', 'get', 'list', 'patch', 'update', 'watch'],
  shortNames: ['ns'],
  subresources: [
    { name: 'finalize', kind: 'Namespace', verbs: ['update'] },
    { name: 'status', kind: 'Namespace', verbs: ['get', 'patch', 'update'] },
  ],
};

/** The finalizer the namespace controller removes once the namespace is empty. */
export const NAMESPACE_FINALIZER = 'kubernetes';

export const namespaceStrategy: Strategy<Namespace> = {
  prepareForCreate(ns) {
    ns.spec = { finalizers: [NAMESPACE_FINALIZER] };
    ns.status = { phase: 'Active' };
    // kubernetes.io/metadata.name is set on every namespace by upstream's defaulting.
    ns.metadata.labels = { ...(ns.metadata.labels ?? {}), 'kubernetes.io/metadata.name': ns.metadata.name ?? '' };
  },
  validate: (ns) => validateNamespace(ns),
  prepareForUpdate(ns, old) {
    ns.spec = old.spec;
    ns.status = old.status;
    ns.metadata.labels = { ...(ns.metadata.labels ?? {}), 'kubernetes.io/metadata.name': ns.metadata.name ?? '' };
  },
  validateUpdate: (ns, old) => validateNamespaceUpdate(ns, old),
  columns: [NAME_COLUMN, column('Status', 'The status of the namespace'), AGE_COLUMN],
  row: (ns, now) => [ns.metadata.name, ns.status?.phase ?? '', age(ns, now)],
  selectableFields: (ns) => ({ 'status.phase': ns.status?.phase ?? '' }),
  holdsDeletion: (ns) => (ns.spec?.finalizers?.length ?? 0) > 0,
  beginDelete(ns, now) {
    ns.metadata.deletionTimestamp = formatTime(now);
    ns.metadata.deletionGracePeriodSeconds = 0;
    ns.status = { ...(ns.status ?? {}), phase: 'Terminating' };
    return ns;
  },
};
