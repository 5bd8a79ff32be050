/**
 * The `paths` of one group-version document: an operation per verb a served resource supports, tagged with
 * `x-kubernetes-action` and `x-kubernetes-group-version-kind` as kube-apiserver does. kubectl reads the PATCH
 * operations: a `fieldValidation` query parameter makes it leave validation to the server, and a
 * strategic-merge-patch request body makes it compute apply patches from the component schemas.
 */
import type { ResourceDef } from '../../registry/resource.ts';
import type { ServedResource } from '../api-resources.ts';
import { META, refPath, type Schema } from './schema.ts';

/** A group, version and kind, keyed as kube-openapi writes them. */
export interface Gvk {
  group: string;
  version: string;
  kind: string;
}

/** Where the component of each kind lives. */
export type ComponentOf = (gvk: Gvk) => string;

type Operation = Schema;
type PathItem = Record<string, unknown>;

const RESPONSE_TYPES = ['application/json', 'application/yaml'];
const PATCH_TYPES = [
  'application/apply-patch+yaml',
  'application/json-patch+json',
  'application/merge-patch+json',
  'application/strategic-merge-patch+json',
];

function queryParam(name: string, description: string, type: 'string' | 'integer' | 'boolean' = 'string'): Schema {
  return { name, in: 'query', description, schema: { type, uniqueItems: true } };
}

function pathParam(name: string, description: string): Schema {
  return { name, in: 'path', description, required: true, schema: { type: 'string', uniqueItems: true } };
}

const PRETTY = queryParam('pretty', "If 'true', the output is indented.");
const DRY_RUN = queryParam('dryRun', 'When All, the request is validated and admitted but nothing is persisted.');
const FIELD_MANAGER = queryParam('fieldManager', 'The name of the actor making the change, recorded in managedFields.');
const FIELD_VALIDATION = queryParam(
  'fieldValidation',
  'What to do with unknown or duplicate fields in the body: Ignore drops them, Warn drops them with a warning, Strict fails the request.',
);
const FORCE = queryParam(
  'force',
  'For apply requests: take ownership of fields other managers own instead of failing with a conflict.',
  'boolean',
);
const LIST_PARAMS = [
  queryParam('allowWatchBookmarks', 'Ask for BOOKMARK events on watches.', 'boolean'),
  queryParam('continue', 'The continue token of the previous page.'),
  queryParam('fieldSelector', 'Only return objects whose fields match this selector.'),
  queryParam('labelSelector', 'Only return objects whose labels match this selector.'),
  queryParam('limit', 'The most objects to return; a continue token is returned when more exist.', 'integer'),
  queryParam('resourceVersion', 'The resourceVersion to read at, or to start a watch after.'),
  queryParam('resourceVersionMatch', 'How resourceVersion is compared (Exact or NotOlderThan).'),
  queryParam('timeoutSeconds', 'Ends the list or watch after this many seconds.', 'integer'),
  queryParam('watch', 'Stream changes instead of returning a list.', 'boolean'),
];
const DELETE_PARAMS = [
  DRY_RUN,
  queryParam('gracePeriodSeconds', 'Seconds before the object is removed; 0 means at once.', 'integer'),
  queryParam('propagationPolicy', 'What happens to dependents: Orphan, Background or Foreground.'),
];

function content(component: string, types = RESPONSE_TYPES): Record<string, unknown> {
  return Object.fromEntries(types.map((t) => [t, { schema: { $ref: refPath(component) } }]));
}

function responses(codes: Record<string, string>, component: string): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [code, description] of Object.entries(codes)) out[code] = { description, content: content(component) };
  out['401'] = { description: 'Unauthorized' };
  return out;
}

/** `rbac.authorization.k8s.io` -> `RbacAuthorization`, `` -> `Core`, as in upstream operation ids. */
function groupWord(group: string): string {
  if (!group) return 'Core';
  return group
    .replace(/\.k8s\.io$/, '')
    .split(/[.-]/)
    .map((w) => w.charAt(0).toUpperCase() + w.slice(1))
    .join('');
}

function capitalize(s: string): string {
  return s.charAt(0).toUpperCase() + s.slice(1);
}

interface OpContext {
  def: ResourceDef;
  gvk: Gvk;
  component: string;
  /** The description's plural, e.g. `ConfigMap` objects. */
  idSuffix: string;
}

function operation(ctx: OpContext, verb: string, action: string, description: string, extra: Schema): Operation {
  return {
    tags: [`${groupWord(ctx.def.group).replace(/^./, (c) => c.toLowerCase())}_${ctx.def.version}`],
    description,
    operationId: `${verb}${groupWord(ctx.def.group)}${capitalize(ctx.def.version)}${ctx.idSuffix}`,
    ...extra,
    'x-kubernetes-action': action,
    'x-kubernetes-group-version-kind': { group: ctx.gvk.group, kind: ctx.gvk.kind, version: ctx.gvk.version },
  };
}

function writeBody(component: string): Schema {
  return { content: content(component, ['*/*']), required: true };
}

