/**
 * The anonymous identity (upstream `k8s.io/apiserver/pkg/authentication/request/anonymous/anonymous.go`): what a
 * request with no credentials becomes when anonymous auth is enabled. It never gets `system:authenticated`.
 */
import type { UserInfo } from '../user.ts';
import { ALL_UNAUTHENTICATED, ANONYMOUS_USER } from '../user.ts';
import type { AuthResponse } from './interfaces.ts';

/** A fresh `system:anonymous` user in group `system:unauthenticated`, with no uid and no extra. */
export function anonymousUser(): UserInfo {
  return { username: ANONYMOUS_USER, uid: '', groups: [ALL_UNAUTHENTICATED], extra: {} };
}

/** The anonymous authenticator's answer: the anonymous user, with the request's audiences (the API audiences). */
export function anonymousResponse(audiences: readonly string[]): AuthResponse {
  return { user: anonymousUser(), audiences: [...audiences] };
}

/**
 * Whether a user counts as anonymous for the HTTP/2 `Connection: close` mitigation (upstream
 * `isAnonymousUser`): named `system:anonymous` or in group `system:unauthenticated`.
 */
export function isAnonymous(user: UserInfo): boolean {
  return user.username === ANONYMOUS_USER || user.groups.includes(ALL_UNAUTHENTICATED);
}
