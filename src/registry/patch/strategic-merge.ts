/**
 * Strategic merge patch as kube-apiserver applies it (apimachinery strategicpatch.StrategicMergeMapPatch with
 * MergeParallelList and IgnoreUnmatchedNulls), driven by the per-kind table of schema.ts instead of Go struct
 * tags. Directives: `$patch` (replace/delete on maps; replace/delete on list items), `$retainKeys`,
 * `$setElementOrder/<list>`, `$deleteFromPrimitiveList/<list>`; null deletes a key.
 */
import { badRequest, type StatusError, statusFailure } from '../../api/status.ts';
import { clone, goFormat, goTypeName, isObject, type JsonObject, type JsonValue } from './json-value.ts';
import { type KindSchema, mergeKeysFor } from './schema.ts';

const DIRECTIVE = '$patch';
const RETAIN_KEYS = '$retainKeys';
const DELETE_PREFIX = '$deleteFromPrimitiveList';
const ORDER_PREFIX = '$setElementOrder';

/** Which HTTP status upstream's interpretStrategicMergePatchError gives a failure. */
type SmpFailure = 400 | 422 | 500;

/** A strategic-merge failure with mergepatch's exact text. */
export class StrategicMergeError extends Error {
  readonly code: SmpFailure;
  constructor(message: string, code: SmpFailure = 500) {
    super(message);
    this.name = 'StrategicMergeError';
    this.code = code;
  }
}

const errBadRetainKeys = (): StrategicMergeError => new StrategicMergeError('invalid patch format of retainKeys', 400);
const errBadPrimitiveList = (): StrategicMergeError =>
  new StrategicMergeError('invalid patch format of primitive list', 400);
const errBadSetOrder = (): StrategicMergeError =>
  new StrategicMergeError('invalid patch format of setElementOrder list', 400);
const errNoListOfLists = (): StrategicMergeError => new StrategicMergeError('lists of lists are not supported', 422);
const errBadArgType = (expected: string, actual: unknown): StrategicMergeError =>
  new StrategicMergeError(`expected a ${expected}, but received a ${goTypeName(actual)}`);
const errNoMergeKey = (m: unknown, key: string): StrategicMergeError =>
  new StrategicMergeError(`map: ${goFormat(m)} does not contain declared merge key: ${key}`);
const errBadPatchType = (t: unknown, m: unknown): StrategicMergeError =>
  new StrategicMergeError(`unknown patch type: ${goPercentS(t)} in map: ${goFormat(m)}`);

const MAP = 'map[string]interface {}';
const SLICE = '[]interface {}';

function goPercentS(v: unknown): string {
  if (typeof v === 'string') return v;
  if (v === null || v === undefined) return '%!s(<nil>)';
  if (typeof v === 'object') return goFormat(v);
  return `%!s(${goTypeName(v)}=${goFormat(v)})`;
}

type Kind = 'map' | 'slice' | 'string' | 'number' | 'bool' | 'nil';

function kindOf(v: unknown): Kind {
  if (v === null || v === undefined) return 'nil';
  if (Array.isArray(v)) return 'slice';
  if (isObject(v)) return 'map';
  return typeof v === 'string' ? 'string' : typeof v === 'number' ? 'number' : 'bool';
}

interface Ctx {
  schema: KindSchema;
}

function join(path: string, key: string): string {
  return path ? `${path}.${key}` : key;
}

/** patchStrategy minus retainKeys, as extractRetainKeysPatchStrategy splits it. */
function lookup(ctx: Ctx, path: string, key: string): { strategy: string; mergeKey: string } {
  const meta = ctx.schema[join(path, key)];
  const strategies = meta?.patchStrategy ? meta.patchStrategy.split(',') : [];
  let strategy = '';
  if (strategies.length === 1) strategy = strategies[0] === 'retainKeys' ? '' : (strategies[0] as string);
  else if (strategies.length === 2) {
    if (strategies[0] === 'retainKeys') strategy = strategies[1] as string;
    else if (strategies[1] === 'retainKeys') strategy = strategies[0] as string;
    else throw new StrategicMergeError(`unexpected patch strategy: [${strategies.join(' ')}]`);
  } else if (strategies.length > 2)
    throw new StrategicMergeError(`unexpected patch strategy: [${strategies.join(' ')}]`);
  return { strategy, mergeKey: meta?.patchMergeKey ?? '' };
}

