/**
 * metadata.managedFields bookkeeping for every write, and server-side apply, after kube-apiserver's field
 * manager stack (endpoints/handlers/fieldmanager + structured-merge-diff merge.Updater): lastAppliedUpdater,
 * lastAppliedManager, skipNonAppliedManager, managedFieldsUpdater, stripMetaManager. Pure functions over
 * plain objects; the caller stores the result.
 */
import { formatTime, type KubernetesObject, type ManagedFieldsEntry } from '../../api/meta.ts';
import { badRequest, type StatusError, statusFailure } from '../../api/status.ts';
import { clone, deepEqual, isObject, type JsonObject } from '../patch/json-value.ts';
import { emptyObjectFor, type KindSchema, mergeKeysFor, resetFieldsFor } from '../patch/schema.ts';
import { ApplyConflicts, type Conflict, conflictError } from './conflicts.ts';
import { FieldSet, fromFieldsV1, toFieldsV1 } from './fieldpath.ts';
import { compare, ensureNamedFieldsAreMembers, merge, removeItems, TypedValueError, toFieldSet } from './typed.ts';

/** kubectl's client-side apply annotation. */
export const LAST_APPLIED_ANNOTATION = 'kubectl.kubernetes.io/last-applied-configuration';
/** The manager that inherits every field of an object first applied to without managedFields. */
export const BEFORE_FIRST_APPLY = 'before-first-apply';

/** One manager's ownership, keyed elsewhere by its identifier. */
interface Managed {
  set: FieldSet;
  apiVersion: string;
  applied: boolean;
  time?: string;
}

type Managers = Map<string, Managed>;

/** BuildManagerIdentifier: the entry without fields and time (and without apiVersion for appliers), as JSON. */
export function managerIdentifier(
  manager: string,
  operation: 'Apply' | 'Update',
  apiVersion: string,
  subresource?: string,
): string {
  const id: Record<string, string> = { manager, operation };
  if (operation === 'Update' && apiVersion) id.apiVersion = apiVersion;
  if (subresource) id.subresource = subresource;
  return JSON.stringify(id);
}

/** Fields no manager ever owns (stripMetaManager). Difference, not recursive: `.metadata` children stay. */
const STRIP = FieldSet.of(
  [{ field: 'apiVersion' }],
  [{ field: 'kind' }],
  [{ field: 'metadata' }],
  ...[
    'name',
    'namespace',
    'creationTimestamp',
    'selfLink',
    'uid',
    'clusterName',
    'generation',
    'managedFields',
    'resourceVersion',
  ].map((f) => [{ field: 'metadata' }, { field: f }]),
);

function resetSet(kind: string | undefined): FieldSet {
  return FieldSet.of(...resetFieldsFor(kind).map((f) => [{ field: f }]));
}

function decodeManagedFields(entries: readonly ManagedFieldsEntry[]): Managers {
  const out: Managers = new Map();
  for (const e of entries) {
    if (e.fieldsType !== 'FieldsV1') throw new Error(`invalid fieldsType "${e.fieldsType ?? ''}"`);
    const operation = e.operation === 'Apply' ? 'Apply' : 'Update';
    const id = managerIdentifier(e.manager ?? '', operation, e.apiVersion ?? '', e.subresource);
    if (out.has(id)) throw new Error(`duplicate entries for manager ${id}`);
    out.set(id, {
      set: fromFieldsV1(e.fieldsV1),
      apiVersion: e.apiVersion ?? '',
      applied: operation === 'Apply',
      ...(e.time ? { time: e.time } : {}),
    });
  }
  return out;
}

function unixSeconds(t: string | undefined): number {
  return t ? Math.floor(Date.parse(t) / 1000) : 0;
}

/** encodeManagedFields + sortEncodedManagedFields: Apply before Update, then by time, manager, apiVersion, subresource. */
function encodeManagedFields(managers: Managers): ManagedFieldsEntry[] {
  const entries: ManagedFieldsEntry[] = [];
  for (const [id, m] of managers) {
    if (m.set.empty()) continue;
    const parsed = JSON.parse(id) as { manager: string; operation: 'Apply' | 'Update'; subresource?: string };
    const e: ManagedFieldsEntry = { manager: parsed.manager, operation: parsed.operation, apiVersion: m.apiVersion };
    if (m.time) e.time = m.time;
    e.fieldsType = 'FieldsV1';
    e.fieldsV1 = toFieldsV1(m.set);
    if (parsed.subresource) e.subresource = parsed.subresource;
    entries.push(e);
  }
  const str = (a: string | undefined, b: string | undefined): number =>
    (a ?? '') < (b ?? '') ? -1 : (a ?? '') > (b ?? '') ? 1 : 0;
  return entries.sort(
    (p, q) =>
      str(p.operation, q.operation) ||
      unixSeconds(p.time) - unixSeconds(q.time) ||
      str(p.manager, q.manager) ||
      str(p.apiVersion, q.apiVersion) ||
      str(p.subresource, q.subresource),
  );
}

