/**
 * ClusterRole aggregation (pkg/controller/clusterroleaggregation): the rules of a role with an aggregationRule
 * are the rules of every other ClusterRole its selectors match. Pure; the controller decides when to write.
 */
import type { ClusterRole, PolicyRule } from '../../api/rbac-v1.ts';
import { semanticDeepEqual } from '../../validation/deep-equal.ts';
import { labelSelectorMatches } from '../../validation/selectors.ts';

/** equality.Semantic.DeepEqual of two rules: list order matters, nil and empty lists are equal. */
export function rulesEqual(a: PolicyRule, b: PolicyRule): boolean {
  return semanticDeepEqual(a, b);
}

/** Semantic equality of two rule lists (nil == empty), the controller's "nothing to do" test. */
export function ruleListsEqual(
  a: readonly PolicyRule[] | null | undefined,
  b: readonly PolicyRule[] | null | undefined,
): boolean {
  return semanticDeepEqual(a, b);
}

/**
 * The rules `role` aggregates from `all`: for each selector in order, the matching ClusterRoles sorted by name
 * (the role itself skipped), each rule appended unless an equal rule is already present. Throws Error for an
 * invalid selector. Returns undefined for a role without an aggregationRule.
 */
export function aggregateRules(role: ClusterRole, all: readonly ClusterRole[]): PolicyRule[] | undefined {
  if (!role.aggregationRule) return undefined;
  const out: PolicyRule[] = [];
  const sorted = [...all].sort((a, b) => {
    const x = a.metadata.name ?? '';
    const y = b.metadata.name ?? '';
    return x < y ? -1 : x > y ? 1 : 0;
  });
  for (const selector of role.aggregationRule.clusterRoleSelectors ?? []) {
    for (const candidate of sorted) {
      if (candidate.metadata.name === role.metadata.name) continue;
      if (!labelSelectorMatches(selector, candidate.metadata.labels)) continue;
      for (const rule of candidate.rules ?? []) {
        if (!out.some((r) => rulesEqual(r, rule))) out.push(rule);
      }
    }
  }
  return out;
}

/**
 * One controller sync of `role`: the new rules to write, or undefined when nothing changes (no aggregationRule,
 * or the aggregate already equals the stored rules).
 */
export function syncAggregatedRole(role: ClusterRole, all: readonly ClusterRole[]): PolicyRule[] | undefined {
  const rules = aggregateRules(role, all);
  if (rules === undefined || ruleListsEqual(rules, role.rules)) return undefined;
  return rules;
}
