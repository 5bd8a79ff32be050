/**
 * JWS compact serialization primitives over node:crypto (no jose in the hot path).
 *
 * Signing writes go-jose's protected header exactly, `{"alg":"<alg>","kid":"<kid>"}` (a Go map, so keys sorted, no
 * `typ`). Verification picks the verifier by key type as go-jose does: RSA keys accept RS* and PS*, EC keys ES*
 * with a raw r||s signature of exactly twice the curve size; anything else (none, HS*, a mismatched curve) fails.
 */
import { constants, type KeyObject, sign, verify } from 'node:crypto';
import { goJsonString } from './go-json.ts';
import type { SigningKey, VerificationKey } from './keys.ts';

/** go-jose's message for every signature failure (DetachedVerify maps verifier errors to ErrCryptoFailure). */
export const CRYPTO_FAILURE = 'go-jose/go-jose: error in cryptographic primitive';

const HASH: Record<string, 'sha256' | 'sha384' | 'sha512'> = {
  RS256: 'sha256',
  RS384: 'sha384',
  RS512: 'sha512',
  PS256: 'sha256',
  PS384: 'sha384',
  PS512: 'sha512',
  ES256: 'sha256',
  ES384: 'sha384',
  ES512: 'sha512',
};

const EC_ALG_CURVE: Record<string, { curve: string; size: number }> = {
  ES256: { curve: 'prime256v1', size: 32 },
  ES384: { curve: 'secp384r1', size: 48 },
  ES512: { curve: 'secp521r1', size: 66 },
};

/** The base64url protected header go-jose writes for a signing key. */
export function protectedHeaderB64(key: SigningKey): string {
  const header = `{"alg":${goJsonString(key.alg)},"kid":${goJsonString(key.kid)}}`;
  return Buffer.from(header, 'utf8').toString('base64url');
}

function signingInputOf(headerB64: string, payloadJson: string): string {
  return `${headerB64}.${Buffer.from(payloadJson, 'utf8').toString('base64url')}`;
}

// RS256 takes the key as it is; ES* signatures are JOSE raw r||s, not DER.
function signKey(key: SigningKey): KeyObject | { key: KeyObject; dsaEncoding: 'ieee-p1363' } {
  return key.alg === 'RS256' ? key.privateKey : { key: key.privateKey, dsaEncoding: 'ieee-p1363' };
}

/** Signs `headerB64.payloadB64` and returns the compact JWS. ES* signatures are JOSE raw r||s. */
export function signCompact(key: SigningKey, headerB64: string, payloadJson: string): string {
  const signingInput = signingInputOf(headerB64, payloadJson);
  const signature = sign(HASH[key.alg], Buffer.from(signingInput, 'latin1'), signKey(key));
  return `${signingInput}.${signature.toString('base64url')}`;
}

/**
 * signCompact on libuv's thread pool: an RSA-2048 signature takes about a quarter of a millisecond, which the event
 * loop would otherwise spend not serving anyone else (and which another core can do meanwhile).
 */
export function signCompactAsync(key: SigningKey, headerB64: string, payloadJson: string): Promise<string> {
  const signingInput = signingInputOf(headerB64, payloadJson);
  return new Promise((resolve, reject) => {
    sign(HASH[key.alg], Buffer.from(signingInput, 'latin1'), signKey(key), (err, signature) => {
      if (err) reject(err);
      else resolve(`${signingInput}.${signature.toString('base64url')}`);
    });
  });
}

function ecKeyMatches(key: KeyObject, curve: string): boolean {
  return key.asymmetricKeyDetails?.namedCurve === curve;
}

/** True when `signature` over `signingInput` verifies with `key` under the token's `alg`. Never throws. */
export function verifySignature(key: VerificationKey, alg: string, signingInput: Buffer, signature: Buffer): boolean {
  try {
    if (key.type === 'RSA') {
      if (alg === 'RS256' || alg === 'RS384' || alg === 'RS512') {
        return verify(HASH[alg], signingInput, key.key, signature);
      }
      if (alg === 'PS256' || alg === 'PS384' || alg === 'PS512') {
        return verify(
          HASH[alg],
          signingInput,
          { key: key.key, padding: constants.RSA_PKCS1_PSS_PADDING, saltLength: constants.RSA_PSS_SALTLEN_AUTO },
          signature,
        );
      }
      return false;
    }
    const ec = EC_ALG_CURVE[alg];
    if (!ec || signature.length !== 2 * ec.size || !ecKeyMatches(key.key, ec.curve)) return false;
    return verify(HASH[alg], signingInput, { key: key.key, dsaEncoding: 'ieee-p1363' }, signature);
  } catch {
    return false;
  }
}
