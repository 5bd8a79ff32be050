/**
 * Whether one PolicyRule allows a request (pkg/apis/rbac/v1/evaluation_helpers.go). apiVersion is never
 * consulted; verbs, groups and names compare exactly (no case folding); `*` is the only wildcard.
 */
import type { PolicyRule } from '../../api/rbac-v1.ts';
import type { Attributes } from './interfaces.ts';

/** A rule verb `*` or equal to the request verb. */
export function verbMatches(rule: PolicyRule, verb: string): boolean {
  for (const v of rule.verbs ?? []) if (v === '*' || v === verb) return true;
  return false;
}

/** A rule group `*` or equal to the request group (`""` is the core group). */
export function apiGroupMatches(rule: PolicyRule, group: string): boolean {
  for (const g of rule.apiGroups ?? []) if (g === '*' || g === group) return true;
  return false;
}

/**
 * `*`, the combined `resource/subresource`, or `* /subresource` for a subresource request.
 * `pods` does not cover `pods/status`, and `pods/*` is a literal.
 */
export function resourceMatches(rule: PolicyRule, combined: string, subresource: string): boolean {
  for (const r of rule.resources ?? []) {
    if (r === '*' || r === combined) return true;
    if (subresource !== '' && r.length === subresource.length + 2 && r.startsWith('*/') && r.endsWith(subresource)) {
      return true;
    }
  }
  return false;
}

/** No resourceNames matches every name; otherwise the name must be listed, so `""` never matches. */
export function resourceNameMatches(rule: PolicyRule, name: string): boolean {
  const names = rule.resourceNames ?? [];
  if (names.length === 0) return true;
  return names.includes(name);
}

/** `*`, an exact path, or a `*`-suffixed raw string prefix (`/healthz*` matches `/healthzfoo`). */
export function nonResourceURLMatches(rule: PolicyRule, path: string): boolean {
  for (const u of rule.nonResourceURLs ?? []) {
    if (u === '*' || u === path) return true;
    if (u.endsWith('*') && path.startsWith(u.replace(/\*+$/, ''))) return true;
  }
  return false;
}

/** RuleAllows: the rule grants the request. A rule only matches the kind of request its fields describe. */
export function ruleAllows(attrs: Attributes, rule: PolicyRule): boolean {
  if (attrs.resourceRequest) {
    const combined = attrs.subresource ? `${attrs.resource}/${attrs.subresource}` : attrs.resource;
    return (
      verbMatches(rule, attrs.verb) &&
      apiGroupMatches(rule, attrs.apiGroup) &&
      resourceMatches(rule, combined, attrs.subresource) &&
      resourceNameMatches(rule, attrs.name)
    );
  }
  return verbMatches(rule, attrs.verb) && nonResourceURLMatches(rule, attrs.path);
}
