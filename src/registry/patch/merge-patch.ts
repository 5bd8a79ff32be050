/**
 * RFC 7386 JSON merge patch with evanphx/json-patch's MergePatch behaviour, which kube-apiserver uses for
 * `application/merge-patch+json`: null deletes a key, objects merge recursively, anything else replaces, and
 * nulls inside newly added values (arrays included) are pruned.
 */
import { badRequest } from '../../api/status.ts';
import { clone, isObject, type JsonObject, type JsonValue } from './json-value.ts';

function pruneNulls(v: JsonValue): JsonValue {
  if (Array.isArray(v)) return v.filter((x) => x !== null).map(pruneNulls);
  if (isObject(v)) {
    for (const k of Object.keys(v)) {
      const child = v[k] as JsonValue;
      if (child === null) delete v[k];
      else v[k] = pruneNulls(child);
    }
  }
  return v;
}

function mergeValue(cur: JsonValue, patch: JsonValue): JsonValue {
  if (!isObject(cur)) return pruneNulls(patch);
  if (!isObject(patch)) return patch;
  mergeDocs(cur, patch);
  return cur;
}

function mergeDocs(doc: JsonObject, patch: JsonObject): void {
  for (const [k, v] of Object.entries(patch)) {
    if (v === null) delete doc[k];
    else if (!Object.hasOwn(doc, k)) doc[k] = pruneNulls(v);
    else doc[k] = mergeValue(doc[k] as JsonValue, v);
  }
}

/**
 * Returns `doc` with `patch` merged in (inputs are not modified). A JSON null patch is a 400 `Invalid JSON Patch`;
 * a non-object patch replaces the document (an array keeps only its non-null items), as upstream does.
 */
export function applyMergePatch(doc: JsonValue, patch: unknown): JsonValue {
  if (patch === null || patch === undefined) throw badRequest('Invalid JSON Patch');
  if (Array.isArray(patch)) return pruneNulls(clone(patch as JsonValue));
  if (!isObject(patch)) throw badRequest('Invalid JSON Patch');
  const p = clone(patch);
  if (!isObject(doc)) return pruneNulls(p);
  const out = clone(doc);
  mergeDocs(out, p);
  return out;
}
