import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { ClusterRole } from '../../api/rbac-v1.ts';
import type { StatusError } from '../../api/status.ts';
import {
  checkBindingEscalation,
  checkRoleEscalation,
  confirmNoEscalation,
  type EscalationContext,
  isOnlyMutatingGCFields,
} from './escalation.ts';
import type { Authorizer } from './interfaces.ts';
import { PolicyIndex } from './policy-index.ts';
import { RbacAuthorizer } from './rbac-authorizer.ts';
import { RuleResolverOverIndex } from './rule-resolver.ts';
import { privilegedGroupAuthorizer } from './superuser.ts';
import { clusterRole, clusterRoleBinding, role, roleBinding, rule, user } from './testing/fixtures.ts';
import { unionAuthorizer } from './union.ts';

function setup() {
  const index = new PolicyIndex();
  index.upsertClusterRole(clusterRole('pod-reader', rule('get,list', '', 'pods')));
  index.upsertClusterRole(clusterRole('admin-all', rule('*', '*', '*'), { verbs: ['*'], nonResourceURLs: ['*'] }));
  index.upsertClusterRole(clusterRole('escalator', rule('escalate', 'rbac.authorization.k8s.io', 'roles')));
  index.upsertClusterRole(
    clusterRole('binder', rule('bind', 'rbac.authorization.k8s.io', 'clusterroles', 'admin-all')),
  );
  index.upsertRoleBinding(roleBinding('ns', 'alice-reads', 'ClusterRole', 'pod-reader', 'User:alice'));
  index.upsertClusterRoleBinding(clusterRoleBinding('root', 'admin-all', 'User:root'));
  index.upsertRoleBinding(roleBinding('ns', 'esc', 'ClusterRole', 'escalator', 'User:esc'));
  index.upsertRoleBinding(roleBinding('ns', 'binder', 'ClusterRole', 'binder', 'User:binder'));
  const authorizer: Authorizer = unionAuthorizer([privilegedGroupAuthorizer(), new RbacAuthorizer(index)]);
  const resolver = new RuleResolverOverIndex(index, 'registry');
  const ctx = (u: ReturnType<typeof user> | undefined, namespace = 'ns', name = ''): EscalationContext => ({
    user: u,
    namespace,
    name,
    authorizer,
    resolver,
  });
  return { index, ctx };
}

function thrown(fn: () => void): StatusError {
  try {
    fn();
  } catch (e) {
    return e as StatusError;
  }
  assert.fail('expected a StatusError');
}

describe('checkRoleEscalation', () => {
  const { ctx } = setup();
  const alice = user('alice', 'system:authenticated');

  it('allows granting held permissions', () => {
    checkRoleEscalation(ctx(alice), 'roles', role('ns', 'r', rule('get', '', 'pods')));
  });

  it('rejects with the upstream message and sorted, compacted missing rules', () => {
    const err = thrown(() =>
      checkRoleEscalation(
        ctx(alice),
        'roles',
        role('ns', 'sneaky', rule('get,list', '', 'secrets', undefined), rule('get', '', 'pods')),
      ),
    );
    assert.equal(err.code, 403);
    assert.equal(
      err.status.message,
      'roles.rbac.authorization.k8s.io "sneaky" is forbidden: user "alice" (groups=["system:authenticated"]) is attempting to grant RBAC permissions not currently held:\n{APIGroups:[""], Resources:["secrets"], Verbs:["get" "list"]}',
    );
    assert.deepEqual(err.status.details, { name: 'sneaky', group: 'rbac.authorization.k8s.io', kind: 'roles' });
  });

  it('held permissions only count in the request namespace', () => {
    const err = thrown(() =>
      checkRoleEscalation(ctx(alice, 'other'), 'roles', role('other', 'r', rule('get', '', 'pods'))),
    );
    assert.equal(err.code, 403);
  });

  it('system:masters and escalate holders skip the check', () => {
    checkRoleEscalation(ctx(user('m', 'system:masters')), 'roles', role('ns', 'r', rule('*', '*', '*')));
    checkRoleEscalation(ctx(user('esc')), 'roles', role('ns', 'r', rule('*', '*', '*')));
  });

  it('prints groups=[] and appends resolution errors', () => {
    const { index, ctx: c } = setup();
    index.upsertRoleBinding(roleBinding('ns', 'dangling', 'Role', 'gone', 'User:carol'));
    const err = thrown(() => checkRoleEscalation(c(user('carol')), 'roles', role('ns', '', rule('get', '', 'pods'))));
    assert.equal(
      err.status.message,
      'roles.rbac.authorization.k8s.io is forbidden: user "carol" (groups=[]) is attempting to grant RBAC permissions not currently held:\n{APIGroups:[""], Resources:["pods"], Verbs:["get"]}; resolution errors: [roles.rbac.authorization.k8s.io "gone" not found]',
    );
  });

  it('an aggregationRule needs full authority', () => {
    const agg: ClusterRole = {
      ...clusterRole('agg'),
      rules: [],
      aggregationRule: { clusterRoleSelectors: [{ matchLabels: { a: 'b' } }] },
    };
    const err = thrown(() => checkRoleEscalation(ctx(alice, ''), 'clusterroles', agg));
    assert.equal(
      err.status.message,
      'clusterroles.rbac.authorization.k8s.io "agg" is forbidden: must have cluster-admin privileges to use the aggregationRule',
    );
    checkRoleEscalation(ctx(user('root'), ''), 'clusterroles', agg);
  });

  it('GC-only updates are not checked', () => {
    const old = role('ns', 'r', rule('*', '*', '*'));
    const updated = {
      ...old,
      metadata: {
        ...old.metadata,
        finalizers: ['x'],
        ownerReferences: [{ apiVersion: 'v1', kind: 'K', name: 'n', uid: 'u' }],
      },
    };
    checkRoleEscalation(ctx(alice, 'ns', 'r'), 'roles', updated, old);
    const changed = { ...updated, metadata: { ...updated.metadata, labels: { a: 'b' } } };
    assert.equal(thrown(() => checkRoleEscalation(ctx(alice, 'ns', 'r'), 'roles', changed, old)).code, 403);
  });

  it('no user on request', () => {
    assert.equal(
      thrown(() => checkRoleEscalation(ctx(undefined), 'roles', role('ns', 'r'))).status.message,
      'roles.rbac.authorization.k8s.io "r" is forbidden: no user on request',
    );
  });
});

