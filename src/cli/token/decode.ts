/**
 * Offline decoding for `superkube token inspect`: tells a compact JWS from an opaque (static) token and decodes
 * the JWT's header and claims, or explains in one line why the input is not a well-formed token.
 *
 * The checks mirror what the server's service-account authenticator accepts (spec tokens.md 1.4, 5.2): unpadded
 * base64url segments, JSON objects without duplicate member names (go-jose refuses them), claims of the right
 * JSON types. Nothing here verifies a signature; see verify.ts.
 */
import { createHash } from 'node:crypto';
import {
  ClaimDecodeError,
  decodePublicClaims,
  numericDateClaim,
  type PublicClaims,
  stringClaim,
} from '../../auth/authn/serviceaccount/claims-decode.ts';
import { parseJsonChecked } from '../../auth/authn/serviceaccount/json-scan.ts';
import { LEGACY_ISSUER } from '../../auth/tokens/claims.ts';

/** The input is not a well-formed token; `message` is the one-line diagnosis shown to the user (exit code 2). */
export class MalformedTokenError extends Error {
  override name = 'MalformedTokenError';
}

/** Which family a JWT belongs to, judged from its claims alone. */
export type JwtFlavour = 'bound' | 'legacy' | 'other';

/** An opaque token: only a token file (or another authenticator) can say who it is. */
export interface StaticToken {
  kind: 'static';
}

/** A decoded (not verified) compact JWS. */
export interface DecodedJwt {
  kind: 'jwt';
  flavour: JwtFlavour;
  header: Record<string, unknown>;
  /** The payload exactly as parsed (every claim, including unknown ones). */
  payload: Record<string, unknown>;
  /** Registered claims decoded with go-jose's types. */
  claims: PublicClaims;
  /** The bytes the signature covers. */
  signingInput: Buffer;
  signature: Buffer;
}

/** The result of decodeToken. */
export type DecodedToken = StaticToken | DecodedJwt;

/** How a token is shown without revealing it: a short prefix, its length and a SHA-256 fingerprint. */
export interface TokenFingerprint {
  /** At most the first 6 characters, so the token cannot be reconstructed from the output. */
  prefix: string;
  length: number;
  /** Lowercase hex SHA-256 of the token's UTF-8 bytes. */
  sha256: string;
}

const PREFIX_LENGTH = 6;
const RAW_URL = /^[A-Za-z0-9_-]*$/;
const WHITESPACE = /\s/;

/** The prefix, length and SHA-256 of `token`. */
export function fingerprint(token: string): TokenFingerprint {
  return {
    prefix: token.slice(0, Math.min(PREFIX_LENGTH, Math.floor(token.length / 4))),
    length: token.length,
    sha256: createHash('sha256').update(token, 'utf8').digest('hex'),
  };
}

/** Normalises pasted input: surrounding whitespace goes, a copied `Bearer ` scheme too. */
export function normaliseInput(input: string): string {
  const trimmed = input.trim();
  const m = /^bearer\s+(\S+)$/i.exec(trimmed);
  return m ? m[1]! : trimmed;
}

/** Whether the text of a segment looks like the start of a base64url-encoded JSON object. */
function looksLikeJsonSegment(segment: string): boolean {
  if (segment.startsWith('eyJ') || segment.startsWith('ewo') || segment.startsWith('ew0')) return true;
  if (!RAW_URL.test(segment) || segment.length < 2) return false;
  return Buffer.from(segment.slice(0, 8), 'base64url').toString('latin1').trimStart().startsWith('{');
}

function decodeSegment(segment: string, what: string): Buffer {
  if (segment === '') throw new MalformedTokenError(`malformed JWT: the ${what} segment is empty`);
  if (segment.includes('=')) {
    throw new MalformedTokenError(
      `malformed JWT: the ${what} segment has '=' padding (JWTs use base64url without padding)`,
    );
  }
  if (!RAW_URL.test(segment)) {
    const bad = [...segment].find((c) => !/[A-Za-z0-9_-]/.test(c)) ?? '';
    throw new MalformedTokenError(
      `malformed JWT: the ${what} segment is not base64url (unexpected character ${JSON.stringify(bad)})`,
    );
  }
  if (segment.length % 4 === 1) {
    throw new MalformedTokenError(`malformed JWT: the ${what} segment is not base64url (truncated: bad length)`);
  }
  return Buffer.from(segment, 'base64url');
}

