/** The authorization.k8s.io review endpoints: HTTP glue around auth/authz/reviews.ts. */
import type { AccessReview, SelfSubjectRulesReview } from '../../api/authorization-v1.ts';
import type { Authorizer, RuleResolver } from '../../auth/authz/interfaces.ts';
import {
  localSubjectAccessReview,
  selfSubjectAccessReview,
  selfSubjectRulesReview,
  subjectAccessReview,
} from '../../auth/authz/reviews.ts';
import type { CreateHandler } from '../api-resources.ts';

/** POST of a SubjectAccessReview, LocalSubjectAccessReview or SelfSubjectAccessReview. */
export function accessReviewHandler(kind: AccessReview['kind'], authorizer: Authorizer): CreateHandler {
  return async (req, body, namespace) => {
    const review = body as unknown as AccessReview;
    let out: AccessReview;
    if (kind === 'SubjectAccessReview') out = subjectAccessReview(review, authorizer);
    else if (kind === 'LocalSubjectAccessReview') out = localSubjectAccessReview(review, namespace, authorizer);
    else out = selfSubjectAccessReview(review, req.ctx.user, authorizer);
    return { status: 201, object: out };
  };
}

/** POST of a SelfSubjectRulesReview. */
export function rulesReviewHandler(resolver: RuleResolver): CreateHandler {
  return async (req, body) => ({
    status: 201,
    object: selfSubjectRulesReview(body as unknown as SelfSubjectRulesReview, req.ctx.user, resolver),
  });
}
