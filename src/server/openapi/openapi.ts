/**
 * The OpenAPI documents superkube publishes, generated from the served resources (ApiResources) and the component
 * schemas written in this folder against src/api. kubectl needs them for two things:
 * - `apply` (default validation): a PATCH operation with a `fieldValidation` parameter for the object's kind makes it
 *   rely on server-side validation; the schemas' patch extensions drive its strategic-merge computations;
 * - `explain`: it prints the component schemas (descriptions, types, required fields).
 * v2 is served as an empty protobuf document: kubectl 1.27/1.28 only need it to answer 200, and newer ones use v3.
 */
import { createHash } from 'node:crypto';
import { type FieldMeta, mergeKeysFor } from '../../registry/patch/schema.ts';
import type { ApiResources } from '../api-resources.ts';
import { VERSION_INFO } from '../routes/version.ts';
import { AUTH_COMPONENTS } from './definitions-auth.ts';
import { CORE_COMPONENTS, OPEN_COMPONENTS } from './definitions-core.ts';
import { API_VERSION_FIELD, KIND_FIELD, LIST_METADATA_FIELD, META_COMPONENTS, typeMeta } from './definitions-meta.ts';
import { addResourcePaths, type Gvk } from './paths.ts';
import {
  AUTHN,
  AUTHN_BETA,
  AUTHZ,
  CORE,
  listOf,
  META,
  object,
  RBAC,
  ref,
  refTarget,
  type Schema,
  str,
} from './schema.ts';

/** Content type kube-apiserver answers protobuf v2 requests with (the `@` form kubectl asks for is not a valid media type). */
export const OPENAPI_V2_PROTOBUF = 'application/com.github.proto-openapi.spec.v2.v1.0+protobuf';

/** A serialized document and its ETag (upper-case hex SHA-512 of the body, as kube-openapi computes it). */
export interface SerializedDocument {
  contentType: string;
  body: Buffer;
  etag: string;
}

/** The OpenAPI documents of one server. Built on first use and then fixed: hashes stay stable across requests. */
export interface OpenApi {
  /** GET /openapi/v2 in protobuf: an empty (valid) gnostic document. */
  v2(): SerializedDocument;
  /** GET /openapi/v2 in JSON: an empty Swagger 2.0 document, for clients that do not ask for protobuf. */
  v2Json(): SerializedDocument;
  /** GET /openapi/v3: `{"paths": {"api/v1": {"serverRelativeURL": "/openapi/v3/api/v1?hash=..."}, ...}}`. */
  v3Index(): object;
  /** The document of `api/v1` or `apis/<group>/<version>`; undefined for a group-version that is not served. */
  v3Document(groupVersionPath: string): object | undefined;
  /** The JSON bytes and ETag of v3Document(groupVersionPath). */
  v3Serialized(groupVersionPath: string): SerializedDocument | undefined;
  /**
   * The fields of a kind with references resolved, in the shape ?fieldValidation walks (ServedResource.schema):
   * objects whose schema names only part of their fields, and free-form ones, accept anything. Undefined for a
   * kind without a written schema.
   */
  fieldSchemaOf(gvk: Gvk): FieldSchema | undefined;
}

/** What ?fieldValidation needs of a schema (structurally src/server/field-validation.ts FieldSchema). */
export interface FieldSchema {
  properties?: Record<string, FieldSchema>;
  additionalProperties?: FieldSchema | boolean;
  items?: FieldSchema;
}

const WRITTEN_COMPONENTS: Record<string, Schema> = { ...META_COMPONENTS, ...CORE_COMPONENTS, ...AUTH_COMPONENTS };

/** Resolves `schema` (a component or a field) into a FieldSchema, inlining references. */
function toFieldSchema(schema: Schema | undefined, depth = 0): FieldSchema {
  const target = refTarget(schema);
  if (target) {
    if (OPEN_COMPONENTS.has(target) || depth > 32) return {};
    return toFieldSchema(WRITTEN_COMPONENTS[target], depth + 1);
  }
  if (!schema) return {};
  const out: FieldSchema = {};
  const props = schema['properties'] as Record<string, Schema> | undefined;
  if (props)
    out.properties = Object.fromEntries(Object.entries(props).map(([k, v]) => [k, toFieldSchema(v, depth + 1)]));
  const add = schema['additionalProperties'];
  if (add && typeof add === 'object') out.additionalProperties = toFieldSchema(add as Schema, depth + 1);
  const items = schema['items'] as Schema | undefined;
  if (items) out.items = toFieldSchema(items, depth + 1);
  return out;
}

