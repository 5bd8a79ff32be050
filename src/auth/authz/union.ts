/** The authorizer chain (k8s.io/apiserver/pkg/authorization/union). */
import { aggregateError } from './go-format.ts';
import type { Attributes, AuthorizationResult, Authorizer } from './interfaces.ts';

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
