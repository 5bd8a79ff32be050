/**
 * The unverified part of JWT authentication (SA/jwt.go hasCorrectIssuer + go-jose ParseSigned): decides whether a
 * bearer token is a compact JWS from one of our issuers, and extracts what verification needs. Anything that is
 * not such a token yields undefined ("not my kind"), never an error.
 */
import { isCanonicalBase64Url } from './base64url.ts';
import { type CheckedJson, goStdIssuer, parseJsonChecked } from './json-scan.ts';

/** A compact JWS whose unverified `iss` is one of ours. */
export interface ParsedJws {
  alg: string;
  /** First non-empty `kid` of the protected header, or ''. */
  kid: string;
  /** A `crit` header is present: go-jose refuses it as a crypto failure. */
  critical: boolean;
  /** The bytes the signature covers (canonical base64url of header and payload). */
  signingInput: Buffer;
  signature: Buffer;
  /** The payload, parsed; `duplicateKey` makes go-jose's claim decoding fail. */
  payload: CheckedJson;
}

const RAW_URL = /^[A-Za-z0-9_-]*$/;
// unicode.IsSpace: Go strips these from the whole token before parsing (go-jose stripWhitespace).
const GO_SPACE = /[\t\n\v\f\r \u0085\u00a0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000]/g;
const GO_SPACE_TEST = /[\t\n\v\f\r \u0085\u00a0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000]/;

/** base64.RawURLEncoding.DecodeString: no padding, CR/LF ignored, a 1-char remainder is invalid. */
function decodeRawUrl(part: string): Buffer | undefined {
  let s = part;
  if (!RAW_URL.test(s)) {
    s = s.replace(/[\r\n]/g, '');
    if (!RAW_URL.test(s)) return undefined;
  }
  if (s.length % 4 === 1) return undefined;
  return Buffer.from(s, 'base64url');
}

/** go-jose's base64URLDecode: trailing '=' trimmed first. */
function decodeJose(part: string): Buffer | undefined {
  return decodeRawUrl(part.endsWith('=') ? part.replace(/=+$/, '') : part);
}

function firstNonSpace(token: string): string {
  for (let i = 0; i < token.length; i++) {
    const ch = token[i];
    if (!GO_SPACE_TEST.test(ch)) return ch;
  }
  return '';
}

function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** go-jose's header checks: an object (or null), no duplicate names, string `alg`/`kid`/`nonce`. */
function parseHeader(bytes: Buffer): Record<string, unknown> | undefined {
  const doc = parseJsonChecked(bytes.toString('utf8'));
  if (!doc || doc.duplicateKey !== undefined) return undefined;
  if (doc.value === null) return {};
  if (!isObject(doc.value)) return undefined;
  const h = doc.value;
  for (const name of ['alg', 'kid', 'nonce']) {
    const v = h[name];
    if (v !== undefined && v !== null && typeof v !== 'string') return undefined;
  }
  for (const name of ['jwk', 'epk']) {
    const v = h[name];
    if (v !== undefined && v !== null && !isObject(v)) return undefined;
  }
  const x5c = h.x5c;
  if (x5c !== undefined && x5c !== null && (!Array.isArray(x5c) || x5c.some((c) => typeof c !== 'string'))) {
    return undefined;
  }
  return h;
}

interface HeaderInfo {
  alg: string;
  kid: string;
  critical: boolean;
}

function headerInfo(bytes: Buffer): HeaderInfo | undefined {
  const header = parseHeader(bytes);
  if (!header) return undefined;
  const crit = header.crit;
  return {
    alg: typeof header.alg === 'string' ? header.alg : '',
    kid: typeof header.kid === 'string' ? header.kid : '',
    critical: crit !== undefined && crit !== null && !(Array.isArray(crit) && crit.length === 0),
  };
}

// Every token from one signer has the same header, so its parse is remembered (bounded; cleared when full). Only
// canonical header texts are stored, with null for a header go-jose refuses. The last hit is checked first:
// comparing texts is cheaper than hashing a fresh one for the map.
const HEADER_CACHE_LIMIT = 256;

interface HeaderEntry {
  text: string;
  info: HeaderInfo | null;
}

const headerCache = new Map<string, HeaderEntry>();
let lastHeader: HeaderEntry | undefined;

