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
  /** Audiences the credential was accepted for. */
  audiences?: string[];
  /** `credential-id` extra of the authenticated user, for the audit log. */
  authorizationDecision?: { decision: string; reason: string };
  /** Warnings to send as `Warning: 299 - "..."` headers. */
  warnings: string[];
  /** Why authentication failed (logged and audited, never sent to the client). */
  authenticationError?: string;
  /** The raw bearer token, available to handlers that must re-authenticate it (never logged). */
  startTime: number;
}
