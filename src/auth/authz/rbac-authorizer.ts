/**
 * The RBAC authorizer (plugin/pkg/auth/authorizer/rbac/rbac.go): Allow with the granting binding as reason, or
 * NoOpinion, never Deny. Missing roles do not fail the request; they are reported as `RBAC: <errors>` in the
 * NoOpinion reason.
 */
import { aggregateMessage } from './go-format.ts';
import type { Attributes, AuthorizationResult, Authorizer, ResolvedRules, RuleResolver } from './interfaces.ts';
import type { PolicyIndex } from './policy-index.ts';
import { ruleAllows } from './rule-match.ts';
import { describeSource, RuleResolverOverIndex } from './rule-resolver.ts';

type GrantingItem = Parameters<typeof describeSource>[0];

// Resolved items are shared until the policy changes, so each one's allow reason is formatted once, not per request.
const allowReasons = new WeakMap<GrantingItem, string>();

function allowReason(item: GrantingItem): string {
  let reason = allowReasons.get(item);
  if (reason === undefined) {
    reason = `RBAC: allowed by ${describeSource(item)}`;
    allowReasons.set(item, reason);
  }
  return reason;
}

/** The RBAC authorizer and rule resolver over an in-memory policy index. */
export class RbacAuthorizer implements Authorizer, RuleResolver {
  readonly resolver: RuleResolverOverIndex;

  constructor(index: PolicyIndex) {
    this.resolver = new RuleResolverOverIndex(index, 'lister');
  }

  /** Allow (`RBAC: allowed by <source>`) at the first rule that matches; NoOpinion otherwise. */
  authorize(attrs: Attributes): AuthorizationResult {
    const errors: Error[] = [];
    for (const item of this.resolver.resolve(attrs.user, attrs.namespace)) {
      if ('error' in item) {
        errors.push(item.error);
        continue;
      }
      for (const rule of item.rules) {
        if (ruleAllows(attrs, rule)) return { decision: 'Allow', reason: allowReason(item) };
      }
    }
    return { decision: 'NoOpinion', reason: errors.length ? `RBAC: ${aggregateMessage(errors)}` : '' };
  }

  /** RulesFor as SelfSubjectRulesReview lists them: resource rules and non-resource rules, in visit order. */
  rulesFor(user: Attributes['user'], namespace: string): ResolvedRules {
    const { rules, errors } = this.resolver.rulesFor(user, namespace);
    const out: ResolvedRules = { resourceRules: [], nonResourceRules: [], errors };
    for (const r of rules) {
      if (r.resources?.length) {
        out.resourceRules.push({
          verbs: r.verbs ?? [],
          apiGroups: r.apiGroups ?? [],
          resources: r.resources,
          resourceNames: r.resourceNames ?? [],
        });
      }
      if (r.nonResourceURLs?.length)
        out.nonResourceRules.push({ verbs: r.verbs ?? [], nonResourceURLs: r.nonResourceURLs });
    }
    return out;
  }
}
