/**
 * rbac.authorization.k8s.io/v1 object validation (pkg/apis/rbac/validation/validation.go; spec/rbac.md §9).
 * Objects are expected to be defaulted first (roleRef.apiGroup and Subject.apiGroup, rbac.md §9 "Defaults").
 */
import type { LabelSelector } from '../api/meta.ts';
import type {
  ClusterRole,
  ClusterRoleBinding,
  PolicyRule,
  Role,
  RoleBinding,
  RoleRef,
  Subject,
} from '../api/rbac-v1.ts';
import { RBAC_GROUP } from '../api/rbac-v1.ts';
import type { FieldError } from '../api/status.ts';
import { child, index, invalidValue, notSupportedValue, requiredValue } from './field.ts';
import { labelSelectorConvertible, validateLabelSelector } from './labels.ts';
import { isValidPathSegmentName, type NameValidator, nameIsDNSSubdomain } from './names.ts';
import { validateObjectMeta, validateObjectMetaUpdate } from './object-meta.ts';

/** ValidateRBACName: only path-segment safety (`system:node` is fine); the prefix flag is ignored, as upstream. */
export const validateRBACName: NameValidator = (name) => isValidPathSegmentName(name);

function list(v: unknown): string[] {
  return Array.isArray(v) ? v.map((x) => String(x)) : [];
}

function str(v: unknown): string {
  return typeof v === 'string' ? v : '';
}

/**
 * ValidatePolicyRule: verbs required; a non-resource rule may not sit in a namespaced Role nor mix with resource
 * fields; a resource rule needs at least one apiGroup and one resource.
 */
export function validatePolicyRule(rule: PolicyRule, namespaced: boolean, path: string): FieldError[] {
  const errs: FieldError[] = [];
  const r = rule ?? ({} as PolicyRule);
  if (list(r.verbs).length === 0) {
    errs.push(requiredValue(child(path, 'verbs'), 'verbs must contain at least one value'));
  }
  const urls = list(r.nonResourceURLs);
  if (urls.length > 0) {
    if (namespaced) {
      errs.push(
        invalidValue(child(path, 'nonResourceURLs'), urls, 'namespaced rules cannot apply to non-resource URLs'),
      );
    }
    if (list(r.apiGroups).length > 0 || list(r.resources).length > 0 || list(r.resourceNames).length > 0) {
      errs.push(
        invalidValue(
          child(path, 'nonResourceURLs'),
          urls,
          'rules cannot apply to both regular resources and non-resource URLs',
        ),
      );
    }
    return errs;
  }
  if (list(r.apiGroups).length === 0) {
    errs.push(requiredValue(child(path, 'apiGroups'), 'resource rules must supply at least one api group'));
  }
  if (list(r.resources).length === 0) {
    errs.push(requiredValue(child(path, 'resources'), 'resource rules must supply at least one resource'));
  }
  return errs;
}

function validateRules(rules: unknown, namespaced: boolean): FieldError[] {
  if (!Array.isArray(rules)) return [];
  return (rules as PolicyRule[]).flatMap((rule, i) => validatePolicyRule(rule, namespaced, index('rules', i)));
}

/** A Role: namespaced metadata with a path-segment name, rules without non-resource URLs. */
export function validateRole(role: Role): FieldError[] {
  return [...validateObjectMeta(role.metadata, true, validateRBACName), ...validateRules(role.rules, true)];
}

/** A Role update: the create rules, then metadata immutability. */
export function validateRoleUpdate(newRole: Role, oldRole: Role): FieldError[] {
  return [...validateRole(newRole), ...validateObjectMetaUpdate(newRole.metadata, oldRole.metadata)];
}

/** Options of validateClusterRole. */
export interface ClusterRoleValidationOptions {
  /** Ratchet: skip label-value checks in aggregation selectors (upstream allows this when the old object had them). */
  allowInvalidLabelValueInSelector?: boolean;
}

/**
 * A ClusterRole: cluster-scoped metadata with a path-segment name, rules, and an aggregationRule that, when present,
 * has at least one valid selector. A selector that would not convert also gets upstream's
 * `Invalid value: null: invalid label selector.` on the selector's own path.
 */
export function validateClusterRole(role: ClusterRole, opts: ClusterRoleValidationOptions = {}): FieldError[] {
  const errs = [...validateObjectMeta(role.metadata, false, validateRBACName), ...validateRules(role.rules, false)];
  const agg = role.aggregationRule;
  if (agg !== undefined && agg !== null) {
    const base = 'aggregationRule.clusterRoleSelectors';
    const selectors: LabelSelector[] = Array.isArray(agg.clusterRoleSelectors) ? agg.clusterRoleSelectors : [];
    if (selectors.length === 0) {
      errs.push(requiredValue(base, 'at least one clusterRoleSelector required if aggregationRule is non-nil'));
    }
    selectors.forEach((selector, i) => {
      const p = index(base, i);
      errs.push(...validateLabelSelector(selector, p, opts));
      if (!labelSelectorConvertible(selector)) errs.push(invalidValue(p, null, 'invalid label selector.'));
    });
  }
  return errs;
}

