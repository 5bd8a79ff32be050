/**
 * Figure 4: RBAC authorization decisions per second (PolicyIndex + RbacAuthorizer, in process) with 10 bindings
 * versus with 10,000 RoleBindings and 1,000 ClusterRoleBindings naming other users, groups and service accounts.
 *
 * Two workloads: one service account asking again and again (the resolver's per-user cache answers), and 5,000
 * distinct service accounts of one namespace in turn (more than the resolver cache holds, so every decision
 * resolves the bindings from the index: the cost that grows with the policy, if anything does).
 */
import type { ClusterRoleBinding, Role, RoleBinding, Subject } from '../src/api/rbac-v1.ts';
import type { Attributes } from '../src/auth/authz/interfaces.ts';
import { PolicyIndex } from '../src/auth/authz/policy-index.ts';
import { RbacAuthorizer } from '../src/auth/authz/rbac-authorizer.ts';
import type { UserInfo } from '../src/auth/user.ts';
import { alternatingRates, fmt, log, type Row, ratio, targetCell } from './lib.ts';

const NS = 'bench';

function roleBinding(ns: string, name: string, subjects: Subject[], role = 'pod-reader'): RoleBinding {
  return {
    apiVersion: 'rbac.authorization.k8s.io/v1',
    kind: 'RoleBinding',
    metadata: { namespace: ns, name },
    subjects,
    roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'Role', name: role },
  };
}

/** The i-th "other" subject: users, groups and service accounts that never match the benchmark's users. */
function otherSubject(i: number): Subject {
  switch (i % 3) {
    case 0:
      return { kind: 'User', apiGroup: 'rbac.authorization.k8s.io', name: `user-${i}@example.com` };
    case 1:
      return { kind: 'Group', apiGroup: 'rbac.authorization.k8s.io', name: `group-${i}` };
    default:
      return { kind: 'ServiceAccount', name: `sa-${i}`, namespace: `other-${i % 50}` };
  }
}

/** An index with the pod-reader Role in every namespace used, the granting binding, and `others` more. */
function buildIndex(roleBindings: number, clusterRoleBindings: number, namespaces: number): PolicyIndex {
  const index = new PolicyIndex();
  const roles: Role[] = [];
  const nsNames = [NS, ...Array.from({ length: namespaces - 1 }, (_, i) => `ns-${i}`)];
  for (const ns of nsNames) {
    roles.push({
      apiVersion: 'rbac.authorization.k8s.io/v1',
      kind: 'Role',
      metadata: { namespace: ns, name: 'pod-reader' },
      rules: [{ apiGroups: [''], resources: ['pods'], verbs: ['get', 'list', 'watch'] }],
    });
  }
  // The one binding that grants: the namespace's service-account group.
  const bindings: RoleBinding[] = [
    roleBinding(NS, 'grant', [
      { kind: 'Group', apiGroup: 'rbac.authorization.k8s.io', name: `system:serviceaccounts:${NS}` },
    ]),
  ];
  for (let i = 0; i < roleBindings - 1; i++) {
    bindings.push(roleBinding(nsNames[i % nsNames.length]!, `other-${i}`, [otherSubject(i), otherSubject(i + 1)]));
  }
  const crbs: ClusterRoleBinding[] = [];
  for (let i = 0; i < clusterRoleBindings; i++) {
    crbs.push({
      apiVersion: 'rbac.authorization.k8s.io/v1',
      kind: 'ClusterRoleBinding',
      metadata: { name: `other-${i}` },
      subjects: [otherSubject(i + 7), otherSubject(i + 8)],
      roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'ClusterRole', name: 'view' },
    });
  }
  index.replaceAll({
    roles,
    clusterRoles: [{ metadata: { name: 'view' }, rules: [] } as never],
    roleBindings: bindings,
    clusterRoleBindings: crbs,
  });
  return index;
}

function saUser(name: string): UserInfo {
  return {
    username: `system:serviceaccount:${NS}:${name}`,
    uid: name,
    groups: ['system:serviceaccounts', `system:serviceaccounts:${NS}`, 'system:authenticated'],
    extra: {},
  };
}

function attrs(user: UserInfo): Attributes {
  return {
    user,
    verb: 'get',
    resourceRequest: true,
    path: `/api/v1/namespaces/${NS}/pods/p`,
    namespace: NS,
    apiGroup: '',
    apiVersion: 'v1',
    resource: 'pods',
    subresource: '',
    name: 'p',
  };
}

/** Decisions/s of the small and the large policy over `requests`, measured in alternating slices. */
async function rates(
  small: RbacAuthorizer,
  large: RbacAuthorizer,
  requests: readonly Attributes[],
  durationMs: number,
): Promise<{ small: number; large: number }> {
  const decide = (authz: RbacAuthorizer) => {
    let i = 0;
    const n = requests.length;
    return () => {
      const d = authz.authorize(requests[i++ % n]!);
      if (d.decision !== 'Allow') throw new Error(`not allowed: ${d.reason}`);
    };
  };
  const r = await alternatingRates(decide(small), decide(large), {
    durationMs,
    warmupMs: Math.min(500, durationMs / 2),
  });
  return { small: r.a, large: r.b };
}

/** Measures figure 4 and returns its rows. */
export async function rbacScaleRows(opts: { durationMs: number }): Promise<Row[]> {
  const small = new RbacAuthorizer(buildIndex(10, 0, 1));
  const large = new RbacAuthorizer(buildIndex(10_001, 1_000, 100));
  const one = [attrs(saUser('reader'))];
  const many = Array.from({ length: 5_000 }, (_, i) => attrs(saUser(`sa-${i}`)));

  log('figure 4: RBAC, one user');
  const { small: smallOne, large: largeOne } = await rates(small, large, one, opts.durationMs);
  log('figure 4: RBAC, 5,000 distinct users');
  const { small: smallMany, large: largeMany } = await rates(small, large, many, opts.durationMs);

  // The target is a slowdown: time per decision at scale over time per decision with 10 bindings.
  return [
    {
      figure: '4. RBAC decisions/s, 5,000 distinct SAs (resolver cache misses): 10 bindings / 10k RB + 1k CRB',
      superkube: `${fmt(largeMany)}/s with 11k bindings`,
      baseline: `${fmt(smallMany)}/s with 10 bindings`,
      ratio: `${ratio(smallMany, largeMany)} slowdown`,
      target: targetCell(smallMany / largeMany, '<=', 1.5),
    },
    {
      figure: '4a. RBAC decisions/s, one SA repeatedly (resolver cache hits)',
      superkube: `${fmt(largeOne)}/s with 11k bindings`,
      baseline: `${fmt(smallOne)}/s with 10 bindings`,
      ratio: `${ratio(smallOne, largeOne)} slowdown`,
      target: targetCell(smallOne / largeOne, '<=', 1.5),
    },
  ];
}
