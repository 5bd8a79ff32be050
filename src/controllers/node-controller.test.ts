import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import type { Namespace, Pod } from '../api/core-v1.ts';
import { createStores, type Stores } from '../registry/stores.ts';
import { openSqliteStorage, type SqliteStorage } from '../storage/sqlite/sqlite-storage.ts';
import { FakeClock } from '../util/clock.ts';
import type { Controller } from './controller.ts';
import { EventRecorder } from './events.ts';
import { NODE_NAME, nodeController } from './node-controller.ts';

const START = Date.UTC(2026, 0, 1, 12, 0, 0);

/** Polls `check` until it holds; the deadline only bounds a broken run, it is not asserted. */
async function eventually(check: () => Promise<boolean>, what: string, ms = 20_000): Promise<void> {
  const deadline = Date.now() + ms;
  while (!(await check())) {
    if (Date.now() > deadline) assert.fail(`timed out waiting for ${what}`);
    await sleep(10);
  }
}

function pod(name: string, containers = [{ name: 'app', image: 'nginx:1.27' }]): Pod {
  return { metadata: { name }, spec: { containers } };
}

describe('node controller', () => {
  let storage: SqliteStorage;
  let stores: Stores;
  let controller: Controller;
  const errors: unknown[] = [];

  before(async () => {
    storage = openSqliteStorage({ path: ':memory:', compactInterval: 0 });
    const clock = new FakeClock(START);
    stores = createStores(storage, clock);
    await stores.namespaces.create('', { metadata: { name: 'default' } } as Namespace);
    await stores.namespaces.create('', { metadata: { name: 'apps' } } as Namespace);
    await stores.pods.create('apps', pod('before-start'));
    const recorder = new EventRecorder(stores.events, clock, 'superkube', (err) => errors.push(err));
    controller = nodeController(stores, clock, recorder, (err) => errors.push(err));
    await controller.synced;
  });
  after(async () => {
    controller.stop();
    await storage.close();
  });

  it('registers the node, Ready', async () => {
    await eventually(async () => !!(await stores.nodes.find('', NODE_NAME)), 'the node');
    const node = await stores.nodes.get('', NODE_NAME);
    assert.equal(node.metadata.labels?.['kubernetes.io/hostname'], NODE_NAME);
    const ready = (node.status as { conditions: { type: string; status: string }[] }).conditions.find(
      (c) => c.type === 'Ready',
    );
    assert.equal(ready?.status, 'True');
  });

  it('a pod that existed before start becomes Running too', async () => {
    await eventually(
      async () => (await stores.pods.get('apps', 'before-start')).status?.phase === 'Running',
      'before-start Running',
    );
  });

  it('a new pod becomes Running on the node, with a pod IP and ready containers', async () => {
    await stores.pods.create(
      'apps',
      pod('web', [
        { name: 'app', image: 'nginx:1.27' },
        { name: 'sidecar', image: 'busybox' },
      ]),
    );
    await eventually(async () => (await stores.pods.get('apps', 'web')).status?.phase === 'Running', 'web Running');
    const p = await stores.pods.get('apps', 'web');
    assert.equal(p.spec?.nodeName, NODE_NAME);
    assert.match(p.status?.podIP ?? '', /^10\.42\.\d+\.\d+$/);
    assert.equal(p.status?.['hostIP'], '127.0.0.1');
    assert.equal(p.status?.['startTime'], '2026-01-01T12:00:00Z');
    const conditions = ((p.status?.['conditions'] ?? []) as { type: string; status: string }[]).map(
      (c) => `${c.type}=${c.status}`,
    );
    for (const c of ['Initialized=True', 'Ready=True', 'ContainersReady=True', 'PodScheduled=True'])
      assert.ok(conditions.includes(c), c);
    const statuses = p.status?.containerStatuses as { name: string; ready: boolean; image: string }[];
    assert.deepEqual(
      statuses.map((s) => [s.name, s.ready, s.image]),
      [
        ['app', true, 'nginx:1.27'],
        ['sidecar', true, 'busybox'],
      ],
    );
    // kubectl get pods: READY 2/2 STATUS Running NODE superkube
    const row = stores.pods.strategy.row(p, new Date(START));
    assert.deepEqual([row[1], row[2], row[6]], ['2/2', 'Running', NODE_NAME]);
  });

  it('records the scheduler and kubelet events for the pod', async () => {
    await eventually(async () => (await stores.pods.get('apps', 'web')).status?.phase === 'Running', 'web Running');
    const pending = async () =>
      (await stores.events.list('apps')).items.filter((e) => e.involvedObject?.name === 'web');
    await eventually(async () => (await pending()).length >= 7, 'seven events');
    const events = await pending();
    const p = await stores.pods.get('apps', 'web');
    assert.deepEqual(
      events.map((e) => `${e.type} ${e.reason} ${e.source?.component}: ${e.message}`).sort(),
      [
        `Normal Scheduled default-scheduler: Successfully assigned apps/web to ${NODE_NAME}`,
        'Normal Pulled kubelet: Container image "nginx:1.27" already present on machine (simulated)',
        'Normal Created kubelet: Created container: app',
        'Normal Started kubelet: Started container app (simulated: superkube runs no containers)',
        'Normal Pulled kubelet: Container image "busybox" already present on machine (simulated)',
        'Normal Created kubelet: Created container: sidecar',
        'Normal Started kubelet: Started container sidecar (simulated: superkube runs no containers)',
      ].sort(),
    );
    for (const e of events) {
      assert.equal(e.involvedObject?.kind, 'Pod');
      assert.equal(e.involvedObject?.uid, p.metadata.uid);
      assert.equal(e.involvedObject?.namespace, 'apps');
      assert.equal(e.count, 1);
    }
  });

  it('a pod marked for deletion is removed', async () => {
    await stores.pods.create('apps', pod('short-lived'));
    await eventually(
      async () => (await stores.pods.get('apps', 'short-lived')).status?.phase === 'Running',
      'short-lived Running',
    );
    const res = await stores.pods.delete('apps', 'short-lived');
    assert.equal(res.deleted, false, 'graceful: marked first');
    await eventually(async () => !(await stores.pods.find('apps', 'short-lived')), 'the pod removed');
  });

  it('reports no errors', async () => {
    await controller.idle();
    assert.deepEqual(errors, []);
  });
});
