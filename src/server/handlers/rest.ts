/**
 * The generic REST handler: maps a resource request (verb, namespace, resource, name, subresource) onto the
 * Store of that resource or the create handler of a virtual one, with content negotiation and dry run.
 */
import type { DeleteOptions, KubernetesObject } from '../../api/meta.ts';
import {
  badRequest,
  methodNotSupported,
  notFoundPath,
  StatusError,
  statusFailure,
  successStatus,
} from '../../api/status.ts';
import { updateManagedFields } from '../../registry/apply/managed-fields.ts';
import { apiVersionOf } from '../../registry/resource.ts';
import type { ListOptions, Store } from '../../registry/store.ts';
import type { Clock } from '../../util/clock.ts';
import { goQuote } from '../../util/go-format.ts';
import type { ApiResources, ServedResource } from '../api-resources.ts';
import { checkFields, pruneUnknownFields } from '../field-validation.ts';
import type { ApiRequest, ApiResponse, Handler } from '../http.ts';
import { header } from '../http.ts';
import { chooseOutput, decodeBody, type OutputChoice } from '../negotiation.ts';
import type { RequestInfo } from '../request-info.ts';
import { objectResponse } from '../respond.ts';
import { fieldManagerOf, patchTypeOf } from './patch.ts';
import { partialObjectMetadata, tableOf, tableRow, toTable } from './table.ts';
import { watchStream } from './watch.ts';

/** What the REST handler needs. */
export interface RestDeps {
  resources: ApiResources;
  clock: Clock;
  /** Upper bound of a watch without timeoutSeconds (kube-apiserver: random in [min-request-timeout, 2x]). */
  minRequestTimeoutSeconds: number;
  bookmarkIntervalMs: number;
  /** Applies a PATCH body to the current object; provided by the patch layer. */
  patch?: PatchApplier;
}

/** Applies a patch of a given content type to `current` and returns the new object (throws StatusError). */
export type PatchApplier = (args: {
  req: ApiRequest;
  store: Store<KubernetesObject>;
  namespace: string;
  name: string;
  contentType: string;
  body: Buffer;
  dryRun: boolean;
  admit?: (obj: KubernetesObject, old: KubernetesObject | undefined) => void | Promise<void>;
  served: ServedResource;
}) => Promise<{ status: number; object: KubernetesObject }>;

function parseDryRun(values: string[]): boolean {
  if (values.length === 0) return false;
  for (const v of values)
    if (v !== 'All')
      throw statusFailure(400, 'BadRequest', `dryRun: Unsupported value: ${goQuote(v)}: supported values: "All"`);
  return true;
}

/**
 * List options from the query. `name` is the request's object name (a `/watch/.../<name>` path, or a
 * metadata.name field selector): it is always part of the selector, because authorization was decided for that
 * name (upstream ANDs a name selector the same way), so a resourceNames grant never lists or watches other objects.
 */
function listOptions(q: URLSearchParams, name = ''): ListOptions {
  const limit = q.get('limit');
  const opts: ListOptions = {};
  const ls = q.get('labelSelector');
  const fs = q.get('fieldSelector');
  if (ls) opts.labelSelector = ls;
  if (fs) opts.fieldSelector = fs;
  if (name) opts.fieldSelector = fs ? `metadata.name=${name},${fs}` : `metadata.name=${name}`;
  if (limit) {
    if (!/^\d+$/.test(limit)) throw badRequest(`limit: Invalid value: ${JSON.stringify(limit)}`);
    opts.limit = Number(limit);
  }
  const cont = q.get('continue');
  if (cont) opts.continue = cont;
  const rv = q.get('resourceVersion');
  if (rv !== null) opts.resourceVersion = rv;
  const rvm = q.get('resourceVersionMatch');
  if (rvm) opts.resourceVersionMatch = rvm;
  return opts;
}

