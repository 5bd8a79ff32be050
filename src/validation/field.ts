/**
 * Builders for field errors and field paths, mirroring k8s.io/apimachinery/pkg/util/validation/field.
 * Validators build errors only through these so type names, details and paths stay uniform.
 */
import type { FieldError } from '../api/status.ts';

/** `parent.name` (field.Path.Child); an empty parent yields just `name`. */
export function child(parent: string, ...names: string[]): string {
  let p = parent;
  for (const n of names) p = p ? `${p}.${n}` : n;
  return p;
}

/** `parent[i]` (field.Path.Index). */
export function index(parent: string, i: number): string {
  return `${parent}[${i}]`;
}

/** `parent[key]` (field.Path.Key); the key is printed verbatim, unquoted, as upstream does. */
export function key(parent: string, k: string): string {
  return `${parent}[${k}]`;
}

/**
 * The path upstream gets from `field.NewPath("")`: a root with neither name nor index prints as `[]`.
 * ConfigMap's size limit uses it to mean "the whole object".
 */
export const WHOLE_OBJECT_PATH = '[]';

/** field.Invalid: `Invalid value: <value>: <detail>`. */
export function invalidValue(field: string, value: unknown, detail: string): FieldError {
  return { type: 'FieldValueInvalid', field, value, detail };
}

/** field.Required: `Required value[: detail]` (the value is never printed). */
export function requiredValue(field: string, detail = ''): FieldError {
  return { type: 'FieldValueRequired', field, value: '', detail };
}

/** field.Forbidden: `Forbidden: <detail>` (the value is never printed). */
export function forbiddenValue(field: string, detail: string): FieldError {
  return { type: 'FieldValueForbidden', field, value: '', detail };
}

/** field.Duplicate: `Duplicate value: <value>`. */
export function duplicateValue(field: string, value: unknown): FieldError {
  return { type: 'FieldValueDuplicate', field, value };
}

/** field.NotFound: `Not found: <value>[: detail]`. */
export function notFoundValue(field: string, value: unknown, detail?: string): FieldError {
  return detail ? { type: 'FieldValueNotFound', field, value, detail } : { type: 'FieldValueNotFound', field, value };
}

/** field.NotSupported: `Unsupported value: <value>: supported values: "a", "b"`. */
export function notSupportedValue(field: string, value: unknown, supported: string[]): FieldError {
  return { type: 'FieldValueNotSupported', field, value, supported: [...supported] };
}

/**
 * field.TooLong as of Kubernetes 1.32+: `Too long: may not be more than <n> bytes`.
 * The value is never printed, so none is carried (a secret's data must not leak into errors).
 */
export function tooLongValue(field: string, maxLength: number): FieldError {
  const detail =
    maxLength >= 0 ? `may not be more than ${maxLength} ${maxLength === 1 ? 'byte' : 'bytes'}` : 'value is too long';
  return { type: 'FieldValueTooLong', field, detail };
}