function extractKey(s: string, prefix: string): string {
  const slash = s.indexOf('/');
  if (slash < 0 || s.slice(0, slash) !== prefix) {
    if (prefix === DELETE_PREFIX) throw errBadPrimitiveList();
    throw errBadSetOrder();
  }
  return s.slice(slash + 1);
}

function mergeMap(original: JsonObject | null, patch: JsonObject, path: string, ctx: Ctx): JsonObject {
  if (Object.hasOwn(patch, DIRECTIVE)) {
    const directive = patch[DIRECTIVE];
    if (directive === 'replace') {
      delete patch[DIRECTIVE];
      return patch;
    }
    if (directive === 'delete') return {};
    throw errBadPatchType(directive, patch);
  }
  const orig = original ?? {};
  applyRetainKeys(orig, patch);
  mergePatchIntoOriginal(orig, patch, path, ctx);

  for (const k of Object.keys(patch)) {
    const patchV = patch[k] as JsonValue;
    let key = k;
    let isDeleteList = false;
    if (k.startsWith(DELETE_PREFIX)) {
      key = extractKey(k, DELETE_PREFIX);
      isDeleteList = true;
    }
    if (patchV === null) {
      delete orig[key];
      continue;
    }
    if (!Object.hasOwn(orig, key)) {
      orig[key] = patchV;
      continue;
    }
    const current = orig[key] as JsonValue;
    const kind = kindOf(current);
    if (kind !== kindOf(patchV)) {
      orig[key] = patchV;
      continue;
    }
    const { strategy, mergeKey } = lookup(ctx, path, key);
    if (kind === 'map') {
      orig[key] =
        strategy === 'replace' ? patchV : mergeMap(current as JsonObject, patchV as JsonObject, join(path, key), ctx);
    } else if (kind === 'slice') {
      orig[key] = mergeSliceHandler(current, patchV, strategy, mergeKey, isDeleteList, join(path, key), ctx);
    } else {
      orig[key] = patchV;
    }
  }
  return orig;
}

/** `$retainKeys`: clears keys of original missing from the list; every patched key must be listed. */
function applyRetainKeys(original: JsonObject, patch: JsonObject): void {
  if (!Object.hasOwn(patch, RETAIN_KEYS)) return;
  const list = patch[RETAIN_KEYS];
  delete patch[RETAIN_KEYS];
  if (!Array.isArray(list)) throw errBadRetainKeys();
  const keep = new Set<unknown>(list);
  for (const [k, v] of Object.entries(patch)) {
    if (v === null || k.startsWith(DELETE_PREFIX) || k.startsWith(ORDER_PREFIX)) continue;
    if (!keep.has(k)) throw errBadRetainKeys();
  }
  for (const k of Object.keys(original)) if (!keep.has(k)) delete original[k];
}

/** `$setElementOrder/<list>`: merges that list now and orders it (setElementOrder > patch order > live order). */
function mergePatchIntoOriginal(original: JsonObject, patch: JsonObject, path: string, ctx: Ctx): void {
  for (const key of Object.keys(patch)) {
    if (!key.startsWith(ORDER_PREFIX) || !Object.hasOwn(patch, key)) continue;
    const order = patch[key];
    delete patch[key];
    if (!Array.isArray(order)) throw errBadArgType(SLICE, order);
    const listKey = extractKey(key, ORDER_PREFIX);
    const foundOriginal = Object.hasOwn(original, listKey);
    const foundPatch = Object.hasOwn(patch, listKey);
    const originalList = original[listKey];
    const patchList = patch[listKey];
    if (foundOriginal && !Array.isArray(originalList)) throw errBadArgType(SLICE, originalList);
    if (foundPatch && !Array.isArray(patchList)) throw errBadArgType(SLICE, patchList);
    const originalValue = foundOriginal ? (originalList as JsonValue[]) : [];
    const patchValue = foundPatch ? (patchList as JsonValue[]) : [];
    const { strategy, mergeKey } = lookup(ctx, path, listKey);
    validatePatchWithSetOrderList(patchValue, order, mergeKey);

    let merged: JsonValue[];
    if (foundOriginal && !foundPatch) merged = originalValue;
    else if (!foundOriginal && foundPatch) merged = patchValue;
    else if (foundOriginal && foundPatch) {
      merged = mergeSliceHandler(originalValue, patchValue, strategy, mergeKey, false, join(path, listKey), ctx);
    } else continue;

    const [patchItems, serverOnly] = mergeKey
      ? partitionMaps(merged, order, mergeKey)
      : partitionPrimitives(merged, order);
    const kind = sliceElementType([originalValue, patchValue]);
    original[listKey] = normalizeElementOrder(patchItems, serverOnly, order, originalValue, mergeKey, kind);
    delete patch[listKey];
  }
}

