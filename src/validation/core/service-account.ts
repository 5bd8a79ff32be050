/** ServiceAccount validation (pkg/apis/core/validation: ValidateServiceAccount, ValidateServiceAccountUpdate). */
import type { ServiceAccount } from '../../api/core-v1.ts';
import type { FieldError } from '../../api/status.ts';
import { nameIsDNSSubdomain } from '../names.ts';
import { validateObjectMeta, validateObjectMetaUpdate } from '../object-meta.ts';

/** A service account on create: namespaced metadata whose name is an RFC 1123 subdomain. */
export function validateServiceAccount(sa: ServiceAccount): FieldError[] {
  return validateObjectMeta(sa.metadata, true, nameIsDNSSubdomain);
}

/** A service account update: metadata immutability, then the create rules on the new object. */
export function validateServiceAccountUpdate(newSa: ServiceAccount, oldSa: ServiceAccount): FieldError[] {
  return [...validateObjectMetaUpdate(newSa.metadata, oldSa.metadata), ...validateServiceAccount(newSa)];
}
