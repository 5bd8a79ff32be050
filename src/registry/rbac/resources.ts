/** The four RBAC kinds: definitions, validation hooks and printers. Authorization by them lives in auth/authz. */
import type { ClusterRole, ClusterRoleBinding, Role, RoleBinding } from '../../api/rbac-v1.ts';
import {
  validateClusterRole,
  validateClusterRoleBinding,
  validateClusterRoleBindingUpdate,
  validateClusterRoleUpdate,
  validateRole,
  validateRoleBinding,
  validateRoleBindingUpdate,
  validateRoleUpdate,
} from '../../validation/index.ts';
import { age, column } from '../core/columns.ts';
import { CRUD_VERBS, type ResourceDef } from '../resource.ts';
import { AGE_COLUMN, NAME_COLUMN, type Strategy } from '../strategy.ts';

const G = 'rbac.authorization.k8s.io';

function def(resource: string, kind: string, singular: string, namespaced: boolean): ResourceDef {
  return { group: G, version: 'v1', resource, kind, listKind: `${kind}List`, singular, namespaced, verbs: CRUD_VERBS };
}

export const rolesResource = def('roles', 'Role', 'role', true);
export const clusterRolesResource = def('clusterroles', 'ClusterRole', 'clusterrole', false);
export const roleBindingsResource = def('rolebindings', 'RoleBinding', 'rolebinding', true);
export const clusterRoleBindingsResource = def(
  'clusterrolebindings',
  'ClusterRoleBinding',
  'clusterrolebinding',
  false,
);

const CREATED_AT = column(
  'Created At',
  'CreationTimestamp is a timestamp representing the server time when this object was created.',
  {
    type: 'date',
  },
);

function makeRoleStrategy<T extends Role | ClusterRole>(
  validate: (r: T) => ReturnType<typeof validateRole>,
  validateUpdate: (r: T, old: T) => ReturnType<typeof validateRole>,
): Strategy<T> {
  return {
    prepareForCreate() {},
    validate,
    prepareForUpdate() {},
    validateUpdate,
    columns: [NAME_COLUMN, CREATED_AT],
    row: (r) => [r.metadata.name, r.metadata.creationTimestamp ?? ''],
  };
}

export const roleStrategy = makeRoleStrategy<Role>(validateRole, validateRoleUpdate);
export const clusterRoleStrategy = makeRoleStrategy<ClusterRole>(validateClusterRole, validateClusterRoleUpdate);

function subjectNames(b: RoleBinding | ClusterRoleBinding, kind: string): string {
  return (b.subjects ?? [])
    .filter((s) => s.kind === kind)
    .map((s) => (kind === 'ServiceAccount' ? `${s.namespace ?? ''}/${s.name}` : s.name))
    .join(', ');
}

function makeBindingStrategy<T extends RoleBinding | ClusterRoleBinding>(
  validate: (b: T) => ReturnType<typeof validateRoleBinding>,
  validateUpdate: (b: T, old: T) => ReturnType<typeof validateRoleBinding>,
): Strategy<T> {
  return {
    prepareForCreate() {},
    validate,
    prepareForUpdate() {},
    validateUpdate,
    columns: [
      NAME_COLUMN,
      column('Role', 'RoleRef can reference a Role in the current namespace or a ClusterRole in the global namespace.'),
      AGE_COLUMN,
      column('Users', 'Users in the roleBinding', { priority: 1 }),
      column('Groups', 'Groups in the roleBinding', { priority: 1 }),
      column('ServiceAccounts', 'ServiceAccounts in the roleBinding', { priority: 1 }),
    ],
    row: (b, now) => [
      b.metadata.name,
      `${b.roleRef?.kind}/${b.roleRef?.name}`,
      age(b, now),
      subjectNames(b, 'User'),
      subjectNames(b, 'Group'),
      subjectNames(b, 'ServiceAccount'),
    ],
  };
}

export const roleBindingStrategy = makeBindingStrategy<RoleBinding>(validateRoleBinding, validateRoleBindingUpdate);
export const clusterRoleBindingStrategy = makeBindingStrategy<ClusterRoleBinding>(
  validateClusterRoleBinding,
  validateClusterRoleBindingUpdate,
);
