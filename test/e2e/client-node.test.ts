/**
 * @kubernetes/client-node (v1.x) against a real server, loading the kubeconfig the server wrote: typed CRUD,
 * label selectors, limit/continue paging, k8s.Watch and an informer.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import * as k8s from '@kubernetes/client-node';
import { eventually, startServer, type TestServer } from './harness.ts';

/** The HTTP status of a failed client-node call (ApiException carries `code`). */
async function statusOf(p: Promise<unknown>): Promise<number> {
  try {
    await p;
  } catch (err) {
    return (err as { code?: number }).code ?? -1;
  }
  return 200;
}

describe('@kubernetes/client-node against the server', () => {
  let server: TestServer;
  let kc: k8s.KubeConfig;
  let core: k8s.CoreV1Api;
  const ns = 'client-node';
  const stops: (() => unknown)[] = [];

  before(async () => {
    server = await startServer();
    kc = new k8s.KubeConfig();
    kc.loadFromFile(server.kubeconfig);
    core = kc.makeApiClient(k8s.CoreV1Api);
    await core.createNamespace({ body: { metadata: { name: ns } } });
  });
  after(async () => {
    for (const stop of stops) await stop();
    if (server && server.process.exitCode !== null) console.error(`server had exited: ${server.logs()}`);
    await server?.stop();
  });

  it('lists namespaces', async () => {
    const list = await core.listNamespace();
    const names = list.items.map((n) => n.metadata?.name);
    for (const want of ['default', 'kube-node-lease', 'kube-public', 'kube-system', ns])
      assert.ok(names.includes(want), want);
    assert.match(list.metadata?.resourceVersion ?? '', /^\d+$/);
    const one = list.items.find((n) => n.metadata?.name === 'default');
    assert.equal(one?.status?.phase, 'Active');
  });

  it('creates, reads and deletes a configmap', async () => {
    const created = await core.createNamespacedConfigMap({
      namespace: ns,
      body: { metadata: { name: 'cm1', labels: { app: 'x' } }, data: { k: 'v' } },
    });
    assert.equal(created.metadata?.name, 'cm1');
    assert.equal(created.metadata?.namespace, ns);
    assert.match(created.metadata?.uid ?? '', /^[0-9a-f-]{36}$/);
    assert.match(created.metadata?.resourceVersion ?? '', /^\d+$/);
    assert.ok(created.metadata?.creationTimestamp instanceof Date);

    const read = await core.readNamespacedConfigMap({ name: 'cm1', namespace: ns });
    assert.deepEqual(read.data, { k: 'v' });
    assert.deepEqual(read.metadata?.labels, { app: 'x' });
    assert.equal(read.metadata?.uid, created.metadata?.uid);

    const dup = await statusOf(core.createNamespacedConfigMap({ namespace: ns, body: { metadata: { name: 'cm1' } } }));
    assert.equal(dup, 409);

    await core.deleteNamespacedConfigMap({ name: 'cm1', namespace: ns });
    assert.equal(await statusOf(core.readNamespacedConfigMap({ name: 'cm1', namespace: ns })), 404);
  });

  it('creates a secret with stringData merged into data, reads and deletes it', async () => {
    const created = await core.createNamespacedSecret({
      namespace: ns,
      body: { metadata: { name: 's1' }, data: { a: Buffer.from('1').toString('base64') }, stringData: { b: 'two' } },
    });
    assert.equal(created.type, 'Opaque');
    assert.deepEqual(created.data, { a: 'MQ==', b: 'dHdv' });
    assert.equal(created.stringData, undefined);

    const read = await core.readNamespacedSecret({ name: 's1', namespace: ns });
    assert.deepEqual(read.data, { a: 'MQ==', b: 'dHdv' });
    assert.equal(read.stringData, undefined);
    assert.equal(read.type, 'Opaque');

    await core.deleteNamespacedSecret({ name: 's1', namespace: ns });
    assert.equal(await statusOf(core.readNamespacedSecret({ name: 's1', namespace: ns })), 404);
  });

  it('lists with a labelSelector and pages with limit/continue, every object once', async () => {
    for (let i = 0; i < 7; i++) {
      await core.createNamespacedConfigMap({
        namespace: ns,
        body: {
          metadata: { name: `page-${i}`, labels: { set: 'paging', parity: i % 2 ? 'odd' : 'even' } },
          data: { i: String(i) },
        },
      });
    }
    await core.createNamespacedConfigMap({ namespace: ns, body: { metadata: { name: 'unlabelled' } } });

    const odd = await core.listNamespacedConfigMap({ namespace: ns, labelSelector: 'set=paging,parity=odd' });
    assert.deepEqual(
      odd.items.map((c) => c.metadata?.name),
      ['page-1', 'page-3', 'page-5'],
    );
    const notEven = await core.listNamespacedConfigMap({ namespace: ns, labelSelector: 'set=paging,parity!=even' });
    assert.equal(notEven.items.length, 3);

    const seen: string[] = [];
    const pageSizes: number[] = [];
    let cont: string | undefined;
    let rv: string | undefined;
    do {
      const page = await core.listNamespacedConfigMap({
        namespace: ns,
        labelSelector: 'set=paging',
        limit: 3,
        _continue: cont,
      });
      pageSizes.push(page.items.length);
      seen.push(...page.items.map((c) => c.metadata?.name ?? ''));
      cont = page.metadata?._continue || undefined;
      // Every page of one paged list is served at the first page's resourceVersion.
      rv ??= page.metadata?.resourceVersion;
      assert.equal(page.metadata?.resourceVersion, rv);
      if (cont) assert.ok((page.metadata?.remainingItemCount ?? 1) > 0);
      assert.ok(pageSizes.length <= 5, 'paging does not end');
    } while (cont);
    assert.deepEqual(pageSizes, [3, 3, 1]);
    assert.deepEqual(seen, ['page-0', 'page-1', 'page-2', 'page-3', 'page-4', 'page-5', 'page-6']);
  });

  it('k8s.Watch delivers ADDED, MODIFIED and DELETED for changes made after it started', async () => {
    const start = await core.listNamespacedConfigMap({ namespace: ns });
    const events: [string, string, string][] = [];
    let doneErr: unknown = 'not done';
    const watch = new k8s.Watch(kc);
    const controller = await watch.watch(
      `/api/v1/namespaces/${ns}/configmaps`,
      { resourceVersion: start.metadata?.resourceVersion, allowWatchBookmarks: false },
      (type, obj: k8s.V1ConfigMap) => events.push([type, obj.metadata?.name ?? '', obj.data?.['v'] ?? '']),
      (err) => {
        doneErr = err;
      },
    );
    stops.push(() => controller.abort());

    await core.createNamespacedConfigMap({ namespace: ns, body: { metadata: { name: 'watched' }, data: { v: '1' } } });
    await core.replaceNamespacedConfigMap({
      name: 'watched',
      namespace: ns,
      body: { metadata: { name: 'watched' }, data: { v: '2' } },
    });
    await core.deleteNamespacedConfigMap({ name: 'watched', namespace: ns });

    await eventually(
      async () => events.length >= 3,
      20_000,
      `three events (got ${JSON.stringify(events)}, done ${String(doneErr)})`,
    );
    assert.deepEqual(events, [
      ['ADDED', 'watched', '1'],
      ['MODIFIED', 'watched', '2'],
      ['DELETED', 'watched', '2'],
    ]);
    assert.equal(doneErr, 'not done', 'the watch stays open');
    controller.abort();
  });

  it('an informer sees an object added after it started', async () => {
    const informer = k8s.makeInformer<k8s.V1ConfigMap>(kc, `/api/v1/namespaces/${ns}/configmaps`, () =>
      core.listNamespacedConfigMap({ namespace: ns }),
    );
    const added: string[] = [];
    const errors: unknown[] = [];
    informer.on('add', (obj) => added.push(obj.metadata?.name ?? ''));
    informer.on('error', (err) => errors.push(err));
    await informer.start();
    stops.push(() => informer.stop());

    // The initial list is delivered as adds.
    await eventually(async () => added.includes('page-0'), 20_000, 'the initial list');
    await core.createNamespacedConfigMap({ namespace: ns, body: { metadata: { name: 'informed' } } });
    await eventually(
      async () => added.includes('informed'),
      20_000,
      `the informer add (errors ${JSON.stringify(errors)})`,
    );
    assert.equal(informer.get('informed', ns)?.metadata?.name, 'informed');
    assert.deepEqual(errors, []);
    await informer.stop();
  });
});
