/**
 * Authorization contracts (k8s.io/apiserver/pkg/authorization/authorizer).
 *
 * An authorizer answers Allow, Deny or NoOpinion with a reason. The zero value is Deny-by-default: a request is
 * served only on Allow. A NoOpinion or Deny that comes with an `error` means the authorizer could not decide
 * (the server answers 500, not 403).
 */
import type { UserInfo } from '../user.ts';

/** What a request wants to do (authorizer.AttributesRecord). */
export interface Attributes {
  user: UserInfo;
  verb: string;
  /** True for /api/... and /apis/... resource paths; false for everything else (non-resource URLs). */
  resourceRequest: boolean;
  /** The URL path, for non-resource requests. */
  path: string;
  namespace: string;
  apiGroup: string;
  apiVersion: string;
  resource: string;
  subresource: string;
  name: string;
}

export type Decision = 'Allow' | 'Deny' | 'NoOpinion';

/** The answer of an authorizer. */
export interface AuthorizationResult {
  decision: Decision;
  reason: string;
  error?: Error;
}

/** Decides one request. Synchronous: decisions come from in-memory state only (no store reads per request). */
export interface Authorizer {
  authorize(attrs: Attributes): AuthorizationResult;
}

/** A rule list for SelfSubjectRulesReview, in the order RBAC would visit them. */
export interface ResolvedRules {
  resourceRules: { verbs: string[]; apiGroups: string[]; resources: string[]; resourceNames: string[] }[];
  nonResourceRules: { verbs: string[]; nonResourceURLs: string[] }[];
  /** Resolution errors (e.g. a binding to a missing role); the review reports them as evaluationError. */
  errors: Error[];
}

/** Lists the rules that apply to a user in a namespace (rule.go RulesFor). */
export interface RuleResolver {
  rulesFor(user: UserInfo, namespace: string): ResolvedRules;
}