function decodeJsonObject(bytes: Buffer, what: string): Record<string, unknown> {
  const text = bytes.toString('utf8');
  if (Buffer.from(text, 'utf8').compare(bytes) !== 0) {
    throw new MalformedTokenError(`malformed JWT: the ${what} is not valid UTF-8`);
  }
  const doc = parseJsonChecked(text);
  if (!doc) throw new MalformedTokenError(`malformed JWT: the ${what} is not valid JSON: ${preview(text)}`);
  if (typeof doc.value !== 'object' || doc.value === null || Array.isArray(doc.value)) {
    throw new MalformedTokenError(`malformed JWT: the ${what} is JSON but not an object: ${preview(text)}`);
  }
  if (doc.duplicateKey !== undefined) {
    throw new MalformedTokenError(
      `malformed JWT: the ${what} has the member ${JSON.stringify(doc.duplicateKey)} twice (duplicate keys are rejected)`,
    );
  }
  return doc.value as Record<string, unknown>;
}

function preview(text: string): string {
  const oneLine = JSON.stringify(text.length > 40 ? `${text.slice(0, 40)}...` : text);
  return oneLine;
}

function flavourOf(payload: Record<string, unknown>, claims: PublicClaims): JwtFlavour {
  if (claims.iss === LEGACY_ISSUER) return 'legacy';
  const k8s = payload['kubernetes.io'];
  if (typeof k8s === 'object' && k8s !== null && !Array.isArray(k8s)) return 'bound';
  return 'other';
}

function checkHeader(header: Record<string, unknown>): void {
  for (const name of ['alg', 'kid', 'typ']) {
    const v = header[name];
    if (v !== undefined && v !== null && typeof v !== 'string') {
      throw new MalformedTokenError(`malformed JWT: header member ${JSON.stringify(name)} is not a string`);
    }
  }
  if (typeof header.alg !== 'string' || header.alg === '') {
    throw new MalformedTokenError('malformed JWT: the header has no "alg"');
  }
}

/** The registered claims, or a diagnosis naming the claim whose JSON type the server would refuse. */
function decodeClaims(payload: Record<string, unknown>): PublicClaims {
  const checks: [string, () => unknown][] = [
    ...['iss', 'sub', 'jti'].map((c): [string, () => unknown] => [c, () => stringClaim(payload, c)]),
    ...['exp', 'nbf', 'iat'].map((c): [string, () => unknown] => [c, () => numericDateClaim(payload, c)]),
    ['aud', () => decodePublicClaims({ aud: payload.aud })],
  ];
  for (const [claim, check] of checks) {
    try {
      check();
    } catch (err) {
      if (!(err instanceof ClaimDecodeError)) throw err;
      throw new MalformedTokenError(`malformed JWT: claim ${JSON.stringify(claim)}: ${err.message}`);
    }
  }
  return decodePublicClaims(payload);
}

/**
 * Decodes `token` (already normalised). Returns a static token for anything that is not shaped like a JWT, the
 * decoded JWT otherwise; throws MalformedTokenError with a one-line diagnosis for input that is neither.
 */
export function decodeToken(token: string): DecodedToken {
  if (token === '') throw new MalformedTokenError('no token given (pass it as an argument or on stdin)');
  if (WHITESPACE.test(token)) {
    throw new MalformedTokenError('the token contains whitespace; a bearer token is a single word');
  }
  if (token.startsWith('{')) {
    throw new MalformedTokenError('the input is JSON, not a token (pass the token itself, e.g. status.token)');
  }
  const segments = token.split('.');
  if (segments.length === 1 || !looksLikeJsonSegment(segments[0]!)) {
    return { kind: 'static' };
  }
  if (segments.length === 5) {
    throw new MalformedTokenError(
      'malformed JWT: 5 segments is an encrypted JWT (JWE); Kubernetes accepts only signed JWTs (3 segments)',
    );
  }
  if (segments.length !== 3) {
    throw new MalformedTokenError(`malformed JWT: ${segments.length} segments, a JWT has 3 (header.payload.signature)`);
  }
  const [headerPart, payloadPart, sigPart] = segments as [string, string, string];
  const header = decodeJsonObject(decodeSegment(headerPart, 'header'), 'header');
  checkHeader(header);
  const payload = decodeJsonObject(decodeSegment(payloadPart, 'payload'), 'payload');
  const signature = decodeSegment(sigPart, 'signature');
  const claims = decodeClaims(payload);
  return {
    kind: 'jwt',
    flavour: flavourOf(payload, claims),
    header,
    payload,
    claims,
    signingInput: Buffer.from(`${headerPart}.${payloadPart}`, 'latin1'),
    signature,
  };
}
