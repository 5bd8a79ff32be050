/** Small builders for authorization tests. */
import type { ClusterRole, ClusterRoleBinding, PolicyRule, Role, RoleBinding, Subject } from '../../../api/rbac-v1.ts';
import type { UserInfo } from '../../user.ts';
import type { Attributes } from '../interfaces.ts';

/** A user with the given groups. */
export function user(username: string, ...groups: string[]): UserInfo {
  return { username, uid: '', groups, extra: {} };
}

/** `User:alice`, `Group:devs`, `ServiceAccount:ns/name` or `ServiceAccount:name` (no namespace). */
export function subject(spec: string): Subject {
  const [kind, rest] = spec.split(/:(.*)/s) as [string, string];
  if (kind === 'ServiceAccount') {
    const [a, b] = rest.split('/');
    return b === undefined ? { kind, apiGroup: '', name: a! } : { kind, apiGroup: '', namespace: a!, name: b };
  }
  return { kind, apiGroup: 'rbac.authorization.k8s.io', name: rest };
}

export function role(namespace: string, name: string, ...rules: PolicyRule[]): Role {
  return { apiVersion: 'rbac.authorization.k8s.io/v1', kind: 'Role', metadata: { namespace, name }, rules };
}

export function clusterRole(name: string, ...rules: PolicyRule[]): ClusterRole {
  return { apiVersion: 'rbac.authorization.k8s.io/v1', kind: 'ClusterRole', metadata: { name }, rules };
}

export function roleBinding(
  namespace: string,
  name: string,
  refKind: string,
  refName: string,
  ...subjects: string[]
): RoleBinding {
  return {
    apiVersion: 'rbac.authorization.k8s.io/v1',
    kind: 'RoleBinding',
    metadata: { namespace, name },
    roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: refKind, name: refName },
    subjects: subjects.map(subject),
  };
}

export function clusterRoleBinding(name: string, refName: string, ...subjects: string[]): ClusterRoleBinding {
  return {
    apiVersion: 'rbac.authorization.k8s.io/v1',
    kind: 'ClusterRoleBinding',
    metadata: { name },
    roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'ClusterRole', name: refName },
    subjects: subjects.map(subject),
  };
}

/** `rule('get,list', '', 'pods')`; comma-separated lists, '' = core group. */
export function rule(verbs: string, groups: string, resources: string, names?: string): PolicyRule {
  const r: PolicyRule = { verbs: verbs.split(','), apiGroups: groups.split(','), resources: resources.split(',') };
  if (names) r.resourceNames = names.split(',');
  return r;
}

export function urlRule(verbs: string, urls: string): PolicyRule {
  return { verbs: verbs.split(','), nonResourceURLs: urls.split(',') };
}

/** Resource-request attributes. */
export function resAttrs(
  u: UserInfo,
  verb: string,
  resource: string,
  opts: { namespace?: string; group?: string; subresource?: string; name?: string } = {},
): Attributes {
  return {
    user: u,
    verb,
    resourceRequest: true,
    path: '',
    namespace: opts.namespace ?? '',
    apiGroup: opts.group ?? '',
    apiVersion: 'v1',
    resource,
    subresource: opts.subresource ?? '',
    name: opts.name ?? '',
  };
}

/** Non-resource attributes. */
export function pathAttrs(u: UserInfo, verb: string, path: string): Attributes {
  return { ...resAttrs(u, verb, ''), resourceRequest: false, path, apiVersion: '' };
}
