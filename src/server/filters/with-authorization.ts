/**
 * Authorization: Allow serves the request; an authorizer error is a 500; anything else is a 403 with Kubernetes'
 * exact Forbidden message. The decision is recorded for the audit event.
 */
import { internalError } from '../../api/status.ts';
import { forbiddenStatusError } from '../../auth/authz/forbidden.ts';
import type { Attributes, Authorizer } from '../../auth/authz/interfaces.ts';
import type { UserInfo } from '../../auth/user.ts';
import type { Handler } from '../http.ts';
import type { RequestInfo } from '../request-info.ts';

/** The authorizer attributes of a request. */
export function attributesOf(user: UserInfo, info: RequestInfo): Attributes {
  return {
    user,
    verb: info.verb,
    resourceRequest: info.isResourceRequest,
    path: info.path,
    namespace: info.namespace,
    apiGroup: info.apiGroup,
    apiVersion: info.apiVersion,
    resource: info.resource,
    subresource: info.subresource,
    name: info.name,
  };
}

/** Authorizes ctx.user for ctx.requestInfo. */
export function withAuthorization(
  next: Handler,
  authorizer: Authorizer,
  observe: (decision: 'allowed' | 'denied' | 'error') => void = () => {},
): Handler {
  return (req) => {
    const attrs = attributesOf(req.ctx.user!, req.ctx.requestInfo!);
    const result = authorizer.authorize(attrs);
    req.ctx.authorizationDecision = {
      decision: result.decision === 'Allow' ? 'allow' : 'forbid',
      reason: result.reason,
    };
    observe(result.decision === 'Allow' ? 'allowed' : result.error ? 'error' : 'denied');
    if (result.decision === 'Allow') return next(req);
    if (result.error) throw internalError(result.error.message);
    throw forbiddenStatusError(attrs, result.reason);
  };
}