/** Upper-case hex SHA-512, the ETag and `hash` kube-openapi uses. */
export function computeEtag(body: Buffer | string): string {
  return createHash('sha512').update(body).digest('hex').toUpperCase();
}

/** `/openapi/v3/<gv>?hash=<etag>`. */
export function serverRelativeUrl(groupVersionPath: string, etag: string): string {
  return `/openapi/v3/${groupVersionPath}?hash=${etag}`;
}

/** `api/v1` or `apis/<group>/<version>`. */
export function groupVersionPath(group: string, version: string): string {
  return group ? `apis/${group}/${version}` : `api/${version}`;
}

const PACKAGES: Record<string, string> = {
  '/v1': CORE,
  'rbac.authorization.k8s.io/v1': RBAC,
  'authentication.k8s.io/v1': AUTHN,
  'authentication.k8s.io/v1beta1': AUTHN_BETA,
  'authorization.k8s.io/v1': AUTHZ,
};

/** The component package of a group-version; unknown ones get a name in the same style. */
function packageOf(group: string, version: string): string {
  const known = PACKAGES[`${group}/${version}`];
  if (known) return known;
  const short = group.replace(/\.k8s\.io$/, '').split('.')[0] || 'core';
  return `io.k8s.api.${short}.${version}.`;
}

const PATCH_EXTENSIONS: [keyof FieldMeta, string][] = [
  ['patchMergeKey', 'x-kubernetes-patch-merge-key'],
  ['patchStrategy', 'x-kubernetes-patch-strategy'],
  ['listType', 'x-kubernetes-list-type'],
  ['listMapKeys', 'x-kubernetes-list-map-keys'],
  ['mapType', 'x-kubernetes-map-type'],
];

/**
 * Copies the patch facts of one kind (src/registry/patch/schema.ts, the table the server's own strategic merge patch
 * and server-side apply use) onto the properties of the component schemas, so kubectl computes the same patches.
 * Paths are dotted from the kind's root; list items add no segment.
 */
function annotatePatchFacts(components: Record<string, Schema>, root: string, kind: string): void {
  const facts = mergeKeysFor(kind);
  const seen = new Set<string>();
  const visit = (component: string, path: string): void => {
    const key = `${component}@${path}`;
    if (seen.has(key)) return;
    seen.add(key);
    const props = components[component]?.['properties'] as Record<string, Schema> | undefined;
    if (!props) return;
    for (const [name, prop] of Object.entries(props)) {
      const p = path ? `${path}.${name}` : name;
      const meta = facts[p];
      if (meta) {
        for (const [field, ext] of PATCH_EXTENSIONS) {
          const v = meta[field];
          if (v !== undefined) prop[ext] = Array.isArray(v) ? [...v] : v;
        }
      }
      const target = refTarget(prop) ?? refTarget(prop['items'] as Schema | undefined);
      if (target) visit(target, p);
    }
  };
  visit(root, '');
}

/** The component names `schema` refers to, directly or nested. */
function collectRefs(value: unknown, out: Set<string>): void {
  if (Array.isArray(value)) {
    for (const v of value) collectRefs(v, out);
  } else if (value && typeof value === 'object') {
    for (const [k, v] of Object.entries(value)) {
      if (k === '$ref' && typeof v === 'string' && v.startsWith('#/components/schemas/'))
        out.add(v.slice('#/components/schemas/'.length));
      else collectRefs(v, out);
    }
  }
}

function gvkExtension(gvks: Gvk[]): { group: string; kind: string; version: string }[] {
  return gvks.map((g) => ({ group: g.group, kind: g.kind, version: g.version }));
}