function withoutManagedFields(obj: JsonObject): JsonObject {
  const out = clone(obj);
  if (isObject(out.metadata)) delete out.metadata.managedFields;
  return out;
}

function setManagedFields<T extends KubernetesObject>(obj: JsonObject, managers: Managers): T {
  const entries = encodeManagedFields(managers);
  const meta = (isObject(obj.metadata) ? obj.metadata : {}) as JsonObject;
  if (entries.length > 0) meta.managedFields = entries as unknown as JsonObject[];
  else delete meta.managedFields;
  obj.metadata = meta;
  return obj as unknown as T;
}

function timeString(time: Date | string): string {
  return typeof time === 'string' ? time : formatTime(time);
}

/**
 * merge.Updater.update: other managers lose the fields this write changed (a conflict unless forced) and the
 * fields it removed. Mutates `managers`.
 */
function takeOwnership(
  live: JsonObject,
  next: JsonObject,
  managers: Managers,
  self: string,
  force: boolean,
  schema: KindSchema,
): void {
  const cmp = compare(live, next, schema);
  const changed = cmp.modified.union(cmp.added);
  const conflicts: Conflict[] = [];
  for (const id of [...managers.keys()].sort()) {
    if (id === self) continue;
    const m = managers.get(id) as Managed;
    for (const path of m.set.intersection(changed).paths()) conflicts.push({ managerId: id, path });
  }
  if (!force && conflicts.length > 0) throw new ApplyConflicts(conflicts);
  for (const [id, m] of managers) {
    if (id === self) continue;
    m.set = m.set.difference(changed).difference(cmp.removed);
    if (m.set.empty()) managers.delete(id);
  }
}

/** kube-apiserver's DefaultMaxUpdateManagers: at most this many Update entries are kept per object. */
const MAX_UPDATE_MANAGERS = 10;
/** The manager the oldest Update entries beyond the cap are merged into, one per API version. */
const ANCIENT_CHANGES = 'ancient-changes';

/**
 * Upstream's capManagersManager (after Update operations only): while there are more than MAX_UPDATE_MANAGERS
 * Update entries, the oldest (by time in seconds, then identifier) are merged per API version: the first of a version
 * becomes the `ancient-changes` bucket, later ones are folded into it, which then carries the latest merged time.
 */
function capUpdateManagers(managers: Managers): Managers {
  const updaters = [...managers].filter(([, m]) => !m.applied && !m.set.empty()).map(([id]) => id);
  if (updaters.length <= MAX_UPDATE_MANAGERS) return managers;
  updaters.sort(
    (a, b) => unixSeconds(managers.get(a)!.time) - unixSeconds(managers.get(b)!.time) || (a < b ? -1 : a > b ? 1 : 0),
  );
  const firstOfVersion = new Map<string, string>();
  let length = updaters.length;
  for (let i = 0; i < updaters.length && length > MAX_UPDATE_MANAGERS; i++) {
    const id = updaters[i]!;
    const m = managers.get(id)!;
    const first = firstOfVersion.get(m.apiVersion);
    if (first === undefined) {
      firstOfVersion.set(m.apiVersion, id);
      continue;
    }
    const bucket = managerIdentifier(ANCIENT_CHANGES, 'Update', m.apiVersion);
    if (!managers.has(bucket)) {
      managers.set(bucket, managers.get(first)!);
      managers.delete(first);
    }
    const merged: Managed = { set: m.set.union(managers.get(bucket)!.set), apiVersion: m.apiVersion, applied: false };
    if (m.time) merged.time = m.time;
    managers.set(bucket, merged);
    managers.delete(id);
    length--;
  }
  return managers;
}

/** managedFieldsUpdater.Update over merge.Updater.Update: returns the managers after `manager` wrote `next`. */
function updateManagers(
  live: JsonObject,
  next: JsonObject,
  managers: Managers,
  managerId: string,
  apiVersion: string,
  kind: string | undefined,
  time: string,
): Managers {
  const schema = mergeKeysFor(kind);
  const out: Managers = new Map([...managers].map(([k, v]) => [k, { ...v }]));
  const self = '\u0000current-operation';
  takeOwnership(live, next, out, self, true, schema);
  const cmp = compare(live, next, schema);
  const set = cmp.modified.union(cmp.added).recursiveDifference(resetSet(kind)).difference(STRIP);
  if (!set.empty()) {
    const previous = out.get(managerId);
    out.set(managerId, { set: previous ? set.union(previous.set) : set, apiVersion, applied: false, time });
  }
  return out;
}

