/**
 * Token issuing (SA/jwt.go JWTTokenGenerator + SA/claims.go Claims): bound TokenRequest tokens and legacy
 * secret-based tokens, signed with a key parsed once.
 */
import { randomUUID } from 'node:crypto';
import {
  type BoundClaimsInput,
  buildBoundClaims,
  buildLegacyClaims,
  LEGACY_ISSUER,
  type ServiceAccountRef,
} from './claims.ts';
import { goMarshalSorted } from './go-json.ts';
import { protectedHeaderB64, signCompact, signCompactAsync } from './jws.ts';
import type { SigningKey } from './keys.ts';

/** Signs claim sets for one issuer. Build it once per (issuer, key); `sign` does no key parsing. */
export interface TokenSigner {
  readonly issuer: string;
  readonly key: SigningKey;
  /** Adds `iss` (it wins over any claim of that name), marshals with sorted keys and signs. */
  sign(claims: Record<string, unknown>): string;
  /** The same as `sign`, with the signature computed off the event loop (what a server should use). */
  signAsync(claims: Record<string, unknown>): Promise<string>;
}

/** A TokenSigner for `issuer` (the first --service-account-issuer, or LEGACY_ISSUER for the tokens controller). */
export function createTokenSigner(issuer: string, key: SigningKey): TokenSigner {
  const headerB64 = protectedHeaderB64(key);
  return {
    issuer,
    key,
    sign(claims) {
      return signCompact(key, headerB64, goMarshalSorted({ ...claims, iss: issuer }));
    },
    signAsync(claims) {
      return signCompactAsync(key, headerB64, goMarshalSorted({ ...claims, iss: issuer }));
    },
  };
}

/** What issueServiceAccountToken needs besides the signer; `nowMs` and `jti` default to the clock and a UUIDv4. */
export type IssueTokenInput = Omit<BoundClaimsInput, 'nowMs' | 'jti'> & { nowMs?: number; jti?: string };

/** A freshly issued bound token. `expiresAtMs` is the JWT `exp` (the extended one when extension applied). */
export interface IssuedToken {
  token: string;
  jti: string;
  claims: Record<string, unknown>;
  expiresAtMs: number;
}

/** The claims of a bound token and what is known of it before signing. */
function boundClaims(input: IssueTokenInput): Omit<IssuedToken, 'token'> {
  const jti = input.jti ?? randomUUID();
  const nowMs = input.nowMs ?? Date.now();
  const claims = buildBoundClaims({ ...input, nowMs, jti });
  return { jti, claims, expiresAtMs: (claims.exp as number) * 1000 };
}

/** Builds and signs a bound service-account token exactly as upstream (spec tokens.md section 2). */
export function issueServiceAccountToken(signer: TokenSigner, input: IssueTokenInput): IssuedToken {
  const unsigned = boundClaims(input);
  return { token: signer.sign(unsigned.claims), ...unsigned };
}

/** issueServiceAccountToken with the signature computed off the event loop (the TokenRequest endpoint's way). */
export async function issueServiceAccountTokenAsync(signer: TokenSigner, input: IssueTokenInput): Promise<IssuedToken> {
  const unsigned = boundClaims(input);
  return { token: await signer.signAsync(unsigned.claims), ...unsigned };
}

/**
 * A legacy token for a `kubernetes.io/service-account-token` Secret (tokens controller). `signer` should use
 * LEGACY_ISSUER; the secret-based authenticator accepts only that issuer.
 */
export function issueLegacyServiceAccountToken(
  signer: TokenSigner,
  serviceAccount: ServiceAccountRef,
  secretName: string,
): string {
  if (signer.issuer !== LEGACY_ISSUER) throw new TypeError(`legacy tokens must be issued by ${LEGACY_ISSUER}`);
  return signer.sign(buildLegacyClaims(serviceAccount, secretName));
}
