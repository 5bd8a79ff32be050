import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { parse as parseYaml } from 'yaml';
import type { ConfigMap, Namespace } from '../../api/core-v1.ts';
import type { KubernetesObject, ObjectMeta } from '../../api/meta.ts';
import type { Store } from '../../registry/store.ts';
import { createStores, type Stores } from '../../registry/stores.ts';
import { openSqliteStorage, type SqliteStorage } from '../../storage/sqlite/sqlite-storage.ts';
import { FakeClock } from '../../util/clock.ts';
import { ApiResources } from '../api-resources.ts';
import { withRecovery } from '../filters/with-recovery.ts';
import type { ApiRequest, ApiResponse, Handler } from '../http.ts';
import { silentLogger } from '../logger.ts';
import { getRequestInfo } from '../request-info.ts';
import { restHandler } from './rest.ts';

const START = Date.UTC(2026, 0, 1, 12, 0, 0);

interface RequestOpts {
  headers?: Record<string, string>;
  body?: unknown;
  rawBody?: string;
  signal?: AbortSignal;
}

/** An ApiRequest as the filter chain hands it to the handler (request info filled in, user authenticated). */
function request(method: string, url: string, opts: RequestOpts = {}): ApiRequest {
  const u = new URL(url, 'https://superkube.test');
  const body =
    opts.rawBody !== undefined
      ? Buffer.from(opts.rawBody)
      : opts.body === undefined
        ? Buffer.alloc(0)
        : Buffer.from(JSON.stringify(opts.body));
  const headers: Record<string, string> = {
    ...(opts.body !== undefined ? { 'content-type': 'application/json' } : {}),
    'user-agent': 'kubectl/v1.33.0 (linux/amd64) kubernetes/abc',
    ...opts.headers,
  };
  return {
    method,
    path: u.pathname,
    query: u.searchParams,
    headers,
    body: async () => body,
    signal: opts.signal ?? new AbortController().signal,
    ctx: {
      auditId: 'test',
      warnings: [],
      requestInfo: getRequestInfo(method, u.pathname, u.searchParams),
      user: { username: 'admin', uid: '', groups: ['system:masters', 'system:authenticated'], extra: {} },
    },
    remoteAddress: '127.0.0.1',
  };
}

function json(res: ApiResponse): Record<string, unknown> {
  assert.ok(res.body !== undefined, 'a body');
  return JSON.parse(res.body.toString()) as Record<string, unknown>;
}

/** Reads lines from a streamed body until `n` have arrived. */
async function readLines(it: AsyncIterator<string | Buffer>, n: number): Promise<string[]> {
  const lines: string[] = [];
  let buffered = '';
  while (lines.length < n) {
    let timer: NodeJS.Timeout | undefined;
    const r = await Promise.race([
      it.next(),
      new Promise<never>((_, reject) => {
        timer = setTimeout(() => reject(new Error(`timed out after ${lines.length} of ${n} lines`)), 10_000);
      }),
    ]).finally(() => clearTimeout(timer));
    if (r.done) break;
    buffered += r.value.toString();
    let nl = buffered.indexOf('\n');
    while (nl >= 0) {
      lines.push(buffered.slice(0, nl));
      buffered = buffered.slice(nl + 1);
      nl = buffered.indexOf('\n');
    }
  }
  return lines;
}

const asStore = (s: Store<never>) => s as unknown as Store<KubernetesObject>;

