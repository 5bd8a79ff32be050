/**
 * Authentication: who sent the request. Bad credentials are a 401 with the same body whatever the reason (the reason
 * goes to the log and the audit event); no credentials at all become the anonymous user when that is enabled.
 */
import { unauthorized } from '../../api/status.ts';
import type { HeaderAccessor, RequestAuthenticationResult } from '../../auth/authn/request-authenticator.ts';
import type { Handler } from '../http.ts';
import { headerValues } from '../http.ts';
import type { Logger } from '../logger.ts';

/** Authenticates one request from its headers. */
export type RequestAuthenticate = (headers: HeaderAccessor) => Promise<RequestAuthenticationResult>;

/** Sets ctx.user, or answers 401. The Authorization header is removed after success. */
export function withAuthentication(
  next: Handler,
  authenticate: RequestAuthenticate,
  log: Logger,
  observe: (result: 'success' | 'anonymous' | 'error') => void = () => {},
): Handler {
  return async (req) => {
    const result = await authenticate({ getAll: (name) => headerValues(req, name.toLowerCase()) });
    if (result.warnings.length > 0) req.ctx.warnings.push(...result.warnings);
    for (const _ in result.auditAnnotations) {
      req.ctx.authenticationAnnotations = result.auditAnnotations;
      break;
    }
    observe(!result.ok ? 'error' : result.anonymous ? 'anonymous' : 'success');
    if (!result.ok) {
      req.ctx.authenticationError = result.reason;
      log.info({ auditID: req.ctx.auditId, reason: result.reason }, 'Unable to authenticate the request');
      throw unauthorized();
    }
    req.ctx.user = result.user;
    // Cleared rather than deleted: `delete` turns the header object into a slow dictionary on every request.
    req.headers.authorization = undefined;
    return next(req);
  };
}
