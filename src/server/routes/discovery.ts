/**
 * API discovery, legacy (/api, /apis, /api/v1, /apis/G, /apis/G/V) and aggregated (apidiscovery.k8s.io v2 and
 * v2beta1, chosen by the Accept header and answered with its exact content type), both read from ApiResources.
 */
import { notFoundPath } from '../../api/status.ts';
import type { ApiResources, ServedResource } from '../api-resources.ts';
import type { ApiRequest, ApiResponse } from '../http.ts';
import { header } from '../http.ts';
import { parseAccept } from '../negotiation.ts';
import { computeEtag, type SerializedDocument } from '../openapi/openapi.ts';
import { objectResponse } from '../respond.ts';

const aggregatedType = (v: string) => `application/json;g=apidiscovery.k8s.io;v=${v};as=APIGroupDiscoveryList`;

function wantsAggregated(req: ApiRequest): 'v2' | 'v2beta1' | undefined {
  for (const m of parseAccept(header(req, 'accept'))) {
    if (m.params['as'] === 'APIGroupDiscoveryList' && m.params['g'] === 'apidiscovery.k8s.io') {
      if (m.params['v'] === 'v2' || m.params['v'] === 'v2beta1') return m.params['v'];
      continue;
    }
    if (m.type === 'application/json' || m.type === '*/*') return undefined;
  }
  return undefined;
}

function apiResource(r: ServedResource): Record<string, unknown>[] {
  const d = r.def;
  const main: Record<string, unknown> = {
    name: d.resource,
    singularName: d.singular,
    namespaced: d.namespaced,
    kind: d.kind,
    verbs: d.verbs,
  };
  if (d.shortNames?.length) main['shortNames'] = d.shortNames;
  if (d.categories?.length) main['categories'] = d.categories;
  const subs = (d.subresources ?? []).map((s) => {
    const e: Record<string, unknown> = { name: `${d.resource}/${s.name}`, singularName: '', namespaced: d.namespaced };
    if (s.group !== undefined) e['group'] = s.group;
    if (s.version !== undefined) e['version'] = s.version;
    e['kind'] = s.kind;
    e['verbs'] = s.verbs;
    return e;
  });
  return [main, ...subs];
}

function groupVersion(group: string, version: string): string {
  return group ? `${group}/${version}` : version;
}

function aggregatedGroup(resources: ApiResources, name: string, versions: string[]): Record<string, unknown> {
  return {
    metadata: name ? { name, creationTimestamp: null } : { creationTimestamp: null },
    versions: versions.map((version) => ({
      version,
      resources: resources.inGroupVersion(name, version).map((r) => {
        const d = r.def;
        const e: Record<string, unknown> = {
          resource: d.resource,
          responseKind: { group: d.group, version: d.version, kind: d.kind },
          scope: d.namespaced ? 'Namespaced' : 'Cluster',
          singularResource: d.singular,
          verbs: d.verbs,
        };
        if (d.shortNames?.length) e['shortNames'] = d.shortNames;
        if (d.categories?.length) e['categories'] = d.categories;
        if (d.subresources?.length)
          e['subresources'] = d.subresources.map((s) => ({
            subresource: s.name,
            responseKind: { group: s.group ?? d.group, version: s.version ?? d.version, kind: s.kind },
            verbs: s.verbs,
          }));
        return e;
      }),
      freshness: 'Current',
    })),
  };
}

/** Serves every discovery path; returns undefined for paths that are not discovery. */
export function discoveryHandler(resources: ApiResources, serverAddress: () => string) {
  // The served resources never change while the server runs: each aggregated document is built and hashed once.
  const documents = new Map<string, SerializedDocument>();
  const document = (path: string, version: 'v2' | 'v2beta1', items: () => Record<string, unknown>[]) => {
    const key = `${path} ${version}`;
    let doc = documents.get(key);
    if (!doc) {
      doc = aggregatedDocument(version, items());
      documents.set(key, doc);
    }
    return doc;
  };
  return async (req: ApiRequest): Promise<ApiResponse | undefined> => {
    const parts = req.path.split('/').filter(Boolean);
    if (req.method !== 'GET' && req.method !== 'HEAD') return undefined;
    const groups = resources.groups();
    if (parts.length === 1 && parts[0] === 'api') {
      const agg = wantsAggregated(req);
      if (agg)
        return serveWithETag(
          req,
          document('/api', agg, () => [aggregatedGroup(resources, '', ['v1'])]),
        );
      return objectResponse(200, {
        kind: 'APIVersions',
        versions: ['v1'],
        serverAddressByClientCIDRs: [{ clientCIDR: '0.0.0.0/0', serverAddress: serverAddress() }],
      });
    }
    if (parts.length === 1 && parts[0] === 'apis') {
      const named = groups.filter((g) => g.name !== '');
      const agg = wantsAggregated(req);
      if (agg)
        return serveWithETag(
          req,
          document('/apis', agg, () => named.map((g) => aggregatedGroup(resources, g.name, g.versions))),
        );
      return objectResponse(200, { kind: 'APIGroupList', apiVersion: 'v1', groups: named.map(apiGroup) });
    }
    if (parts.length === 2 && parts[0] === 'api' && parts[1] === 'v1') return resourceList('', 'v1', resources);
    if (parts.length === 2 && parts[0] === 'apis') {
      const g = groups.find((x) => x.name === parts[1]);
      if (!g) throw notFoundPath();
      return objectResponse(200, { kind: 'APIGroup', apiVersion: 'v1', ...apiGroup(g) });
    }
    if (parts.length === 3 && parts[0] === 'apis') {
      const g = groups.find((x) => x.name === parts[1]);
      if (!g?.versions.includes(parts[2]!)) throw notFoundPath();
      return resourceList(parts[1]!, parts[2]!, resources);
    }
    return undefined;
  };
}

function apiGroup(g: { name: string; versions: string[] }) {
  const versions = g.versions.map((v) => ({ groupVersion: groupVersion(g.name, v), version: v }));
  return { name: g.name, versions, preferredVersion: versions[0] };
}

function resourceList(group: string, version: string, resources: ApiResources): ApiResponse {
  return objectResponse(200, {
    kind: 'APIResourceList',
    apiVersion: 'v1',
    groupVersion: groupVersion(group, version),
    resources: resources.inGroupVersion(group, version).flatMap(apiResource),
  });
}

function aggregatedDocument(version: 'v2' | 'v2beta1', items: Record<string, unknown>[]): SerializedDocument {
  const body = Buffer.from(
    JSON.stringify({
      kind: 'APIGroupDiscoveryList',
      apiVersion: `apidiscovery.k8s.io/${version}`,
      metadata: {},
      items,
    }),
  );
  return { contentType: aggregatedType(version), body, etag: computeEtag(body) };
}

/**
 * Upstream's aggregated ServeHTTPWithETag: ETag, `Vary: Accept` and `Cache-Control: public` on every answer, and a
 * 304 when If-None-Match is exactly the quoted ETag (kubectl's HTTP cache revalidates its copy that way).
 */
function serveWithETag(req: ApiRequest, doc: SerializedDocument): ApiResponse {
  const etag = JSON.stringify(doc.etag);
  const headers = { etag, vary: 'Accept', 'cache-control': 'public', 'content-type': doc.contentType };
  // Exactly equal, as upstream's aggregated handler compares (the OpenAPI route accepts a list of tags).
  if (header(req, 'if-none-match') === etag) return { status: 304, headers };
  return { status: 200, headers, body: doc.body };
}