/**
 * The header info of a header part: undefined when the text is not canonical base64url (the slow path decides),
 * null when it is but go-jose refuses the header. A cache hit skips the decode: the text was checked when stored.
 */
function canonicalHeaderInfo(part: string): HeaderInfo | null | undefined {
  if (lastHeader?.text === part) return lastHeader.info;
  let entry = headerCache.get(part);
  if (!entry) {
    const bytes = canonical(part);
    if (!bytes) return undefined;
    // Stored under a re-encoded copy (equal, as the part is canonical): the part is a slice of the token and
    // would keep all of it alive.
    entry = { text: bytes.toString('base64url'), info: headerInfo(bytes) ?? null };
    if (headerCache.size >= HEADER_CACHE_LIMIT) headerCache.clear();
    headerCache.set(entry.text, entry);
  }
  lastHeader = entry;
  return entry.info;
}

/** The part decoded, when it is canonical unpadded base64url. */
function canonical(part: string): Buffer | undefined {
  const bytes = Buffer.from(part, 'base64url');
  return isCanonicalBase64Url(part, bytes.length) ? bytes : undefined;
}

/** The ParsedJws of a usable header. Spelled out: spreading the cached object costs microseconds per call. */
function parsedJws(header: HeaderInfo, signingInput: Buffer, signature: Buffer, payload: CheckedJson): ParsedJws {
  return { alg: header.alg, kid: header.kid, critical: header.critical, signingInput, signature, payload };
}

/**
 * Parses `token` if it is a compact JWS whose unverified issuer (decoded as Go's encoding/json would) is in
 * `issuers`; otherwise undefined.
 */
export function parseServiceAccountJws(token: string, issuers: ReadonlySet<string>): ParsedJws | undefined {
  const d1 = token.indexOf('.');
  const d2 = d1 < 0 ? -1 : token.indexOf('.', d1 + 1);
  if (d2 < 0 || token.indexOf('.', d2 + 1) >= 0) return undefined;

  // The usual token is canonical base64url throughout: no whitespace, padding or stray bits to reconcile.
  const payloadText = canonical(token.slice(d1 + 1, d2))?.toString('utf8');
  const header = payloadText === undefined ? undefined : canonicalHeaderInfo(token.slice(0, d1));
  const signature = header === undefined ? undefined : canonical(token.slice(d2 + 1));
  if (payloadText === undefined || header === undefined || !signature) return parseSlow(token, d1, d2, issuers);

  const payload = parseJsonChecked(payloadText);
  if (!payload) return undefined;
  const iss = goStdIssuer(payload);
  if (iss === undefined || !issuers.has(iss) || !header) return undefined;
  return parsedJws(header, Buffer.from(token.slice(0, d2), 'latin1'), signature, payload);
}

/** The general path: Go's exact tolerance for whitespace, padding and non-canonical base64. */
function parseSlow(token: string, d1: number, d2: number, issuers: ReadonlySet<string>): ParsedJws | undefined {
  if (firstNonSpace(token) === '{') return undefined;

  // hasCorrectIssuer: std base64 + std JSON on the payload exactly as presented.
  const payloadBytes = decodeRawUrl(token.slice(d1 + 1, d2));
  if (!payloadBytes) return undefined;
  const payload = parseJsonChecked(payloadBytes.toString('utf8'));
  if (!payload) return undefined;
  const iss = goStdIssuer(payload);
  if (iss === undefined || !issuers.has(iss)) return undefined;

  // jwt.ParseSigned: go-jose strips whitespace from the whole token and tolerates '=' padding.
  const stripped = token.replace(GO_SPACE, '');
  const [headerPart, payloadPart, sigPart] = stripped.split('.');
  const headerBytes = decodeJose(headerPart);
  const joseBytes = decodeJose(payloadPart);
  const signature = decodeJose(sigPart);
  if (!headerBytes || !joseBytes || !signature) return undefined;
  const header = headerInfo(headerBytes);
  if (!header) return undefined;

  // go-jose signs over the canonical re-encoding of what it decoded, not over the presented text.
  const signingInput = Buffer.from(`${headerBytes.toString('base64url')}.${joseBytes.toString('base64url')}`, 'latin1');
  return parsedJws(header, signingInput, signature, payload);
}
