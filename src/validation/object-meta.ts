/**
 * ObjectMeta validation on create and update: apimachinery's api/validation/objectmeta.go plus the finalizer-name
 * check that pkg/apis/core/validation adds for every built-in kind (core and RBAC alike).
 */
import { formatTime, type ObjectMeta, type OwnerReference } from '../api/meta.ts';
import type { FieldError } from '../api/status.ts';
import { child, forbiddenValue, index, invalidValue, requiredValue, tooLongValue } from './field.ts';
import { goStringSlice } from './go-format.ts';
import { validateAnnotations, validateLabels } from './labels.ts';
import { isQualifiedName, type NameValidator, nameIsDNSLabel } from './names.ts';

/** apimachineryvalidation.FieldImmutableErrorMsg. */
export const FIELD_IMMUTABLE_ERROR_MSG = 'field is immutable';
/** apimachineryvalidation.IsNegativeErrorMsg. */
export const IS_NEGATIVE_ERROR_MSG = 'must be greater than or equal to 0';

const FINALIZER_ORPHAN = 'orphan';
const FINALIZER_FOREGROUND = 'foregroundDeletion';
/** Finalizer names allowed without a domain prefix (helper.IsStandardFinalizerName). */
const STANDARD_FINALIZERS = new Set(['kubernetes', FINALIZER_ORPHAN, FINALIZER_FOREGROUND]);
const FIELD_MANAGER_MAX_LENGTH = 128;
const MAX_SUBRESOURCE_NAME_LENGTH = 256;

function str(v: unknown): string {
  return typeof v === 'string' ? v : v === undefined || v === null ? '' : String(v);
}

function strings(v: unknown): string[] {
  return Array.isArray(v) ? v.map(str) : [];
}

/** ValidateImmutableField: `Invalid value: <new>: field is immutable` when the values differ. */
export function validateImmutableField(newVal: unknown, oldVal: unknown, path: string): FieldError[] {
  return newVal === oldVal ? [] : [invalidValue(path, newVal, FIELD_IMMUTABLE_ERROR_MSG)];
}

/** apimachinery ValidateFinalizerName: a finalizer is a qualified name. */
export function validateFinalizerName(name: string, path: string): FieldError[] {
  return isQualifiedName(name).map((msg) => invalidValue(path, name, msg));
}

/** core's validateKubeFinalizerName: a finalizer without a domain must be one of the standard ones. */
export function validateKubeFinalizerName(name: string, path: string): FieldError[] {
  if (name.split('/').length === 1 && !STANDARD_FINALIZERS.has(name)) {
    return [invalidValue(path, name, 'name is neither a standard finalizer name nor is it fully qualified')];
  }
  return [];
}

/** ValidateFinalizers: names, and `orphan` with `foregroundDeletion` is a contradiction. Errors use the list's path. */
export function validateFinalizers(finalizers: string[], path: string): FieldError[] {
  const errs: FieldError[] = [];
  for (const f of finalizers) errs.push(...validateFinalizerName(f, path));
  if (finalizers.includes(FINALIZER_ORPHAN) && finalizers.includes(FINALIZER_FOREGROUND)) {
    errs.push(
      invalidValue(path, finalizers, `finalizer ${FINALIZER_ORPHAN} and ${FINALIZER_FOREGROUND} cannot be both set`),
    );
  }
  return errs;
}

function parseGroupVersion(apiVersion: string): { group: string; version: string } | null {
  if (apiVersion === '') return { group: '', version: '' };
  const parts = apiVersion.split('/');
  if (parts.length === 1) return { group: '', version: apiVersion };
  if (parts.length === 2) return { group: parts[0] as string, version: parts[1] as string };
  return null;
}

function validateOwnerReference(ref: OwnerReference, path: string): FieldError[] {
  const errs: FieldError[] = [];
  const apiVersion = str(ref.apiVersion);
  const kind = str(ref.kind);
  const gv = parseGroupVersion(apiVersion) ?? { group: '', version: '' };
  if (gv.version === '') errs.push(invalidValue(child(path, 'apiVersion'), apiVersion, 'version must not be empty'));
  if (kind === '') errs.push(invalidValue(child(path, 'kind'), kind, 'must not be empty'));
  if (str(ref.name) === '') errs.push(invalidValue(child(path, 'name'), str(ref.name), 'must not be empty'));
  if (str(ref.uid) === '') errs.push(invalidValue(child(path, 'uid'), str(ref.uid), 'must not be empty'));
  if (gv.group === '' && gv.version === 'v1' && kind === 'Event') {
    errs.push(invalidValue(path, ref, `${gv.group}/${gv.version}, Kind=${kind} is disallowed from being an owner`));
  }
  return errs;
}