describe('checkBindingEscalation', () => {
  const { ctx } = setup();
  const alice = user('alice');

  it('allows binding a role whose rules the user holds', () => {
    checkBindingEscalation(ctx(alice), 'rolebindings', roleBinding('ns', 'b', 'ClusterRole', 'pod-reader', 'User:bob'));
  });

  it('rejects binding more than the user holds', () => {
    const err = thrown(() =>
      checkBindingEscalation(
        ctx(alice),
        'rolebindings',
        roleBinding('ns', 'b', 'ClusterRole', 'admin-all', 'User:bob'),
      ),
    );
    assert.equal(err.code, 403);
    assert.match(
      err.status.message!,
      /^rolebindings\.rbac\.authorization\.k8s\.io "b" is forbidden: user "alice" \(groups=\[\]\) is attempting to grant RBAC permissions not currently held:\n\{APIGroups:\["\*"\], Resources:\["\*"\], Verbs:\["\*"\]\}\n\{NonResourceURLs:\["\*"\], Verbs:\["\*"\]\}$/,
    );
  });

  it('a missing role is a 404 for non-privileged users, fine for superusers and bind holders', () => {
    const err = thrown(() =>
      checkBindingEscalation(ctx(alice), 'rolebindings', roleBinding('ns', 'b', 'ClusterRole', 'nope', 'User:bob')),
    );
    assert.equal(err.code, 404);
    assert.equal(err.status.message, 'clusterroles.rbac.authorization.k8s.io "nope" not found');
    checkBindingEscalation(
      ctx(user('m', 'system:masters')),
      'rolebindings',
      roleBinding('ns', 'b', 'ClusterRole', 'nope'),
    );
  });

  it('bind is checked on the roleRef name in the binding namespace', () => {
    checkBindingEscalation(
      ctx(user('binder')),
      'rolebindings',
      roleBinding('ns', 'b', 'ClusterRole', 'admin-all', 'User:x'),
    );
    assert.equal(
      thrown(() =>
        checkBindingEscalation(
          ctx(user('binder'), ''),
          'clusterrolebindings',
          clusterRoleBinding('b', 'admin-all', 'User:x'),
        ),
      ).code,
      403,
    );
  });

  it('a RoleBinding needs a namespace', () => {
    const err = thrown(() =>
      checkBindingEscalation(ctx(alice, ''), 'rolebindings', roleBinding('', 'b', 'ClusterRole', 'pod-reader')),
    );
    assert.equal(err.code, 400);
    assert.equal(err.status.message, 'namespace is required');
  });
});

describe('confirmNoEscalation / isOnlyMutatingGCFields', () => {
  it('is undefined when covered', () => {
    const { ctx } = setup();
    const c = ctx(user('root'), '');
    assert.equal(confirmNoEscalation(c.user, '', [rule('*', '*', '*')], c.resolver), undefined);
  });
  it('treats missing and empty lists alike', () => {
    const a = role('ns', 'r');
    const b = { ...role('ns', 'r'), metadata: { namespace: 'ns', name: 'r', labels: {} } };
    assert.equal(isOnlyMutatingGCFields(b, a), true);
    assert.equal(isOnlyMutatingGCFields(a, undefined), false);
  });
});
