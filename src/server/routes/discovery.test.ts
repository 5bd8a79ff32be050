import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { describe, it } from 'node:test';
import { StatusError } from '../../api/status.ts';
import { configMapsResource } from '../../registry/core/config-maps.ts';
import { namespacesResource } from '../../registry/core/namespaces.ts';
import { podsResource } from '../../registry/core/pods.ts';
import { serviceAccountsResource } from '../../registry/core/service-accounts.ts';
import { clusterRolesResource, rolesResource } from '../../registry/rbac/resources.ts';
import { ApiResources } from '../api-resources.ts';
import type { ApiRequest, ApiResponse } from '../http.ts';
import { discoveryHandler } from './discovery.ts';

const V2 = 'application/json;g=apidiscovery.k8s.io;v=v2;as=APIGroupDiscoveryList';
const V2BETA1 = 'application/json;g=apidiscovery.k8s.io;v=v2beta1;as=APIGroupDiscoveryList';
// What kubectl 1.33 sends for discovery.
const KUBECTL_ACCEPT = `${V2},${V2BETA1},application/json`;

function request(path: string, accept?: string, method = 'GET'): ApiRequest {
  return {
    method,
    path,
    query: new URLSearchParams(),
    headers: accept ? { accept } : {},
    body: async () => Buffer.alloc(0),
    signal: new AbortController().signal,
    ctx: { auditId: 'test', warnings: [] },
    remoteAddress: '127.0.0.1',
  };
}

function resources(): ApiResources {
  const r = new ApiResources();
  r.add({ def: namespacesResource });
  r.add({ def: podsResource });
  r.add({ def: serviceAccountsResource });
  r.add({ def: configMapsResource });
  r.add({ def: clusterRolesResource });
  r.add({ def: rolesResource });
  r.add({
    def: {
      group: 'authentication.k8s.io',
      version: 'v1',
      resource: 'tokenreviews',
      kind: 'TokenReview',
      listKind: '',
      singular: 'tokenreview',
      namespaced: false,
      verbs: ['create'],
    },
  });
  return r;
}

const discovery = discoveryHandler(resources(), () => '127.0.0.1:6443');

async function get(path: string, accept?: string): Promise<ApiResponse> {
  const res = await discovery(request(path, accept));
  assert.ok(res, `${path} is a discovery path`);
  return res;
}

// biome-ignore lint/suspicious/noExplicitAny: discovery documents are read as loose JSON
const body = (res: ApiResponse) => JSON.parse(res.body!.toString()) as Record<string, any>;

