/**
 * RFC 6902 JSON patch with the semantics and error texts of gopkg.in/evanphx/json-patch.v4, the library
 * kube-apiserver applies `application/json-patch+json` bodies with (handlers/patch.go).
 */
import { badRequest, requestEntityTooLarge, type StatusError, statusFailure } from '../../api/status.ts';
import { clone, deepEqual, isObject, type JsonObject, type JsonValue } from './json-value.ts';

/** kube-apiserver's cap on the number of operations in one JSON patch (maxJSONPatchOperations). */
export const MAX_JSON_PATCH_OPERATIONS = 10000;

/** One decoded operation; fields are left untyped because evanphx validates them lazily, op by op. */
export type JsonPatchOperation = Record<string, unknown>;

/** A failure while applying an operation; `message` is evanphx's exact text (for logs, never the client). */
export class JsonPatchError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'JsonPatchError';
  }
}

const MISSING = 'missing value';
const INVALID_INDEX = 'invalid index referenced';
const TEST_FAILED = 'test failed';

type Got = { ok: true; value: string } | { ok: false; err: string };

function readString(op: JsonPatchOperation, field: 'path' | 'from', missing: string): Got {
  const v = op[field];
  if (v === undefined || v === null) return { ok: false, err: `${missing}: ${MISSING}` };
  if (typeof v !== 'string')
    return { ok: false, err: `json: cannot unmarshal ${goJsonKind(v)} into Go value of type string` };
  return { ok: true, value: v };
}

function goJsonKind(v: unknown): string {
  if (Array.isArray(v)) return 'array';
  if (isObject(v)) return 'object';
  return typeof v === 'boolean' ? 'bool' : typeof v;
}

/** strconv.Atoi: optional sign and decimal digits only, with Go's error texts. */
function atoi(s: string): { ok: true; n: number } | { ok: false; err: string } {
  if (!/^[+-]?\d+$/.test(s)) return { ok: false, err: `strconv.Atoi: parsing ${JSON.stringify(s)}: invalid syntax` };
  const n = Number(s);
  if (!Number.isSafeInteger(n))
    return { ok: false, err: `strconv.Atoi: parsing ${JSON.stringify(s)}: value out of range` };
  return { ok: true, n };
}

const decodeKey = (k: string): string => k.replace(/~1/g, '/').replace(/~0/g, '~');

/** A container is the parent object or array of the addressed location; errors are returned as strings. */
interface Container {
  get(key: string): { value: JsonValue | undefined } | { err: string };
  set(key: string, v: JsonValue): string | undefined;
  add(key: string, v: JsonValue): string | undefined;
  remove(key: string): string | undefined;
}

function objectContainer(o: JsonObject): Container {
  return {
    // A JSON null reads as absent, as evanphx stores it as a nil node.
    get: (key) => ({ value: o[key] === null ? undefined : o[key] }),
    set: (key, v) => {
      o[key] = v;
      return undefined;
    },
    add: (key, v) => {
      o[key] = v;
      return undefined;
    },
    remove: (key) => {
      if (!Object.hasOwn(o, key)) return `Unable to remove nonexistent key: ${key}: ${MISSING}`;
      delete o[key];
      return undefined;
    },
  };
}

function arrayContainer(a: JsonValue[]): Container {
  const bad = (i: number): string => `Unable to access invalid index: ${i}: ${INVALID_INDEX}`;
  return {
    get: (key) => {
      const p = atoi(key);
      if (!p.ok) return { err: p.err };
      let i = p.n;
      if (i < 0) {
        if (i < -a.length) return { err: bad(i) };
        i += a.length;
      }
      if (i >= a.length) return { err: bad(i) };
      return { value: a[i] === null ? undefined : a[i] };
    },
    set: (key, v) => {
      const p = atoi(key);
      if (!p.ok) return p.err;
      let i = p.n;
      if (i < 0) {
        if (i < -a.length) return bad(i);
        i += a.length;
      }
      a[i] = v;
      return undefined;
    },
    add: (key, v) => {
      if (key === '-') {
        a.push(v);
        return undefined;
      }
      const p = atoi(key);
      if (!p.ok) return `value was not a proper array index: '${key}': ${p.err}`;
      let i = p.n;
      const size = a.length + 1;
      if (i >= size) return bad(i);
      if (i < 0) {
        if (i < -size) return bad(i);
        i += size;
      }
      a.splice(i, 0, v);
      return undefined;
    },
    remove: (key) => {
      const p = atoi(key);
      if (!p.ok) return p.err;
      let i = p.n;
      if (i >= a.length) return bad(i);
      if (i < 0) {
        if (i < -a.length) return bad(i);
        i += a.length;
      }
      a.splice(i, 1);
      return undefined;
    },
  };
}