function clearsManagedFields(mf: unknown): boolean {
  return Array.isArray(mf) && mf.length === 1 && isObject(mf[0]) && Object.keys(mf[0]).length === 0;
}

/**
 * Records a non-apply write (create, update, any non-apply patch) in newObj.metadata.managedFields and returns
 * the object to store. `manager` is the fieldManager query parameter (or the user-agent prefix); the manager's
 * Update entry gains every field this write changed, which other managers lose. `oldObj` is undefined on create.
 * managedFields sent by the client are honoured (the csa-to-ssa migration kubectl does with a JSON patch) when
 * non-empty; `[{}]` clears them; otherwise the live object's are kept.
 */
export function updateManagedFields<T extends KubernetesObject>(
  oldObj: KubernetesObject | undefined,
  newObj: T,
  manager: string,
  operation: 'Update',
  time: Date | string,
  subresource?: string,
): T {
  const kind = newObj.kind ?? oldObj?.kind;
  const apiVersion = newObj.apiVersion ?? oldObj?.apiVersion ?? '';
  const next = clone(newObj as unknown as JsonObject);
  const live = oldObj ? (oldObj as unknown as JsonObject) : emptyObjectFor(kind);
  const sent = newObj.metadata?.managedFields;
  let managers: Managers;
  if (clearsManagedFields(sent)) managers = new Map();
  else {
    let decoded: Managers | undefined;
    if (Array.isArray(sent) && sent.length > 0 && !subresource) {
      try {
        decoded = decodeManagedFields(sent);
      } catch {
        decoded = undefined;
      }
    }
    managers = decoded ?? decodeManagedFields(oldObj?.metadata?.managedFields ?? []);
  }
  const id = managerIdentifier(manager, operation, apiVersion, subresource);
  const result = updateManagers(
    withoutManagedFields(live),
    withoutManagedFields(next),
    managers,
    id,
    apiVersion,
    kind,
    timeString(time),
  );
  return setManagedFields<T>(next, capUpdateManagers(result));
}

/** Options of applyObject beyond the brief's positional arguments. */
export interface ApplyOptions {
  subresource?: string;
}

interface ApplyResult {
  object: JsonObject;
  managers: Managers;
}

/** merge.Updater.Apply (+ stripMeta and managedFieldsUpdater.Apply). */
function applyCore(
  live: JsonObject,
  config: JsonObject,
  managers: Managers,
  managerId: string,
  apiVersion: string,
  kind: string | undefined,
  force: boolean,
  time: string,
): ApplyResult {
  const schema = mergeKeysFor(kind);
  const merged = merge(live, config, schema);
  const lastSet = managers.get(managerId);
  const configSet = toFieldSet(config, schema).recursiveDifference(resetSet(kind));
  const out: Managers = new Map([...managers].map(([k, v]) => [k, { ...v }]));
  out.set(managerId, { set: configSet, apiVersion, applied: true, ...(lastSet?.time ? { time: lastSet.time } : {}) });
  const pruned = prune(merged, out, lastSet?.set, schema);
  takeOwnership(live, pruned, out, managerId, force, schema);
  const mine = out.get(managerId) as Managed;
  mine.set = mine.set.difference(STRIP);
  if (mine.set.empty()) out.delete(managerId);
  const changed = !deepEqual(live, pruned);
  if (changed) mine.time = time;
  return { object: changed ? pruned : live, managers: out };
}

/** prune: removes what the applier applied last time, no longer applies, and nobody else (or it) still owns. */
function prune(merged: JsonObject, managers: Managers, lastSet: FieldSet | undefined, schema: KindSchema): JsonObject {
  if (!lastSet || lastSet.empty()) return merged;
  let owned = new FieldSet();
  for (const m of managers.values()) owned = owned.union(ensureNamedFieldsAreMembers(m.set));
  const candidates = ensureNamedFieldsAreMembers(toFieldSet(merged, schema)).intersection(
    ensureNamedFieldsAreMembers(lastSet),
  );
  return removeItems(merged, candidates.difference(owned), schema);
}

