import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { ConfigMap, Namespace, Pod } from '../api/core-v1.ts';
import { formatTime, type KubernetesObject } from '../api/meta.ts';
import { StatusError } from '../api/status.ts';
import { openSqliteStorage, type SqliteStorage } from '../storage/sqlite/sqlite-storage.ts';
import { FakeClock } from '../util/clock.ts';
import type { ObjectEvent, ObjectWatch } from './store.ts';
import { createStores, type Stores } from './stores.ts';

const START = Date.UTC(2026, 0, 1, 12, 0, 0);

/** A rejection's StatusError, so tests can compare the exact Status a client would receive. */
async function statusOf(p: Promise<unknown>): Promise<StatusError> {
  try {
    await p;
  } catch (err) {
    if (err instanceof StatusError) return err;
    throw err;
  }
  assert.fail('expected a StatusError, the call succeeded');
}

function cm(name: string, extra: Partial<ConfigMap> = {}, labels?: Record<string, string>): ConfigMap {
  return { metadata: { name, ...(labels ? { labels } : {}) }, data: { k: 'v' }, ...extra };
}

function pod(name: string, labels?: Record<string, string>): Pod {
  return {
    metadata: { name, ...(labels ? { labels } : {}) },
    spec: { containers: [{ name: 'c', image: 'nginx' }] },
  };
}

/** Resolves with `p` or fails the test after a generous deadline (a hang is a bug, not a timing assertion). */
async function within<T>(p: Promise<T>, what: string, ms = 10_000): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const deadline = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`timed out waiting for ${what}`)), ms);
  });
  try {
    return await Promise.race([p, deadline]);
  } finally {
    clearTimeout(timer);
  }
}

/** Pulls the next `n` events of a watch (without ending it). */
async function take<T extends KubernetesObject>(w: ObjectWatch<T>, n: number): Promise<ObjectEvent<T>[]> {
  const it = w[Symbol.asyncIterator]();
  const out: ObjectEvent<T>[] = [];
  while (out.length < n) {
    const r = await within(it.next(), `watch event ${out.length + 1} of ${n}`);
    if (r.done) break;
    out.push(r.value);
  }
  return out;
}

const summary = (evs: ObjectEvent<KubernetesObject>[]) => evs.map((e) => `${e.type} ${e.object.metadata.name}`);

