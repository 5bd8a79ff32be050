/** Secrets: stringData is merged into data on every write and never stored; type defaults to Opaque. */
import type { Secret } from '../../api/core-v1.ts';
import { validateSecret, validateSecretUpdate } from '../../validation/index.ts';
import { CRUD_VERBS, type ResourceDef } from '../resource.ts';
import { AGE_COLUMN, NAME_COLUMN, type Strategy } from '../strategy.ts';
import { age, column, size } from './columns.ts';

export const secretsResource: ResourceDef = {
  group: '',
  version: 'v1',
  resource: 'secrets',
  kind: 'Secret',
  listKind: 'SecretList',
  singular: 'secret',
  namespaced: true,
  verbs: CRUD_VERBS,
};

function mergeStringData(secret: Secret): void {
  if (secret.stringData) {
    secret.data ??= {};
    for (const [k, v] of Object.entries(secret.stringData))
      secret.data[k] = Buffer.from(String(v), 'utf8').toString('base64');
    delete secret.stringData;
  }
  if (!secret.type) secret.type = 'Opaque';
}

export const secretStrategy: Strategy<Secret> = {
  normalize: mergeStringData,
  prepareForCreate() {},
  validate: (s) => validateSecret(s),
  prepareForUpdate() {},
  validateUpdate: (s, old) => validateSecretUpdate(s, old),
  columns: [
    NAME_COLUMN,
    column('Type', 'The type of the secret'),
    column('Data', 'The number of items in the secret', { type: 'integer' }),
    AGE_COLUMN,
  ],
  row: (s, now) => [s.metadata.name, s.type ?? '', size(s.data), age(s, now)],
  selectableFields: (s) => ({ type: s.type ?? '' }),
};
