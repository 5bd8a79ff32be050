/** Writes one audit event per request, whatever its outcome (401s included). */
import { StatusError } from '../../api/status.ts';
import { type AuditSink, auditUser, objectRef } from '../audit.ts';
import type { ApiRequest, Handler } from '../http.ts';
import { header } from '../http.ts';

function record(sink: AuditSink, req: ApiRequest, code: number, received: Date, streaming: boolean): void {
  const ctx = req.ctx;
  const principal = ctx.impersonator ?? ctx.user;
  const annotations: Record<string, string> = {};
  if (ctx.authorizationDecision) {
    annotations['authorization.k8s.io/decision'] = ctx.authorizationDecision.decision;
    annotations['authorization.k8s.io/reason'] = ctx.authorizationDecision.reason;
  }
  const q = req.query.toString();
  const ref = objectRef(ctx.requestInfo);
  sink.write({
    kind: 'Event',
    apiVersion: 'audit.k8s.io/v1',
    level: 'Metadata',
    auditID: ctx.auditId,
    stage: streaming ? 'ResponseStarted' : 'ResponseComplete',
    requestURI: q ? `${req.path}?${q}` : req.path,
    verb: ctx.requestInfo?.verb ?? req.method.toLowerCase(),
    user: principal ? auditUser(principal) : { username: '' },
    ...(ctx.impersonator && ctx.user ? { impersonatedUser: auditUser(ctx.user) } : {}),
    sourceIPs: [req.remoteAddress],
    ...(header(req, 'user-agent') ? { userAgent: header(req, 'user-agent') } : {}),
    ...(ref ? { objectRef: ref } : {}),
    responseStatus: { metadata: {}, code },
    requestReceivedTimestamp: received.toISOString(),
    stageTimestamp: new Date().toISOString(),
    ...(Object.keys(annotations).length ? { annotations } : {}),
  });
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