/** Builds the REST handler. The request-info filter must have run before it. */
export function restHandler(deps: RestDeps): Handler {
  return async (req) => {
    const info = req.ctx.requestInfo as RequestInfo;
    const served = deps.resources.lookup(info.apiGroup, info.apiVersion, info.resource);
    if (!served) throw notFoundPath();
    const output = chooseOutput(header(req, 'accept'));
    const ns = served.def.namespaced ? info.namespace : '';
    if (served.def.namespaced && !info.namespace && info.verb !== 'list' && info.verb !== 'watch') throw notFoundPath();
    if (info.subresource) return subresource(req, served, info, ns, output);
    if (!served.store) {
      if (info.verb !== 'create' || !served.create)
        throw methodNotSupported({ group: served.def.group, resource: served.def.resource }, info.verb);
      const body = decodeBody(await req.body(), header(req, 'content-type'));
      const result = await served.create(req, body, ns, info.name);
      return objectResponse(result.status, result.object, output.format);
    }
    // Request info already made a list with ?watch a watch.
    const verb = info.verb;
    if (!served.def.verbs.includes(verb))
      throw statusFailure(405, 'MethodNotAllowed', 'the server does not allow this method on the requested resource', {
        ...(served.def.group ? { group: served.def.group } : {}),
        kind: served.def.resource,
        ...(info.name ? { name: info.name } : {}),
      });
    return storedVerb(deps, req, served, served.store, info, ns, output);
  };
}

function render(store: Store<KubernetesObject>, obj: KubernetesObject, output: OutputChoice, now: Date): unknown {
  if (output.table)
    return toTable(store, [obj], output.table, { resourceVersion: obj.metadata.resourceVersion ?? '' }, now);
  if (output.partial) return partialObjectMetadata(obj, output.partial);
  return obj;
}

/** Reads the body as an object, applying ?fieldValidation to unknown and duplicate fields first. */
async function readObject(req: ApiRequest, served: ServedResource): Promise<KubernetesObject> {
  const raw = await req.body();
  const contentType = header(req, 'content-type');
  const body = decodeBody(raw, contentType, served.def.kind);
  checkFields(req, served, raw, (contentType ?? 'application/json').split(';')[0]!.trim().toLowerCase());
  return pruneUnknownFields(body as unknown as KubernetesObject, served.schema);
}

function checkKind(served: ServedResource, obj: KubernetesObject, known: (kind: string) => boolean): void {
  const def = served.def;
  if (obj.kind !== undefined && obj.kind !== '' && obj.kind !== def.kind) {
    // A kind nobody serves is a decoding failure upstream, with the scheme's own words.
    if (!known(obj.kind))
      throw badRequest(
        `${obj.kind} in version "${obj.apiVersion ?? ''}" cannot be handled as a ${def.kind}: no kind "${obj.kind}" is registered for version "${obj.apiVersion ?? ''}" in scheme "k8s.io/kubernetes/pkg/api/legacyscheme/scheme.go:30"`,
      );
    throw badRequest(`the kind in the data (${obj.kind}) does not match the expected kind (${def.kind})`);
  }
  if (obj.apiVersion !== undefined && obj.apiVersion !== '' && obj.apiVersion !== apiVersionOf(def))
    throw badRequest(
      `the API version in the data (${obj.apiVersion}) does not match the expected API version (${apiVersionOf(def)})`,
    );
}

