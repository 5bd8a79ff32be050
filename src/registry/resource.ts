/** What a served resource is: its names, scope and verbs, as discovery reports them. One record per resource. */

/** A subresource as discovery lists it (`serviceaccounts/token`, `namespaces/status`). */
export interface SubresourceDef {
  name: string;
  kind: string;
  verbs: string[];
  /** Set when the subresource's kind lives in another group (TokenRequest is authentication.k8s.io/v1). */
  group?: string;
  version?: string;
}

/** The static description of a resource. */
export interface ResourceDef {
  group: string;
  version: string;
  /** Plural lower-case name, e.g. `pods`. */
  resource: string;
  kind: string;
  listKind: string;
  singular: string;
  namespaced: boolean;
  verbs: string[];
  shortNames?: string[];
  categories?: string[];
  subresources?: SubresourceDef[];
}

/** The standard verbs of a stored resource. */
export const CRUD_VERBS = ['create', 'delete', 'deletecollection', 'get', 'list', 'patch', 'update', 'watch'];

/** `v1` for core, `group/version` otherwise. */
export function apiVersionOf(def: { group: string; version: string }): string {
  return def.group ? `${def.group}/${def.version}` : def.version;
}

/** The storage key prefix for a resource in one namespace, or in all namespaces when ns is empty. */
export function keyPrefix(def: ResourceDef, namespace: string): string {
  return def.namespaced && namespace ? `/registry/${def.resource}/${namespace}/` : `/registry/${def.resource}/`;
}

/** The storage key of one object. */
export function objectKey(def: ResourceDef, namespace: string, name: string): string {
  return def.namespaced ? `/registry/${def.resource}/${namespace}/${name}` : `/registry/${def.resource}/${name}`;
}
