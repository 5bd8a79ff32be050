/**
 * Offline checks for `superkube token inspect`: the signature against keys from a PEM file or a JWKS, and the
 * time claims, judged as the server's service-account authenticator judges them (strict kid lookup, go-jose's
 * algorithm rules, 60 s leeway; spec tokens.md 1.2, 5.2, 5.3, 14).
 */
import { createPublicKey } from 'node:crypto';
import { LEGACY_ISSUER } from '../../auth/tokens/claims.ts';
import { verifySignature } from '../../auth/tokens/jws.ts';
import { parsePublicKeysPem, toVerificationKey, type VerificationKey } from '../../auth/tokens/keys.ts';
import type { DecodedJwt } from './decode.ts';

/** go-jose's DefaultLeeway, which the server applies to exp, nbf and iat. */
export const LEEWAY_SECONDS = 60;

/** Keys loaded from one `--key-file` or `--jwks` source. */
export interface KeySource {
  /** What the user passed (a path or URL), for messages. */
  source: string;
  keys: VerificationKey[];
}

/** Outcome of checking the signature. */
export interface SignatureResult {
  source: string;
  valid: boolean;
  /** The token's kid ('' when it has none). */
  kid: string;
  /** 1-based position of the key that verified, when valid. */
  keyIndex?: number;
  keyCount: number;
  /** Why it is invalid: `unknown kid`, `bad signature`, `unsupported algorithm`, `critical header`. */
  reason?: string;
  /** One line for people. */
  message: string;
}

/** Every key of a PEM file (public or private keys, certificates), as the server's --service-account-key-file. */
export function keysFromPem(data: string | Buffer, source: string): KeySource {
  return { source, keys: parsePublicKeysPem(data).map(toVerificationKey) };
}

/**
 * The keys of a JWKS document (`{"keys":[...]}`). A key's `kid` is taken from the document when present (that is
 * what tokens name), else derived as the server derives it. Keys of types the server cannot use are skipped.
 */
export function keysFromJwks(text: string, source: string): KeySource {
  let doc: unknown;
  try {
    doc = JSON.parse(text);
  } catch {
    throw new Error(`${source} is not JSON`);
  }
  const list = (doc as { keys?: unknown } | null)?.keys;
  if (!Array.isArray(list)) throw new Error(`${source} is not a JWKS (no "keys" array)`);
  const keys: VerificationKey[] = [];
  for (const jwk of list) {
    if (typeof jwk !== 'object' || jwk === null) continue;
    try {
      const key = toVerificationKey(createPublicKey({ key: jwk as never, format: 'jwk' }));
      const kid = (jwk as { kid?: unknown }).kid;
      keys.push(typeof kid === 'string' && kid !== '' ? { ...key, kid } : key);
    } catch {
      // Not an RSA or EC public key we can use: the server would not have published it.
    }
  }
  if (keys.length === 0) throw new Error(`${source} contains no usable RSA or EC keys`);
  return { source, keys };
}

/** Checks `jwt`'s signature against `source`'s keys with the server's kid and algorithm rules. */
export function checkSignature(jwt: DecodedJwt, source: KeySource): SignatureResult {
  const kid = typeof jwt.header.kid === 'string' ? jwt.header.kid : '';
  const alg = typeof jwt.header.alg === 'string' ? jwt.header.alg : '';
  const base = { source: source.source, kid, keyCount: source.keys.length };
  const candidates = kid === '' ? source.keys : source.keys.filter((k) => k.kid === kid);
  if (candidates.length === 0) {
    return {
      ...base,
      valid: false,
      reason: 'unknown kid',
      message: `unknown kid: no key in ${source.source} has kid ${JSON.stringify(kid)} (the server says "invalid signature, no keys found")`,
    };
  }
  const crit = jwt.header.crit;
  if (crit !== undefined && crit !== null && !(Array.isArray(crit) && crit.length === 0)) {
    return {
      ...base,
      valid: false,
      reason: 'critical header',
      message: 'the header has a "crit" member, which the server refuses',
    };
  }
  if (!/^(RS|PS|ES)(256|384|512)$/.test(alg)) {
    return {
      ...base,
      valid: false,
      reason: 'unsupported algorithm',
      message: `algorithm ${JSON.stringify(alg)} is not accepted (only RS*, PS* and ES* signatures are)`,
    };
  }
  for (const key of candidates) {
    if (verifySignature(key, alg, jwt.signingInput, jwt.signature)) {
      const keyIndex = source.keys.indexOf(key) + 1;
      return {
        ...base,
        valid: true,
        keyIndex,
        message: `signature valid (${alg}, key ${keyIndex} of ${source.keys.length} in ${source.source}, kid ${key.kid})`,
      };
    }
  }
  const tried = candidates.length === 1 ? 'the key' : `all ${candidates.length} candidate keys`;
  return {
    ...base,
    valid: false,
    reason: 'bad signature',
    message: `bad signature: ${alg} signature does not verify with ${tried} from ${source.source}`,
  };
}

/** One time-claim problem. */
export interface TimeProblem {
  reason: 'expired' | 'not yet valid' | 'issued in the future';
  /** The server's own message for it. */
  serverMessage: string;
}

/**
 * The time problems the server would find at `nowSeconds` (60 s leeway; missing claims are not checked; legacy
 * tokens are never checked).
 */
export function checkTimes(jwt: DecodedJwt, nowSeconds: number): TimeProblem[] {
  if (jwt.claims.iss === LEGACY_ISSUER) return [];
  const { exp, nbf, iat } = jwt.claims;
  const problems: TimeProblem[] = [];
  if (nbf !== undefined && nowSeconds + LEEWAY_SECONDS < nbf) {
    problems.push({ reason: 'not yet valid', serverMessage: 'service account token is not valid yet' });
  }
  if (exp !== undefined && nowSeconds - LEEWAY_SECONDS > exp) {
    problems.push({ reason: 'expired', serverMessage: 'service account token has expired' });
  }
  if (iat !== undefined && nowSeconds + LEEWAY_SECONDS < iat) {
    problems.push({ reason: 'issued in the future', serverMessage: 'service account token is issued in the future' });
  }
  return problems;
}
