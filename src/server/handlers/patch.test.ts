import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { ConfigMap } from '../../api/core-v1.ts';
import type { KubernetesObject } from '../../api/meta.ts';
import type { Store } from '../../registry/store.ts';
import { createStores, type Stores } from '../../registry/stores.ts';
import { openSqliteStorage, type SqliteStorage } from '../../storage/sqlite/sqlite-storage.ts';
import { systemClock } from '../../util/clock.ts';
import { ApiResources } from '../api-resources.ts';
import { withRecovery } from '../filters/with-recovery.ts';
import type { ApiRequest, Handler } from '../http.ts';
import { createLogger } from '../logger.ts';
import { getRequestInfo } from '../request-info.ts';
import { patchApplier } from './patch.ts';
import { restHandler } from './rest.ts';

function patchRequest(path: string, contentType: string, body: string): ApiRequest {
  const u = new URL(path, 'https://superkube.test');
  return {
    method: 'PATCH',
    path: u.pathname,
    query: u.searchParams,
    headers: { 'content-type': contentType, 'user-agent': 'test/1' },
    body: async () => Buffer.from(body),
    signal: new AbortController().signal,
    ctx: { auditId: 't', warnings: [], requestInfo: getRequestInfo('PATCH', u.pathname, u.searchParams) },
    remoteAddress: '127.0.0.1',
  };
}

describe('PATCH through the REST handler', () => {
  let storage: SqliteStorage;
  let stores: Stores;
  let handler: Handler;
  const logged: string[] = [];
  before(async () => {
    storage = openSqliteStorage({ path: ':memory:', compactInterval: 0 });
    stores = createStores(storage, systemClock);
    const resources = new ApiResources();
    resources.add({ def: stores.configMaps.def, store: stores.configMaps as unknown as Store<KubernetesObject> });
    const log = createLogger('info');
    const capture = { error: (obj: unknown, msg: string) => logged.push(JSON.stringify(obj) + msg) };
    handler = withRecovery(
      restHandler({
        resources,
        clock: systemClock,
        minRequestTimeoutSeconds: 1800,
        bookmarkIntervalMs: 60_000,
        patch: patchApplier(systemClock),
      }),
      Object.assign(Object.create(log), capture),
    );
    await stores.namespaces.create('', { metadata: { name: 'default' } });
    await stores.configMaps.create('default', { metadata: { name: 'c' }, data: { a: '1' } } as ConfigMap);
  });
  after(() => storage.close());

  it('a merge patch changes the object', async () => {
    const res = await handler(
      patchRequest('/api/v1/namespaces/default/configmaps/c', 'application/merge-patch+json', '{"data":{"b":"2"}}'),
    );
    assert.equal(res.status, 200);
    assert.deepEqual((await stores.configMaps.get('default', 'c')).data, { a: '1', b: '2' });
  });

  it('a malformed patch body is a 400 that neither echoes nor logs the body', async () => {
    for (const type of [
      'application/merge-patch+json',
      'application/strategic-merge-patch+json',
      'application/json-patch+json',
    ]) {
      const res = await handler(
        patchRequest('/api/v1/namespaces/default/configmaps/c', type, '{TOPSECRETPASSWORD-hunter2: 1}'),
      );
      assert.equal(res.status, 400, type);
      assert.doesNotMatch(String(res.body), /TOPSECRET|hunter2/, type);
    }
    assert.equal(logged.filter((l) => /TOPSECRET|hunter2/.test(l)).length, 0);
  });

  it('an unknown patch content type is a 415 with the accepted types', async () => {
    const res = await handler(patchRequest('/api/v1/namespaces/default/configmaps/c', 'text/plain', 'x'));
    assert.equal(res.status, 415);
    assert.match(
      String(res.body),
      /accepted media types include: application\/json-patch\+json, application\/merge-patch\+json/,
    );
  });

  it('the patch type is the Content-Type before its first ";", untrimmed and case-sensitive, as upstream', async () => {
    const path = '/api/v1/namespaces/default/configmaps/c';
    const ok = await handler(patchRequest(path, 'application/merge-patch+json; charset=utf-8', '{"data":{"c":"3"}}'));
    assert.equal(ok.status, 200);
    for (const type of ['Application/Merge-Patch+json', 'application/merge-patch+json ; charset=utf-8'])
      assert.equal((await handler(patchRequest(path, type, '{"data":{"d":"4"}}'))).status, 415, type);
    assert.equal((await stores.configMaps.get('default', 'c')).data?.['d'], undefined);
  });
});
