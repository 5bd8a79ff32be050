/** Leases (coordination.k8s.io/v1), used for controller leader election across replicas. */
import type { Lease } from '../../api/coordination-v1.ts';
import { nameIsDNSSubdomain, validateObjectMeta, validateObjectMetaUpdate } from '../../validation/index.ts';
import { age, column } from '../core/columns.ts';
import { CRUD_VERBS, type ResourceDef } from '../resource.ts';
import { AGE_COLUMN, NAME_COLUMN, type Strategy } from '../strategy.ts';

export const leasesResource: ResourceDef = {
  group: 'coordination.k8s.io',
  version: 'v1',
  resource: 'leases',
  kind: 'Lease',
  listKind: 'LeaseList',
  singular: 'lease',
  namespaced: true,
  verbs: CRUD_VERBS,
};

export const leaseStrategy: Strategy<Lease> = {
  prepareForCreate() {},
  validate: (l) => validateObjectMeta(l.metadata, true, nameIsDNSSubdomain),
  prepareForUpdate() {},
  validateUpdate: (l, old) => validateObjectMetaUpdate(l.metadata, old.metadata),
  columns: [NAME_COLUMN, column('Holder', 'The holder of the lease'), AGE_COLUMN],
  row: (l, now) => [l.metadata.name, l.spec?.holderIdentity ?? '', age(l, now)],
};
