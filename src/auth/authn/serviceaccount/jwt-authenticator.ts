/**
 * Service-account JWT authentication (SA/jwt.go jwtTokenAuthenticator; spec tokens.md 5.1-5.2, 14): the issuer
 * pre-check, strict kid lookup, signature, issuer, audiences, then a claims validator (bound or legacy).
 *
 * Outcomes follow the TokenAuthenticator contract: null when the token is not a JWT from one of our issuers, an
 * AuthenticationError with upstream's message when it is ours but invalid, the user otherwise. Hostile input
 * never throws anything else.
 */
import { LEGACY_ISSUER } from '../../tokens/claims.ts';
import { aggregateMessage, goQuote, goQuoteList } from '../../tokens/go-json.ts';
import { CRYPTO_FAILURE, verifySignature } from '../../tokens/jws.ts';
import type { KeySet, VerificationKey } from '../../tokens/keys.ts';
import { AuthenticationError, type AuthResponse, type TokenAuthenticator } from '../interfaces.ts';
import { type BoundPrivateClaims, newBoundTokenValidator } from './bound-validator.ts';
import { ClaimDecodeError, decodePublicClaims, type PublicClaims } from './claims-decode.ts';
import { type LegacyPrivateClaims, type LegacyValidatorOptions, newLegacyTokenValidator } from './legacy-validator.ts';
import type { ServiceAccountTokenGetter } from './ports.ts';
import { parseServiceAccountJws } from './token-parse.ts';
import { type ServiceAccountInfo, serviceAccountUserInfo } from './user-info.ts';
import {
  type ClaimsValidator,
  isPromiseLike,
  ServiceAccountAuthenticationError,
  type ValidationEffects,
} from './validator.ts';

/** A successful service-account authentication, with the audit annotations and warnings it produced. */
export interface ServiceAccountAuthResponse extends AuthResponse {
  auditAnnotations: Record<string, string>;
  warnings: string[];
}

/** Where verification keys come from: a KeySet, or anything answering keysFor(kid) the same way. */
export interface PublicKeysGetter {
  keysFor(kid: string): readonly VerificationKey[];
}

/** Configuration of one JWT authenticator. */
export interface JwtAuthenticatorOptions<P> {
  /** Accepted `iss` values. */
  issuers: readonly string[];
  keys: PublicKeysGetter;
  /** The API audiences (implicit audiences); empty disables audience enforcement. */
  implicitAudiences: readonly string[];
  validator: ClaimsValidator<P>;
  /**
   * How many signature-verified tokens to remember (default 1024; 0 disables). Verifying a signature and decoding
   * claims is a pure function of the token and the (immutable) keys, so a token seen again skips straight to the
   * issuer, audience, time and object checks, which still run every time. Only verified tokens are remembered.
   */
  verifiedTokenCacheSize?: number;
}

/** Upstream's message when a token names a kid we do not have (or we have no keys at all). */
export const NO_KEYS_FOUND = 'invalid signature, no keys found';

/** Generic service-account JWT authenticator; see newBoundServiceAccountAuthenticator / newLegacy... */
export class ServiceAccountJwtAuthenticator<P> implements TokenAuthenticator {
  readonly #issuers: ReadonlySet<string>;
  readonly #keys: PublicKeysGetter;
  readonly #implicitAudiences: readonly string[];
  readonly #validator: ClaimsValidator<P>;
  readonly #verifiedLimit: number;
  readonly #verified = new Map<string, { claims: PublicClaims; priv: P }>();

  constructor(options: JwtAuthenticatorOptions<P>) {
    this.#verifiedLimit = options.verifiedTokenCacheSize ?? 1024;
    this.#issuers = new Set(options.issuers);
    this.#keys = options.keys;
    this.#implicitAudiences = [...options.implicitAudiences];
    this.#validator = options.validator;
  }

