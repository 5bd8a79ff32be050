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

/** A successful authentication. `audiences` are the audiences the credential was accepted for (may be empty). */
export interface AuthResponse {
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
