import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { ClusterRole, PolicyRule } from '../../api/rbac-v1.ts';
import { aggregateRules, rulesEqual, syncAggregatedRole } from './aggregation.ts';
import { loadBootstrapPolicy } from './bootstrap-policy.ts';
import { clusterRole, rule } from './testing/fixtures.ts';

function labelled(name: string, labels: Record<string, string>, ...rules: PolicyRule[]): ClusterRole {
  const r = clusterRole(name, ...rules);
  r.metadata.labels = labels;
  return r;
}

function union(...lists: PolicyRule[][]): PolicyRule[] {
  const out: PolicyRule[] = [];
  for (const l of lists) for (const r of l) if (!out.some((o) => rulesEqual(o, r))) out.push(r);
  return out;
}

describe('aggregateRules', () => {
  it('selectors in order, matches sorted by name, self skipped, exact duplicates dropped', () => {
    const target: ClusterRole = {
      ...clusterRole('t'),
      aggregationRule: {
        clusterRoleSelectors: [{ matchLabels: { x: '1' } }, { matchExpressions: [{ key: 'y', operator: 'Exists' }] }],
      },
    };
    target.metadata.labels = { x: '1' };
    const all = [
      target,
      labelled('b', { x: '1' }, rule('get', '', 'b')),
      labelled('a', { x: '1' }, rule('get', '', 'a'), rule('get', '', 'b')),
      labelled('c', { y: '' }, rule('list', '', 'c')),
      labelled('d', { x: '2' }, rule('get', '', 'd')),
    ];
    assert.deepEqual(aggregateRules(target, all), [rule('get', '', 'a'), rule('get', '', 'b'), rule('list', '', 'c')]);
  });

  it('matchExpressions In / NotIn / DoesNotExist', () => {
    const sel = (e: NonNullable<ClusterRole['aggregationRule']>['clusterRoleSelectors']) =>
      ({ ...clusterRole('t'), aggregationRule: { clusterRoleSelectors: e } }) as ClusterRole;
    const all = [labelled('a', { k: 'v1' }, rule('get', '', 'a')), labelled('b', {}, rule('get', '', 'b'))];
    assert.deepEqual(
      aggregateRules(sel([{ matchExpressions: [{ key: 'k', operator: 'In', values: ['v1', 'v2'] }] }]), all),
      [rule('get', '', 'a')],
    );
    assert.deepEqual(
      aggregateRules(sel([{ matchExpressions: [{ key: 'k', operator: 'NotIn', values: ['v1'] }] }]), all),
      [rule('get', '', 'b')],
    );
    assert.deepEqual(aggregateRules(sel([{ matchExpressions: [{ key: 'k', operator: 'DoesNotExist' }] }]), all), [
      rule('get', '', 'b'),
    ]);
    assert.throws(() => aggregateRules(sel([{ matchExpressions: [{ key: 'k', operator: 'In', values: [] }] }]), all));
    assert.throws(() => aggregateRules(sel([{ matchExpressions: [{ key: 'k', operator: 'Bogus' as 'In' }] }]), all));
  });

  it('syncAggregatedRole reports no change when rules already match (nil == empty)', () => {
    const target: ClusterRole = {
      ...clusterRole('t'),
      rules: null,
      aggregationRule: { clusterRoleSelectors: [{ matchLabels: { x: '1' } }] },
    };
    assert.equal(syncAggregatedRole(target, [target]), undefined);
    assert.equal(syncAggregatedRole(clusterRole('plain'), []), undefined);
  });
});

describe('aggregation of the bootstrap admin/edit/view roles', () => {
  it('converges to view = aggregate-to-view, edit = aggregate-to-edit + view, admin = edit + aggregate-to-admin', () => {
    const policy = loadBootstrapPolicy();
    const byName = new Map(policy.clusterRoles.map((r) => [r.metadata.name!, structuredClone(r)]));
    for (const n of ['admin', 'edit', 'view']) assert.equal(byName.get(n)!.rules, null);
    // The controller re-syncs until nothing changes; chains converge in a few passes.
    for (let pass = 0; pass < 5; pass++) {
      let changed = false;
      for (const r of byName.values()) {
        const next = syncAggregatedRole(r, [...byName.values()]);
        if (next) {
          r.rules = next;
          changed = true;
        }
      }
      if (!changed) break;
    }
    const rulesOf = (n: string) => byName.get(n)!.rules ?? [];
    const view = rulesOf('system:aggregate-to-view');
    // matches are taken in name order: system:aggregate-to-edit < view, but edit < system:aggregate-to-admin
    const edit = union(rulesOf('system:aggregate-to-edit'), view);
    const admin = union(edit, rulesOf('system:aggregate-to-admin'));
    assert.ok(view.length >= 10);
    assert.deepEqual(rulesOf('view'), view);
    assert.deepEqual(rulesOf('edit'), edit);
    assert.deepEqual(rulesOf('admin'), admin);
    assert.ok(rulesOf('edit').some((r) => r.resources?.includes('secrets') && r.verbs.includes('create')));
    assert.ok(!rulesOf('view').some((r) => r.resources?.includes('secrets')));
  });
});