async function storedVerb(
  deps: RestDeps,
  req: ApiRequest,
  served: ServedResource,
  store: Store<KubernetesObject>,
  info: RequestInfo,
  ns: string,
  output: OutputChoice,
): Promise<ApiResponse> {
  const q = req.query;
  const now = deps.clock.now();
  switch (info.verb) {
    case 'get': {
      if (output.format === 'json' && !output.table && !output.partial)
        return {
          status: 200,
          headers: { 'content-type': 'application/json' },
          body: await store.getJson(ns, info.name),
        };
      const obj = await store.get(ns, info.name);
      return objectResponse(200, render(store, obj, output, now), output.format);
    }
    case 'list':
    case 'watch': {
      if (info.verb === 'watch') return watchResponse(deps, req, store, ns, output, info.name);
      const opts = listOptions(q, info.name);
      // Items become their row or their JSON as they are read, so the decoded objects of a large list never all
      // live at once.
      if (output.table) {
        const version = output.table;
        const rows = await store.listAs(ns, opts, (obj) => tableRow(store, obj, version, now));
        return objectResponse(200, tableOf(store, rows.items, version, rows.metadata), output.format);
      }
      if (output.format === 'json' && !output.partial) {
        const json = await store.listAs(ns, opts, (obj) => JSON.stringify(obj));
        return { status: 200, headers: { 'content-type': 'application/json' }, body: store.listJson(json) };
      }
      const result = await store.list(ns, opts);
      if (output.partial)
        return objectResponse(
          200,
          {
            kind: 'PartialObjectMetadataList',
            apiVersion: `meta.k8s.io/${output.partial}`,
            metadata: result.metadata,
            items: result.items.map((o) => partialObjectMetadata(o, output.partial!)),
          },
          output.format,
        );
      return objectResponse(200, store.toList(result), output.format);
    }
    case 'create': {
      const dryRun = parseDryRun(q.getAll('dryRun'));
      const obj = await readObject(req, served);
      checkKind(served, obj, (k) => deps.resources.hasKind(k));
      const manager = fieldManagerOf(req);
      const created = await store.create(ns, obj, {
        dryRun,
        admit: admission(served, req),
        managedFields: (next, current) => updateManagedFields(current, next, manager, 'Update', now),
      });
      return objectResponse(201, render(store, created, output, now), output.format);
    }
    case 'update': {
      const dryRun = parseDryRun(q.getAll('dryRun'));
      const obj = await readObject(req, served);
      checkKind(served, obj, (k) => deps.resources.hasKind(k));
      const manager = fieldManagerOf(req);
      const updated = await store.update(ns, info.name, obj, {
        dryRun,
        admit: admission(served, req),
        managedFields: (next, current) => updateManagedFields(current, next, manager, 'Update', now),
      });
      return objectResponse(200, render(store, updated, output, now), output.format);
    }
    case 'patch': {
      if (!deps.patch) throw methodNotSupported(store.gr, 'patch');
      const dryRun = parseDryRun(q.getAll('dryRun'));
      const result = await deps.patch({
        req,
        store,
        namespace: ns,
        name: info.name,
        contentType: patchTypeOf(header(req, 'content-type')),
        body: await req.body(),
        dryRun,
        admit: admission(served, req),
        served,
      });
      return objectResponse(result.status, render(store, result.object, output, now), output.format);
    }
    case 'delete': {
      const opts = await deleteOptions(req);
      const dryRun = parseDryRun([...q.getAll('dryRun'), ...(opts.dryRun ?? [])]);
      const grace = q.get('gracePeriodSeconds');
      const { object, deleted } = await store.delete(ns, info.name, {
        dryRun,
        preconditions: opts.preconditions,
        gracePeriodSeconds: grace !== null ? Number(grace) : opts.gracePeriodSeconds,
      });
      if (!deleted) return objectResponse(200, render(store, object, output, now), output.format);
      return objectResponse(
        200,
        successStatus({
          name: info.name,
          ...(store.def.group ? { group: store.def.group } : {}),
          kind: store.def.resource,
          uid: object.metadata.uid,
        }),
        output.format,
      );
    }
    case 'deletecollection': {
      const opts = await deleteOptions(req);
      const dryRun = parseDryRun([...q.getAll('dryRun'), ...(opts.dryRun ?? [])]);
      const items = await store.deleteCollection(ns, listOptions(q), { dryRun });
      return objectResponse(200, { ...store.toList({ items, metadata: {} }) }, output.format);
    }
    default:
      throw methodNotSupported(store.gr, info.verb);
  }
}

function admission(served: ServedResource, req: ApiRequest) {
  const admit = served.admit;
  return admit ? (obj: KubernetesObject, old: KubernetesObject | undefined) => admit(req, obj, old) : undefined;
}

async function deleteOptions(req: ApiRequest): Promise<DeleteOptions> {
  const raw = await req.body();
  if (raw.length === 0) return {};
  const body = decodeBody(raw, header(req, 'content-type')) as DeleteOptions;
  if (body.kind && body.kind !== 'DeleteOptions') throw badRequest(`expected DeleteOptions, got ${body.kind}`);
  return body;
}