describe('aggregated discovery', () => {
  it('/api with the v2 Accept answers exactly the v2 content type', async () => {
    const res = await get('/api', KUBECTL_ACCEPT);
    assert.equal(res.status, 200);
    assert.equal(res.headers?.['content-type'], 'application/json;g=apidiscovery.k8s.io;v=v2;as=APIGroupDiscoveryList');
    const doc = body(res);
    assert.equal(doc['kind'], 'APIGroupDiscoveryList');
    assert.equal(doc['apiVersion'], 'apidiscovery.k8s.io/v2');
    assert.deepEqual(doc['metadata'], {});
    assert.equal(doc['items'].length, 1);
    const core = doc['items'][0];
    assert.deepEqual(core.metadata, { creationTimestamp: null });
    assert.equal(core.versions.length, 1);
    assert.equal(core.versions[0].version, 'v1');
    assert.equal(core.versions[0].freshness, 'Current');
    const names = core.versions[0].resources.map((r: { resource: string }) => r.resource);
    assert.deepEqual(names, ['namespaces', 'pods', 'serviceaccounts', 'configmaps']);
  });

  it('v2 resource entries: scope, responseKind, shortNames, categories, subresources', async () => {
    const core = body(await get('/api', V2))['items'][0];
    const byName = new Map(core.versions[0].resources.map((r: { resource: string }) => [r.resource, r]));
    assert.deepEqual(byName.get('pods'), {
      resource: 'pods',
      responseKind: { group: '', version: 'v1', kind: 'Pod' },
      scope: 'Namespaced',
      singularResource: 'pod',
      verbs: ['create', 'delete', 'deletecollection', 'get', 'list', 'patch', 'update', 'watch'],
      shortNames: ['po'],
      categories: ['all'],
      subresources: [
        {
          subresource: 'status',
          responseKind: { group: '', version: 'v1', kind: 'Pod' },
          verbs: ['get', 'patch', 'update'],
        },
      ],
    });
    const ns = byName.get('namespaces') as Record<string, unknown>;
    assert.equal(ns['scope'], 'Cluster');
    const sa = byName.get('serviceaccounts') as { subresources: unknown[] };
    assert.deepEqual(sa.subresources, [
      {
        subresource: 'token',
        responseKind: { group: 'authentication.k8s.io', version: 'v1', kind: 'TokenRequest' },
        verbs: ['create'],
      },
    ]);
  });

  it('/apis with the v2beta1 Accept answers exactly the v2beta1 content type', async () => {
    const res = await get('/apis', V2BETA1);
    assert.equal(
      res.headers?.['content-type'],
      'application/json;g=apidiscovery.k8s.io;v=v2beta1;as=APIGroupDiscoveryList',
    );
    const doc = body(res);
    assert.equal(doc['apiVersion'], 'apidiscovery.k8s.io/v2beta1');
    assert.deepEqual(
      doc['items'].map((g: { metadata: { name: string } }) => g.metadata.name),
      ['rbac.authorization.k8s.io', 'authentication.k8s.io'],
    );
    const rbac = doc['items'][0];
    assert.deepEqual(rbac.metadata, { name: 'rbac.authorization.k8s.io', creationTimestamp: null });
    assert.deepEqual(
      rbac.versions[0].resources.map((r: { resource: string; scope: string }) => [r.resource, r.scope]),
      [
        ['clusterroles', 'Cluster'],
        ['roles', 'Namespaced'],
      ],
    );
  });

  it('the first acceptable media range wins; unknown discovery versions are skipped', async () => {
    const v2beta1First = await get('/api', `${V2BETA1},${V2}`);
    assert.equal(v2beta1First.headers?.['content-type'], V2BETA1);
    const v3 = await get('/api', `application/json;g=apidiscovery.k8s.io;v=v3;as=APIGroupDiscoveryList,${V2}`);
    assert.equal(v3.headers?.['content-type'], V2);
  });
});

describe('aggregated discovery ETags', () => {
  it("answers with upstream's quoted SHA-512 ETag, Vary and Cache-Control, and 304 to a matching If-None-Match", async () => {
    const handler = discoveryHandler(resources(), () => '127.0.0.1:6443');
    for (const path of ['/api', '/apis']) {
      const first = (await handler(request(path, KUBECTL_ACCEPT)))!;
      assert.equal(first.status, 200);
      const etag = first.headers?.['etag'] as string;
      assert.match(etag, /^"[0-9A-F]{128}"$/);
      assert.equal(etag, JSON.stringify(createHash('sha512').update(String(first.body)).digest('hex').toUpperCase()));
      assert.equal(first.headers?.['vary'], 'Accept');
      assert.equal(first.headers?.['cache-control'], 'public');
      const req = request(path, KUBECTL_ACCEPT);
      req.headers['if-none-match'] = etag;
      const again = (await handler(req))!;
      assert.equal(again.status, 304);
      assert.equal(again.body, undefined);
      assert.equal(again.headers?.['etag'], etag);
      const stale = request(path, KUBECTL_ACCEPT);
      stale.headers['if-none-match'] = '"0"';
      assert.equal((await handler(stale))!.status, 200);
    }
    const v2beta1 = (await handler(request('/apis', V2BETA1)))!;
    assert.notEqual(v2beta1.headers?.['etag'], (await handler(request('/apis', V2)))!.headers?.['etag']);
  });
});

