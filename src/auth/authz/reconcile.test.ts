import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { ClusterRole } from '../../api/rbac-v1.ts';
import { reconcileBinding, reconcileRole } from './reconcile.ts';
import { clusterRole, clusterRoleBinding, rule } from './testing/fixtures.ts';

const desired = (): ClusterRole => {
  const r = clusterRole('system:x', rule('get,list', '', 'pods'));
  r.metadata.labels = { 'kubernetes.io/bootstrapping': 'rbac-defaults' };
  r.metadata.annotations = { 'rbac.authorization.kubernetes.io/autoupdate': 'true' };
  return r;
};

describe('reconcileRole (union mode)', () => {
  it('creates a missing role', () => {
    assert.deepEqual(reconcileRole(undefined, desired()), { op: 'create', object: desired() });
  });
  it('does nothing when existing covers desired', () => {
    const existing = desired();
    existing.rules!.push(rule('delete', '', 'pods'));
    assert.equal(reconcileRole(existing, desired()), undefined);
  });
  it('adds missing atomic rules and labels, keeps extras and existing values', () => {
    const existing = clusterRole('system:x', rule('get', '', 'pods'), rule('watch', '', 'secrets'));
    existing.metadata.labels = { 'kubernetes.io/bootstrapping': 'custom', mine: 'yes' };
    const got = reconcileRole(existing, desired());
    assert.equal(got?.op, 'update');
    assert.deepEqual(got?.object.rules, [
      rule('get', '', 'pods'),
      rule('watch', '', 'secrets'),
      rule('list', '', 'pods'),
    ]);
    assert.deepEqual(got?.object.metadata.labels, { 'kubernetes.io/bootstrapping': 'custom', mine: 'yes' });
    assert.equal(got?.object.metadata.annotations?.['rbac.authorization.kubernetes.io/autoupdate'], 'true');
  });
  it('leaves autoupdate=false alone', () => {
    const existing = clusterRole('system:x');
    existing.metadata.annotations = { 'rbac.authorization.kubernetes.io/autoupdate': 'false' };
    assert.equal(reconcileRole(existing, desired()), undefined);
  });
  it('adds missing aggregation selectors', () => {
    const want: ClusterRole = {
      ...clusterRole('admin'),
      rules: null,
      aggregationRule: { clusterRoleSelectors: [{ matchLabels: { a: 'b' } }] },
    };
    const have: ClusterRole = {
      ...clusterRole('admin', rule('get', '', 'x')),
      aggregationRule: { clusterRoleSelectors: [{ matchLabels: { c: 'd' } }] },
    };
    const got = reconcileRole(have, want);
    assert.deepEqual(got?.object.aggregationRule?.clusterRoleSelectors, [
      { matchLabels: { c: 'd' } },
      { matchLabels: { a: 'b' } },
    ]);
    assert.deepEqual(got?.object.rules, [rule('get', '', 'x')]);
  });
});

describe('reconcileBinding (union mode)', () => {
  it('adds missing subjects and keeps extra ones', () => {
    const existing = clusterRoleBinding('b', 'r', 'User:extra');
    const got = reconcileBinding(existing, clusterRoleBinding('b', 'r', 'Group:system:authenticated'));
    assert.equal(got?.op, 'update');
    assert.deepEqual(
      got?.object.subjects?.map((s) => s.name),
      ['extra', 'system:authenticated'],
    );
    assert.equal(reconcileBinding(got!.object, clusterRoleBinding('b', 'r', 'Group:system:authenticated')), undefined);
  });
  it('recreates on a roleRef change unless protected', () => {
    assert.equal(reconcileBinding(clusterRoleBinding('b', 'old'), clusterRoleBinding('b', 'new'))?.op, 'recreate');
    const prot = clusterRoleBinding('b', 'old');
    prot.metadata.annotations = { 'rbac.authorization.kubernetes.io/autoupdate': 'false' };
    assert.equal(reconcileBinding(prot, clusterRoleBinding('b', 'new', 'User:x')), undefined);
  });
  it('creates a missing binding', () => {
    assert.equal(reconcileBinding(undefined, clusterRoleBinding('b', 'r'))?.op, 'create');
  });
});
