/**
 * Printing missing permissions the way escalation errors do: CompactRules (pkg/registry/rbac/validation/
 * policy_compact.go) merges simple rules per group/resource(/name), CompactString renders one rule.
 */
import type { PolicyRule } from '../../api/rbac-v1.ts';
import { goQuoteList } from './go-format.ts';

/** A rule with exactly one group and one resource, at most one name, no URLs: its merge key, else undefined. */
function simpleKey(rule: PolicyRule): string | undefined {
  if ((rule.resourceNames?.length ?? 0) > 1 || (rule.nonResourceURLs?.length ?? 0) > 0) return undefined;
  if (rule.apiGroups?.length !== 1 || rule.resources?.length !== 1) return undefined;
  const name = rule.resourceNames?.length ? `\0${rule.resourceNames[0]}` : '';
  return `${rule.apiGroups[0]}\0${rule.resources[0]}${name}`;
}

/** CompactRules: simple rules on the same group/resource(/name) merged, verbs concatenated in order. */
export function compactRules(rules: readonly PolicyRule[]): PolicyRule[] {
  const compacted: PolicyRule[] = [];
  const simple = new Map<string, PolicyRule>();
  for (const rule of rules) {
    const key = simpleKey(rule);
    if (key === undefined) {
      compacted.push(rule);
      continue;
    }
    const existing = simple.get(key);
    if (existing) existing.verbs = [...existing.verbs, ...(rule.verbs ?? [])];
    else simple.set(key, structuredClone({ ...rule, verbs: rule.verbs ?? [] }));
  }
  compacted.push(...simple.values());
  return compacted;
}

/** CompactString: `{APIGroups:["apps"], Resources:["deployments"], Verbs:["get" "list"]}`, empty fields omitted. */
export function compactString(r: PolicyRule): string {
  const parts: string[] = [];
  if (r.apiGroups?.length) parts.push(`APIGroups:${goQuoteList(r.apiGroups)}`);
  if (r.resources?.length) parts.push(`Resources:${goQuoteList(r.resources)}`);
  if (r.nonResourceURLs?.length) parts.push(`NonResourceURLs:${goQuoteList(r.nonResourceURLs)}`);
  if (r.resourceNames?.length) parts.push(`ResourceNames:${goQuoteList(r.resourceNames)}`);
  if (r.verbs?.length) parts.push(`Verbs:${goQuoteList(r.verbs)}`);
  return `{${parts.join(', ')}}`;
}
