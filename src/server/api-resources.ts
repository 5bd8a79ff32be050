/**
 * The table of everything served under /api and /apis: stored resources (backed by a Store) and create-only
 * virtual ones (reviews, TokenRequest). Discovery and the REST handler both read it, so they cannot disagree.
 */
import type { KubernetesObject } from '../api/meta.ts';
import type { ResourceDef } from '../registry/resource.ts';
import type { Store } from '../registry/store.ts';
import type { FieldSchema } from './field-validation.ts';
import type { ApiRequest } from './http.ts';

/** A create-only endpoint: gets the decoded body and the request, returns the status code and object to send. */
export type CreateHandler = (
  req: ApiRequest,
  body: Record<string, unknown>,
  namespace: string,
  name: string,
) => Promise<{ status: number; object: unknown }>;

/** A served resource. Stored ones have `store`; virtual ones have `create`. `subresources` maps name -> handler. */
export interface ServedResource {
  def: ResourceDef;
  store?: Store<KubernetesObject>;
  create?: CreateHandler;
  subresources?: Record<string, CreateHandler>;
  /** The fields of the kind, for ?fieldValidation (undefined: only duplicates are detected). */
  schema?: FieldSchema;
  /** Admission of client writes (create, update, patch) that needs the request, e.g. RBAC escalation checks. */
  admit?: (req: ApiRequest, obj: KubernetesObject, old: KubernetesObject | undefined) => void | Promise<void>;
}

/** All served resources, indexed for the REST handler and discovery. */
export class ApiResources {
  private readonly byKey = new Map<string, ServedResource>();
  private readonly ordered: ServedResource[] = [];

  add(resource: ServedResource): void {
    const k = `${resource.def.group}/${resource.def.version}/${resource.def.resource}`;
    if (this.byKey.has(k)) throw new TypeError(`resource ${k} registered twice`);
    this.byKey.set(k, resource);
    this.ordered.push(resource);
  }

  lookup(group: string, version: string, resource: string): ServedResource | undefined {
    return this.byKey.get(`${group}/${version}/${resource}`);
  }

  /** True when some served resource has this kind. */
  hasKind(kind: string): boolean {
    return this.ordered.some((r) => r.def.kind === kind);
  }

  /** Every resource, in registration order. */
  all(): readonly ServedResource[] {
    return this.ordered;
  }

  /** The served groups with their versions, in registration order; the core group is "". */
  groups(): { name: string; versions: string[] }[] {
    const out = new Map<string, string[]>();
    for (const r of this.ordered) {
      const vs = out.get(r.def.group) ?? [];
      if (!vs.includes(r.def.version)) vs.push(r.def.version);
      out.set(r.def.group, vs);
    }
    return [...out].map(([name, versions]) => ({ name, versions }));
  }

  /** Resources of one group version. */
  inGroupVersion(group: string, version: string): ServedResource[] {
    return this.ordered.filter((r) => r.def.group === group && r.def.version === version);
  }
}
