/** Authorizer and rule-resolver chains (k8s.io/apiserver/pkg/authorization/union). */
import type { UserInfo } from '../user.ts';
import { aggregateError } from './go-format.ts';
import type { Attributes, AuthorizationResult, Authorizer, ResolvedRules, RuleResolver } from './interfaces.ts';

/**
 * The first Allow or Deny wins, with its own reason and error. When every authorizer has no opinion the result
 * is NoOpinion with the non-empty reasons joined by "\n" and the errors aggregated.
 */
export function unionAuthorizer(authorizers: readonly Authorizer[]): Authorizer {
  return {
    authorize(attrs: Attributes): AuthorizationResult {
      const reasons: string[] = [];
      const errors: Error[] = [];
      for (const a of authorizers) {
        const r = a.authorize(attrs);
        if (r.error) errors.push(r.error);
        if (r.reason) reasons.push(r.reason);
        if (r.decision === 'Allow' || r.decision === 'Deny') return r;
      }
      const error = aggregateError(errors);
      return error
        ? { decision: 'NoOpinion', reason: reasons.join('\n'), error }
        : { decision: 'NoOpinion', reason: reasons.join('\n') };
    },
  };
}

/** A rule list with the `incomplete` flag of a SelfSubjectRulesReview. */
export interface UnionResolvedRules extends ResolvedRules {
  incomplete: boolean;
}

/** A RuleResolver whose answer also says whether the rule list may be incomplete. */
export interface UnionRuleResolver extends RuleResolver {
  rulesFor(user: UserInfo, namespace: string): UnionResolvedRules;
}

/** Concatenates every resolver's rules; errors are collected (RBAC never reports itself incomplete). */
export function unionRuleResolver(resolvers: readonly RuleResolver[]): UnionRuleResolver {
  return {
    rulesFor(user, namespace) {
      const out: UnionResolvedRules = { resourceRules: [], nonResourceRules: [], errors: [], incomplete: false };
      for (const r of resolvers) {
        const got = r.rulesFor(user, namespace) as ResolvedRules & { incomplete?: boolean };
        out.resourceRules.push(...got.resourceRules);
        out.nonResourceRules.push(...got.nonResourceRules);
        out.errors.push(...got.errors);
        if (got.incomplete) out.incomplete = true;
      }
      return out;
    },
  };
}
