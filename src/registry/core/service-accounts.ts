/** ServiceAccounts: the identities behind service-account tokens. */
import type { ServiceAccount } from '../../api/core-v1.ts';
import { validateServiceAccount, validateServiceAccountUpdate } from '../../validation/index.ts';
import { CRUD_VERBS, type ResourceDef } from '../resource.ts';
import { AGE_COLUMN, NAME_COLUMN, type Strategy } from '../strategy.ts';
import { age, column } from './columns.ts';

export const serviceAccountsResource: ResourceDef = {
  group: '',
  version: 'v1',
  resource: 'serviceaccounts',
  kind: 'ServiceAccount',
  listKind: 'ServiceAccountList',
  singular: 'serviceaccount',
  namespaced: true,
  verbs: CRUD_VERBS,
  shortNames: ['sa'],
  subresources: [
    { name: 'token', kind: 'TokenRequest', verbs: ['create'], group: 'authentication.k8s.io', version: 'v1' },
  ],
};

export const serviceAccountStrategy: Strategy<ServiceAccount> = {
  prepareForCreate() {},
  validate: (sa) => validateServiceAccount(sa),
  prepareForUpdate() {},
  validateUpdate: (sa, old) => validateServiceAccountUpdate(sa, old),
  columns: [
    NAME_COLUMN,
    column(
      'Secrets',
      'Secrets is a list of the secrets in the same namespace that pods running using this ServiceAccount are allowed to use.',
      { type: 'integer' },
    ),
    AGE_COLUMN,
  ],
  row: (sa, now) => [sa.metadata.name, sa.secrets?.length ?? 0, age(sa, now)],
};
