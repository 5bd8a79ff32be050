/** Writes one audit event per request, whatever its outcome (401s included). */
import { StatusError } from '../../api/status.ts';
import { userInfoFields } from '../../auth/user.ts';
import { type AuditSink, objectRef } from '../audit.ts';
import type { RequestContext } from '../context.ts';
import type { ApiRequest, Handler } from '../http.ts';
import { header } from '../http.ts';

function record(sink: AuditSink, req: ApiRequest, code: number, received: Date, streaming: boolean): void {
  const ctx = req.ctx;
  const principal = ctx.impersonator ?? ctx.user;
  // Absent members are undefined (JSON leaves them out) rather than conditional spreads, which allocate.
  sink.write({
    kind: 'Event',
    apiVersion: 'audit.k8s.io/v1',
    level: 'Metadata',
    auditID: ctx.auditId,
    stage: streaming ? 'ResponseStarted' : 'ResponseComplete',
    requestURI: req.query.size === 0 ? req.path : `${req.path}?${req.query.toString()}`,
    verb: ctx.requestInfo?.verb ?? req.method.toLowerCase(),
    user: principal ? userInfoFields(principal) : { username: '' },
    impersonatedUser: ctx.impersonator && ctx.user ? userInfoFields(ctx.user) : undefined,
    sourceIPs: [req.remoteAddress],
    userAgent: header(req, 'user-agent') || undefined,
    objectRef: objectRef(ctx.requestInfo),
    responseStatus: { metadata: {}, code },
    requestReceivedTimestamp: received.toISOString(),
    stageTimestamp: new Date().toISOString(),
    annotations: annotationsOf(ctx),
  });
}

/** Authentication's annotations (rare) and the authorization decision, as upstream records both. */
function annotationsOf(ctx: RequestContext): Record<string, string> | undefined {
  const decision = ctx.authorizationDecision;
  const authn = ctx.authenticationAnnotations;
  if (!decision) return authn && { ...authn };
  const out: Record<string, string> = {
    'authorization.k8s.io/decision': decision.decision,
    'authorization.k8s.io/reason': decision.reason,
  };
  return authn ? { ...authn, ...out } : out;
}

/** Audits every request passing through. */
export function withAudit(next: Handler, sink: AuditSink): Handler {
  return async (req) => {
    const received = new Date();
    try {
      const res = await next(req);
      record(sink, req, res.status, received, res.stream !== undefined);
      return res;
    } catch (err) {
      record(sink, req, err instanceof StatusError ? err.code : 500, received, false);
      throw err;
    }
  };
}
