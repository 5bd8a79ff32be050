/** Secret validation (pkg/apis/core/validation: ValidateSecret, ValidateSecretUpdate). */
import type { Secret } from '../../api/core-v1.ts';
import { SA_NAME_ANNOTATION, SECRET_TYPE_SA_TOKEN } from '../../api/core-v1.ts';
import type { FieldError } from '../../api/status.ts';
import { invalidValue, key, requiredValue, tooLongValue } from '../field.ts';
import { stringEntries } from '../labels.ts';
import { isConfigMapKey, nameIsDNSSubdomain } from '../names.ts';
import { validateImmutableField, validateObjectMeta, validateObjectMetaUpdate } from '../object-meta.ts';
import { base64DecodedLength, MAX_SECRET_SIZE, validateImmutableData } from './data-bag.ts';

/** Upstream prints this instead of a docker config's bytes, which are credentials. */
const REDACTED = '<secret contents redacted>';

function decoded(data: Record<string, unknown>, k: string): Buffer | undefined {
  const v = data[k];
  return typeof v === 'string' ? Buffer.from(v, 'base64') : undefined;
}

/**
 * Why json.Unmarshal into map[string]interface{} would fail, or null when it would not.
 * Type mismatches carry Go's exact text; for syntax errors Go quotes the offending character, which is
 * secret material, so a fixed text is used instead.
 */
function dockerJSONError(bytes: Buffer): string | null {
  const text = bytes.toString('utf8');
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    return text.trim() === '' ? 'unexpected end of JSON input' : 'invalid JSON';
  }
  if (parsed === null || (typeof parsed === 'object' && !Array.isArray(parsed))) return null;
  const kind = Array.isArray(parsed) ? 'array' : typeof parsed === 'string' ? 'string' : typeof parsed;
  return `json: cannot unmarshal ${kind} into Go value of type map[string]interface {}`;
}

function validateDockerConfig(data: Record<string, unknown>, dataKey: string): FieldError[] {
  const bytes = decoded(data, dataKey);
  if (bytes === undefined) return [requiredValue(key('data', dataKey))];
  const err = dockerJSONError(bytes);
  return err ? [invalidValue(key('data', dataKey), REDACTED, err)] : [];
}

function validateByType(secret: Secret, data: Record<string, unknown>): FieldError[] {
  switch (secret.type ?? '') {
    case SECRET_TYPE_SA_TOKEN: {
      // Only the name is required; the uid annotation and token are filled in later by the token controller.
      const name = secret.metadata?.annotations?.[SA_NAME_ANNOTATION];
      return typeof name === 'string' && name !== ''
        ? []
        : [requiredValue(key('metadata.annotations', SA_NAME_ANNOTATION))];
    }
    case 'kubernetes.io/dockercfg':
      return validateDockerConfig(data, '.dockercfg');
    case 'kubernetes.io/dockerconfigjson':
      return validateDockerConfig(data, '.dockerconfigjson');
    case 'kubernetes.io/basic-auth':
      // Either may be empty, but at least one of the keys must be present.
      return 'username' in data || 'password' in data
        ? []
        : [requiredValue(key('data', 'username')), requiredValue(key('data', 'password'))];
    case 'kubernetes.io/ssh-auth':
      return (decoded(data, 'ssh-privatekey')?.length ?? 0) > 0 ? [] : [requiredValue(key('data', 'ssh-privatekey'))];
    case 'kubernetes.io/tls': {
      const errs: FieldError[] = [];
      if (!('tls.crt' in data)) errs.push(requiredValue(key('data', 'tls.crt')));
      if (!('tls.key' in data)) errs.push(requiredValue(key('data', 'tls.key')));
      return errs;
    }
    default:
      return [];
  }
}

/**
 * A secret on create: namespaced metadata with an RFC 1123 subdomain name, `data` keys that are config keys,
 * at most 1 MiB of decoded data, and the per-type requirements (a service-account token needs the
 * `kubernetes.io/service-account.name` annotation). Callers merge `stringData` into `data` first, as upstream's
 * conversion does. Error values never contain secret data.
 */
export function validateSecret(secret: Secret): FieldError[] {
  const errs = validateObjectMeta(secret.metadata, true, nameIsDNSSubdomain);
  const data = Object.fromEntries(stringEntries(secret.data));
  let total = 0;
  for (const [k, v] of Object.entries(data)) {
    for (const msg of isConfigMapKey(k)) errs.push(invalidValue(key('data', k), k, msg));
    total += base64DecodedLength(v);
  }
  if (total > MAX_SECRET_SIZE) errs.push(tooLongValue('data', MAX_SECRET_SIZE));
  errs.push(...validateByType(secret, data));
  return errs;
}

/** A secret update: metadata immutability, `type` immutable, the `immutable` rule, then the create rules. */
export function validateSecretUpdate(newSecret: Secret, oldSecret: Secret): FieldError[] {
  return [
    ...validateObjectMetaUpdate(newSecret.metadata, oldSecret.metadata),
    ...validateImmutableField(newSecret.type ?? '', oldSecret.type ?? '', 'type'),
    ...validateImmutableData(newSecret.immutable, oldSecret.immutable, [['data', newSecret.data, oldSecret.data]]),
    ...validateSecret(newSecret),
  ];
}
