/**
 * Authentication contracts (k8s.io/apiserver/pkg/authentication/authenticator).
 *
 * A token authenticator has three outcomes, and the difference matters:
 * - the token is its kind and valid: resolve with an AuthResponse;
 * - the token is not its kind: resolve with null, so the union tries the next authenticator;
 * - the token is its kind but invalid: reject with AuthenticationError (401; the message goes to logs, audit and
 *   TokenReview status.error, never to the 401 body).
 */
import type { UserInfo } from '../user.ts';

/**
 * What an authentication wants recorded on the request whatever its outcome (upstream adds them to the request
 * context as it validates): audit annotations for the audit event, texts for `Warning: 299` headers.
 */
export interface AuthenticationEffects {
  auditAnnotations?: Readonly<Record<string, string>>;
  warnings?: readonly string[];
}

/** A successful authentication. `audiences` are the audiences the credential was accepted for (may be empty). */
export interface AuthResponse extends AuthenticationEffects {
  user: UserInfo;
  audiences: string[];
}

/** Authenticates bearer tokens. `audiences` are the audiences the caller accepts (undefined: the API server's). */
export interface TokenAuthenticator {
  authenticateToken(token: string, audiences?: string[]): Promise<AuthResponse | null>;
}

/** "My kind of credential, but invalid." The message is upstream's error string (spec tokens.md sections 5-8). */
export class AuthenticationError extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'AuthenticationError';
  }
}

/**
 * The effects carried by an authentication failure: by `err` itself, or by the errors it aggregates (a union's
 * failure keeps every authenticator's). Empty for errors that carry none.
 */
export function effectsOfError(err: unknown): { auditAnnotations: Record<string, string>; warnings: string[] } {
  const out = { auditAnnotations: {} as Record<string, string>, warnings: [] as string[] };
  const visit = (e: unknown): void => {
    if (typeof e !== 'object' || e === null) return;
    const { auditAnnotations, warnings, errors } = e as AuthenticationEffects & { errors?: unknown };
    if (auditAnnotations) Object.assign(out.auditAnnotations, auditAnnotations);
    if (warnings) out.warnings.push(...warnings);
    if (Array.isArray(errors)) for (const inner of errors) visit(inner);
  };
  visit(err);
  return out;
}
