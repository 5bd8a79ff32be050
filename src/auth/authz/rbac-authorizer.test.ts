import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { PolicyIndex } from './policy-index.ts';
import { RbacAuthorizer } from './rbac-authorizer.ts';
import {
  clusterRole,
  clusterRoleBinding,
  pathAttrs,
  resAttrs,
  role,
  roleBinding,
  rule,
  urlRule,
  user,
} from './testing/fixtures.ts';

function authz(setup: (i: PolicyIndex) => void): RbacAuthorizer {
  const index = new PolicyIndex();
  setup(index);
  return new RbacAuthorizer(index);
}

describe('RbacAuthorizer (rbac_test.go TestAuthorizer)', () => {
  it('a RoleBinding to a ClusterRole grants only in its namespace', () => {
    const a = authz((i) => {
      i.upsertClusterRole(clusterRole('admin', rule('*', '*', '*')));
      i.upsertRoleBinding(roleBinding('ns1', 'b', 'ClusterRole', 'admin', 'User:admin', 'Group:admins'));
    });
    const allow = (u: ReturnType<typeof user>, verb: string, res: string, ns: string) =>
      a.authorize(resAttrs(u, verb, res, { namespace: ns })).decision;
    assert.equal(allow(user('admin'), 'get', 'Pods', 'ns1'), 'Allow');
    assert.equal(allow(user('admin', 'group1'), 'watch', 'Foobar', 'ns1'), 'Allow');
    assert.equal(allow(user('joe', 'group1', 'admins'), 'watch', 'Foobar', 'ns1'), 'Allow');
    assert.equal(allow(user('admin'), 'GET', 'Pods', 'ns2'), 'NoOpinion');
    assert.equal(allow(user('admin', 'admins'), 'GET', 'Nodes', ''), 'NoOpinion');
  });

  it('non-resource URLs via ClusterRoleBindings', () => {
    const a = authz((i) => {
      i.upsertClusterRole(clusterRole('getter', urlRule('get', '/apis')));
      i.upsertClusterRole(clusterRole('star', urlRule('*', '/apis')));
      i.upsertClusterRole(clusterRole('prefix', urlRule('get', '/apis/*')));
      i.upsertClusterRoleBinding(clusterRoleBinding('getter', 'getter', 'User:foo', 'Group:bar'));
      i.upsertClusterRoleBinding(clusterRoleBinding('star', 'star', 'User:admin', 'Group:admin'));
      i.upsertClusterRoleBinding(clusterRoleBinding('prefix', 'prefix', 'User:prefixed', 'Group:prefixed'));
    });
    const d = (u: ReturnType<typeof user>, verb: string, path: string) =>
      a.authorize(pathAttrs(u, verb, path)).decision;
    assert.equal(d(user('foo'), 'get', '/apis'), 'Allow');
    assert.equal(d(user('', 'bar'), 'get', '/apis'), 'Allow');
    assert.equal(d(user('admin'), 'watch', '/apis'), 'Allow');
    assert.equal(d(user('prefixed'), 'get', '/apis/v1/foobar'), 'Allow');
    assert.equal(d(user('foo'), 'watch', '/apis'), 'NoOpinion');
    assert.equal(d(user('admin'), 'get', '/api/v1'), 'NoOpinion');
    assert.equal(d(user('prefixed'), 'get', '/api/v1'), 'NoOpinion');
  });

  it('subresources need their own entries', () => {
    const a = authz((i) => {
      i.upsertClusterRole(clusterRole('admin', rule('*', '*', 'pods')));
      i.upsertRoleBinding(roleBinding('ns1', 'b', 'ClusterRole', 'admin', 'User:admin'));
    });
    assert.equal(a.authorize(resAttrs(user('admin'), 'get', 'pods', { namespace: 'ns1' })).decision, 'Allow');
    assert.equal(
      a.authorize(resAttrs(user('admin'), 'get', 'pods', { namespace: 'ns1', subresource: 'status' })).decision,
      'NoOpinion',
    );
  });
});