/** ValidateOwnerReferences: required fields, no Event owners, at most one controller. */
export function validateOwnerReferences(refs: unknown, path: string): FieldError[] {
  if (!Array.isArray(refs)) return [];
  const errs: FieldError[] = [];
  let firstController = '';
  for (const ref of refs as OwnerReference[]) {
    errs.push(...validateOwnerReference(ref ?? ({} as OwnerReference), path));
    if (ref?.controller === true) {
      const current = `${str(ref.kind)}/${str(ref.name)}`;
      if (firstController !== '') {
        errs.push(
          invalidValue(
            path,
            refs,
            `Only one reference can have Controller set to true. Found "true" in references for ${firstController} and ${current}`,
          ),
        );
      } else {
        firstController = current;
      }
    }
  }
  return errs;
}

const NON_PRINTABLE = /[^\p{L}\p{M}\p{N}\p{P}\p{S} ]/u;

function validateFieldManager(manager: string, path: string): FieldError[] {
  const errs: FieldError[] = [];
  if (Buffer.byteLength(manager, 'utf8') > FIELD_MANAGER_MAX_LENGTH) {
    errs.push(tooLongValue(path, FIELD_MANAGER_MAX_LENGTH));
  }
  let bytePos = 0;
  for (const ch of manager) {
    if (NON_PRINTABLE.test(ch)) {
      const cp = (ch.codePointAt(0) as number).toString(16).toUpperCase().padStart(4, '0');
      errs.push(invalidValue(path, manager, `invalid character U+${cp} (at position ${bytePos})`));
    }
    bytePos += Buffer.byteLength(ch, 'utf8');
  }
  return errs;
}

/** ValidateManagedFields: operation, fieldsType, manager and subresource of each entry. */
export function validateManagedFields(entries: unknown, path: string): FieldError[] {
  if (!Array.isArray(entries)) return [];
  const errs: FieldError[] = [];
  entries.forEach((e: Record<string, unknown> | null, i) => {
    const p = index(path, i);
    const entry = e ?? {};
    if (entry.operation !== 'Apply' && entry.operation !== 'Update') {
      errs.push(invalidValue(child(p, 'operation'), str(entry.operation), 'must be `Apply` or `Update`'));
    }
    const fieldsType = str(entry.fieldsType);
    if (fieldsType !== '' && fieldsType !== 'FieldsV1') {
      errs.push(invalidValue(child(p, 'fieldsType'), fieldsType, 'must be `FieldsV1`'));
    }
    errs.push(...validateFieldManager(str(entry.manager), child(p, 'manager')));
    if (Buffer.byteLength(str(entry.subresource), 'utf8') > MAX_SUBRESOURCE_NAME_LENGTH) {
      errs.push(tooLongValue(child(p, 'subresource'), MAX_SUBRESOURCE_NAME_LENGTH));
    }
  });
  return errs;
}

function validateKubeFinalizers(finalizers: string[], path: string): FieldError[] {
  return finalizers.flatMap((f, i) => validateKubeFinalizerName(f, index(path, i)));
}

/**
 * core ValidateObjectMeta for a create: generateName (as a prefix) and name by `nameFn`, name required unless
 * generated (upstream generates it before validating, so this reads `name or generateName is required`),
 * namespace required for namespaced kinds and forbidden otherwise, generation, labels, annotations,
 * ownerReferences, finalizers and managedFields. Paths are rooted at `path` (normally `metadata`).
 */
export function validateObjectMeta(
  meta: ObjectMeta | undefined,
  namespaced: boolean,
  nameFn: NameValidator,
  path = 'metadata',
): FieldError[] {
  const m: ObjectMeta = meta ?? {};
  const errs: FieldError[] = [];
  const generateName = str(m.generateName);
  const name = str(m.name);
  if (generateName !== '') {
    for (const msg of nameFn(generateName, true))
      errs.push(invalidValue(child(path, 'generateName'), generateName, msg));
  }
  if (name === '') errs.push(requiredValue(child(path, 'name'), 'name or generateName is required'));
  else for (const msg of nameFn(name, false)) errs.push(invalidValue(child(path, 'name'), name, msg));

  const namespace = str(m.namespace);
  if (namespaced) {
    if (namespace === '') errs.push(requiredValue(child(path, 'namespace')));
    else
      for (const msg of nameIsDNSLabel(namespace, false))
        errs.push(invalidValue(child(path, 'namespace'), namespace, msg));
  } else if (namespace !== '') {
    errs.push(forbiddenValue(child(path, 'namespace'), 'not allowed on this type'));
  }
  errs.push(...validateCommon(m, path));
  errs.push(...validateKubeFinalizers(strings(m.finalizers), child(path, 'finalizers')));
  return errs;
}