/** The operations of the item path (`.../{name}`) and, for subresources, of `.../{name}/<sub>`. */
function itemOperations(ctx: OpContext, verbs: readonly string[], what: string): PathItem {
  const item: PathItem = {};
  if (verbs.includes('get'))
    item['get'] = operation(ctx, 'read', 'get', `read ${what}`, { responses: responses({ 200: 'OK' }, ctx.component) });
  if (verbs.includes('update'))
    item['put'] = operation(ctx, 'replace', 'put', `replace ${what}`, {
      parameters: [DRY_RUN, FIELD_MANAGER, FIELD_VALIDATION],
      requestBody: writeBody(ctx.component),
      responses: responses({ 200: 'OK', 201: 'Created' }, ctx.component),
    });
  if (verbs.includes('delete'))
    item['delete'] = operation(ctx, 'delete', 'delete', `delete ${what}`, {
      parameters: DELETE_PARAMS,
      requestBody: { content: content(`${META}DeleteOptions`, ['*/*']) },
      responses: responses({ 200: 'OK', 202: 'Accepted' }, `${META}Status`),
    });
  if (verbs.includes('patch'))
    item['patch'] = operation(ctx, 'patch', 'patch', `partially update ${what}`, {
      parameters: [DRY_RUN, FIELD_MANAGER, FIELD_VALIDATION, FORCE],
      requestBody: { content: content(`${META}Patch`, PATCH_TYPES), required: true },
      responses: responses({ 200: 'OK', 201: 'Created' }, ctx.component),
    });
  return item;
}

/**
 * Adds the paths of one served resource. `componentOf` names the schema of a kind, `listComponentOf` the schema of
 * its list kind.
 */
export function addResourcePaths(
  paths: Record<string, PathItem>,
  r: ServedResource,
  componentOf: ComponentOf,
  listComponentOf: ComponentOf,
): void {
  const def = r.def;
  const prefix = def.group ? `/apis/${def.group}/${def.version}` : `/api/${def.version}`;
  const gvk: Gvk = { group: def.group, version: def.version, kind: def.kind };
  const component = componentOf(gvk);
  const nsPart = def.namespaced ? 'namespaces/{namespace}/' : '';
  const collection = `${prefix}/${nsPart}${def.resource}`;
  const item = `${collection}/{name}`;
  const scoped = def.namespaced ? 'Namespaced' : '';
  const common = [PRETTY];
  const nsParam = def.namespaced ? [pathParam('namespace', 'The namespace of the object.')] : [];
  const verbs = def.verbs;
  const ctx: OpContext = { def, gvk, component, idSuffix: `${scoped}${def.kind}` };

  // The collection: list, create, deletecollection. Create-only (virtual) resources have nothing else.
  const coll: PathItem = {};
  if (verbs.includes('list')) {
    coll['get'] = operation(ctx, 'list', 'list', `list or watch objects of kind ${def.kind}`, {
      parameters: LIST_PARAMS,
      responses: responses({ 200: 'OK' }, listComponentOf(gvk)),
    });
  }
  if (verbs.includes('create')) {
    coll['post'] = operation(ctx, 'create', 'post', `create a ${def.kind}`, {
      parameters: [DRY_RUN, FIELD_MANAGER, FIELD_VALIDATION],
      requestBody: writeBody(component),
      responses: responses({ 200: 'OK', 201: 'Created', 202: 'Accepted' }, component),
    });
  }
  if (verbs.includes('deletecollection')) {
    coll['delete'] = operation(
      { ...ctx, idSuffix: `Collection${scoped}${def.kind}` },
      'delete',
      'deletecollection',
      `delete collection of ${def.kind}`,
      {
        parameters: [...DELETE_PARAMS, ...LIST_PARAMS],
        requestBody: { content: content(`${META}DeleteOptions`, ['*/*']) },
        responses: responses({ 200: 'OK' }, `${META}Status`),
      },
    );
  }
  if (Object.keys(coll).length) paths[collection] = { ...coll, parameters: [...nsParam, ...common] };

  const itemOps = itemOperations(ctx, verbs, `the specified ${def.kind}`);
  if (Object.keys(itemOps).length)
    paths[item] = {
      ...itemOps,
      parameters: [pathParam('name', `The name of the ${def.kind}.`), ...nsParam, ...common],
    };

  // Listing across namespaces.
  if (def.namespaced && verbs.includes('list')) {
    paths[`${prefix}/${def.resource}`] = {
      get: operation(
        { ...ctx, idSuffix: `${def.kind}ForAllNamespaces` },
        'list',
        'list',
        `list or watch objects of kind ${def.kind}`,
        {
          parameters: LIST_PARAMS,
          responses: responses({ 200: 'OK' }, listComponentOf(gvk)),
        },
      ),
      parameters: common,
    };
  }

  for (const sub of def.subresources ?? []) {
    const subGvk: Gvk = { group: sub.group ?? def.group, version: sub.version ?? def.version, kind: sub.kind };
    const subCtx: OpContext = {
      def,
      gvk: subGvk,
      component: componentOf(subGvk),
      idSuffix: `${scoped}${def.kind}${capitalize(sub.name)}`,
    };
    const ops = itemOperations(subCtx, sub.verbs, `${sub.name} of the specified ${def.kind}`);
    if (sub.verbs.includes('create')) {
      ops['post'] = operation(subCtx, 'create', 'post', `create ${sub.name} of a ${def.kind}`, {
        parameters: [DRY_RUN, FIELD_MANAGER, FIELD_VALIDATION],
        requestBody: writeBody(subCtx.component),
        responses: responses({ 200: 'OK', 201: 'Created', 202: 'Accepted' }, subCtx.component),
      });
    }
    if (Object.keys(ops).length)
      paths[`${item}/${sub.name}`] = {
        ...ops,
        parameters: [pathParam('name', `The name of the ${sub.kind}.`), ...nsParam, ...common],
      };
  }
}