describe('legacy discovery', () => {
  it('/api without the aggregated Accept is APIVersions', async () => {
    const res = await get('/api', 'application/json');
    assert.equal(res.status, 200);
    assert.equal(res.headers?.['content-type'], 'application/json');
    assert.deepEqual(body(res), {
      kind: 'APIVersions',
      versions: ['v1'],
      serverAddressByClientCIDRs: [{ clientCIDR: '0.0.0.0/0', serverAddress: '127.0.0.1:6443' }],
    });
    assert.equal(body(await get('/api'))['kind'], 'APIVersions', 'no Accept header at all');
  });

  it('/apis is an APIGroupList of the named groups with their preferred versions', async () => {
    assert.deepEqual(body(await get('/apis')), {
      kind: 'APIGroupList',
      apiVersion: 'v1',
      groups: [
        {
          name: 'rbac.authorization.k8s.io',
          versions: [{ groupVersion: 'rbac.authorization.k8s.io/v1', version: 'v1' }],
          preferredVersion: { groupVersion: 'rbac.authorization.k8s.io/v1', version: 'v1' },
        },
        {
          name: 'authentication.k8s.io',
          versions: [{ groupVersion: 'authentication.k8s.io/v1', version: 'v1' }],
          preferredVersion: { groupVersion: 'authentication.k8s.io/v1', version: 'v1' },
        },
      ],
    });
  });

  it('/api/v1 lists resources with shortNames, categories and subresources', async () => {
    const doc = body(await get('/api/v1'));
    assert.equal(doc['kind'], 'APIResourceList');
    assert.equal(doc['apiVersion'], 'v1');
    assert.equal(doc['groupVersion'], 'v1');
    const byName = new Map(doc['resources'].map((r: { name: string }) => [r.name, r]));
    assert.deepEqual(
      [...byName.keys()],
      [
        'namespaces',
        'namespaces/finalize',
        'namespaces/status',
        'pods',
        'pods/status',
        'serviceaccounts',
        'serviceaccounts/token',
        'configmaps',
      ],
    );
    assert.deepEqual(byName.get('pods'), {
      name: 'pods',
      singularName: 'pod',
      namespaced: true,
      kind: 'Pod',
      verbs: ['create', 'delete', 'deletecollection', 'get', 'list', 'patch', 'update', 'watch'],
      shortNames: ['po'],
      categories: ['all'],
    });
    assert.deepEqual(byName.get('serviceaccounts/token'), {
      name: 'serviceaccounts/token',
      singularName: '',
      namespaced: true,
      group: 'authentication.k8s.io',
      version: 'v1',
      kind: 'TokenRequest',
      verbs: ['create'],
    });
    assert.deepEqual(byName.get('configmaps'), {
      name: 'configmaps',
      singularName: 'configmap',
      namespaced: true,
      kind: 'ConfigMap',
      verbs: ['create', 'delete', 'deletecollection', 'get', 'list', 'patch', 'update', 'watch'],
      shortNames: ['cm'],
    });
  });

  it('/apis/<group> and /apis/<group>/<version>', async () => {
    assert.deepEqual(body(await get('/apis/rbac.authorization.k8s.io')), {
      kind: 'APIGroup',
      apiVersion: 'v1',
      name: 'rbac.authorization.k8s.io',
      versions: [{ groupVersion: 'rbac.authorization.k8s.io/v1', version: 'v1' }],
      preferredVersion: { groupVersion: 'rbac.authorization.k8s.io/v1', version: 'v1' },
    });
    const list = body(await get('/apis/rbac.authorization.k8s.io/v1'));
    assert.equal(list['groupVersion'], 'rbac.authorization.k8s.io/v1');
    assert.deepEqual(
      list['resources'].map((r: { name: string; namespaced: boolean }) => [r.name, r.namespaced]),
      [
        ['clusterroles', false],
        ['roles', true],
      ],
    );
  });

  it('unknown groups and versions are 404; other paths and methods are not discovery', async () => {
    for (const path of ['/apis/nope.example.com', '/apis/rbac.authorization.k8s.io/v2']) {
      await assert.rejects(
        discovery(request(path)),
        (err: unknown) =>
          err instanceof StatusError &&
          err.code === 404 &&
          err.message === 'the server could not find the requested resource',
      );
    }
    assert.equal(await discovery(request('/version')), undefined);
    assert.equal(await discovery(request('/api', undefined, 'POST')), undefined);
  });
});