describe('REST handler in process', () => {
  let storage: SqliteStorage;
  let clock: FakeClock;
  let stores: Stores;
  let handler: Handler;

  before(async () => {
    storage = openSqliteStorage({ path: ':memory:', compactInterval: 0 });
    clock = new FakeClock(START);
    stores = createStores(storage, clock);
    const resources = new ApiResources();
    resources.add({ def: stores.namespaces.def, store: asStore(stores.namespaces as never) });
    resources.add({ def: stores.pods.def, store: asStore(stores.pods as never) });
    resources.add({ def: stores.configMaps.def, store: asStore(stores.configMaps as never) });
    resources.add({ def: stores.nodes.def, store: asStore(stores.nodes as never) });
    // The REST handler must surface errors as thrown StatusErrors; the recovery filter turns them into responses.
    handler = withRecovery(
      restHandler({ resources, clock, minRequestTimeoutSeconds: 1800, bookmarkIntervalMs: 60_000 }),
      silentLogger(),
    );
    await stores.namespaces.create('', { metadata: { name: 'default' } } as Namespace);
    await stores.configMaps.create('default', {
      metadata: { name: 'one', labels: { app: 'x' } },
      data: { a: '1', b: '2' },
    } as ConfigMap);
    await stores.configMaps.create('default', { metadata: { name: 'two' } } as ConfigMap);
  });
  after(async () => {
    await storage.close();
  });

  it('PUT pods/status changes the status and nothing else', async () => {
    await stores.pods.create('default', {
      metadata: { name: 'st' },
      spec: { containers: [{ name: 'a', image: 'nginx' }] },
    } as never);
    const current = json(await handler(request('GET', '/api/v1/namespaces/default/pods/st')));
    const body = {
      ...current,
      spec: { containers: [{ name: 'a', image: 'changed' }] },
      status: { phase: 'Succeeded' },
    };
    const res = await handler(request('PUT', '/api/v1/namespaces/default/pods/st/status', { body }));
    assert.equal(res.status, 200, String(res.body));
    const after = json(await handler(request('GET', '/api/v1/namespaces/default/pods/st')));
    assert.equal((after['status'] as { phase: string }).phase, 'Succeeded');
    assert.equal((after['spec'] as { containers: { image: string }[] }).containers[0]!.image, 'nginx');
  });

  it('GET a list as JSON', async () => {
    const res = await handler(request('GET', '/api/v1/namespaces/default/configmaps'));
    assert.equal(res.status, 200);
    assert.equal(res.headers?.['content-type'], 'application/json');
    const body = json(res);
    assert.equal(body['kind'], 'ConfigMapList');
    assert.equal(body['apiVersion'], 'v1');
    assert.deepEqual(body['metadata'], { resourceVersion: String(await storage.currentRevision()) });
    assert.deepEqual(
      (body['items'] as ConfigMap[]).map((c) => c.metadata.name),
      ['one', 'two'],
    );
  });

  it('Table output: columnDefinitions, rows[].cells, rows[].object as PartialObjectMetadata', async () => {
    clock.advance(90_000);
    const res = await handler(
      request('GET', '/api/v1/namespaces/default/configmaps', {
        headers: {
          accept:
            'application/json;as=Table;v=v1;g=meta.k8s.io,application/json;as=Table;v=v1beta1;g=meta.k8s.io,application/json',
        },
      }),
    );
    assert.equal(res.status, 200);
    const table = json(res);
    assert.equal(table['kind'], 'Table');
    assert.equal(table['apiVersion'], 'meta.k8s.io/v1');
    assert.deepEqual(table['metadata'], { resourceVersion: String(await storage.currentRevision()) });
    const cols = table['columnDefinitions'] as { name: string; type: string; format: string; priority: number }[];
    assert.deepEqual(
      cols.map((c) => [c.name, c.type, c.format, c.priority]),
      [
        ['Name', 'string', 'name', 0],
        ['Data', 'integer', '', 0],
        ['Age', 'string', '', 0],
      ],
    );
    const rows = table['rows'] as {
      cells: unknown[];
      object: { kind: string; apiVersion: string; metadata: ObjectMeta };
    }[];
    assert.deepEqual(
      rows.map((r) => r.cells),
      [
        ['one', 2, '90s'],
        ['two', 0, '90s'],
      ],
    );
    assert.equal(rows[0]!.object.kind, 'PartialObjectMetadata');
    assert.equal(rows[0]!.object.apiVersion, 'meta.k8s.io/v1');
    assert.equal(rows[0]!.object.metadata.name, 'one');
    assert.equal(rows[0]!.object.metadata.namespace, 'default');
    assert.deepEqual(rows[0]!.object.metadata.labels, { app: 'x' });
    assert.equal('data' in rows[0]!.object, false, 'no object content beyond metadata');
  });

  it('Table v1beta1 when that is the only one asked for; a single GET is a one-row Table', async () => {
    const one = await stores.configMaps.get('default', 'one');
    const res = await handler(
      request('GET', '/api/v1/namespaces/default/configmaps/one', {
        headers: { accept: 'application/json;as=Table;v=v1beta1;g=meta.k8s.io' },
      }),
    );
    const table = json(res);
    assert.equal(table['apiVersion'], 'meta.k8s.io/v1beta1');
    assert.deepEqual(table['metadata'], { resourceVersion: one.metadata.resourceVersion });
    assert.equal((table['rows'] as unknown[]).length, 1);
  });

  it('PartialObjectMetadataList output', async () => {
    const res = await handler(
      request('GET', '/api/v1/namespaces/default/configmaps', {
        headers: { accept: 'application/json;as=PartialObjectMetadataList;v=v1;g=meta.k8s.io' },
      }),
    );
    const body = json(res);
    assert.equal(body['kind'], 'PartialObjectMetadataList');
    assert.equal(body['apiVersion'], 'meta.k8s.io/v1');
    const items = body['items'] as { kind: string; metadata: { name: string } }[];
    assert.deepEqual(
      items.map((i) => [i.kind, i.metadata.name]),
      [
        ['PartialObjectMetadata', 'one'],
        ['PartialObjectMetadata', 'two'],
      ],
    );
  });

  it('YAML output', async () => {
    const res = await handler(
      request('GET', '/api/v1/namespaces/default/configmaps/one', { headers: { accept: 'application/yaml' } }),
    );
    assert.equal(res.status, 200);
    assert.equal(res.headers?.['content-type'], 'application/yaml');
    const text = res.body!.toString();
    assert.match(text, /^apiVersion: v1\n/m);
    assert.match(text, /^kind: ConfigMap$/m);
    const obj = parseYaml(text) as ConfigMap;
    assert.deepEqual(obj.data, { a: '1', b: '2' });
  });

  it('406 for an Accept header it cannot serve', async () => {
    const res = await handler(
      request('GET', '/api/v1/namespaces/default/configmaps/one', { headers: { accept: 'text/html' } }),
    );
    assert.equal(res.status, 406);
    assert.equal(res.headers?.['content-type'], 'application/json');
    const status = json(res);
    assert.equal(status['reason'], 'NotAcceptable');
    assert.equal(
      status['message'],
      'only the following media types are accepted: application/json, application/yaml, application/vnd.kubernetes.protobuf',
    );
  });

  it('415 for a body in an unknown content type', async () => {
    const res = await handler(
      request('POST', '/api/v1/namespaces/default/configmaps', {
        rawBody: 'name=x',
        headers: { 'content-type': 'text/plain' },
      }),
    );
    assert.equal(res.status, 415);
    const status = json(res);
    assert.equal(status['reason'], 'UnsupportedMediaType');
    assert.equal(
      status['message'],
      'the body of the request was in an unknown format - accepted media types include: application/json, application/yaml, application/vnd.kubernetes.protobuf',
    );
    assert.equal(await stores.configMaps.find('default', 'x'), undefined);
  });

  it('POST creates (201), with a YAML body too; a second POST is 409', async () => {
    const res = await handler(
      request('POST', '/api/v1/namespaces/default/configmaps', {
        rawBody: 'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: from-yaml\ndata:\n  k: v\n',
        headers: { 'content-type': 'application/yaml' },
      }),
    );
    assert.equal(res.status, 201);
    const created = json(res) as unknown as ConfigMap;
    assert.equal(created.metadata.name, 'from-yaml');
    assert.equal(created.metadata.resourceVersion, String(await storage.currentRevision()));
    assert.equal(created.metadata.managedFields?.[0]?.manager, 'kubectl');
    const again = await handler(
      request('POST', '/api/v1/namespaces/default/configmaps', {
        body: { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'from-yaml' } },
      }),
    );
    assert.equal(again.status, 409);
    assert.equal(json(again)['message'], 'configmaps "from-yaml" already exists');
  });

  it('POST with ?dryRun=All stores nothing; an unknown dryRun value is a 400', async () => {
    const rv = await storage.currentRevision();
    const res = await handler(
      request('POST', '/api/v1/namespaces/default/configmaps?dryRun=All', {
        body: { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'dry' } },
      }),
    );
    assert.equal(res.status, 201);
    assert.equal(await storage.currentRevision(), rv);
    const bad = await handler(
      request('POST', '/api/v1/namespaces/default/configmaps?dryRun=Yes', {
        body: { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'dry' } },
      }),
    );
    assert.equal(bad.status, 400);
    assert.equal(json(bad)['message'], 'dryRun: Unsupported value: "Yes": supported values: "All"');
  });

  it('POST of the wrong kind is a 400', async () => {
    const res = await handler(
      request('POST', '/api/v1/namespaces/default/configmaps', {
        body: { apiVersion: 'v1', kind: 'Secret', metadata: { name: 's' } },
      }),
    );
    assert.equal(res.status, 400);
    assert.equal(json(res)['reason'], 'BadRequest');
    assert.match(String(json(res)['message']), /^Secret in version "v1" cannot be handled as a ConfigMap: /);
    assert.equal(await stores.configMaps.find('default', 's'), undefined);
  });

  it('DELETE of a plain object answers a Success Status naming it', async () => {
    const cmObj = await stores.configMaps.create('default', { metadata: { name: 'del' } } as ConfigMap);
    const res = await handler(request('DELETE', '/api/v1/namespaces/default/configmaps/del'));
    assert.equal(res.status, 200);
    // Byte for byte what kube-apiserver sends (store.finalizeDelete): no `code` in a delete's Success Status.
    assert.equal(
      res.body!.toString(),
      `{"kind":"Status","apiVersion":"v1","metadata":{},"status":"Success","details":{"name":"del","kind":"configmaps","uid":"${cmObj.metadata.uid}"}}`,
    );
  });

  it('405 for a verb the resource does not serve (nodes create)', async () => {
    const res = await handler(
      request('POST', '/api/v1/nodes', { body: { apiVersion: 'v1', kind: 'Node', metadata: { name: 'n' } } }),
    );
    assert.equal(res.status, 405);
    const status = json(res);
    assert.equal(status['reason'], 'MethodNotAllowed');
    assert.equal(status['message'], 'the server does not allow this method on the requested resource');
    assert.equal(await stores.nodes.find('', 'n'), undefined);
  });

  it('404 for a resource that is not served', async () => {
    const res = await handler(request('GET', '/api/v1/namespaces/default/widgets'));
    assert.equal(res.status, 404);
    assert.equal(json(res)['message'], 'the server could not find the requested resource');
  });

  it('a watch or list by name (/watch/.../<name>) sees only that object, whatever else the namespace holds', async () => {
    // Authorization was decided for the name; serving other objects would bypass a resourceNames grant.
    const abort = new AbortController();
    const res = await handler(
      request('GET', '/api/v1/watch/namespaces/default/configmaps/two', { signal: abort.signal }),
    );
    assert.equal(res.status, 200);
    const it = res.stream![Symbol.asyncIterator]();
    const [first] = await readLines(it, 1);
    assert.equal((JSON.parse(first!) as { object: ConfigMap }).object.metadata.name, 'two');
    await stores.configMaps.guaranteedUpdate('default', 'one', (c) => ({ ...c, data: { changed: 'yes' } }));
    await stores.configMaps.guaranteedUpdate('default', 'two', (c) => ({ ...c, data: { changed: 'yes' } }));
    const [second] = await readLines(it, 1);
    const ev = JSON.parse(second!) as { type: string; object: ConfigMap };
    assert.deepEqual([ev.type, ev.object.metadata.name], ['MODIFIED', 'two']);
    abort.abort();
    const listed = json(
      await handler(request('GET', '/api/v1/namespaces/default/configmaps?fieldSelector=metadata.name%3Dtwo')),
    );
    assert.deepEqual(
      (listed['items'] as ConfigMap[]).map((c) => c.metadata.name),
      ['two'],
    );
  });

  it('a subresource name that is an Object.prototype property is not found', async () => {
    for (const sub of ['constructor', 'toString', '__proto__', 'hasOwnProperty']) {
      const res = await handler(request('POST', `/api/v1/namespaces/default/configmaps/one/${sub}`, { body: {} }));
      assert.equal(res.status, 404, sub);
    }
  });

  it('watch streams JSON lines: current objects, then changes; abort ends the stream', async () => {
    const abort = new AbortController();
    const res = await handler(
      request('GET', '/api/v1/namespaces/default/configmaps?watch=1&labelSelector=app%3Dx', { signal: abort.signal }),
    );
    assert.equal(res.status, 200);
    assert.equal(res.headers?.['content-type'], 'application/json');
    assert.ok(res.stream, 'a streamed body');
    const it = res.stream[Symbol.asyncIterator]();
    const [first] = await readLines(it, 1);
    const ev1 = JSON.parse(first!) as { type: string; object: ConfigMap };
    assert.equal(ev1.type, 'ADDED');
    assert.equal(ev1.object.metadata.name, 'one');
    assert.equal(ev1.object.kind, 'ConfigMap');

    await stores.configMaps.create('default', { metadata: { name: 'w', labels: { app: 'x' } } } as ConfigMap);
    await stores.configMaps.create('default', { metadata: { name: 'not-matching' } } as ConfigMap);
    await stores.configMaps.delete('default', 'w');
    const lines = await readLines(it, 2);
    assert.deepEqual(
      lines.map((l) => {
        const e = JSON.parse(l) as { type: string; object: ConfigMap };
        return `${e.type} ${e.object.metadata.name}`;
      }),
      ['ADDED w', 'DELETED w'],
    );

    abort.abort();
    const rest = await readLines(it, 1);
    assert.deepEqual(rest, [], 'the stream ends after the client goes away');
  });

  it('watch with Table output: one-row Tables, column definitions only in the first event', async () => {
    const abort = new AbortController();
    const res = await handler(
      request('GET', '/api/v1/namespaces/default/configmaps?watch=true', {
        signal: abort.signal,
        headers: { accept: 'application/json;as=Table;v=v1;g=meta.k8s.io' },
      }),
    );
    const it = res.stream![Symbol.asyncIterator]();
    const lines = await readLines(it, 2);
    const [a, b] = lines.map((l) => JSON.parse(l) as { type: string; object: Record<string, unknown> });
    assert.equal(a!.type, 'ADDED');
    assert.equal(a!.object['kind'], 'Table');
    assert.ok(Array.isArray(a!.object['columnDefinitions']));
    assert.equal((a!.object['rows'] as unknown[]).length, 1);
    assert.equal(b!.object['columnDefinitions'], null);
    abort.abort();
    await readLines(it, 100);
  });

  // Upstream (cacher.Watch -> newErrWatcher): a too-old resourceVersion is not an HTTP error; the watch opens
  // (200) and its only event is an ERROR carrying the 410 Expired Status.
  it('watch from a compacted resourceVersion streams one ERROR event with a 410 Status', async () => {
    const old = await storage.currentRevision();
    await stores.configMaps.create('default', { metadata: { name: 'bump1' } } as ConfigMap);
    await stores.configMaps.create('default', { metadata: { name: 'bump2' } } as ConfigMap);
    await storage.compact(await storage.currentRevision());
    const abort = new AbortController();
    const res = await handler(
      request('GET', `/api/v1/namespaces/default/configmaps?watch=1&resourceVersion=${old - 1}`, {
        signal: abort.signal,
      }),
    );
    try {
      assert.equal(res.status, 200);
      const lines = await readLines(res.stream![Symbol.asyncIterator](), 2);
      assert.equal(lines.length, 1);
      const ev = JSON.parse(lines[0]!) as { type: string; object: { code: number; reason: string; message: string } };
      assert.equal(ev.type, 'ERROR');
      assert.equal(ev.object.code, 410);
      assert.equal(ev.object.reason, 'Expired');
      assert.match(ev.object.message, /^too old resource version: \d+ \(\d+\)$/);
    } finally {
      abort.abort();
    }
  });
});