function validateCommon(m: ObjectMeta, path: string): FieldError[] {
  const errs: FieldError[] = [];
  if (typeof m.generation === 'number' && m.generation < 0) {
    errs.push(invalidValue(child(path, 'generation'), m.generation, IS_NEGATIVE_ERROR_MSG));
  }
  errs.push(...validateLabels(m.labels, child(path, 'labels')));
  errs.push(...validateAnnotations(m.annotations, child(path, 'annotations')));
  errs.push(...validateOwnerReferences(m.ownerReferences, child(path, 'ownerReferences')));
  errs.push(...validateFinalizers(strings(m.finalizers), child(path, 'finalizers')));
  errs.push(...validateManagedFields(m.managedFields, child(path, 'managedFields')));
  return errs;
}

function sameInstant(a: string | null | undefined, b: string | null | undefined): boolean {
  const ta = a ? Date.parse(a) : Number.NaN;
  const tb = b ? Date.parse(b) : Number.NaN;
  return ta === tb || (Number.isNaN(ta) && Number.isNaN(tb));
}

/**
 * A timestamp as current kube-apiserver prints it in a field error: metav1.Time's JSON form (RFC 3339, seconds, UTC),
 * and null for an unset one (upstream's ObjectMeta tests: `Invalid value: "1970-01-01T00:16:40Z"`).
 */
function timeJson(ts: string | null | undefined): string | null {
  const ms = ts ? Date.parse(ts) : Number.NaN;
  return Number.isNaN(ms) ? null : formatTime(new Date(ms));
}

/**
 * core ValidateObjectMetaUpdate: resourceVersion must be present (the registry copies the stored one in for
 * unconditional updates before validating), generation may not go down, name, namespace, uid, creationTimestamp,
 * deletionTimestamp and deletionGracePeriodSeconds are immutable, no new finalizers while deleting, and the new
 * labels/annotations/ownerReferences/managedFields/finalizers must be valid.
 *
 * Timestamps are reported in metav1.Time's JSON form (timeJson).
 */
export function validateObjectMetaUpdate(
  newMeta: ObjectMeta | undefined,
  oldMeta: ObjectMeta | undefined,
  path = 'metadata',
): FieldError[] {
  const n: ObjectMeta = newMeta ?? {};
  const o: ObjectMeta = oldMeta ?? {};
  const errs: FieldError[] = [];
  const newFinalizers = strings(n.finalizers);
  if (o.deletionTimestamp) {
    const old = new Set(strings(o.finalizers));
    const extra = [...new Set(newFinalizers.filter((f) => !old.has(f)))].sort();
    if (extra.length > 0) {
      errs.push(
        forbiddenValue(
          child(path, 'finalizers'),
          `no new finalizers can be added if the object is being deleted, found new finalizers ${goStringSlice(extra)}`,
        ),
      );
    }
  }
  if (str(n.resourceVersion) === '') {
    errs.push(invalidValue(child(path, 'resourceVersion'), str(n.resourceVersion), 'must be specified for an update'));
  }
  const newGen = typeof n.generation === 'number' ? n.generation : 0;
  const oldGen = typeof o.generation === 'number' ? o.generation : 0;
  if (newGen < oldGen) errs.push(invalidValue(child(path, 'generation'), newGen, 'must not be decremented'));

  errs.push(...validateImmutableField(str(n.name), str(o.name), child(path, 'name')));
  errs.push(...validateImmutableField(str(n.namespace), str(o.namespace), child(path, 'namespace')));
  errs.push(...validateImmutableField(str(n.uid), str(o.uid), child(path, 'uid')));
  if (!sameInstant(n.creationTimestamp, o.creationTimestamp)) {
    errs.push(invalidValue(child(path, 'creationTimestamp'), timeJson(n.creationTimestamp), FIELD_IMMUTABLE_ERROR_MSG));
  }
  if (!sameInstant(n.deletionTimestamp, o.deletionTimestamp)) {
    errs.push(invalidValue(child(path, 'deletionTimestamp'), timeJson(n.deletionTimestamp), FIELD_IMMUTABLE_ERROR_MSG));
  }
  const newGrace = n.deletionGracePeriodSeconds ?? null;
  const oldGrace = o.deletionGracePeriodSeconds ?? null;
  if (newGrace !== oldGrace) {
    errs.push(invalidValue(child(path, 'deletionGracePeriodSeconds'), newGrace, FIELD_IMMUTABLE_ERROR_MSG));
  }
  errs.push(...validateLabels(n.labels, child(path, 'labels')));
  errs.push(...validateAnnotations(n.annotations, child(path, 'annotations')));
  errs.push(...validateOwnerReferences(n.ownerReferences, child(path, 'ownerReferences')));
  errs.push(...validateManagedFields(n.managedFields, child(path, 'managedFields')));
  errs.push(...validateKubeFinalizers(newFinalizers, child(path, 'finalizers')));
  return errs;
}
