import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import type { ConfigMap, Namespace, Secret } from '../api/core-v1.ts';
import type { Role } from '../api/rbac-v1.ts';
import { createStores, type Stores } from '../registry/stores.ts';
import { openSqliteStorage, type SqliteStorage } from '../storage/sqlite/sqlite-storage.ts';
import { FakeClock } from '../util/clock.ts';
import type { Controller } from './controller.ts';
import { namespaceController, ROOT_CA_CONFIGMAP } from './namespace-controller.ts';

const CA_PEM = '-----BEGIN CERTIFICATE-----\nZmFrZQ==\n-----END CERTIFICATE-----\n';
const DESCRIPTION =
  'Contains a CA bundle that can be used to verify the kube-apiserver when using internal endpoints such as the internal service IP or kubernetes.default.svc. No other usage is guaranteed across distributions of Kubernetes clusters.';

/** Polls `check` until it holds; the deadline only bounds a broken run, it is not asserted. */
async function eventually(check: () => Promise<boolean>, what: string, ms = 20_000): Promise<void> {
  const deadline = Date.now() + ms;
  while (!(await check())) {
    if (Date.now() > deadline) assert.fail(`timed out waiting for ${what}`);
    await sleep(10);
  }
}

describe('namespace controller', () => {
  let storage: SqliteStorage;
  let stores: Stores;
  let controller: Controller;
  const errors: unknown[] = [];

  before(async () => {
    storage = openSqliteStorage({ path: ':memory:', compactInterval: 0 });
    stores = createStores(storage, new FakeClock());
    await stores.namespaces.create('', { metadata: { name: 'existing' } } as Namespace);
    controller = namespaceController(stores, CA_PEM, (err) => errors.push(err));
    await controller.synced;
  });
  after(async () => {
    controller.stop();
    await storage.close();
  });

  it('a namespace that existed at start gets the default ServiceAccount and kube-root-ca.crt', async () => {
    await eventually(
      async () =>
        !!(await stores.serviceAccounts.find('existing', 'default')) &&
        !!(await stores.configMaps.find('existing', ROOT_CA_CONFIGMAP)),
      'defaults in existing',
    );
    const cm = await stores.configMaps.get('existing', ROOT_CA_CONFIGMAP);
    assert.deepEqual(cm.data, { 'ca.crt': CA_PEM });
  });

  it('a new namespace gets them too', async () => {
    await stores.namespaces.create('', { metadata: { name: 'fresh' } } as Namespace);
    await eventually(
      async () =>
        !!(await stores.serviceAccounts.find('fresh', 'default')) &&
        !!(await stores.configMaps.find('fresh', ROOT_CA_CONFIGMAP)),
      'defaults in fresh',
    );
  });

  // root-ca-cert-publisher (pkg/controller/certificates/rootcacertpublisher/publisher.go) writes this annotation.
  it('kube-root-ca.crt carries the kubernetes.io/description annotation', async () => {
    await eventually(async () => !!(await stores.configMaps.find('existing', ROOT_CA_CONFIGMAP)), 'configmap');
    const cm = await stores.configMaps.get('existing', ROOT_CA_CONFIGMAP);
    assert.deepEqual(cm.metadata.annotations, { 'kubernetes.io/description': DESCRIPTION });
  });

  it('the default ServiceAccount and kube-root-ca.crt are recreated when deleted', async () => {
    await eventually(async () => !!(await stores.serviceAccounts.find('existing', 'default')), 'default SA');
    const sa = await stores.serviceAccounts.get('existing', 'default');
    await stores.serviceAccounts.delete('existing', 'default');
    await eventually(async () => {
      const again = await stores.serviceAccounts.find('existing', 'default');
      return !!again && again.metadata.uid !== sa.metadata.uid;
    }, 'a new default SA');

    const cm = await stores.configMaps.get('existing', ROOT_CA_CONFIGMAP);
    await stores.configMaps.delete('existing', ROOT_CA_CONFIGMAP);
    await eventually(async () => {
      const again = await stores.configMaps.find('existing', ROOT_CA_CONFIGMAP);
      return !!again && again.metadata.uid !== cm.metadata.uid;
    }, 'a new kube-root-ca.crt');
    assert.deepEqual((await stores.configMaps.get('existing', ROOT_CA_CONFIGMAP)).data, { 'ca.crt': CA_PEM });
  });

  // Upstream's publisher also watches configmap updates and puts the CA bundle back.
  it('a tampered kube-root-ca.crt is restored', async () => {
    await eventually(async () => !!(await stores.configMaps.find('existing', ROOT_CA_CONFIGMAP)), 'configmap');
    await stores.configMaps.guaranteedUpdate('existing', ROOT_CA_CONFIGMAP, (c) => ({
      ...c,
      data: { 'ca.crt': 'tampered' },
    }));
    await eventually(
      async () => (await stores.configMaps.get('existing', ROOT_CA_CONFIGMAP)).data?.['ca.crt'] === CA_PEM,
      'the CA bundle restored',
      5_000,
    );
  });

  it('a terminating namespace is emptied, then removed', async () => {
    await stores.namespaces.create('', { metadata: { name: 'doomed' } } as Namespace);
    await stores.configMaps.create('doomed', { metadata: { name: 'cfg' }, data: { a: 'b' } } as ConfigMap);
    await stores.secrets.create('doomed', { metadata: { name: 's' }, stringData: { k: 'v' } } as Secret);
    await stores.roles.create('doomed', { metadata: { name: 'r' }, rules: [] } as Role);
    await eventually(async () => !!(await stores.serviceAccounts.find('doomed', 'default')), 'defaults in doomed');
    // Another namespace's objects must survive.
    await stores.configMaps.create('fresh', { metadata: { name: 'survivor' } } as ConfigMap);

    const marked = await stores.namespaces.delete('', 'doomed');
    assert.equal(marked.deleted, false);
    assert.equal(marked.object.status?.phase, 'Terminating');

    await eventually(async () => !(await stores.namespaces.find('', 'doomed')), 'the namespace removed', 20_000);
    for (const store of [stores.configMaps, stores.secrets, stores.roles, stores.serviceAccounts])
      assert.deepEqual((await store.list('doomed')).items, [], store.def.resource);
    assert.ok(await stores.configMaps.find('fresh', 'survivor'));
    // Nothing was recreated in it meanwhile, and a new namespace of the same name starts clean.
    await stores.namespaces.create('', { metadata: { name: 'doomed' } } as Namespace);
    await eventually(async () => !!(await stores.serviceAccounts.find('doomed', 'default')), 'defaults again');
    assert.equal(await stores.configMaps.find('doomed', 'cfg'), undefined);
  });

  it('reports no errors', async () => {
    await controller.idle();
    assert.deepEqual(errors, []);
  });
});