function containerOf(v: JsonValue): Container | undefined {
  if (Array.isArray(v)) return arrayContainer(v);
  if (isObject(v)) return objectContainer(v);
  return undefined;
}

/** evanphx findObject: walks all but the last segment; the first segment is ignored (it precedes the first `/`). */
function findObject(root: JsonValue, path: string): { con: Container; key: string } | undefined {
  const split = path.split('/');
  if (split.length < 2) return undefined;
  let doc = containerOf(root);
  if (!doc) return undefined;
  for (const part of split.slice(1, -1)) {
    const r = doc.get(decodeKey(part));
    if ('err' in r || r.value === undefined) return undefined;
    doc = containerOf(r.value);
    if (!doc) return undefined;
  }
  return { con: doc, key: decodeKey(split[split.length - 1] as string) };
}

/** The operation's value: undefined when the member is absent, null when it is JSON null. */
function opValue(op: JsonPatchOperation): JsonValue | undefined {
  return Object.hasOwn(op, 'value') ? clone((op.value ?? null) as JsonValue) : undefined;
}

/**
 * Applies the operations to a copy of `doc` and returns it. Throws JsonPatchError with evanphx's message on the
 * first failing operation; the input is never modified.
 */
export function applyJsonPatch(doc: JsonValue, ops: readonly JsonPatchOperation[]): JsonValue {
  const state = { root: clone(doc) };
  for (const op of ops) {
    const err = applyOne(state, op);
    if (err !== undefined) throw new JsonPatchError(err);
  }
  return state.root;
}

function applyOne(state: { root: JsonValue }, op: JsonPatchOperation): string | undefined {
  const kind = typeof op.op === 'string' ? op.op : 'unknown';
  const value = opValue(op);
  // A missing value is added as null, as evanphx stores a nil node.
  const asValue = (): JsonValue => (value === undefined ? null : value);
  switch (kind) {
    case 'add': {
      const p = readString(op, 'path', 'operation missing path field');
      if (!p.ok) return `add operation failed to decode path: ${MISSING}`;
      const f = findObject(state.root, p.value);
      if (!f) return `add operation does not apply: doc is missing path: "${p.value}": ${MISSING}`;
      const e = f.con.add(f.key, asValue());
      return e === undefined ? undefined : `error in add for path: '${p.value}': ${e}`;
    }
    case 'remove': {
      const p = readString(op, 'path', 'operation missing path field');
      if (!p.ok) return `remove operation failed to decode path: ${MISSING}`;
      const f = findObject(state.root, p.value);
      if (!f) return `remove operation does not apply: doc is missing path: "${p.value}": ${MISSING}`;
      const e = f.con.remove(f.key);
      return e === undefined ? undefined : `error in remove for path: '${p.value}': ${e}`;
    }
    case 'replace': {
      const p = readString(op, 'path', 'operation missing path field');
      if (!p.ok) return `replace operation failed to decode path: ${p.err}`;
      if (p.value === '') {
        const v = asValue();
        if (!Array.isArray(v) && !isObject(v)) return 'replace operation value must be object or array: %!w(<nil>)';
        state.root = v;
        return undefined;
      }
      const f = findObject(state.root, p.value);
      if (!f) return `replace operation does not apply: doc is missing path: ${p.value}: ${MISSING}`;
      if ('err' in f.con.get(f.key))
        return `replace operation does not apply: doc is missing key: ${p.value}: ${MISSING}`;
      const e = f.con.set(f.key, asValue());
      return e === undefined ? undefined : `error in remove for path: '${p.value}': ${e}`;
    }
    case 'move': {
      const from = readString(op, 'from', 'operation, missing from field');
      if (!from.ok) return `move operation failed to decode from: ${from.err}`;
      const src = findObject(state.root, from.value);
      if (!src) return `move operation does not apply: doc is missing from path: ${from.value}: ${MISSING}`;
      const got = src.con.get(src.key);
      if ('err' in got) return `error in move for path: '${src.key}': ${got.err}`;
      const re = src.con.remove(src.key);
      if (re !== undefined) return `error in move for path: '${src.key}': ${re}`;
      const p = readString(op, 'path', 'operation missing path field');
      if (!p.ok) return `move operation failed to decode path: ${p.err}`;
      const dst = findObject(state.root, p.value);
      if (!dst) return `move operation does not apply: doc is missing destination path: ${p.value}: ${MISSING}`;
      const e = dst.con.add(dst.key, got.value ?? null);
      return e === undefined ? undefined : `error in move for path: '${p.value}': ${e}`;
    }
    case 'copy': {
      const from = readString(op, 'from', 'operation, missing from field');
      if (!from.ok) return `copy operation failed to decode from: ${from.err}`;
      const src = findObject(state.root, from.value);
      if (!src) return `copy operation does not apply: doc is missing from path: ${from.value}: ${MISSING}`;
      const got = src.con.get(src.key);
      if ('err' in got) return `error in copy for from: '${from.value}': ${got.err}`;
      const p = readString(op, 'path', 'operation missing path field');
      if (!p.ok) return `copy operation failed to decode path: ${MISSING}`;
      const dst = findObject(state.root, p.value);
      if (!dst) return `copy operation does not apply: doc is missing destination path: ${p.value}: ${MISSING}`;
      const e = dst.con.add(dst.key, clone(got.value ?? null));
      return e === undefined ? undefined : `error while adding value during copy: ${e}`;
    }
    case 'test':
      return testOp(state.root, op, value);
    default:
      return `Unexpected kind: ${kind}`;
  }
}