/** lastAppliedManager.allowedConflictsFromLastApplied: fields of last-applied whose live value is unchanged. */
function allowedFromLastApplied(live: JsonObject, schema: KindSchema): FieldSet | undefined {
  const meta = live.metadata;
  const annotations = isObject(meta) && isObject(meta.annotations) ? meta.annotations : undefined;
  const text = annotations?.[LAST_APPLIED_ANNOTATION];
  if (typeof text !== 'string' || text === '') return undefined;
  let last: unknown;
  try {
    last = JSON.parse(text);
  } catch {
    return undefined;
  }
  if (!isObject(last)) return undefined;
  try {
    return toFieldSet(last, schema).difference(compare(last, live, schema).modified);
  } catch {
    return undefined;
  }
}

/** buildLastApplied: the applied configuration without the annotation, as compact JSON with sorted keys and `\n`. */
function buildLastApplied(applied: JsonObject): string {
  const copy = clone(applied);
  const meta = copy.metadata;
  if (isObject(meta) && isObject(meta.annotations)) {
    delete meta.annotations[LAST_APPLIED_ANNOTATION];
  }
  return `${JSON.stringify(sortKeys(copy))}\n`;
}

function sortKeys(v: unknown): unknown {
  if (Array.isArray(v)) return v.map(sortKeys);
  if (isObject(v)) {
    const out: Record<string, unknown> = {};
    for (const k of Object.keys(v).sort()) out[k] = sortKeys(v[k]);
    return out;
  }
  return v;
}

function internal(message: string): StatusError {
  const e = statusFailure(500, '', message);
  delete e.status.reason;
  return e;
}

/**
 * Server-side apply of `applied` (the apply-patch body) onto `live` (undefined when the object does not exist yet)
 * by `manager`. Returns the object to store with its managedFields. Conflicts with other managers' fields whose
 * values would change throw a 409 (conflictWithCauses, upstream's message and FieldManagerConflict causes)
 * unless `force`, which takes them over. Fields this manager applied before and no longer applies are removed
 * when nobody else owns them. For manager `kubectl`, conflicts with fields recorded unchanged in the client-side
 * last-applied annotation are allowed (the csa-to-ssa upgrade) and that annotation is kept in sync.
 */
export function applyObject<T extends KubernetesObject>(
  live: KubernetesObject | undefined,
  applied: KubernetesObject,
  manager: string,
  force: boolean,
  time: Date | string,
  options: ApplyOptions = {},
): T {
  const config = applied as unknown as JsonObject;
  const sentFields = applied.metadata?.managedFields;
  if (Array.isArray(sentFields) && sentFields.length > 0) throw badRequest('metadata.managedFields must be nil');
  const kind = applied.kind ?? live?.kind;
  const apiVersion = applied.apiVersion ?? live?.apiVersion ?? '';
  const schema = mergeKeysFor(kind);
  const now = timeString(time);
  const liveObj = withoutManagedFields(live ? (live as unknown as JsonObject) : emptyObjectFor(kind));
  let managers: Managers;
  try {
    managers = decodeManagedFields(live?.metadata?.managedFields ?? []);
  } catch (e) {
    throw internal(`failed to decode managed fields: ${(e as Error).message}`);
  }
  const managerId = managerIdentifier(manager, 'Apply', apiVersion, options.subresource);

  try {
    if (managers.size === 0 && live) {
      const empty = emptyObjectFor(kind);
      const beforeId = managerIdentifier(BEFORE_FIRST_APPLY, 'Update', apiVersion);
      managers = updateManagers(empty, liveObj, managers, beforeId, apiVersion, kind, now);
    }
    let result: ApplyResult;
    try {
      result = applyCore(liveObj, config, managers, managerId, apiVersion, kind, force, now);
    } catch (e) {
      if (!(e instanceof ApplyConflicts) || manager !== 'kubectl') throw e;
      const allowed = allowedFromLastApplied(liveObj, schema);
      if (!allowed) throw e;
      const remaining = e.conflicts.filter((c) => !allowed.has(c.path));
      if (remaining.length > 0) throw new ApplyConflicts(remaining);
      result = applyCore(liveObj, config, managers, managerId, apiVersion, kind, true, now);
    }
    const object = clone(result.object);
    const meta = object.metadata;
    const annotations = isObject(meta) && isObject(meta.annotations) ? meta.annotations : undefined;
    if (manager === 'kubectl' && annotations && typeof annotations[LAST_APPLIED_ANNOTATION] === 'string') {
      annotations[LAST_APPLIED_ANNOTATION] = buildLastApplied(config);
    }
    return setManagedFields<T>(object, result.managers);
  } catch (e) {
    if (e instanceof ApplyConflicts) throw conflictError(e.conflicts);
    if (e instanceof TypedValueError) {
      throw internal(`failed to create typed patch object (${apiVersion}, Kind=${kind ?? ''}): ${e.message}`);
    }
    throw e;
  }
}
