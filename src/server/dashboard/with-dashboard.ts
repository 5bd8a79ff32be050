/**
 * The dashboard's filter, placed between audit and authentication:
 * - /dashboard/... is answered by the dashboard itself (files are public; login carries its own credential);
 * - a request with a live session cookie and the dashboard header goes on as if it carried the session's token as a
 *   bearer token, so the authentication filter validates it like any other (and removes it after success);
 * - a session cookie that may not be used (no dashboard header, ended session) is the fixed 401, never anonymous.
 */
import type { ApiRequest, Handler } from '../http.ts';
import type { Logger } from '../logger.ts';
import type { Dashboard } from './dashboard.ts';

/** Wraps `next` (the authentication filter and what follows) with the dashboard. */
export function withDashboard(
  next: Handler,
  dashboard: Pick<Dashboard, 'involves' | 'handle' | 'sessionToken'>,
  log: Logger,
): Handler {
  const dashboardRequest = async (req: ApiRequest) => {
    const own = await dashboard.handle(req);
    if (own) return own;
    let token: string | undefined;
    try {
      token = await dashboard.sessionToken(req);
    } catch (err) {
      log.info({ auditID: req.ctx.auditId, reason: req.ctx.authenticationError }, 'Unable to authenticate the request');
      throw err;
    }
    if (token !== undefined) req.headers.authorization = `Bearer ${token}`;
    return next(req);
  };
  return (req) => (dashboard.involves(req) ? dashboardRequest(req) : next(req));
}