function validatePatchWithSetOrderList(patchList: JsonValue[], order: JsonValue[], mergeKey: string): void {
  if (order.length === 0 || patchList.length === 0) return;
  const nonDelete = mergeKey ? extractToDeleteItems(patchList)[0] : patchList;
  let p = 0;
  let s = 0;
  while (p < nonDelete.length && s < order.length) {
    const item = nonDelete[p];
    if (isObject(item) && Object.hasOwn(item, DIRECTIVE)) {
      p++;
      continue;
    }
    if (mergeKeyValueEqual(item, order[s], mergeKey)) p++;
    s++;
  }
  if (p < nonDelete.length && s >= order.length) {
    throw new StrategicMergeError(
      `The order in patch list:\n${goFormat(patchList)}\n doesn't match ${ORDER_PREFIX} list:\n${goFormat(order)}\n`,
    );
  }
}

function mergeKeyValueEqual(left: unknown, right: unknown, mergeKey: string): boolean {
  if (!mergeKey) return left === right;
  if (!isObject(left)) throw errBadArgType(MAP, left);
  if (!isObject(right)) throw errBadArgType(MAP, right);
  if (!Object.hasOwn(left, mergeKey)) throw errNoMergeKey(left, mergeKey);
  if (!Object.hasOwn(right, mergeKey)) throw errNoMergeKey(right, mergeKey);
  return left[mergeKey] === right[mergeKey];
}

function mergeSliceHandler(
  original: unknown,
  patch: unknown,
  strategy: string,
  mergeKey: string,
  isDeleteList: boolean,
  path: string,
  ctx: Ctx,
): JsonValue[] {
  if (!Array.isArray(original)) throw errBadArgType(SLICE, original);
  if (!Array.isArray(patch)) throw errBadArgType(SLICE, patch);
  if (strategy !== 'merge') return patch;
  return mergeSlice(original, patch, mergeKey, isDeleteList, path, ctx);
}

function mergeSlice(
  originalIn: JsonValue[],
  patchIn: JsonValue[],
  mergeKey: string,
  isDeleteList: boolean,
  path: string,
  ctx: Ctx,
): JsonValue[] {
  if (originalIn.length === 0 && patchIn.length === 0) return originalIn;
  const kind = sliceElementType([originalIn, patchIn]);
  let original = originalIn;
  let patch = patchIn;
  let merged: JsonValue[];
  if (kind !== 'map') {
    if (isDeleteList) {
      const drop = new Set<unknown>(patch);
      return original.filter((v) => !drop.has(v));
    }
    merged = deduplicateScalars([...original, ...patch]);
  } else {
    if (!mergeKey) throw new StrategicMergeError('cannot merge lists without merge key for type struct');
    [original, patch] = mergeSliceWithSpecialElements(original, patch, mergeKey);
    merged = mergeSliceWithoutSpecialElements([...original], patch, mergeKey, path, ctx);
  }
  const [patchItems, serverOnly] = mergeKey
    ? partitionMaps(merged, patch, mergeKey)
    : partitionPrimitives(merged, patch);
  return normalizeElementOrder(patchItems, serverOnly, patch, original, mergeKey, kind);
}