/** A ClusterRole update: the create rules, then metadata immutability. */
export function validateClusterRoleUpdate(
  newRole: ClusterRole,
  oldRole: ClusterRole,
  opts: ClusterRoleValidationOptions = {},
): FieldError[] {
  return [...validateClusterRole(newRole, opts), ...validateObjectMetaUpdate(newRole.metadata, oldRole.metadata)];
}

/**
 * ValidateRoleBindingSubject: a name is required; a ServiceAccount's name is an RFC 1123 subdomain, its apiGroup
 * empty and, in a ClusterRoleBinding, its namespace set; Users and Groups are in the RBAC group; no other kinds.
 */
export function validateRoleBindingSubject(subject: Subject, namespaced: boolean, path: string): FieldError[] {
  const errs: FieldError[] = [];
  const s = subject ?? ({} as Subject);
  const name = str(s.name);
  const apiGroup = str(s.apiGroup);
  if (name === '') errs.push(requiredValue(child(path, 'name')));
  switch (s.kind) {
    case 'ServiceAccount':
      if (name !== '') {
        for (const msg of nameIsDNSSubdomain(name, false)) errs.push(invalidValue(child(path, 'name'), name, msg));
      }
      if (apiGroup !== '') errs.push(notSupportedValue(child(path, 'apiGroup'), apiGroup, ['']));
      if (!namespaced && str(s.namespace) === '') errs.push(requiredValue(child(path, 'namespace')));
      break;
    case 'User':
    case 'Group':
      if (apiGroup !== RBAC_GROUP) errs.push(notSupportedValue(child(path, 'apiGroup'), apiGroup, [RBAC_GROUP]));
      break;
    default:
      errs.push(notSupportedValue(child(path, 'kind'), str(s.kind), ['ServiceAccount', 'User', 'Group']));
  }
  return errs;
}

function validateBinding(
  binding: RoleBinding | ClusterRoleBinding,
  namespaced: boolean,
  allowedKinds: string[],
): FieldError[] {
  const errs = validateObjectMeta(binding.metadata, namespaced, validateRBACName);
  const ref: Partial<RoleRef> = binding.roleRef ?? {};
  const apiGroup = str(ref.apiGroup);
  if (apiGroup !== RBAC_GROUP) errs.push(notSupportedValue('roleRef.apiGroup', apiGroup, [RBAC_GROUP]));
  const kind = str(ref.kind);
  if (!allowedKinds.includes(kind)) errs.push(notSupportedValue('roleRef.kind', kind, allowedKinds));
  const name = str(ref.name);
  if (name === '') errs.push(requiredValue('roleRef.name'));
  else for (const msg of validateRBACName(name, false)) errs.push(invalidValue('roleRef.name', name, msg));
  const subjects = Array.isArray(binding.subjects) ? binding.subjects : [];
  subjects.forEach((s, i) => {
    errs.push(...validateRoleBindingSubject(s, namespaced, index('subjects', i)));
  });
  return errs;
}

function roleRefChanged(newRef: RoleRef | undefined, oldRef: RoleRef | undefined): FieldError[] {
  const n: Partial<RoleRef> = newRef ?? {};
  const o: Partial<RoleRef> = oldRef ?? {};
  const same = str(n.apiGroup) === str(o.apiGroup) && str(n.kind) === str(o.kind) && str(n.name) === str(o.name);
  return same ? [] : [invalidValue('roleRef', newRef ?? null, 'cannot change roleRef')];
}

/** A RoleBinding: namespaced metadata, roleRef to a Role or ClusterRole in the RBAC group, valid subjects. */
export function validateRoleBinding(binding: RoleBinding): FieldError[] {
  return validateBinding(binding, true, ['Role', 'ClusterRole']);
}

/** A RoleBinding update: the create rules, metadata immutability, and `roleRef: … cannot change roleRef`. */
export function validateRoleBindingUpdate(newBinding: RoleBinding, oldBinding: RoleBinding): FieldError[] {
  return [
    ...validateRoleBinding(newBinding),
    ...validateObjectMetaUpdate(newBinding.metadata, oldBinding.metadata),
    ...roleRefChanged(newBinding.roleRef, oldBinding.roleRef),
  ];
}

/** A ClusterRoleBinding: cluster-scoped metadata, roleRef to a ClusterRole, ServiceAccount subjects with namespaces. */
export function validateClusterRoleBinding(binding: ClusterRoleBinding): FieldError[] {
  return validateBinding(binding, false, ['ClusterRole']);
}

/** A ClusterRoleBinding update: the create rules, metadata immutability, and an immutable roleRef. */
export function validateClusterRoleBindingUpdate(
  newBinding: ClusterRoleBinding,
  oldBinding: ClusterRoleBinding,
): FieldError[] {
  return [
    ...validateClusterRoleBinding(newBinding),
    ...validateObjectMetaUpdate(newBinding.metadata, oldBinding.metadata),
    ...roleRefChanged(newBinding.roleRef, oldBinding.roleRef),
  ];
}
