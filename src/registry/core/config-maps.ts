/** ConfigMaps. */
import type { ConfigMap } from '../../api/core-v1.ts';
import { validateConfigMap, validateConfigMapUpdate } from '../../validation/index.ts';
import { CRUD_VERBS, type ResourceDef } from '../resource.ts';
import { AGE_COLUMN, NAME_COLUMN, type Strategy } from '../strategy.ts';
import { age, column, size } from './columns.ts';

export const configMapsResource: ResourceDef = {
  group: '',
  version: 'v1',
  resource: 'configmaps',
  kind: 'ConfigMap',
  listKind: 'ConfigMapList',
  singular: 'configmap',
  namespaced: true,
  verbs: CRUD_VERBS,
  shortNames: ['cm'],
};

export const configMapStrategy: Strategy<ConfigMap> = {
  prepareForCreate() {},
  validate: (c) => validateConfigMap(c),
  prepareForUpdate() {},
  validateUpdate: (c, old) => validateConfigMapUpdate(c, old),
  columns: [NAME_COLUMN, column('Data', 'The number of items in the config map', { type: 'integer' }), AGE_COLUMN],
  row: (c, now) => [c.metadata.name, size(c.data) + size(c.binaryData), age(c, now)],
};