async function watchResponse(
  deps: RestDeps,
  req: ApiRequest,
  store: Store<KubernetesObject>,
  ns: string,
  output: OutputChoice,
  name: string,
): Promise<ApiResponse> {
  const q = req.query;
  const timeoutParam = q.get('timeoutSeconds');
  const timeoutSeconds = timeoutParam ? Number(timeoutParam) : deps.minRequestTimeoutSeconds * (1 + Math.random());
  if (!Number.isFinite(timeoutSeconds) || timeoutSeconds < 0) throw badRequest('timeoutSeconds: Invalid value');
  const opts = listOptions(q, name);
  let watch: Awaited<ReturnType<typeof store.watch>>;
  try {
    watch = await store.watch(ns, opts);
  } catch (err) {
    // Upstream answers a watch from a compacted revision with 200 and one ERROR event carrying the 410 Status.
    if (err instanceof StatusError && err.code === 410)
      return {
        status: 200,
        headers: { 'content-type': 'application/json', 'cache-control': 'no-cache, private' },
        stream: (async function* () {
          yield `${JSON.stringify({ type: 'ERROR', object: err.status })}\n`;
        })(),
      };
    throw err;
  }
  const allowBookmarks = q.get('allowWatchBookmarks') === 'true';
  const apiVersion = apiVersionOf(store.def);
  const stream = watchStream(watch, {
    timeoutMs: timeoutSeconds * 1000,
    bookmarkIntervalMs: allowBookmarks ? deps.bookmarkIntervalMs : undefined,
    bookmark: (resourceVersion) => ({ kind: store.def.kind, apiVersion, metadata: { resourceVersion } }),
    transform: (obj, first) => {
      if (output.table)
        return toTable(
          store,
          [obj],
          output.table,
          { resourceVersion: obj.metadata.resourceVersion ?? '' },
          deps.clock.now(),
          first,
        );
      if (output.partial) return partialObjectMetadata(obj, output.partial);
      return obj;
    },
    signal: req.signal,
  });
  return {
    status: 200,
    // No transfer-encoding: node chunks HTTP/1.1 bodies itself, and the header is forbidden in HTTP/2.
    headers: { 'content-type': 'application/json', 'cache-control': 'no-cache, private' },
    stream,
  };
}

async function subresource(
  req: ApiRequest,
  served: ServedResource,
  info: RequestInfo,
  ns: string,
  output: OutputChoice,
): Promise<ApiResponse> {
  const subs = served.subresources;
  const handler = subs && Object.hasOwn(subs, info.subresource) ? subs[info.subresource] : undefined;
  if (handler) {
    if (info.verb !== 'create')
      throw methodNotSupported(
        { group: served.def.group, resource: `${served.def.resource}/${info.subresource}` },
        info.verb,
      );
    const body = decodeBody(await req.body(), header(req, 'content-type'));
    const result = await handler(req, body, ns, info.name);
    return objectResponse(result.status, result.object, output.format);
  }
  const store = served.store;
  if (store && info.subresource === 'status' && served.def.subresources?.some((s) => s.name === 'status')) {
    if (info.verb === 'get') return objectResponse(200, await store.get(ns, info.name), output.format);
    if (info.verb === 'update') {
      const dryRun = parseDryRun(req.query.getAll('dryRun'));
      const obj = await readObject(req, served);
      const updated = await store.guaranteedUpdate(
        ns,
        info.name,
        (cur) => ({ ...cur, status: (obj as { status?: unknown }).status }) as KubernetesObject,
        { dryRun, statusOnly: true },
      );
      return objectResponse(200, updated, output.format);
    }
  }
  if (served.def.resource === 'pods' && ['log', 'exec', 'attach', 'portforward'].includes(info.subresource)) {
    throw statusFailure(
      400,
      'BadRequest',
      `pods/${info.subresource} is not available: superkube stores pods but runs no containers`,
    );
  }
  if (info.verb === 'get' || info.verb === 'create' || info.verb === 'update' || info.verb === 'patch')
    throw notFoundPath();
  throw new StatusError(
    statusFailure(405, 'MethodNotAllowed', 'the server does not allow this method on the requested resource').status,
  );
}
