/** The typed per-request context that filters fill in and handlers read (the k8s request.With* idea). */
import type { UserInfo } from '../auth/user.ts';
import type { RequestInfo } from './request-info.ts';

/** State carried with one request. */
export interface RequestContext {
  /** Unique id for audit and logs. */
  auditId: string;
  /** Set by the request-info filter. */
  requestInfo?: RequestInfo;
  /** Set by authentication; replaced by the impersonated user after impersonation. */
  user?: UserInfo;
  /** The authenticated user when impersonating. */
  impersonator?: UserInfo;
  /** The authorization decision and its reason, for the audit event's annotations. */
  authorizationDecision?: { decision: string; reason: string };
  /** Warnings to send as `Warning: 299 - "..."` headers. */
  warnings: string[];
  /** Audit annotations from authentication (for example `authentication.k8s.io/legacy-token-manual-secret`). */
  authenticationAnnotations?: Readonly<Record<string, string>>;
  /** Why authentication failed (logged, never sent to the client). */
  authenticationError?: string;
}