describe('Store over sqlite :memory:', () => {
  let storage: SqliteStorage;
  let clock: FakeClock;
  let stores: Stores;
  let nsCounter = 0;

  /** A fresh namespace per test, so tests share one storage without seeing each other's objects. */
  async function freshNamespace(): Promise<string> {
    const name = `ns${++nsCounter}`;
    await stores.namespaces.create('', { metadata: { name } } as Namespace);
    return name;
  }

  before(() => {
    storage = openSqliteStorage({ path: ':memory:', compactInterval: 0 });
    clock = new FakeClock(START);
    stores = createStores(storage, clock);
  });
  after(async () => {
    await storage.close();
  });

  describe('create', () => {
    it('stamps uid, creationTimestamp, resourceVersion, apiVersion/kind and generates names', async () => {
      const ns = await freshNamespace();
      const created = await stores.configMaps.create(ns, {
        metadata: { generateName: 'gen-', resourceVersion: '999', uid: 'client-uid' },
        data: { a: 'b' },
      });
      assert.match(created.metadata.name!, /^gen-[bcdfghjklmnpqrstvwxz2456789]{5}$/);
      assert.match(created.metadata.uid!, /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
      assert.notEqual(created.metadata.uid, 'client-uid');
      assert.equal(created.metadata.creationTimestamp, '2026-01-01T12:00:00Z');
      assert.equal(created.metadata.namespace, ns);
      assert.equal(created.apiVersion, 'v1');
      assert.equal(created.kind, 'ConfigMap');
      assert.match(created.metadata.resourceVersion!, /^\d+$/);
      assert.equal(created.metadata.resourceVersion, String(await storage.currentRevision()));

      const got = await stores.configMaps.get(ns, created.metadata.name!);
      assert.deepEqual(got, created);
    });

    it('two objects get different uids and increasing resourceVersions', async () => {
      const ns = await freshNamespace();
      const a = await stores.configMaps.create(ns, cm('a'));
      const b = await stores.configMaps.create(ns, cm('b'));
      assert.notEqual(a.metadata.uid, b.metadata.uid);
      assert.ok(Number(b.metadata.resourceVersion) > Number(a.metadata.resourceVersion));
    });

    it('409 AlreadyExists with the upstream message and details', async () => {
      const ns = await freshNamespace();
      await stores.configMaps.create(ns, cm('dup'));
      const err = await statusOf(stores.configMaps.create(ns, cm('dup')));
      assert.deepEqual(err.status, {
        kind: 'Status',
        apiVersion: 'v1',
        metadata: {},
        status: 'Failure',
        message: 'configmaps "dup" already exists',
        reason: 'AlreadyExists',
        details: { name: 'dup', kind: 'configmaps' },
        code: 409,
      });
    });

    it('409 AlreadyExists names the group for non-core kinds', async () => {
      await stores.clusterRoles.create('', { metadata: { name: 'dup-role' }, rules: [] } as never);
      const err = await statusOf(
        stores.clusterRoles.create('', { metadata: { name: 'dup-role' }, rules: [] } as never),
      );
      assert.equal(err.code, 409);
      assert.equal(err.message, 'clusterroles.rbac.authorization.k8s.io "dup-role" already exists');
      assert.deepEqual(err.status.details, {
        name: 'dup-role',
        group: 'rbac.authorization.k8s.io',
        kind: 'clusterroles',
      });
    });

    it('422 Invalid for a bad name, with upstream message and causes', async () => {
      const ns = await freshNamespace();
      const err = await statusOf(stores.configMaps.create(ns, cm('Bad_Name')));
      const detail =
        "a lowercase RFC 1123 subdomain must consist of lower case alphanumeric characters, '-' or '.', and must start and end with an alphanumeric character (e.g. 'example.com', regex used for validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*')";
      assert.equal(err.code, 422);
      assert.equal(err.reason, 'Invalid');
      assert.equal(err.message, `ConfigMap "Bad_Name" is invalid: metadata.name: Invalid value: "Bad_Name": ${detail}`);
      assert.deepEqual(err.status.details, {
        name: 'Bad_Name',
        kind: 'ConfigMap',
        causes: [
          { reason: 'FieldValueInvalid', message: `Invalid value: "Bad_Name": ${detail}`, field: 'metadata.name' },
        ],
      });
      assert.equal(await stores.configMaps.find(ns, 'Bad_Name'), undefined);
    });

    it('422 when neither name nor generateName is given', async () => {
      const ns = await freshNamespace();
      const err = await statusOf(stores.configMaps.create(ns, { metadata: {} }));
      assert.equal(err.code, 422);
      assert.equal(
        err.message,
        'ConfigMap "" is invalid: metadata.name: Required value: name or generateName is required',
      );
    });

    it('404 when the namespace does not exist', async () => {
      const err = await statusOf(stores.configMaps.create('no-such-ns', cm('x')));
      assert.equal(err.code, 404);
      assert.equal(err.reason, 'NotFound');
      assert.equal(err.message, 'namespaces "no-such-ns" not found');
      assert.deepEqual(err.status.details, { name: 'no-such-ns', kind: 'namespaces' });
    });

    it('403 in a terminating namespace, with upstream message', async () => {
      const ns = await freshNamespace();
      await stores.namespaces.delete('', ns);
      const err = await statusOf(stores.configMaps.create(ns, cm('late')));
      assert.equal(err.code, 403);
      assert.equal(err.reason, 'Forbidden');
      assert.equal(
        err.message,
        `configmaps "late" is forbidden: unable to create new content in namespace ${ns} because it is being terminated`,
      );
      assert.equal(err.status.details?.name, 'late');
      assert.equal(err.status.details?.kind, 'configmaps');
    });

    // Upstream's NamespaceLifecycle admission appends a NamespaceTerminating cause (plugin/pkg/admission/namespace/
    // lifecycle/admission.go), which clients such as kubectl apply use to tell this 403 apart.
    it('403 in a terminating namespace carries the NamespaceTerminating cause', async () => {
      const ns = await freshNamespace();
      await stores.namespaces.delete('', ns);
      const err = await statusOf(stores.configMaps.create(ns, cm('late')));
      assert.deepEqual(err.status.details, {
        name: 'late',
        kind: 'configmaps',
        causes: [
          {
            reason: 'NamespaceTerminating',
            message: `namespace ${ns} is being terminated`,
            field: 'metadata.namespace',
          },
        ],
      });
    });

    it('dryRun validates and returns the object but persists nothing', async () => {
      const ns = await freshNamespace();
      const before = await storage.currentRevision();
      const dry = await stores.configMaps.create(ns, cm('dry'), { dryRun: true });
      assert.equal(dry.metadata.name, 'dry');
      assert.ok(dry.metadata.uid);
      assert.equal(dry.metadata.resourceVersion, undefined);
      assert.equal(await stores.configMaps.find(ns, 'dry'), undefined);
      assert.equal(await storage.currentRevision(), before);

      // dry run still reports what a real create would
      await stores.configMaps.create(ns, cm('real'));
      assert.equal((await statusOf(stores.configMaps.create(ns, cm('real'), { dryRun: true }))).code, 409);
      assert.equal((await statusOf(stores.configMaps.create('no-such-ns', cm('x'), { dryRun: true }))).code, 404);
      assert.equal((await statusOf(stores.configMaps.create(ns, cm('BAD'), { dryRun: true }))).code, 422);
    });

    it('a namespace mismatch between body and request is a 400', async () => {
      const ns = await freshNamespace();
      const err = await statusOf(stores.configMaps.create(ns, { metadata: { name: 'x', namespace: 'other' } }));
      assert.equal(err.code, 400);
      assert.equal(
        err.message,
        'the namespace of the provided object does not match the namespace sent on the request',
      );
    });
  });

  describe('get and find', () => {
    it('get of a missing object is a 404 with upstream message; find is undefined', async () => {
      const ns = await freshNamespace();
      const err = await statusOf(stores.configMaps.get(ns, 'missing'));
      assert.deepEqual(err.status, {
        kind: 'Status',
        apiVersion: 'v1',
        metadata: {},
        status: 'Failure',
        message: 'configmaps "missing" not found',
        reason: 'NotFound',
        details: { name: 'missing', kind: 'configmaps' },
        code: 404,
      });
      assert.equal(await stores.configMaps.find(ns, 'missing'), undefined);
    });

    it('objects are namespaced: the same name in another namespace is another object', async () => {
      const a = await freshNamespace();
      const b = await freshNamespace();
      const inA = await stores.configMaps.create(a, cm('same'));
      assert.equal(await stores.configMaps.find(b, 'same'), undefined);
      const inB = await stores.configMaps.create(b, cm('same'));
      assert.notEqual(inA.metadata.uid, inB.metadata.uid);
    });
  });

  describe('list', () => {
    it('label selectors, field selectors and namespaces', async () => {
      const ns = await freshNamespace();
      const other = await freshNamespace();
      await stores.configMaps.create(ns, cm('a', {}, { app: 'web', tier: 'front' }));
      await stores.configMaps.create(ns, cm('b', {}, { app: 'web', tier: 'back' }));
      await stores.configMaps.create(ns, cm('c', {}, { app: 'db' }));
      await stores.configMaps.create(other, cm('d', {}, { app: 'web' }));
      const names = async (namespace: string, opts: Parameters<Stores['configMaps']['list']>[1]) =>
        (await stores.configMaps.list(namespace, opts)).items.map((o) => `${o.metadata.namespace}/${o.metadata.name}`);

      assert.deepEqual(await names(ns, {}), [`${ns}/a`, `${ns}/b`, `${ns}/c`]);
      assert.deepEqual(await names(ns, { labelSelector: 'app=web' }), [`${ns}/a`, `${ns}/b`]);
      assert.deepEqual(await names(ns, { labelSelector: 'app=web,tier!=front' }), [`${ns}/b`]);
      assert.deepEqual(await names(ns, { labelSelector: 'app in (db)' }), [`${ns}/c`]);
      assert.deepEqual(await names(ns, { labelSelector: '!tier' }), [`${ns}/c`]);
      assert.deepEqual(await names(ns, { fieldSelector: 'metadata.name=b' }), [`${ns}/b`]);
      assert.deepEqual(await names(ns, { fieldSelector: 'metadata.name!=b' }), [`${ns}/a`, `${ns}/c`]);
      const all = await names('', { labelSelector: 'app=web', fieldSelector: `metadata.namespace=${other}` });
      assert.deepEqual(all, [`${other}/d`]);
    });

    it('list metadata carries the current revision; toList gives the kind', async () => {
      const ns = await freshNamespace();
      await stores.configMaps.create(ns, cm('a'));
      const list = await stores.configMaps.list(ns);
      assert.equal(list.metadata.resourceVersion, String(await storage.currentRevision()));
      assert.equal(list.metadata.continue, undefined);
      const wire = stores.configMaps.toList(list);
      assert.equal(wire.kind, 'ConfigMapList');
      assert.equal(wire.apiVersion, 'v1');
    });

    it('pod field selectors: spec.nodeName, status.phase, spec.serviceAccountName', async () => {
      const ns = await freshNamespace();
      await stores.pods.create(ns, pod('p1'));
      await stores.pods.create(ns, pod('p2'));
      await stores.pods.guaranteedUpdate(
        ns,
        'p2',
        (p) => ({ ...p, spec: { ...p.spec, nodeName: 'n1' }, status: { ...p.status, phase: 'Running' } }),
        { trusted: true },
      );
      const names = async (fieldSelector: string) =>
        (await stores.pods.list(ns, { fieldSelector })).items.map((p) => p.metadata.name);
      assert.deepEqual(await names('spec.nodeName=n1'), ['p2']);
      assert.deepEqual(await names('spec.nodeName='), ['p1']);
      assert.deepEqual(await names('status.phase=Pending'), ['p1']);
      assert.deepEqual(await names('status.phase!=Pending,spec.serviceAccountName=default'), ['p2']);
    });

    it('an unknown pod field selector is a 400 `field label not supported: x`', async () => {
      const ns = await freshNamespace();
      const err = await statusOf(stores.pods.list(ns, { fieldSelector: 'spec.bogus=1' }));
      assert.deepEqual(err.status, {
        kind: 'Status',
        apiVersion: 'v1',
        metadata: {},
        status: 'Failure',
        message: 'field label not supported: spec.bogus',
        reason: 'BadRequest',
        code: 400,
      });
      // watch refuses it the same way
      assert.equal((await statusOf(stores.pods.watch(ns, { fieldSelector: 'spec.bogus=1' }))).code, 400);
    });

    // Kinds without their own field-label conversion use runtime.DefaultMetaV1FieldSelectorConversion upstream.
    it('an unknown configmap field selector is a 400 with the default conversion message', async () => {
      const ns = await freshNamespace();
      const err = await statusOf(stores.configMaps.list(ns, { fieldSelector: 'data.k=v' }));
      assert.equal(err.code, 400);
      assert.equal(err.message, '"data.k" is not a known field selector: only "metadata.name", "metadata.namespace"');
    });

    it('a malformed label selector is a 400', async () => {
      const ns = await freshNamespace();
      const err = await statusOf(stores.configMaps.list(ns, { labelSelector: 'a in (' }));
      assert.equal(err.code, 400);
      assert.equal(err.reason, 'BadRequest');
    });

    it('limit/continue pages through one consistent snapshot while writes happen', async () => {
      const ns = await freshNamespace();
      const original = ['a', 'b', 'c', 'd', 'e', 'f', 'g'];
      for (const n of original) await stores.configMaps.create(ns, cm(n));
      const first = await stores.configMaps.list(ns, { limit: 3 });
      assert.deepEqual(
        first.items.map((o) => o.metadata.name),
        ['a', 'b', 'c'],
      );
      assert.ok(first.metadata.continue, 'a continue token');
      const snapshotRv = first.metadata.resourceVersion;
      const dRv = (await stores.configMaps.get(ns, 'd')).metadata.resourceVersion;

      // Writes between pages must not show up in later pages of the same list.
      await stores.configMaps.create(ns, cm('cc'));
      await stores.configMaps.delete(ns, 'e');
      await stores.configMaps.guaranteedUpdate(ns, 'd', (o) => ({ ...o, data: { changed: 'yes' } }));
      await stores.configMaps.create(ns, cm('h'));

      const seen = [...first.items];
      let token: string | undefined = first.metadata.continue;
      let pages = 1;
      while (token) {
        const page = await stores.configMaps.list(ns, { limit: 3, continue: token });
        assert.equal(page.metadata.resourceVersion, snapshotRv, 'every page is served at the first page revision');
        assert.ok(page.items.length <= 3);
        seen.push(...page.items);
        token = page.metadata.continue;
        pages++;
      }
      assert.equal(pages, 3);
      assert.deepEqual(
        seen.map((o) => o.metadata.name),
        original,
      );
      const d = seen.find((o) => o.metadata.name === 'd')!;
      assert.deepEqual(d.data, { k: 'v' });
      assert.equal(d.metadata.resourceVersion, dRv);

      // A fresh list sees the new state.
      const now = await stores.configMaps.list(ns);
      assert.deepEqual(
        now.items.map((o) => o.metadata.name),
        ['a', 'b', 'c', 'cc', 'd', 'f', 'g', 'h'],
      );
    });

    it('listAs maps items as they are read; listJson writes what JSON.stringify(toList(list())) writes', async () => {
      const ns = await freshNamespace();
      for (const [i, n] of ['a', 'b', 'c', 'd'].entries())
        await stores.configMaps.create(
          ns,
          cm(n, { data: { quote: '"\\\u2028', i: String(i) } }, { odd: String(i % 2) }),
        );
      for (const opts of [{}, { labelSelector: 'odd=1' }, { limit: 1 }]) {
        const plain = await stores.configMaps.list(ns, opts);
        const mapped = await stores.configMaps.listAs(ns, opts, (o) => JSON.stringify(o));
        assert.equal(stores.configMaps.listJson(mapped), JSON.stringify(stores.configMaps.toList(plain)));
      }
      const names = await stores.configMaps.listAs(ns, {}, (o) => o.metadata.name);
      assert.deepEqual(names.items, ['a', 'b', 'c', 'd']);
    });

    it('limit with a selector fills pages with matches only', async () => {
      const ns = await freshNamespace();
      for (const [i, n] of ['a', 'b', 'c', 'd', 'e', 'f'].entries())
        await stores.configMaps.create(ns, cm(n, {}, { even: String(i % 2 === 0) }));
      const p1 = await stores.configMaps.list(ns, { limit: 2, labelSelector: 'even=true' });
      assert.deepEqual(
        p1.items.map((o) => o.metadata.name),
        ['a', 'c'],
      );
      assert.ok(p1.metadata.continue);
      const p2 = await stores.configMaps.list(ns, {
        limit: 2,
        labelSelector: 'even=true',
        continue: p1.metadata.continue,
      });
      assert.deepEqual(
        p2.items.map((o) => o.metadata.name),
        ['e'],
      );
    });

    it('a continue token whose revision was compacted is a 410 Expired', async () => {
      const ns = await freshNamespace();
      for (const n of ['a', 'b', 'c']) await stores.configMaps.create(ns, cm(n));
      const first = await stores.configMaps.list(ns, { limit: 1 });
      await stores.configMaps.guaranteedUpdate(ns, 'b', (o) => ({ ...o, data: { x: 'y' } }));
      await storage.compact(await storage.currentRevision());
      const err = await statusOf(stores.configMaps.list(ns, { limit: 1, continue: first.metadata.continue }));
      assert.equal(err.code, 410);
      assert.equal(err.reason, 'Expired');
    });

    // etcd3 store interpretListError -> handleCompactedErrorForPaging: the 410 carries a continue token that
    // resumes at the latest revision, and says so.
    it('the 410 for a compacted continue token offers upstream`s inconsistent continue token', async () => {
      const ns = await freshNamespace();
      for (const n of ['a', 'b', 'c']) await stores.configMaps.create(ns, cm(n));
      const first = await stores.configMaps.list(ns, { limit: 1 });
      await stores.configMaps.guaranteedUpdate(ns, 'b', (o) => ({ ...o, data: { x: 'y' } }));
      await storage.compact(await storage.currentRevision());
      const err = await statusOf(stores.configMaps.list(ns, { limit: 1, continue: first.metadata.continue }));
      assert.equal(
        err.message,
        'The provided continue parameter is too old to display a consistent list result. You can start a new list without the continue parameter, or use the continue token in this response to retrieve the remainder of the results. Continuing with the provided token results in an inconsistent list - objects that were created, modified, or deleted between the time the first chunk was returned and now may show up in the list.',
      );
      const meta = err.status.metadata as { continue?: string };
      assert.ok(meta.continue, 'Status.metadata.continue');
    });

    it('a malformed continue token is a 400', async () => {
      const ns = await freshNamespace();
      const err = await statusOf(stores.configMaps.list(ns, { limit: 1, continue: 'not-a-token' }));
      assert.equal(err.code, 400);
      assert.equal(
        err.message,
        'continue key is not valid: incorrect encoded start resourceVersion (version meta.k8s.io/v1)',
      );
    });
  });

  describe('update', () => {
    it('a stale resourceVersion is a 409 Conflict with upstream message', async () => {
      const ns = await freshNamespace();
      const v1 = await stores.configMaps.create(ns, cm('u'));
      await stores.configMaps.update(ns, 'u', { ...v1, data: { k: 'v2' } });
      const err = await statusOf(stores.configMaps.update(ns, 'u', { ...v1, data: { k: 'v3' } }));
      assert.deepEqual(err.status, {
        kind: 'Status',
        apiVersion: 'v1',
        metadata: {},
        status: 'Failure',
        message:
          'Operation cannot be fulfilled on configmaps "u": the object has been modified; please apply your changes to the latest version and try again',
        reason: 'Conflict',
        details: { name: 'u', kind: 'configmaps' },
        code: 409,
      });
      assert.deepEqual((await stores.configMaps.get(ns, 'u')).data, { k: 'v2' });
    });

    it('an update without resourceVersion is unconditional and keeps uid and creationTimestamp', async () => {
      const ns = await freshNamespace();
      const v1 = await stores.configMaps.create(ns, cm('u'));
      await stores.configMaps.update(ns, 'u', { ...v1, data: { k: 'other' } });
      clock.advance(5000);
      const v3 = await stores.configMaps.update(ns, 'u', {
        metadata: { name: 'u', uid: 'forged', creationTimestamp: '2000-01-01T00:00:00Z' },
        data: { k: 'v3' },
      });
      assert.deepEqual(v3.data, { k: 'v3' });
      assert.equal(v3.metadata.uid, v1.metadata.uid);
      assert.equal(v3.metadata.creationTimestamp, v1.metadata.creationTimestamp);
      assert.ok(Number(v3.metadata.resourceVersion) > Number(v1.metadata.resourceVersion));
      assert.deepEqual(await stores.configMaps.get(ns, 'u'), v3);
    });

    it('an unchanged object keeps its resourceVersion and writes nothing', async () => {
      const ns = await freshNamespace();
      const v1 = await stores.configMaps.create(ns, cm('same'));
      const before = await storage.currentRevision();
      const again = await stores.configMaps.update(ns, 'same', structuredClone(v1));
      assert.equal(again.metadata.resourceVersion, v1.metadata.resourceVersion);
      assert.equal(await storage.currentRevision(), before);
    });

    it('the same object with its keys in another order is unchanged too (Go compares canonical bytes)', async () => {
      const ns = await freshNamespace();
      const v1 = await stores.configMaps.create(ns, cm('order', { data: { a: '1', b: '2' } }, { x: 'y' }));
      const before = await storage.currentRevision();
      const reordered = {
        data: { b: '2', a: '1' },
        metadata: Object.fromEntries(Object.entries(v1.metadata).reverse()),
        kind: v1.kind,
        apiVersion: v1.apiVersion,
      } as ConfigMap;
      const again = await stores.configMaps.update(ns, 'order', reordered);
      assert.equal(again.metadata.resourceVersion, v1.metadata.resourceVersion);
      assert.equal(await storage.currentRevision(), before);
      // A real change is still written.
      const changed = await stores.configMaps.update(ns, 'order', { ...reordered, data: { a: '1', b: '3' } });
      assert.notEqual(changed.metadata.resourceVersion, v1.metadata.resourceVersion);
    });

    it('update of a missing object is a 404; a name mismatch is a 400', async () => {
      const ns = await freshNamespace();
      assert.equal((await statusOf(stores.configMaps.update(ns, 'nope', cm('nope')))).code, 404);
      await stores.configMaps.create(ns, cm('x'));
      const err = await statusOf(stores.configMaps.update(ns, 'x', cm('y')));
      assert.equal(err.code, 400);
      assert.equal(err.message, 'the name of the object (y) does not match the name on the URL (x)');
    });

    it('dryRun update returns the new object and stores nothing', async () => {
      const ns = await freshNamespace();
      const v1 = await stores.configMaps.create(ns, cm('d'));
      const dry = await stores.configMaps.update(ns, 'd', { ...v1, data: { k: 'dry' } }, { dryRun: true });
      assert.deepEqual(dry.data, { k: 'dry' });
      assert.deepEqual(await stores.configMaps.get(ns, 'd'), v1);
    });

    it('guaranteedUpdate retries from a fresh read when a concurrent write wins', async () => {
      const ns = await freshNamespace();
      await stores.configMaps.create(ns, cm('race', { data: { a: '1' } }));
      let calls = 0;
      const result = await stores.configMaps.guaranteedUpdate(ns, 'race', async (cur) => {
        calls++;
        if (calls === 1) {
          // Someone else writes between our read and our write.
          await stores.configMaps.guaranteedUpdate(ns, 'race', (o) => ({ ...o, data: { ...o.data, other: 'x' } }));
        }
        return { ...cur, data: { ...cur.data, mine: 'y' } };
      });
      assert.equal(calls, 2);
      assert.deepEqual(result.data, { a: '1', other: 'x', mine: 'y' });
      assert.deepEqual((await stores.configMaps.get(ns, 'race')).data, { a: '1', other: 'x', mine: 'y' });
    });

    it('guaranteedUpdate runs update validation (immutable fields)', async () => {
      const ns = await freshNamespace();
      await stores.configMaps.create(ns, cm('imm', { immutable: true }));
      const err = await statusOf(
        stores.configMaps.guaranteedUpdate(ns, 'imm', (o) => ({ ...o, data: { k: 'changed' } })),
      );
      assert.equal(err.code, 422);
      assert.equal(err.reason, 'Invalid');
    });
  });

  describe('delete', () => {
    it('deletes a non-graceful kind at once and returns the last state', async () => {
      const ns = await freshNamespace();
      const created = await stores.configMaps.create(ns, cm('gone'));
      const res = await stores.configMaps.delete(ns, 'gone');
      assert.equal(res.deleted, true);
      assert.equal(res.object.metadata.uid, created.metadata.uid);
      assert.equal(await stores.configMaps.find(ns, 'gone'), undefined);
      assert.equal((await statusOf(stores.configMaps.delete(ns, 'gone'))).message, 'configmaps "gone" not found');
    });

    it('preconditions that match allow the delete', async () => {
      const ns = await freshNamespace();
      const c = await stores.configMaps.create(ns, cm('pre'));
      const res = await stores.configMaps.delete(ns, 'pre', {
        preconditions: { uid: c.metadata.uid, resourceVersion: c.metadata.resourceVersion },
      });
      assert.equal(res.deleted, true);
    });

    it('a uid precondition mismatch is a 409 and deletes nothing', async () => {
      const ns = await freshNamespace();
      const c = await stores.configMaps.create(ns, cm('pre'));
      const err = await statusOf(stores.configMaps.delete(ns, 'pre', { preconditions: { uid: 'other-uid' } }));
      assert.equal(err.code, 409);
      assert.equal(err.reason, 'Conflict');
      assert.ok(await stores.configMaps.find(ns, 'pre'));
      assert.ok(err.message.includes('other-uid') && err.message.includes(c.metadata.uid!));
    });

    // rest.BeforeDelete (k8s.io/apiserver/pkg/registry/rest/delete.go) checks preconditions first, naming the Kind.
    it('a uid precondition mismatch has upstream`s BeforeDelete message', async () => {
      const ns = await freshNamespace();
      const c = await stores.configMaps.create(ns, cm('pre'));
      const err = await statusOf(stores.configMaps.delete(ns, 'pre', { preconditions: { uid: 'other-uid' } }));
      assert.equal(
        err.message,
        `Operation cannot be fulfilled on ConfigMap "pre": the UID in the precondition (other-uid) does not match the UID in record (${c.metadata.uid}). The object might have been deleted and then recreated`,
      );
      assert.deepEqual(err.status.details, { name: 'pre', kind: 'ConfigMap' });
    });

    it('a resourceVersion precondition mismatch is a 409 and deletes nothing', async () => {
      const ns = await freshNamespace();
      const c = await stores.configMaps.create(ns, cm('pre'));
      const err = await statusOf(stores.configMaps.delete(ns, 'pre', { preconditions: { resourceVersion: '1' } }));
      assert.equal(err.code, 409);
      assert.equal(err.reason, 'Conflict');
      assert.ok(await stores.configMaps.find(ns, 'pre'));
      assert.ok(err.message.includes(c.metadata.resourceVersion!));
    });

    it('a resourceVersion precondition mismatch has upstream`s BeforeDelete message', async () => {
      const ns = await freshNamespace();
      const c = await stores.configMaps.create(ns, cm('pre'));
      const err = await statusOf(stores.configMaps.delete(ns, 'pre', { preconditions: { resourceVersion: '1' } }));
      assert.equal(
        err.message,
        `Operation cannot be fulfilled on ConfigMap "pre": the ResourceVersion in the precondition (1) does not match the ResourceVersion in record (${c.metadata.resourceVersion}). The object might have been modified`,
      );
    });

    it('a pod is deleted gracefully: marked with a 30s deletionTimestamp, removed later', async () => {
      const ns = await freshNamespace();
      await stores.pods.create(ns, pod('p'));
      const res = await stores.pods.delete(ns, 'p');
      assert.equal(res.deleted, false);
      assert.equal(res.object.metadata.deletionTimestamp, formatTime(new Date(clock.now().getTime() + 30_000)));
      assert.equal(res.object.metadata.deletionGracePeriodSeconds, 30);
      const stored = await stores.pods.get(ns, 'p');
      assert.equal(stored.metadata.deletionTimestamp, res.object.metadata.deletionTimestamp);
      // The node (a kubelet upstream) finishes the deletion.
      await stores.pods.remove(ns, 'p');
      assert.equal(await stores.pods.find(ns, 'p'), undefined);
    });

    // rest.BeforeDelete: an object already marked with a non-zero grace period is "pending graceful"; a second
    // delete without a shorter gracePeriodSeconds returns it unchanged (only the kubelet or --force removes it).
    it('a second delete of a pod in its grace period returns it unchanged', async () => {
      const ns = await freshNamespace();
      await stores.pods.create(ns, pod('p'));
      const first = await stores.pods.delete(ns, 'p');
      const again = await stores.pods.delete(ns, 'p');
      assert.equal(again.deleted, false);
      assert.equal(again.object.metadata.resourceVersion, first.object.metadata.resourceVersion);
      assert.ok(await stores.pods.find(ns, 'p'));
    });

    it('a namespace is marked Terminating and kept until its controller removes it', async () => {
      const ns = await freshNamespace();
      const res = await stores.namespaces.delete('', ns);
      assert.equal(res.deleted, false);
      assert.equal(res.object.status?.phase, 'Terminating');
      assert.ok(res.object.metadata.deletionTimestamp);
      const marked = await stores.namespaces.get('', ns);
      assert.equal(marked.status?.phase, 'Terminating');
      // Deleting again returns it unchanged: the finalizer holds it.
      const again = await stores.namespaces.delete('', ns);
      assert.equal(again.deleted, false);
      assert.equal(again.object.metadata.resourceVersion, marked.metadata.resourceVersion);
      await stores.namespaces.remove('', ns);
      assert.equal(await stores.namespaces.find('', ns), undefined);
    });

    it('dryRun delete changes nothing, for plain and graceful kinds', async () => {
      const ns = await freshNamespace();
      const c = await stores.configMaps.create(ns, cm('keep'));
      const p = await stores.pods.create(ns, pod('keep'));
      const before = await storage.currentRevision();
      assert.equal((await stores.configMaps.delete(ns, 'keep', { dryRun: true })).deleted, true);
      const podRes = await stores.pods.delete(ns, 'keep', { dryRun: true });
      assert.equal(podRes.deleted, false);
      assert.ok(podRes.object.metadata.deletionTimestamp);
      assert.equal(await storage.currentRevision(), before);
      assert.deepEqual(await stores.configMaps.get(ns, 'keep'), c);
      assert.equal((await stores.pods.get(ns, 'keep')).metadata.deletionTimestamp, undefined);
      assert.equal((await stores.pods.get(ns, 'keep')).metadata.resourceVersion, p.metadata.resourceVersion);
    });

    it('deleteCollection deletes what the selector matches and nothing else', async () => {
      const ns = await freshNamespace();
      await stores.configMaps.create(ns, cm('a', {}, { drop: 'yes' }));
      await stores.configMaps.create(ns, cm('b', {}, { drop: 'no' }));
      await stores.configMaps.create(ns, cm('c', {}, { drop: 'yes' }));
      const dry = await stores.configMaps.deleteCollection(ns, { labelSelector: 'drop=yes' }, { dryRun: true });
      assert.deepEqual(
        dry.map((o) => o.metadata.name),
        ['a', 'c'],
      );
      assert.equal((await stores.configMaps.list(ns)).items.length, 3);
      const deleted = await stores.configMaps.deleteCollection(ns, { labelSelector: 'drop=yes' });
      assert.deepEqual(
        deleted.map((o) => o.metadata.name),
        ['a', 'c'],
      );
      assert.deepEqual(
        (await stores.configMaps.list(ns)).items.map((o) => o.metadata.name),
        ['b'],
      );
    });
  });

  describe('watch', () => {
    it('without resourceVersion: ADDED for every current object, then the changes', async () => {
      const ns = await freshNamespace();
      await stores.configMaps.create(ns, cm('a'));
      await stores.configMaps.create(ns, cm('b'));
      const w = await stores.configMaps.watch(ns);
      try {
        assert.deepEqual(summary(await take(w, 2)), ['ADDED a', 'ADDED b']);
        const c = await stores.configMaps.create(ns, cm('c'));
        const a2 = await stores.configMaps.guaranteedUpdate(ns, 'a', (o) => ({ ...o, data: { k: 'v2' } }));
        await stores.configMaps.delete(ns, 'b');
        const evs = await take(w, 3);
        assert.deepEqual(summary(evs), ['ADDED c', 'MODIFIED a', 'DELETED b']);
        assert.equal(evs[0]!.object.metadata.resourceVersion, c.metadata.resourceVersion);
        assert.equal(evs[1]!.object.metadata.resourceVersion, a2.metadata.resourceVersion);
        assert.deepEqual((evs[1]!.object as ConfigMap).data, { k: 'v2' });
        // A DELETED event carries the last state with the delete's revision.
        assert.equal(evs[2]!.object.metadata.resourceVersion, String(await storage.currentRevision()));
      } finally {
        w.close();
      }
      assert.equal(await within(w.done, 'watch end'), undefined);
    });

    it('from a resourceVersion: only the changes after it, for one namespace', async () => {
      const ns = await freshNamespace();
      const other = await freshNamespace();
      await stores.configMaps.create(ns, cm('old'));
      const from = await storage.currentRevision();
      await stores.configMaps.create(other, cm('elsewhere'));
      await stores.configMaps.create(ns, cm('new'));
      const w = await stores.configMaps.watch(ns, { resourceVersion: String(from) });
      try {
        assert.equal(w.startRevision, from);
        assert.deepEqual(summary(await take(w, 1)), ['ADDED new']);
        await stores.configMaps.delete(ns, 'old');
        assert.deepEqual(summary(await take(w, 1)), ['DELETED old']);
      } finally {
        w.close();
      }
    });

    it('a selector-filtered watch turns MODIFIED into ADDED/DELETED as objects enter and leave', async () => {
      const ns = await freshNamespace();
      await stores.configMaps.create(ns, cm('x', {}, { app: 'a' }));
      await stores.configMaps.create(ns, cm('y', {}, { app: 'b' }));
      const w = await stores.configMaps.watch(ns, { labelSelector: 'app=a' });
      try {
        assert.deepEqual(summary(await take(w, 1)), ['ADDED x']);
        // y enters the filter, x changes inside it, x leaves it, y is deleted
        await stores.configMaps.guaranteedUpdate(ns, 'y', (o) => ({
          ...o,
          metadata: { ...o.metadata, labels: { app: 'a' } },
        }));
        await stores.configMaps.guaranteedUpdate(ns, 'x', (o) => ({ ...o, data: { k: 'v2' } }));
        await stores.configMaps.guaranteedUpdate(ns, 'x', (o) => ({
          ...o,
          metadata: { ...o.metadata, labels: { app: 'b' } },
        }));
        await stores.configMaps.create(ns, cm('z', {}, { app: 'b' })); // never matches: no event
        await stores.configMaps.delete(ns, 'y');
        const evs = await take(w, 4);
        assert.deepEqual(summary(evs), ['ADDED y', 'MODIFIED x', 'DELETED x', 'DELETED y']);
        assert.equal(
          (await stores.configMaps.get(ns, 'x')).metadata.resourceVersion,
          evs[2]!.object.metadata.resourceVersion,
        );
      } finally {
        w.close();
      }
    });

    // Upstream (cacheWatcher.convertToWatchEvent, etcd3 watcher transform): an object leaving the filter is sent
    // as DELETED with its previous content (the one that matched) at the event's resourceVersion.
    it('the DELETED event of an object leaving the filter carries the object as it last matched', async () => {
      const ns = await freshNamespace();
      await stores.configMaps.create(ns, cm('x', {}, { app: 'a' }));
      const w = await stores.configMaps.watch(ns, { labelSelector: 'app=a' });
      try {
        await take(w, 1);
        const moved = await stores.configMaps.guaranteedUpdate(ns, 'x', (o) => ({
          ...o,
          metadata: { ...o.metadata, labels: { app: 'b' } },
        }));
        const [ev] = await take(w, 1);
        assert.equal(ev!.type, 'DELETED');
        assert.deepEqual(ev!.object.metadata.labels, { app: 'a' });
        assert.equal(ev!.object.metadata.resourceVersion, moved.metadata.resourceVersion);
      } finally {
        w.close();
      }
    });

    it('a field-selector watch on pods follows spec.nodeName', async () => {
      const ns = await freshNamespace();
      await stores.pods.create(ns, pod('p'));
      const w = await stores.pods.watch(ns, { fieldSelector: 'spec.nodeName=n1' });
      try {
        await stores.pods.guaranteedUpdate(ns, 'p', (p) => ({ ...p, spec: { ...p.spec, nodeName: 'n1' } }), {
          trusted: true,
        });
        assert.deepEqual(summary(await take(w, 1)), ['ADDED p']);
      } finally {
        w.close();
      }
    });

    it('a compacted resourceVersion is a 410 Expired `too old resource version`', async () => {
      const ns = await freshNamespace();
      await stores.configMaps.create(ns, cm('a'));
      const old = await storage.currentRevision();
      await stores.configMaps.create(ns, cm('b'));
      await stores.configMaps.create(ns, cm('c'));
      const compactTo = await storage.currentRevision();
      await storage.compact(compactTo);
      const err = await statusOf(stores.configMaps.watch(ns, { resourceVersion: String(old) }));
      assert.equal(err.code, 410);
      assert.equal(err.reason, 'Expired');
      assert.match(err.message, new RegExp(`^too old resource version: ${old} \\(\\d+\\)$`));
    });

    it('a non-numeric resourceVersion is a 400', async () => {
      const ns = await freshNamespace();
      const err = await statusOf(stores.configMaps.watch(ns, { resourceVersion: 'abc' }));
      assert.equal(err.code, 400);
      assert.equal(err.message, 'invalid resource version: "abc"');
    });

    it('close() ends the iteration and done resolves undefined', async () => {
      const ns = await freshNamespace();
      const w = await stores.configMaps.watch(ns);
      const it = w[Symbol.asyncIterator]();
      const pending = it.next();
      w.close();
      const r = await within(pending, 'iteration end');
      assert.equal(r.done, true);
      assert.equal(await within(w.done, 'done'), undefined);
    });
  });
});
