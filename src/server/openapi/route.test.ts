import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { StatusError } from '../../api/status.ts';
import { configMapsResource } from '../../registry/core/config-maps.ts';
import { ApiResources } from '../api-resources.ts';
import type { ApiRequest, ApiResponse } from '../http.ts';
import { createOpenApi, OPENAPI_V2_PROTOBUF } from './openapi.ts';
import { openApiHandler } from './route.ts';

const resources = new ApiResources();
resources.add({ def: configMapsResource, store: {} as never });
const api = createOpenApi(resources);
const handle = openApiHandler(api);

function get(pathAndQuery: string, headers: Record<string, string> = {}, method = 'GET'): ApiResponse | undefined {
  const u = new URL(pathAndQuery, 'https://127.0.0.1');
  return handle({ method, path: u.pathname, query: u.searchParams, headers } as unknown as ApiRequest);
}

describe('the OpenAPI routes', () => {
  it('serve /openapi/v2 as kube-apiserver does for the Accept kubectl sends', () => {
    const res = get('/openapi/v2?timeout=32s', {
      accept: 'application/com.github.proto-openapi.spec.v2@v1.0+protobuf',
    })!;
    assert.equal(res.status, 200);
    assert.equal(res.headers!['content-type'], OPENAPI_V2_PROTOBUF);
    assert.equal(res.headers!['content-type'], 'application/com.github.proto-openapi.spec.v2.v1.0+protobuf');
    assert.equal(res.headers!['cache-control'], 'no-cache, private');
    assert.equal(Buffer.from(res.body!).length, 0);
    assert.equal(get('/openapi/v2', { accept: 'application/json' })!.headers!['content-type'], 'application/json');
    assert.equal(get('/openapi/v2', { accept: 'text/html' })!.status, 406);
  });

  it('serve the v3 index with hashed URLs', () => {
    const res = get('/openapi/v3', { accept: 'application/json, */*' })!;
    assert.equal(res.status, 200);
    assert.equal(res.headers!['content-type'], 'application/json');
    assert.deepEqual(JSON.parse(String(res.body)), api.v3Index());
    assert.match(String(res.headers!['etag']), /^"[0-9A-F]{128}"$/);
  });

  it('serve a hashed document as immutable, redirect a stale hash and revalidate an unhashed one', () => {
    const doc = api.v3Serialized('api/v1')!;
    const hashed = get(`/openapi/v3/api/v1?hash=${doc.etag}&timeout=32s`, { accept: 'application/json' })!;
    assert.equal(hashed.status, 200);
    assert.equal(hashed.headers!['cache-control'], 'public, immutable');
    assert.ok(Date.parse(String(hashed.headers!['expires'])) > Date.now() + 300 * 24 * 3600 * 1000);
    assert.equal(hashed.headers!['etag'], `"${doc.etag}"`);
    assert.equal(hashed.headers!['vary'], 'Accept');
    assert.deepEqual(JSON.parse(String(hashed.body)), api.v3Document('api/v1'));

    const stale = get('/openapi/v3/api/v1?hash=0123', { accept: 'application/json' })!;
    assert.equal(stale.status, 301);
    assert.equal(stale.headers!['location'], `/openapi/v3/api/v1?hash=${doc.etag}`);

    const plain = get('/openapi/v3/api/v1')!;
    assert.equal(plain.status, 200);
    assert.equal(plain.headers!['cache-control'], 'no-cache, private');

    const notModified = get('/openapi/v3/api/v1', { 'if-none-match': `"${doc.etag}"` })!;
    assert.equal(notModified.status, 304);
    assert.equal(notModified.body, undefined);

    assert.equal(
      get('/openapi/v3/api/v1', { accept: 'application/com.github.proto-openapi.spec.v3@v1.0+protobuf' })!.status,
      406,
    );
  });

  it('answer 404 for an unknown group-version and leave other paths alone', () => {
    assert.throws(
      () => get('/openapi/v3/apis/nosuch.k8s.io/v1'),
      (err: unknown) => err instanceof StatusError && err.status.code === 404,
    );
    assert.equal(get('/api/v1'), undefined);
    assert.equal(get('/openapi/v2', {}, 'POST'), undefined);
    assert.equal(get('/openapi/v2x'), undefined);
  });
});
