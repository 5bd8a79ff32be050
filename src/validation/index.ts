/**
 * The validation layer's public surface: pure functions from wire objects to FieldError lists (field.ErrorList),
 * with Kubernetes 1.33's paths and messages. An empty list means valid; feed a non-empty one to api/status.ts invalid().
 */
export * from './core.ts';
export { semanticDeepEqual } from './deep-equal.ts';
export {
  child,
  duplicateValue,
  forbiddenValue,
  index,
  invalidValue,
  key,
  notFoundValue,
  notSupportedValue,
  requiredValue,
  tooLongValue,
  WHOLE_OBJECT_PATH,
} from './field.ts';
export {
  type LabelSelectorValidationOptions,
  TOTAL_ANNOTATION_SIZE_LIMIT_BYTES,
  validateAnnotations,
  validateLabelName,
  validateLabelSelector,
  validateLabels,
} from './labels.ts';
export {
  isConfigMapKey,
  isDNS1123Label,
  isDNS1123Subdomain,
  isQualifiedName,
  isValidLabelValue,
  isValidPathSegmentName,
  isValidPathSegmentPrefix,
  type NameValidator,
  nameIsDNSLabel,
  nameIsDNSSubdomain,
  validatePathSegmentName,
} from './names.ts';
export {
  FIELD_IMMUTABLE_ERROR_MSG,
  validateFinalizerName,
  validateImmutableField,
  validateKubeFinalizerName,
  validateObjectMeta,
  validateObjectMetaUpdate,
} from './object-meta.ts';
export {
  type ClusterRoleValidationOptions,
  validateClusterRole,
  validateClusterRoleBinding,
  validateClusterRoleBindingUpdate,
  validateClusterRoleUpdate,
  validatePolicyRule,
  validateRBACName,
  validateRole,
  validateRoleBinding,
  validateRoleBindingSubject,
  validateRoleBindingUpdate,
  validateRoleUpdate,
} from './rbac.ts';
