/** Namespace validation (pkg/apis/core/validation: ValidateNamespace, ValidateNamespaceUpdate). */
import type { Namespace } from '../../api/core-v1.ts';
import type { FieldError } from '../../api/status.ts';
import { nameIsDNSLabel } from '../names.ts';
import {
  validateFinalizerName,
  validateKubeFinalizerName,
  validateObjectMeta,
  validateObjectMetaUpdate,
} from '../object-meta.ts';

/**
 * A namespace on create: cluster-scoped metadata whose name is an RFC 1123 label, and `spec.finalizers` that are
 * qualified names and, without a domain, standard ones. Every finalizer error carries the list's path, as upstream.
 */
export function validateNamespace(ns: Namespace): FieldError[] {
  const errs = validateObjectMeta(ns.metadata, false, nameIsDNSLabel);
  const finalizers = Array.isArray(ns.spec?.finalizers) ? ns.spec.finalizers : [];
  for (const f of finalizers) {
    errs.push(...validateFinalizerName(String(f), 'spec.finalizers'));
    errs.push(...validateKubeFinalizerName(String(f), 'spec.finalizers'));
  }
  return errs;
}

/** A namespace update, as the namespace strategy's ValidateUpdate: the new object's rules plus metadata immutability. */
export function validateNamespaceUpdate(newNs: Namespace, oldNs: Namespace): FieldError[] {
  return [...validateNamespace(newNs), ...validateObjectMetaUpdate(newNs.metadata, oldNs.metadata)];
}
