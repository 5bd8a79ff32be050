/**
 * Typed claim decoding with go-jose's semantics (case-sensitive member names, its own error texts), so that a
 * token upstream would refuse for a malformed claim is refused here with the same message.
 */

/** jwt.Claims: the registered claims. Times are NumericDate seconds; undefined means absent (or null). */
export interface PublicClaims {
  iss: string;
  sub: string;
  aud: string[];
  exp?: number;
  nbf?: number;
  iat?: number;
  jti: string;
}

/** A claim failed to decode; the message is the one go-jose (or its JSON fork) reports. */
export class ClaimDecodeError extends Error {}

/** Go's json kind of a decoded value, as UnmarshalTypeError prints it. */
export function goKind(v: unknown): string {
  if (Array.isArray(v)) return 'array';
  if (typeof v === 'boolean') return 'bool';
  return typeof v === 'object' ? 'object' : typeof v;
}

/** A string claim's value; absent or null decode to ''. */
export function asString(v: unknown): string {
  if (v === undefined || v === null) return '';
  if (typeof v === 'string') return v;
  throw new ClaimDecodeError(`json: cannot unmarshal ${goKind(v)} into Go value of type string`);
}

/** The string claim `key` of `obj` (see asString). */
export function stringClaim(obj: Record<string, unknown>, key: string): string {
  return asString(obj[key]);
}

const INT64_LIMIT = 2 ** 63;

/** A *jwt.NumericDate: null or absent is no date; floats truncate; out-of-range values wrap as Go's conversion. */
export function asNumericDate(v: unknown): number | undefined {
  if (v === undefined || v === null) return undefined;
  if (typeof v !== 'number' || !Number.isFinite(v)) {
    throw new ClaimDecodeError('go-jose/go-jose/jwt: expected number value to unmarshal NumericDate');
  }
  const t = Math.trunc(v);
  return t >= INT64_LIMIT || t < -INT64_LIMIT ? -INT64_LIMIT : t;
}

/** The NumericDate claim `key` of `obj` (see asNumericDate). */
export function numericDateClaim(obj: Record<string, unknown>, key: string): number | undefined {
  return asNumericDate(obj[key]);
}

function audienceClaim(obj: Record<string, unknown>): string[] {
  const v = obj.aud;
  if (v === undefined) return [];
  if (typeof v === 'string') return [v];
  if (Array.isArray(v) && v.every((a) => typeof a === 'string')) return v as string[];
  throw new ClaimDecodeError('go-jose/go-jose/jwt: expected string or array value to unmarshal to Audience');
}

/**
 * Decodes the registered claims of a verified payload object; the first bad claim in this order is the one
 * reported. Members are read by name here rather than through stringClaim(obj, key), so that each read stays a
 * fast single-shape property load.
 */
export function decodePublicClaims(obj: Record<string, unknown>): PublicClaims {
  return {
    iss: asString(obj.iss),
    sub: asString(obj.sub),
    aud: audienceClaim(obj),
    exp: asNumericDate(obj.exp),
    nbf: asNumericDate(obj.nbf),
    iat: asNumericDate(obj.iat),
    jti: asString(obj.jti),
  };
}

/** A struct-typed member's value: null or absent is the zero value, anything but an object is a type error. */
export function asObject(v: unknown, goType: string): Record<string, unknown> | undefined {
  if (v === undefined || v === null) return undefined;
  if (typeof v === 'object' && !Array.isArray(v)) return v as Record<string, unknown>;
  throw new ClaimDecodeError(`json: cannot unmarshal ${goKind(v)} into Go value of type ${goType}`);
}