describe('RbacAuthorizer reasons and subjects', () => {
  const a = authz((i) => {
    i.upsertClusterRole(clusterRole('view', rule('get,list', '', 'pods')));
    i.upsertRole(role('ns1', 'r', rule('create', '', 'pods')));
    i.upsertClusterRoleBinding(clusterRoleBinding('viewers', 'view', 'Group:devs'));
    i.upsertRoleBinding(roleBinding('ns1', 'sa-binding', 'Role', 'r', 'ServiceAccount:builder'));
    i.upsertRoleBinding(roleBinding('ns1', 'other-sa', 'Role', 'r', 'ServiceAccount:ns2/deployer'));
    i.upsertClusterRoleBinding(clusterRoleBinding('sa-no-ns', 'view', 'ServiceAccount:nobody'));
  });

  it('formats ClusterRoleBinding reasons', () => {
    const r = a.authorize(resAttrs(user('jane', 'devs'), 'list', 'pods', { namespace: 'x' }));
    assert.deepEqual(r, {
      decision: 'Allow',
      reason: 'RBAC: allowed by ClusterRoleBinding "viewers" of ClusterRole "view" to Group "devs"',
    });
  });

  it('formats RoleBinding and ServiceAccount reasons as name/namespace', () => {
    const sa = user('system:serviceaccount:ns1:builder', 'system:serviceaccounts');
    assert.equal(
      a.authorize(resAttrs(sa, 'create', 'pods', { namespace: 'ns1' })).reason,
      'RBAC: allowed by RoleBinding "sa-binding/ns1" of Role "r" to ServiceAccount "builder/ns1"',
    );
    const other = user('system:serviceaccount:ns2:deployer');
    assert.equal(
      a.authorize(resAttrs(other, 'create', 'pods', { namespace: 'ns1' })).reason,
      'RBAC: allowed by RoleBinding "other-sa/ns1" of Role "r" to ServiceAccount "deployer/ns2"',
    );
  });

  it('a ServiceAccount subject without namespace never matches in a ClusterRoleBinding', () => {
    assert.equal(a.authorize(resAttrs(user('system:serviceaccount::nobody'), 'get', 'pods')).decision, 'NoOpinion');
  });

  it('a User subject named like a service account matches that service account', () => {
    const b = authz((i) => {
      i.upsertClusterRole(clusterRole('view', rule('get', '', 'pods')));
      i.upsertClusterRoleBinding(clusterRoleBinding('u', 'view', 'User:system:serviceaccount:ns:sa'));
    });
    assert.equal(b.authorize(resAttrs(user('system:serviceaccount:ns:sa'), 'get', 'pods')).decision, 'Allow');
  });

  it('"*" is not a wildcard subject', () => {
    const b = authz((i) => {
      i.upsertClusterRole(clusterRole('view', rule('get', '', 'pods')));
      i.upsertClusterRoleBinding(clusterRoleBinding('star', 'view', 'User:*', 'Group:*'));
    });
    assert.equal(b.authorize(resAttrs(user('bob', 'devs'), 'get', 'pods')).decision, 'NoOpinion');
  });
});

describe('RbacAuthorizer resolution errors', () => {
  it('reports missing roles in the NoOpinion reason, singular lister wording', () => {
    const a = authz((i) => {
      i.upsertClusterRoleBinding(clusterRoleBinding('b1', 'missing', 'User:bob'));
    });
    assert.deepEqual(a.authorize(resAttrs(user('bob'), 'get', 'pods')), {
      decision: 'NoOpinion',
      reason: 'RBAC: clusterrole.rbac.authorization.k8s.io "missing" not found',
    });
  });

  it('aggregates several errors as [a, b] and keeps evaluating', () => {
    const a = authz((i) => {
      i.upsertClusterRoleBinding(clusterRoleBinding('b1', 'missing', 'User:bob'));
      i.upsertRoleBinding(roleBinding('ns', 'b2', 'Role', 'gone', 'User:bob'));
      i.upsertRoleBinding(roleBinding('ns', 'b3', 'Widget', 'w', 'User:bob'));
    });
    assert.equal(
      a.authorize(resAttrs(user('bob'), 'get', 'pods', { namespace: 'ns' })).reason,
      'RBAC: [clusterrole.rbac.authorization.k8s.io "missing" not found, role.rbac.authorization.k8s.io "gone" not found, unsupported role reference kind: "Widget"]',
    );
    const b = authz((i) => {
      i.upsertClusterRole(clusterRole('view', rule('get', '', 'pods')));
      i.upsertClusterRoleBinding(clusterRoleBinding('a', 'missing', 'User:bob'));
      i.upsertClusterRoleBinding(clusterRoleBinding('b', 'view', 'User:bob'));
    });
    assert.equal(b.authorize(resAttrs(user('bob'), 'get', 'pods')).decision, 'Allow');
  });
});