  async authenticateToken(token: string, audiences?: string[]): Promise<ServiceAccountAuthResponse | null> {
    if (typeof token !== 'string') return null;
    // With the cache off, skip the lookup: hashing a fresh token string costs about a microsecond.
    const known = this.#verifiedLimit > 0 ? this.#verified.get(token) : undefined;
    const verified = known ?? this.#verify(token);
    if (!verified || verified.priv === undefined) return null;
    const { claims, priv } = verified;
    if (!known && this.#verifiedLimit > 0) {
      if (this.#verified.size >= this.#verifiedLimit) this.#verified.delete(this.#verified.keys().next().value!);
      this.#verified.set(token, { claims, priv });
    }

    // The pre-check read an unverified, case-insensitive `iss`; the verified one must match exactly.
    if (!this.#issuers.has(claims.iss)) throw new AuthenticationError(`token issuer ${goQuote(claims.iss)} is invalid`);

    const effects: ValidationEffects = { auditAnnotations: {}, warnings: [] };
    let tokenAudiences = claims.aud;
    if (tokenAudiences.length === 0) {
      // Only API audiences are allowed for tokens without aud (legacy tokens).
      effects.auditAnnotations['authentication.k8s.io/legacy-token'] = claims.sub;
      tokenAudiences = this.#implicitAudiences as string[];
    }
    const requested = audiences ?? this.#implicitAudiences;
    const accepted = requested.filter((a) => tokenAudiences.includes(a));
    if (accepted.length === 0 && this.#implicitAudiences.length > 0) {
      throw new ServiceAccountAuthenticationError(
        `token audiences ${goQuoteList(tokenAudiences)} is invalid for the target audiences ${goQuoteList(requested)}`,
        effects,
      );
    }

    // Only a pending lookup is awaited: suspending for a value already at hand costs a promise and a microtask.
    const info = this.#validator.validate(token, claims, priv, effects);
    if (isPromiseLike(info)) return authResponse(await info, accepted, effects);
    return authResponse(info, accepted, effects);
  }

  /** Parse, kid lookup, signature and claim decoding: undefined when the token is not ours, throws when invalid. */
  #verify(token: string): { claims: PublicClaims; priv: P } | undefined {
    const parsed = parseServiceAccountJws(token, this.#issuers);
    if (!parsed) return undefined;
    const keys = this.#keys.keysFor(parsed.kid);
    if (keys.length === 0) throw new AuthenticationError(NO_KEYS_FOUND);
    const errors: string[] = [];
    for (const key of keys) {
      if (parsed.critical || !verifySignature(key, parsed.alg, parsed.signingInput, parsed.signature)) {
        errors.push(CRYPTO_FAILURE);
        continue;
      }
      try {
        const { payload } = parsed;
        if (payload.duplicateKey !== undefined) {
          throw new ClaimDecodeError(`json: duplicate key '${payload.duplicateKey}' in object`);
        }
        const obj = payload.value as Record<string, unknown>;
        return { claims: decodePublicClaims(obj), priv: this.#validator.decodePrivate(obj) };
      } catch (err) {
        if (!(err instanceof ClaimDecodeError)) throw err;
        errors.push(err.message);
      }
    }
    throw new AuthenticationError(aggregateMessage(errors));
  }
}

function authResponse(
  info: ServiceAccountInfo,
  audiences: string[],
  effects: ValidationEffects,
): ServiceAccountAuthResponse {
  return {
    user: serviceAccountUserInfo(info),
    audiences,
    auditAnnotations: effects.auditAnnotations,
    warnings: effects.warnings,
  };
}

/** Inputs of the bound (TokenRequest) token authenticator. */
export interface BoundAuthenticatorOptions {
  /** All --service-account-issuer values. */
  issuers: readonly string[];
  keys: PublicKeysGetter | KeySet;
  apiAudiences: readonly string[];
  getter: ServiceAccountTokenGetter;
  now?: () => number;
  /** See JwtAuthenticatorOptions.verifiedTokenCacheSize. */
  verifiedTokenCacheSize?: number;
}

/** The bound service-account token authenticator (third in upstream's token union). */
export function newBoundServiceAccountAuthenticator(
  options: BoundAuthenticatorOptions,
): ServiceAccountJwtAuthenticator<BoundPrivateClaims> {
  return new ServiceAccountJwtAuthenticator({
    issuers: options.issuers,
    keys: options.keys,
    implicitAudiences: options.apiAudiences,
    validator: newBoundTokenValidator(options.getter, options.now),
    verifiedTokenCacheSize: options.verifiedTokenCacheSize,
  });
}

/** Inputs of the legacy secret-based token authenticator (issuer `kubernetes/serviceaccount`). */
export interface LegacyAuthenticatorOptions extends LegacyValidatorOptions {
  keys: PublicKeysGetter | KeySet;
  apiAudiences: readonly string[];
  /** See JwtAuthenticatorOptions.verifiedTokenCacheSize. */
  verifiedTokenCacheSize?: number;
}

/** The legacy service-account token authenticator (second in upstream's token union). */
export function newLegacyServiceAccountAuthenticator(
  options: LegacyAuthenticatorOptions,
): ServiceAccountJwtAuthenticator<LegacyPrivateClaims> {
  return new ServiceAccountJwtAuthenticator({
    issuers: [LEGACY_ISSUER],
    keys: options.keys,
    implicitAudiences: options.apiAudiences,
    validator: newLegacyTokenValidator(options),
    verifiedTokenCacheSize: options.verifiedTokenCacheSize,
  });
}
