import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import type { ClusterRole, PolicyRule } from '../api/rbac-v1.ts';
import { createStores, type Stores } from '../registry/stores.ts';
import { openSqliteStorage, type SqliteStorage } from '../storage/sqlite/sqlite-storage.ts';
import { FakeClock } from '../util/clock.ts';
import { aggregationController } from './aggregation-controller.ts';
import type { Controller } from './controller.ts';

const LABEL = 'rbac.example.com/aggregate-to-monitoring';

/** Polls `check` until it holds; the deadline only bounds a broken run, it is not asserted. */
async function eventually(check: () => Promise<boolean>, what: string, ms = 20_000): Promise<void> {
  const deadline = Date.now() + ms;
  while (!(await check())) {
    if (Date.now() > deadline) assert.fail(`timed out waiting for ${what}`);
    await sleep(10);
  }
}

function role(name: string, rules: PolicyRule[], labels?: Record<string, string>): ClusterRole {
  return { metadata: { name, ...(labels ? { labels } : {}) }, rules };
}

const PODS: PolicyRule = { verbs: ['get', 'list', 'watch'], apiGroups: [''], resources: ['pods'] };
const NODES: PolicyRule = { verbs: ['get'], apiGroups: [''], resources: ['nodes'] };
const METRICS: PolicyRule = { verbs: ['get'], nonResourceURLs: ['/metrics'] };

describe('clusterrole aggregation controller', () => {
  let storage: SqliteStorage;
  let stores: Stores;
  let controller: Controller;
  const errors: unknown[] = [];
  const rulesOf = async (name: string) => (await stores.clusterRoles.get('', name)).rules ?? [];

  before(async () => {
    storage = openSqliteStorage({ path: ':memory:', compactInterval: 0 });
    stores = createStores(storage, new FakeClock());
    await stores.clusterRoles.create('', role('monitoring-pods', [PODS], { [LABEL]: 'true' }));
    await stores.clusterRoles.create('', role('unrelated', [{ verbs: ['*'], apiGroups: ['*'], resources: ['*'] }]));
    await stores.clusterRoles.create('', {
      metadata: { name: 'monitoring' },
      aggregationRule: { clusterRoleSelectors: [{ matchLabels: { [LABEL]: 'true' } }] },
      rules: [],
    } as ClusterRole);
    controller = aggregationController(stores, (err) => errors.push(err));
    await controller.synced;
  });
  after(async () => {
    controller.stop();
    await storage.close();
  });

  it('an aggregated role gets the rules of the roles its selector matches', async () => {
    await eventually(async () => (await rulesOf('monitoring')).length === 1, 'the first aggregate');
    assert.deepEqual(await rulesOf('monitoring'), [PODS]);
  });

  it('a new matching role adds its rules: the union, by role name', async () => {
    await stores.clusterRoles.create('', role('monitoring-nodes', [NODES, METRICS], { [LABEL]: 'true' }));
    await eventually(async () => (await rulesOf('monitoring')).length === 3, 'the union');
    // monitoring-nodes sorts before monitoring-pods
    assert.deepEqual(await rulesOf('monitoring'), [NODES, METRICS, PODS]);
  });

  it('a changed rule is followed, and a role losing the label drops out', async () => {
    const wider: PolicyRule = { verbs: ['get', 'list', 'watch'], apiGroups: [''], resources: ['pods', 'pods/log'] };
    await stores.clusterRoles.guaranteedUpdate('', 'monitoring-pods', (r) => ({ ...r, rules: [wider] }));
    await eventually(
      async () => JSON.stringify(await rulesOf('monitoring')) === JSON.stringify([NODES, METRICS, wider]),
      'the changed rule',
    );
    await stores.clusterRoles.guaranteedUpdate('', 'monitoring-nodes', (r) => ({
      ...r,
      metadata: { ...r.metadata, labels: {} },
    }));
    await eventually(
      async () => JSON.stringify(await rulesOf('monitoring')) === JSON.stringify([wider]),
      'monitoring-nodes dropped',
    );
  });

  it('a deleted source role drops out', async () => {
    await stores.clusterRoles.delete('', 'monitoring-pods');
    await eventually(async () => (await rulesOf('monitoring')).length === 0, 'no rules left');
  });

  it('roles without an aggregationRule are never rewritten', async () => {
    await controller.idle();
    assert.deepEqual(await rulesOf('unrelated'), [{ verbs: ['*'], apiGroups: ['*'], resources: ['*'] }]);
    assert.deepEqual(errors, []);
  });
});