function testOp(root: JsonValue, op: JsonPatchOperation, value: JsonValue | undefined): string | undefined {
  const p = readString(op, 'path', 'operation missing path field');
  if (!p.ok) return `test operation failed to decode path: ${p.err}`;
  const failed = `testing value ${p.value} failed: ${TEST_FAILED}`;
  if (p.value === '') return value !== undefined && deepEqual(root, value) ? undefined : failed;
  const f = findObject(root, p.value);
  if (!f) return `test operation does not apply: is missing path: ${p.value}: ${MISSING}`;
  const got = f.con.get(f.key);
  if ('err' in got) return `error in test for path: '${p.value}': ${got.err}`;
  if (got.value === undefined) return value === undefined || value === null ? undefined : failed;
  if (value === undefined) return failed;
  return deepEqual(got.value, value) ? undefined : failed;
}

/**
 * Decodes a parsed request body as a JSON patch the way jsonpatch.DecodePatch does; a body that is not an array
 * of objects is a 400 with Go's decoding message.
 */
export function decodeJsonPatch(body: unknown): JsonPatchOperation[] {
  if (!Array.isArray(body)) {
    throw badRequest(`json: cannot unmarshal ${goJsonKind(body)} into Go value of type jsonpatch.Patch`);
  }
  for (const op of body) {
    if (op !== null && !isObject(op)) {
      throw badRequest(`json: cannot unmarshal ${goJsonKind(op)} into Go value of type jsonpatch.Operation`);
    }
  }
  return body.map((op) => (op ?? {}) as JsonPatchOperation);
}

/**
 * The whole of kube-apiserver's JSON-patch step: decode (400), cap the operation count (413), apply. A failed
 * operation (bad path, failed `test`, ...) is a 422 Invalid whose message is the generic
 * `the server rejected our request due to an error in our request`, exactly what
 * errors.NewGenericServerResponse(422, ...) produces: upstream drops the evanphx text from the reply.
 */
export function patchWithJsonPatch(doc: JsonValue, body: unknown): JsonValue {
  const ops = decodeJsonPatch(body);
  if (ops.length > MAX_JSON_PATCH_OPERATIONS) {
    throw requestEntityTooLarge(
      `Request entity too large: The allowed maximum operations in a JSON patch is ${MAX_JSON_PATCH_OPERATIONS}, got ${ops.length}`,
    );
  }
  try {
    return applyJsonPatch(doc, ops);
  } catch (e) {
    if (e instanceof JsonPatchError) throw jsonPatchFailed();
    throw e;
  }
}

/** 422 Invalid as NewGenericServerResponse(422, "", GroupResource{}, "", msg, 0, false) builds it. */
export function jsonPatchFailed(): StatusError {
  return statusFailure(422, 'Invalid', 'the server rejected our request due to an error in our request', {});
}
