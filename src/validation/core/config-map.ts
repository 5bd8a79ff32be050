/** ConfigMap validation (pkg/apis/core/validation: ValidateConfigMap, ValidateConfigMapUpdate). */
import type { ConfigMap } from '../../api/core-v1.ts';
import type { FieldError } from '../../api/status.ts';
import { invalidValue, key, tooLongValue, WHOLE_OBJECT_PATH } from '../field.ts';
import { stringEntries } from '../labels.ts';
import { byteLength, isConfigMapKey, nameIsDNSSubdomain } from '../names.ts';
import { validateObjectMeta, validateObjectMetaUpdate } from '../object-meta.ts';
import { base64DecodedLength, MAX_SECRET_SIZE, validateImmutableData } from './data-bag.ts';

/**
 * A config map on create: namespaced metadata with an RFC 1123 subdomain name, config-key keys in `data` and
 * `binaryData`, no key in both, and at most 1 MiB in total. The size error's path is `[]` (the whole object),
 * as upstream reports it.
 */
export function validateConfigMap(cm: ConfigMap): FieldError[] {
  const errs = validateObjectMeta(cm.metadata, true, nameIsDNSSubdomain);
  const data = stringEntries(cm.data);
  const binary = Object.fromEntries(stringEntries(cm.binaryData));
  let total = 0;
  for (const [k, v] of data) {
    for (const msg of isConfigMapKey(k)) errs.push(invalidValue(key('data', k), k, msg));
    if (k in binary) errs.push(invalidValue(key('data', k), k, 'duplicate of key present in binaryData'));
    total += typeof v === 'string' ? byteLength(v) : 0;
  }
  for (const [k, v] of Object.entries(binary)) {
    for (const msg of isConfigMapKey(k)) errs.push(invalidValue(key('binaryData', k), k, msg));
    total += base64DecodedLength(v);
  }
  if (total > MAX_SECRET_SIZE) errs.push(tooLongValue(WHOLE_OBJECT_PATH, MAX_SECRET_SIZE));
  return errs;
}

/** A config map update: metadata immutability, the `immutable` rule, then the create rules. */
export function validateConfigMapUpdate(newCm: ConfigMap, oldCm: ConfigMap): FieldError[] {
  return [
    ...validateObjectMetaUpdate(newCm.metadata, oldCm.metadata),
    ...validateImmutableData(newCm.immutable, oldCm.immutable, [
      ['data', newCm.data, oldCm.data],
      ['binaryData', newCm.binaryData, oldCm.binaryData],
    ]),
    ...validateConfigMap(newCm),
  ];
}
