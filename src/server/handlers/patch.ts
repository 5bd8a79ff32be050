/**
 * PATCH in its four content types (JSON patch, merge patch, strategic merge patch, server-side apply) over the
 * generic store, recording managedFields for the field manager as upstream does.
 */
import { parse as parseYaml } from 'yaml';
import type { KubernetesObject } from '../../api/meta.ts';
import { badRequest, conflict, invalid, OBJECT_MODIFIED, unsupportedMediaType } from '../../api/status.ts';
import { applyObject, updateManagedFields } from '../../registry/apply/managed-fields.ts';
import { patchWithJsonPatch } from '../../registry/patch/json-patch.ts';
import type { JsonObject, JsonValue } from '../../registry/patch/json-value.ts';
import { applyMergePatch } from '../../registry/patch/merge-patch.ts';
import { patchWithStrategicMerge } from '../../registry/patch/strategic-merge.ts';
import type { Clock } from '../../util/clock.ts';
import { checkFields, pruneUnknownFields } from '../field-validation.ts';
import type { ApiRequest } from '../http.ts';
import { header } from '../http.ts';
import { jsonSyntaxError } from '../negotiation.ts';
import type { PatchApplier } from './rest.ts';

/**
 * The patch type named by a Content-Type, exactly as upstream's patch handler takes it: everything before the first
 * `;`, neither trimmed nor lower-cased (so `Application/Merge-Patch+json` is a 415 there, and here).
 */
export function patchTypeOf(contentType: string | undefined): string {
  const v = contentType ?? '';
  const i = v.indexOf(';');
  return i > 0 ? v.slice(0, i) : v;
}

const PATCH_TYPES = [
  'application/json-patch+json',
  'application/merge-patch+json',
  'application/strategic-merge-patch+json',
  'application/apply-patch+yaml',
];

/** The field manager of a request: ?fieldManager, else the user agent's program name (upstream's default). */
export function fieldManagerOf(req: ApiRequest): string {
  const explicit = req.query.get('fieldManager');
  if (explicit) return explicit;
  const ua = header(req, 'user-agent') ?? '';
  return ua.split('/')[0]?.trim() || 'unknown';
}

function parseJson(body: Buffer): unknown {
  try {
    return JSON.parse(body.toString('utf8'));
  } catch (err) {
    throw badRequest(`error decoding patch: ${jsonSyntaxError(err)}`);
  }
}

/** The PatchApplier the REST handler uses. */
export function patchApplier(clock: Clock): PatchApplier {
  return async ({ req, store, namespace, name, contentType, body, dryRun, admit, served }) => {
    if (!PATCH_TYPES.includes(contentType))
      throw unsupportedMediaType(
        `the body of the request was in an unknown format - accepted media types include: ${PATCH_TYPES.join(', ')}`,
      );
    const manager = fieldManagerOf(req);
    const now = clock.now();
    // A JSON patch body must parse before anything walks it.
    const patch = contentType === 'application/apply-patch+yaml' ? undefined : parseJson(body);
    checkFields(req, served, body, contentType);
    if (contentType === 'application/apply-patch+yaml') {
      if (!req.query.get('fieldManager'))
        throw invalid('PatchOptions', 'meta.k8s.io', '', [
          { type: 'FieldValueRequired', field: 'fieldManager', detail: 'is required for apply patch' },
        ]);
      const force = req.query.get('force') === 'true';
      let applied: KubernetesObject;
      try {
        applied = parseYaml(body.toString('utf8')) as KubernetesObject;
      } catch (err) {
        throw badRequest(`error decoding YAML: ${(err as Error).message.split('\n')[0]}`);
      }
      if (!applied || typeof applied !== 'object') throw badRequest('the apply patch must be an object');
      applied.metadata ??= {};
      if (applied.metadata.name && applied.metadata.name !== name)
        throw badRequest(
          `the name of the object (${applied.metadata.name}) does not match the name on the URL (${name})`,
        );
      const existing = await store.find(namespace, name);
      if (!existing) {
        const obj = applyObject<KubernetesObject>(
          undefined,
          { ...applied, metadata: { ...applied.metadata, name } },
          manager,
          force,
          now,
        );
        const created = await store.create(namespace, pruneUnknownFields(obj, served.schema), { dryRun, admit });
        return { status: 201, object: created };
      }
      const updated = await store.guaranteedUpdate(
        namespace,
        name,
        (current) =>
          pruneUnknownFields(applyObject<KubernetesObject>(current, applied, manager, force, now), served.schema),
        { dryRun, admit },
      );
      return { status: 200, object: updated };
    }
    const updated = await store.guaranteedUpdate(
      namespace,
      name,
      (current) => {
        let next: JsonValue;
        if (contentType === 'application/json-patch+json')
          next = patchWithJsonPatch(current as unknown as JsonValue, patch);
        else if (contentType === 'application/merge-patch+json')
          next = applyMergePatch(current as unknown as JsonValue, patch);
        else next = patchWithStrategicMerge(current as unknown as JsonObject, patch, store.def.kind);
        if (!next || typeof next !== 'object' || Array.isArray(next))
          throw badRequest('the patch produced a value that is not an object');
        const obj = next as unknown as KubernetesObject;
        if (obj.metadata?.resourceVersion && obj.metadata.resourceVersion !== current.metadata.resourceVersion)
          throw conflict(store.gr, name, OBJECT_MODIFIED);
        return pruneUnknownFields(obj, served.schema);
      },
      { dryRun, admit, managedFields: (next, current) => updateManagedFields(current, next, manager, 'Update', now) },
    );
    return { status: 200, object: updated };
  };
}
