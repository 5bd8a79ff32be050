/**
 * `Authorization: Bearer <token>` parsing and the bearer request authenticator, as upstream
 * `k8s.io/apiserver/pkg/authentication/request/bearertoken/bearertoken.go` (spec tokens.md §8.2).
 */
import type { AuthResponse, TokenAuthenticator } from './interfaces.ts';
import { AuthenticationError } from './interfaces.ts';

/** Warning upstream adds when the header is `Bearer  <token>` (two spaces); the request then carries no credentials. */
export const EXTRA_SPACE_WARNING =
  'the provided Authorization header contains extra space before the bearer token, and is ignored';

/** Upstream's error when a bearer token was presented but no authenticator recognised it. */
export const INVALID_BEARER_TOKEN = 'invalid bearer token';

/** Outcome of reading the Authorization header: a token to validate, or no credentials (possibly with a warning). */
export type BearerParseResult = { kind: 'token'; token: string } | { kind: 'no-credentials'; warning?: string };

// Go's unicode.IsSpace set, which strings.TrimSpace uses; String.prototype.trim differs (it also trims U+FEFF).
const GO_SPACE = '\\t\\n\\v\\f\\r \\u0085\\u00a0\\u1680\\u2000-\\u200a\\u2028\\u2029\\u202f\\u205f\\u3000';
const GO_TRIM = new RegExp(`^[${GO_SPACE}]+|[${GO_SPACE}]+$`, 'g');

const GO_SPACE_CHAR = new RegExp(`[${GO_SPACE}]`);

/** Go's strings.TrimSpace. */
export function goTrimSpace(s: string): string {
  // The usual header has nothing to trim: test its ends instead of copying an 800-byte token through a regex.
  if (s === '' || (!GO_SPACE_CHAR.test(s[0]!) && !GO_SPACE_CHAR.test(s[s.length - 1]!))) return s;
  return s.replace(GO_TRIM, '');
}

/**
 * Reads the bearer token from the Authorization header values, in the order received. Only the first value counts
 * (Go's Header.Get); the scheme is case-insensitive; the value is split on single ASCII spaces and words after the
 * token are ignored; `Bearer  x` (extra space) is no credentials plus a warning, never an error.
 */
export function parseBearerAuthorization(values: readonly string[]): BearerParseResult {
  const auth = goTrimSpace(values[0] ?? '');
  if (auth === '') return { kind: 'no-credentials' };
  const parts = splitN(auth, ' ', 3);
  if (parts.length < 2 || parts[0]!.toLowerCase() !== 'bearer') return { kind: 'no-credentials' };
  const token = parts[1]!;
  if (token === '') {
    return parts.length === 3 ? { kind: 'no-credentials', warning: EXTRA_SPACE_WARNING } : { kind: 'no-credentials' };
  }
  return { kind: 'token', token };
}

/** Go's strings.SplitN for n > 0: at most n parts, the last holding the unsplit remainder. */
function splitN(s: string, sep: string, n: number): string[] {
  const out: string[] = [];
  let rest = s;
  while (out.length < n - 1) {
    const i = rest.indexOf(sep);
    if (i < 0) break;
    out.push(rest.slice(0, i));
    rest = rest.slice(i + sep.length);
  }
  out.push(rest);
  return out;
}

/**
 * What the bearer request authenticator concluded. `authenticated`: the caller must delete the Authorization
 * header. `no-credentials`: fall through (to anonymous if enabled). `error`: 401; the message is for logs only.
 */
export type BearerAuthResult =
  | { kind: 'authenticated'; response: AuthResponse }
  | { kind: 'no-credentials'; warning?: string }
  | { kind: 'error'; error: Error };

/**
 * The bearer token request authenticator: parse, then ask `auth`. A token nobody recognises becomes
 * `invalid bearer token`; an authenticator's own error passes through unchanged.
 */
export async function authenticateBearer(
  authorization: readonly string[],
  auth: TokenAuthenticator,
  audiences?: string[],
): Promise<BearerAuthResult> {
  const parsed = parseBearerAuthorization(authorization);
  if (parsed.kind === 'no-credentials') return parsed;
  let response: AuthResponse | null;
  try {
    response = await auth.authenticateToken(parsed.token, audiences);
  } catch (err) {
    return { kind: 'error', error: err instanceof Error ? err : new AuthenticationError(String(err)) };
  }
  if (response === null) return { kind: 'error', error: new AuthenticationError(INVALID_BEARER_TOKEN) };
  return { kind: 'authenticated', response };
}