describe('PolicyIndex updates', () => {
  it('reflects upserts, subject changes and deletes (cache invalidation)', () => {
    const index = new PolicyIndex();
    const a = new RbacAuthorizer(index);
    const attrs = resAttrs(user('bob'), 'get', 'pods', { namespace: 'ns' });
    assert.equal(a.authorize(attrs).decision, 'NoOpinion');
    index.upsertClusterRole(clusterRole('view', rule('get', '', 'pods')));
    index.upsertRoleBinding(roleBinding('ns', 'b', 'ClusterRole', 'view', 'User:bob'));
    assert.equal(a.authorize(attrs).decision, 'Allow');
    index.upsertRoleBinding(roleBinding('ns', 'b', 'ClusterRole', 'view', 'User:alice'));
    assert.equal(a.authorize(attrs).decision, 'NoOpinion');
    index.upsertRoleBinding(roleBinding('ns', 'b', 'ClusterRole', 'view', 'User:bob'));
    index.upsertClusterRole(clusterRole('view', rule('list', '', 'pods')));
    assert.equal(a.authorize(attrs).decision, 'NoOpinion');
    index.upsertClusterRole(clusterRole('view', rule('get', '', 'pods')));
    assert.equal(a.authorize(attrs).decision, 'Allow');
    index.deleteRoleBinding('ns', 'b');
    assert.equal(a.authorize(attrs).decision, 'NoOpinion');
    assert.deepEqual(index.size(), { roles: 0, clusterRoles: 1, roleBindings: 0, clusterRoleBindings: 0 });
  });

  it('replaceAll swaps the whole policy', () => {
    const index = new PolicyIndex();
    index.upsertClusterRoleBinding(clusterRoleBinding('old', 'view', 'User:bob'));
    index.replaceAll({
      roles: [],
      clusterRoles: [clusterRole('view', rule('get', '', 'pods'))],
      roleBindings: [],
      clusterRoleBindings: [clusterRoleBinding('new', 'view', 'Group:g')],
    });
    assert.deepEqual(
      index.clusterRoleBindingsFor(user('bob')).map((b) => b.metadata.name),
      [],
    );
    assert.deepEqual(
      index.clusterRoleBindingsFor(user('x', 'g')).map((b) => b.metadata.name),
      ['new'],
    );
  });

  it('looks up only bindings naming the user (unrelated bindings are never candidates)', () => {
    const index = new PolicyIndex();
    for (let n = 0; n < 300; n++) {
      index.upsertRoleBinding(roleBinding('ns', `rb-${n}`, 'ClusterRole', 'view', `User:other-${n}`));
      index.upsertClusterRoleBinding(clusterRoleBinding(`crb-${n}`, 'view', `Group:other-${n}`));
    }
    index.upsertRoleBinding(roleBinding('ns', 'mine', 'ClusterRole', 'view', 'ServiceAccount:me'));
    const me = user('system:serviceaccount:ns:me', 'system:serviceaccounts');
    assert.deepEqual(
      index.roleBindingsFor(me, 'ns').map((b) => b.metadata.name),
      ['mine'],
    );
    assert.deepEqual(index.clusterRoleBindingsFor(me), []);
    assert.deepEqual(index.roleBindingsFor(me, 'other'), []);
  });
});

describe('RbacAuthorizer.rulesFor', () => {
  it('lists ClusterRoleBinding rules then RoleBinding rules, split by kind, with errors', () => {
    const a = authz((i) => {
      i.upsertClusterRole(clusterRole('c', rule('get', '', 'pods', 'p1'), urlRule('get', '/api')));
      i.upsertRole(role('ns', 'r', rule('list', 'apps', 'deployments')));
      i.upsertClusterRoleBinding(clusterRoleBinding('c', 'c', 'User:bob'));
      i.upsertRoleBinding(roleBinding('ns', 'r', 'Role', 'r', 'User:bob'));
      i.upsertRoleBinding(roleBinding('ns', 'x', 'Role', 'missing', 'User:bob'));
    });
    const got = a.rulesFor(user('bob'), 'ns');
    assert.deepEqual(got.resourceRules, [
      { verbs: ['get'], apiGroups: [''], resources: ['pods'], resourceNames: ['p1'] },
      { verbs: ['list'], apiGroups: ['apps'], resources: ['deployments'], resourceNames: [] },
    ]);
    assert.deepEqual(got.nonResourceRules, [{ verbs: ['get'], nonResourceURLs: ['/api'] }]);
    assert.deepEqual(
      got.errors.map((e) => e.message),
      ['role.rbac.authorization.k8s.io "missing" not found'],
    );
  });
});
