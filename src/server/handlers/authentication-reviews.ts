/** TokenReview and SelfSubjectReview (authentication.k8s.io), as create-only endpoints (spec tokens.md section 9). */
import { formatTime } from '../../api/meta.ts';
import { badRequest, internalError } from '../../api/status.ts';
import type { RequestAuthenticationResult } from '../../auth/authn/request-authenticator.ts';
import { userInfoFields } from '../../auth/user.ts';
import type { Clock } from '../../util/clock.ts';
import type { CreateHandler } from '../api-resources.ts';
import type { Logger } from '../logger.ts';

/** Authenticates a bearer token for the given audiences exactly as a request carrying it would be. */
export type TokenReviewAuthenticate = (
  token: string,
  audiences: readonly string[],
) => Promise<RequestAuthenticationResult>;

/** POST tokenreviews. */
export function tokenReviewHandler(
  authenticate: TokenReviewAuthenticate,
  apiAudiences: readonly string[],
  log: Logger,
): CreateHandler {
  return async (_req, body, namespace) => {
    if (namespace) throw badRequest(`namespace is not allowed on this type: ${namespace}`);
    const spec = (body['spec'] ?? {}) as { token?: unknown; audiences?: unknown };
    const token = typeof spec.token === 'string' ? spec.token : '';
    if (token === '') throw badRequest('token is required for TokenReview in authentication');
    const requested = Array.isArray(spec.audiences)
      ? spec.audiences.filter((a): a is string => typeof a === 'string')
      : [];
    const auds = requested.length ? requested : [...apiAudiences];
    const result = await authenticate(token, auds);
    const status: Record<string, unknown> = {};
    if (result.ok) {
      if (auds.length && result.audiences.length && !result.audiences.some((a) => auds.includes(a))) {
        log.info({ want: auds, got: result.audiences }, 'error validating audience');
        throw internalError('error validating audiences');
      }
      status['authenticated'] = true;
      status['user'] = userInfoFields(result.user);
      if (result.audiences.length) status['audiences'] = result.audiences;
    } else {
      status['user'] = {};
      if (result.error) status['error'] = result.error.message;
    }
    const outSpec: Record<string, unknown> = { token };
    if (requested.length) outSpec['audiences'] = requested;
    return {
      status: 201,
      object: {
        kind: 'TokenReview',
        apiVersion: 'authentication.k8s.io/v1',
        metadata: { creationTimestamp: null },
        spec: outSpec,
        status,
      },
    };
  };
}

/** POST selfsubjectreviews (v1 and v1beta1; the response echoes the version asked for). */
export function selfSubjectReviewHandler(version: 'v1' | 'v1beta1', clock: Clock): CreateHandler {
  return async (req) => {
    const user = req.ctx.user;
    if (!user) throw badRequest('no user present on request');
    return {
      status: 201,
      object: {
        kind: 'SelfSubjectReview',
        apiVersion: `authentication.k8s.io/${version}`,
        metadata: { creationTimestamp: formatTime(clock.now()) },
        status: { userInfo: userInfoFields(user) },
      },
    };
  };
}