function mergeSliceWithSpecialElements(
  original: JsonValue[],
  patch: JsonValue[],
  mergeKey: string,
): [JsonValue[], JsonValue[]] {
  const plain: JsonValue[] = [];
  let replace = false;
  let out = original;
  for (const v of patch) {
    const m = v as JsonObject;
    if (!Object.hasOwn(m, DIRECTIVE)) {
      plain.push(v);
      continue;
    }
    const directive = m[DIRECTIVE];
    if (directive === 'delete') {
      if (!Object.hasOwn(m, mergeKey)) throw errNoMergeKey(m, mergeKey);
      const target = m[mergeKey];
      out = out.filter((item, i) => {
        if (!isObject(item)) throw new StrategicMergeError(`value for key ${i} is not a map.`);
        return !(Object.hasOwn(item, mergeKey) && item[mergeKey] === target);
      });
    } else if (directive === 'replace') {
      replace = true;
    } else if (directive === 'merge') {
      throw new StrategicMergeError('merging lists cannot yet be specified in the patch');
    } else {
      throw errBadPatchType(directive, m);
    }
  }
  return replace ? [plain, []] : [out, plain];
}

function findByKey(list: JsonValue[], key: string, value: unknown): number {
  for (let i = 0; i < list.length; i++) {
    const item = list[i];
    if (!isObject(item)) throw new StrategicMergeError(`value for key ${i} is not a map.`);
    if (Object.hasOwn(item, key) && item[key] === value) return i;
  }
  return -1;
}

function mergeSliceWithoutSpecialElements(
  original: JsonValue[],
  patch: JsonValue[],
  mergeKey: string,
  path: string,
  ctx: Ctx,
): JsonValue[] {
  for (const v of patch) {
    const m = v as JsonObject;
    if (!Object.hasOwn(m, mergeKey)) throw errNoMergeKey(m, mergeKey);
    const i = findByKey(original, mergeKey, m[mergeKey]);
    if (i >= 0) original[i] = mergeMap(original[i] as JsonObject, m, path, ctx);
    else original.push(v);
  }
  return original;
}

/** apimachinery's in-place deduplication, kept verbatim because it decides intermediate order. */
function deduplicateScalars(s: JsonValue[]): JsonValue[] {
  let length = s.length - 1;
  for (let i = 0; i < length; i++) {
    for (let j = i + 1; j <= length; j++) {
      if (s[i] === s[j]) {
        s[j] = s[length] as JsonValue;
        s.length = length;
        length--;
        j--;
      }
    }
  }
  return s;
}

function sliceElementType(slices: JsonValue[][]): Kind {
  let prev: Kind | undefined;
  for (const s of slices) {
    for (const v of s) {
      const k = kindOf(v);
      if (prev === undefined) {
        prev = k;
        if (k === 'slice') throw errNoListOfLists();
      } else if (prev !== k) {
        throw new StrategicMergeError(`list element types are not identical: ${goFormat(slices)}`);
      }
    }
  }
  if (prev === undefined) throw new StrategicMergeError('no elements in any of the given slices');
  return prev;
}

function partitionPrimitives(list: JsonValue[], by: JsonValue[]): [JsonValue[], JsonValue[]] {
  const present = new Set<unknown>(by);
  const inPatch: JsonValue[] = [];
  const serverOnly: JsonValue[] = [];
  for (const v of list) (present.has(v) ? inPatch : serverOnly).push(v);
  return [inPatch, serverOnly];
}

function partitionMaps(list: JsonValue[], by: JsonValue[], mergeKey: string): [JsonValue[], JsonValue[]] {
  const inPatch: JsonValue[] = [];
  const serverOnly: JsonValue[] = [];
  for (const v of list) {
    if (!isObject(v)) throw errBadArgType(MAP, v);
    if (!Object.hasOwn(v, mergeKey)) throw errNoMergeKey(v, mergeKey);
    (findByKey(by, mergeKey, v[mergeKey]) >= 0 ? inPatch : serverOnly).push(v);
  }
  return [inPatch, serverOnly];
}

function indexIn(list: JsonValue[], v: JsonValue, mergeKey: string, kind: Kind): number {
  const val = (item: JsonValue): unknown => (kind === 'map' ? (isObject(item) ? item[mergeKey] : undefined) : item);
  const want = val(v);
  return list.findIndex((item) => val(item) === want);
}

function extractToDeleteItems(list: JsonValue[]): [JsonValue[], JsonValue[]] {
  const keep: JsonValue[] = [];
  const drop: JsonValue[] = [];
  for (const v of list) {
    if (!isObject(v)) throw errBadArgType(MAP, v);
    (v[DIRECTIVE] === 'delete' ? drop : keep).push(v);
  }
  return [keep, drop];
}

