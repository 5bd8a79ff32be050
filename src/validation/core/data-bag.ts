/** Rules shared by the key/value bags of Secrets and ConfigMaps: size limit, base64 sizes, `immutable`. */
import type { FieldError } from '../../api/status.ts';
import { semanticDeepEqual } from '../deep-equal.ts';
import { forbiddenValue } from '../field.ts';

/** core.MaxSecretSize: the most data (decoded bytes) a Secret or ConfigMap may hold, 1 MiB. */
export const MAX_SECRET_SIZE = 1024 * 1024;

/** The decoded byte length of a base64 value (the wire form of `data`/`binaryData`). */
export function base64DecodedLength(value: unknown): number {
  return typeof value === 'string' ? Buffer.from(value, 'base64').length : 0;
}

/** Upstream's detail for any change to an immutable Secret or ConfigMap. */
export const IMMUTABLE_DATA_MSG = 'field is immutable when `immutable` is set';

/**
 * Once the old object is immutable it must stay so and the named data fields may not change.
 * Each pair is [field name, new value, old value].
 */
export function validateImmutableData(
  newImmutable: boolean | undefined,
  oldImmutable: boolean | undefined,
  fields: [string, unknown, unknown][],
): FieldError[] {
  if (oldImmutable !== true) return [];
  const errs: FieldError[] = [];
  if (newImmutable !== true) errs.push(forbiddenValue('immutable', IMMUTABLE_DATA_MSG));
  for (const [name, newVal, oldVal] of fields) {
    if (!semanticDeepEqual(newVal, oldVal)) errs.push(forbiddenValue(name, IMMUTABLE_DATA_MSG));
  }
  return errs;
}
