/**
 * The authentication step of the filter chain (spec tokens.md §8.1, §8.3, §8.4), as a pure function of the
 * request headers so it is independent of any HTTP framework:
 *
 *   bearer token -> token authenticator (cache -> union) -> add system:authenticated
 *   no credentials -> anonymous (if enabled)         // bad credentials are 401, never anonymous
 *   -> response audiences must meet the API audiences
 *
 * The caller owns the side effects: on success it deletes the Authorization header, emits `warnings` as Warning
 * headers, and on failure answers the fixed 401 Status, logging `reason` (never sending it).
 */
import type { UserInfo } from '../user.ts';
import { ALL_AUTHENTICATED, ALL_UNAUTHENTICATED, ANONYMOUS_USER } from '../user.ts';
import { anonymousResponse } from './anonymous.ts';
import { authenticateBearer } from './bearer-token.ts';
import { effectsOfError, type TokenAuthenticator } from './interfaces.ts';

/** Read access to request headers. `getAll` is case-insensitive and returns every value in arrival order. */
export interface HeaderAccessor {
  getAll(name: string): string[];
}

/** Configuration of the authentication step. */
export interface RequestAuthenticatorOptions {
  /** The bearer token authenticator: normally the token cache in front of the union of token authenticators. */
  tokenAuthenticator: TokenAuthenticator;
  /** `--api-audiences` (default: the service-account issuers). Empty: no audience checks. */
  apiAudiences: readonly string[];
  /** `--anonymous-auth`: requests without credentials become system:anonymous. */
  anonymousEnabled: boolean;
}

/**
 * The outcome. `ok`: `user` is who the request is from (system:authenticated already added, or the anonymous user
 * when `anonymous`), `audiences` those it was authenticated for. Not ok: 401; `reason` is the line to log and
 * `error` the authenticator's error when there was one (for audit and logs, never the response body).
 * `warnings` are for Warning headers and `auditAnnotations` for the audit event, in either case.
 */
export type RequestAuthenticationResult =
  | {
      ok: true;
      user: UserInfo;
      audiences: string[];
      anonymous: boolean;
      warnings: string[];
      auditAnnotations: Readonly<Record<string, string>>;
    }
  | {
      ok: false;
      reason: string;
      error?: Error;
      warnings: string[];
      auditAnnotations: Readonly<Record<string, string>>;
    };

/** Shared by the results that carry no authenticator's annotations (anonymous and no-credentials ones). */
const NO_ANNOTATIONS: Readonly<Record<string, string>> = Object.freeze({});

/** Authenticates one request from its headers; never throws for bad credentials (see RequestAuthenticationResult). */
export async function authenticateRequest(
  headers: HeaderAccessor,
  opts: RequestAuthenticatorOptions,
): Promise<RequestAuthenticationResult> {
  const apiAudiences = [...opts.apiAudiences];
  const warnings: string[] = [];
  const bearer = await authenticateBearer(headers.getAll('authorization'), opts.tokenAuthenticator, apiAudiences);

  if (bearer.kind === 'error') {
    const effects = effectsOfError(bearer.error);
    return {
      ok: false,
      reason: `Unable to authenticate the request due to an error: ${bearer.error.message}`,
      error: bearer.error,
      warnings: effects.warnings,
      auditAnnotations: effects.auditAnnotations,
    };
  }
  if (bearer.kind === 'no-credentials') {
    if (bearer.warning !== undefined) warnings.push(bearer.warning);
    if (!opts.anonymousEnabled)
      return { ok: false, reason: 'no credentials provided', warnings, auditAnnotations: NO_ANNOTATIONS };
    const anon = anonymousResponse(apiAudiences);
    return {
      ok: true,
      user: anon.user,
      audiences: anon.audiences,
      anonymous: true,
      warnings,
      auditAnnotations: NO_ANNOTATIONS,
    };
  }

  const { response } = bearer;
  if (response.warnings) warnings.push(...response.warnings);
  const auditAnnotations = response.auditAnnotations ?? NO_ANNOTATIONS;
  if (!audiencesAreAcceptable(apiAudiences, response.audiences)) {
    return {
      ok: false,
      reason: `unable to match the audience: ${goList(response.audiences)} , accepted: ${goList(apiAudiences)}`,
      warnings,
      auditAnnotations,
    };
  }
  return {
    ok: true,
    user: addAuthenticatedGroup(response.user),
    audiences: response.audiences,
    anonymous: false,
    warnings,
    auditAnnotations,
  };
}

/**
 * Upstream AuthenticatedGroupAdder: a copy of `user` with `system:authenticated` appended, unless the user is
 * system:anonymous or already has system:authenticated or system:unauthenticated.
 */
export function addAuthenticatedGroup(user: UserInfo): UserInfo {
  const skip =
    user.username === ANONYMOUS_USER || user.groups.some((g) => g === ALL_AUTHENTICATED || g === ALL_UNAUTHENTICATED);
  return {
    username: user.username,
    uid: user.uid,
    groups: skip ? [...user.groups] : [...user.groups, ALL_AUTHENTICATED],
    extra: Object.fromEntries(Object.entries(user.extra).map(([k, v]) => [k, [...v]])),
  };
}

function audiencesAreAcceptable(apiAudiences: readonly string[], responseAudiences: readonly string[]): boolean {
  if (apiAudiences.length === 0 || responseAudiences.length === 0) return true;
  return responseAudiences.some((a) => apiAudiences.includes(a));
}

// Go's %v of a []string.
const goList = (xs: readonly string[]): string => `[${xs.join(' ')}]`;