/** Sorts `toSort` by position in `order` with Go's stable insertion sort and the same (partial) less function. */
function normalizeSliceOrder(toSort: JsonValue[], order: JsonValue[], mergeKey: string, kind: Kind): JsonValue[] {
  let items = toSort;
  let toDelete: JsonValue[] = [];
  if (kind === 'map') {
    for (const list of [toSort, order]) {
      for (const item of list) {
        if (!isObject(item)) throw errBadArgType(MAP, item);
        if (!Object.hasOwn(item, mergeKey)) throw errNoMergeKey(item, mergeKey);
      }
    }
    [items, toDelete] = extractToDeleteItems(toSort);
  }
  const less = (a: JsonValue, b: JsonValue): boolean => {
    const ia = indexIn(order, a, mergeKey, kind);
    if (ia >= 0) {
      const ib = indexIn(order, b, mergeKey, kind);
      if (ib >= 0) return ia < ib;
    }
    return true;
  };
  const out = [...items];
  for (let i = 1; i < out.length; i++) {
    for (let j = i; j > 0 && less(out[j] as JsonValue, out[j - 1] as JsonValue); j--) {
      [out[j], out[j - 1]] = [out[j - 1] as JsonValue, out[j] as JsonValue];
    }
  }
  return [...out, ...toDelete];
}

function normalizeElementOrder(
  patch: JsonValue[],
  serverOnly: JsonValue[],
  patchOrder: JsonValue[],
  serverOrder: JsonValue[],
  mergeKey: string,
  kind: Kind,
): JsonValue[] {
  const right = normalizeSliceOrder(patch, patchOrder, mergeKey, kind);
  const left = normalizeSliceOrder(serverOnly, serverOrder, mergeKey, kind);
  // mergeSortedSlice: a server-only item goes first only when both it and the next patch item are in the live list.
  const out: JsonValue[] = [];
  let i = 0;
  let j = 0;
  while (i < left.length || j < right.length) {
    if (i >= left.length) out.push(right[j++] as JsonValue);
    else if (j >= right.length) out.push(left[i++] as JsonValue);
    else {
      const li = indexIn(serverOrder, left[i] as JsonValue, mergeKey, kind);
      const ri = indexIn(serverOrder, right[j] as JsonValue, mergeKey, kind);
      if (li >= 0 && ri >= 0 && li < ri) out.push(left[i++] as JsonValue);
      else out.push(right[j++] as JsonValue);
    }
  }
  return out;
}

/**
 * Applies a strategic merge patch to `original` (not modified) using the schema table of `kind` (or an explicit
 * table). Throws StrategicMergeError carrying upstream's message and status code; use strategicMergeStatus to turn
 * it into the StatusError the client sees.
 */
export function applyStrategicMergePatch(
  original: JsonObject,
  patch: JsonObject | null,
  kindOrSchema: string | KindSchema | undefined,
): JsonObject {
  const schema = typeof kindOrSchema === 'object' ? kindOrSchema : mergeKeysFor(kindOrSchema);
  if (patch === null) return clone(original);
  return mergeMap(clone(original), clone(patch), '', { schema });
}

/**
 * interpretStrategicMergePatchError: format errors are 400 BadRequest, lists of lists 422 with the generic
 * message, anything else a 500 whose message is the error text and whose reason is empty (a non-Status error).
 */
export function strategicMergeStatus(err: StrategicMergeError): StatusError {
  if (err.code === 400) return badRequest(err.message);
  if (err.code === 422) {
    return statusFailure(422, 'Invalid', 'the server rejected our request due to an error in our request', {});
  }
  const e = statusFailure(500, '', err.message);
  delete e.status.reason;
  return e;
}

/**
 * The server's whole SMP step on a parsed body: a body that is not a JSON object is a 400 with Go's decoding
 * message; merge failures become StatusErrors as upstream maps them.
 */
export function patchWithStrategicMerge(original: JsonObject, body: unknown, kind: string | undefined): JsonObject {
  if (body !== null && !isObject(body)) {
    const what = Array.isArray(body) ? 'array' : typeof body === 'boolean' ? 'bool' : typeof body;
    throw badRequest(`json: cannot unmarshal ${what} into Go value of type map[string]interface {}`);
  }
  try {
    return applyStrategicMergePatch(original, body, kind);
  } catch (e) {
    if (e instanceof StrategicMergeError) throw strategicMergeStatus(e);
    throw e;
  }
}
