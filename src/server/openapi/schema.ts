/**
 * A small vocabulary for writing OpenAPI v3 schemas by hand, shaped like the schemas kube-openapi emits (so
 * `kubectl explain` prints the same type hints: `<string>`, `<[]Container>`, `<map[string]string>`, `<Object>`).
 */

/** One OpenAPI v3 schema object (JSON). */
export type Schema = { [key: string]: unknown };

/** Components are addressed by their full dotted name, like `io.k8s.api.core.v1.Pod`. */
export const META = 'io.k8s.apimachinery.pkg.apis.meta.v1.';
/** Package prefix of core/v1 component names. */
export const CORE = 'io.k8s.api.core.v1.';
/** Package prefix of rbac.authorization.k8s.io/v1 component names. */
export const RBAC = 'io.k8s.api.rbac.v1.';
/** Package prefix of authentication.k8s.io/v1 component names. */
export const AUTHN = 'io.k8s.api.authentication.v1.';
/** Package prefix of authentication.k8s.io/v1beta1 component names. */
export const AUTHN_BETA = 'io.k8s.api.authentication.v1beta1.';
/** Package prefix of authorization.k8s.io/v1 component names. */
export const AUTHZ = 'io.k8s.api.authorization.v1.';
/** The Quantity component (resource amounts such as `100m` or `1Gi`). */
export const QUANTITY = 'io.k8s.apimachinery.pkg.api.resource.Quantity';
/** The IntOrString component (probe and service ports). */
export const INT_OR_STRING = 'io.k8s.apimachinery.pkg.util.intstr.IntOrString';

/** The `$ref` value of a component. */
export function refPath(component: string): string {
  return `#/components/schemas/${component}`;
}

/** The component name a schema refers to (directly or through a single allOf), if any. */
export function refTarget(schema: Schema | undefined): string | undefined {
  if (!schema) return undefined;
  const direct = schema['$ref'];
  if (typeof direct === 'string') return direct.replace('#/components/schemas/', '');
  const allOf = schema['allOf'];
  if (Array.isArray(allOf) && allOf.length === 1) return refTarget(allOf[0] as Schema);
  return undefined;
}

/** A string field. */
export function str(description: string, extra: Schema = {}): Schema {
  return { description, type: 'string', ...extra };
}

/** A string field restricted to `values` (explain prints them as `enum:`). */
export function enumOf(description: string, values: readonly string[]): Schema {
  return { description, type: 'string', enum: [...values] };
}

/** A 32-bit integer field. */
export function int32(description: string): Schema {
  return { description, type: 'integer', format: 'int32' };
}

/** A 64-bit integer field. */
export function int64(description: string): Schema {
  return { description, type: 'integer', format: 'int64' };
}

/** A boolean field. */
export function bool(description: string): Schema {
  return { description, type: 'boolean' };
}

/**
 * A field holding a component. Non-optional structs get `default: {}` like upstream; the `allOf` wrapper is what
 * kube-openapi writes, because OpenAPI 3.0 ignores siblings of a bare `$ref`.
 */
export function ref(component: string, description: string, opts: { required?: boolean } = {}): Schema {
  const out: Schema = { allOf: [{ $ref: refPath(component) }] };
  if (opts.required) out['default'] = {};
  out['description'] = description;
  return out;
}

/** An RFC 3339 timestamp field (the Time component is a string with format date-time). */
export function time(description: string): Schema {
  return ref(`${META}Time`, description);
}

/** The item schema of a list of components. */
function item(component: string): Schema {
  return { allOf: [{ $ref: refPath(component) }], default: {} };
}

/** A list of components. */
export function listOf(component: string, description: string): Schema {
  return { description, type: 'array', items: item(component) };
}

/** A list of strings. */
export function strings(description: string): Schema {
  return { description, type: 'array', items: { type: 'string', default: '' } };
}

/** A map of string to string. */
export function stringMap(description: string, extra: Schema = {}): Schema {
  return { description, type: 'object', additionalProperties: { type: 'string', default: '' }, ...extra };
}

/** A map of string to component. */
export function mapOf(component: string, description: string): Schema {
  return { description, type: 'object', additionalProperties: { $ref: refPath(component) } };
}

/**
 * An object component. `fields` is typed against the wire interface `T` (src/api), so a renamed or misspelt field
 * fails the typecheck instead of drifting from what the server stores.
 */
export function object<T>(
  description: string,
  fields: { [K in keyof T]?: Schema },
  required: readonly (keyof T & string)[] = [],
): Schema {
  const out: Schema = { description, type: 'object', properties: { ...fields } };
  if (required.length) out['required'] = [...required];
  return out;
}