/** Builds the documents of `resources` (read on first use, so resources registered after this call are included). */
export function createOpenApi(resources: ApiResources): OpenApi {
  let built: { index: object; docs: Map<string, { doc: object; serialized: SerializedDocument }> } | undefined;

  const build = () => {
    const components: Record<string, Schema> = structuredClone(WRITTEN_COMPONENTS);
    const gvksOf = new Map<string, Gvk[]>();
    const componentOf = (gvk: Gvk): string => {
      const name = `${packageOf(gvk.group, gvk.version)}${gvk.kind}`;
      if (!components[name]) {
        // A kind served without a written schema (added elsewhere): still explainable and patchable.
        components[name] = {
          ...object<Record<string, unknown>>(`${gvk.kind} objects.`, typeMeta()),
          'x-kubernetes-preserve-unknown-fields': true,
        };
      }
      const list = gvksOf.get(name) ?? [];
      if (!list.some((g) => g.group === gvk.group && g.version === gvk.version && g.kind === gvk.kind)) list.push(gvk);
      gvksOf.set(name, list);
      return name;
    };
    const listComponentOf = (gvk: Gvk, listKind: string): string => {
      const name = `${packageOf(gvk.group, gvk.version)}${listKind}`;
      if (!components[name]) {
        components[name] = object<Record<string, unknown>>(
          `A list of ${gvk.kind} objects.`,
          {
            apiVersion: str(API_VERSION_FIELD),
            items: listOf(componentOf(gvk), `The ${gvk.kind} objects.`),
            kind: str(KIND_FIELD),
            metadata: ref(`${META}ListMeta`, LIST_METADATA_FIELD, { required: true }),
          },
          ['items'],
        );
        gvksOf.set(name, [{ ...gvk, kind: listKind }]);
      }
      return name;
    };

    // Paths per group-version, in registration order.
    const byGv = new Map<string, Record<string, Record<string, unknown>>>();
    const annotated = new Set<string>();
    for (const r of resources.all()) {
      const gv = groupVersionPath(r.def.group, r.def.version);
      const paths = byGv.get(gv) ?? {};
      byGv.set(gv, paths);
      addResourcePaths(paths, r, componentOf, (gvk) => listComponentOf(gvk, r.def.listKind || `${gvk.kind}List`));
      if (r.store && !annotated.has(r.def.kind)) {
        annotated.add(r.def.kind);
        annotatePatchFacts(
          components,
          componentOf({ group: r.def.group, version: r.def.version, kind: r.def.kind }),
          r.def.kind,
        );
      }
    }
    for (const [name, gvks] of gvksOf) components[name]!['x-kubernetes-group-version-kind'] = gvkExtension(gvks);

    const docs = new Map<string, { doc: object; serialized: SerializedDocument }>();
    const indexPaths: Record<string, { serverRelativeURL: string }> = {};
    for (const [gv, paths] of byGv) {
      // The components this document needs: everything its paths reach, transitively.
      const needed = new Set<string>();
      collectRefs(paths, needed);
      const queue = [...needed];
      while (queue.length) {
        const name = queue.pop()!;
        const more = new Set<string>();
        collectRefs(components[name], more);
        for (const m of more)
          if (!needed.has(m)) {
            needed.add(m);
            queue.push(m);
          }
      }
      const schemas = Object.fromEntries([...needed].sort().map((n) => [n, components[n] ?? { type: 'object' }]));
      const doc = {
        openapi: '3.0.0',
        info: { title: 'Kubernetes', version: VERSION_INFO.gitVersion },
        paths: Object.fromEntries(Object.entries(paths).sort(([a], [b]) => a.localeCompare(b))),
        components: {
          schemas,
          securitySchemes: {
            BearerToken: {
              type: 'apiKey',
              description: 'Bearer token authentication',
              name: 'authorization',
              in: 'header',
            },
          },
        },
        security: [{ BearerToken: [] }],
      };
      const body = Buffer.from(JSON.stringify(doc));
      const serialized = { contentType: 'application/json', body, etag: computeEtag(body) };
      docs.set(gv, { doc, serialized });
      indexPaths[gv] = { serverRelativeURL: serverRelativeUrl(gv, serialized.etag) };
    }
    built = { index: { paths: indexPaths }, docs };
    return built;
  };
  const get = () => built ?? build();

  const emptyV2 = Buffer.alloc(0);
  const v2: SerializedDocument = { contentType: OPENAPI_V2_PROTOBUF, body: emptyV2, etag: computeEtag(emptyV2) };
  const v2JsonBody = Buffer.from(
    JSON.stringify({ swagger: '2.0', info: { title: 'Kubernetes', version: VERSION_INFO.gitVersion }, paths: {} }),
  );
  const v2Json: SerializedDocument = {
    contentType: 'application/json',
    body: v2JsonBody,
    etag: computeEtag(v2JsonBody),
  };

  return {
    v2: () => v2,
    v2Json: () => v2Json,
    v3Index: () => get().index,
    v3Document: (gv) => get().docs.get(gv)?.doc,
    v3Serialized: (gv) => get().docs.get(gv)?.serialized,
    fieldSchemaOf: (gvk) => {
      const name = `${packageOf(gvk.group, gvk.version)}${gvk.kind}`;
      return WRITTEN_COMPONENTS[name] ? toFieldSchema({ $ref: `#/components/schemas/${name}` }) : undefined;
    },
  };
}
