/**
 * Success-only cache in front of the token authenticator union, as upstream
 * `k8s.io/apiserver/pkg/authentication/token/cache/cached_token_authenticator.go` with kube-apiserver's TTLs
 * (spec tokens.md §8.6): successes live 10 s, "not mine" and errors are never cached, concurrent lookups of the
 * same (token, audiences) share one validation, and keys are a keyed SHA-256 so raw tokens are never map keys.
 *
 * Two additions over upstream: an entry never outlives the credential's own expiry (a JWT's `exp` by default),
 * and the cache is bounded (least recently used entries are evicted first).
 */
import { hash, randomBytes } from 'node:crypto';
import type { Clock } from '../../util/clock.ts';
import { systemClock } from '../../util/clock.ts';
import type { UserInfo } from '../user.ts';
import type { AuthResponse, TokenAuthenticator } from './interfaces.ts';

/** kube-apiserver's TokenSuccessCacheTTL (its failure TTL is 0). */
export const DEFAULT_SUCCESS_TTL_MS = 10_000;
/** Default bound on cached entries. */
export const DEFAULT_MAX_ENTRIES = 4096;

/** Options for CachedTokenAuthenticator. */
export interface TokenCacheOptions {
  /** How long a success is reused. 0 or less: nothing is cached, but concurrent lookups are still shared. */
  successTtlMs?: number;
  /** At most this many entries; the least recently used go first. */
  maxEntries?: number;
  /** Injectable clock for tests. */
  clock?: Clock;
  /**
   * When the validated credential itself expires (ms since epoch), or undefined when unknown. The default reads
   * `exp` from a JWT-shaped token, which is trustworthy here because the token has just been validated.
   */
  credentialExpiry?: (token: string, response: AuthResponse) => number | undefined;
}

interface Entry {
  response: AuthResponse;
  expiresAt: number;
}

/** A TokenAuthenticator that caches successes of `delegate`; see the module comment. `flush()` forgets everything. */
export class CachedTokenAuthenticator implements TokenAuthenticator {
  readonly #delegate: TokenAuthenticator;
  readonly #ttl: number;
  readonly #max: number;
  readonly #clock: Clock;
  readonly #expiry: (token: string, response: AuthResponse) => number | undefined;
  readonly #keySecret = randomBytes(32).toString('hex');
  readonly #entries = new Map<string, Entry>();
  #inflight = new Map<string, Promise<AuthResponse | null>>();
  #generation = 0;

  constructor(delegate: TokenAuthenticator, opts: TokenCacheOptions = {}) {
    this.#delegate = delegate;
    this.#ttl = opts.successTtlMs ?? DEFAULT_SUCCESS_TTL_MS;
    this.#max = Math.max(1, opts.maxEntries ?? DEFAULT_MAX_ENTRIES);
    this.#clock = opts.clock ?? systemClock;
    this.#expiry = opts.credentialExpiry ?? ((token) => jwtExpiryMs(token));
  }

  /** Number of entries held (expired ones may linger until touched or evicted). */
  get size(): number {
    return this.#entries.size;
  }

  /**
   * Forgets every cached success at once, and detaches lookups in flight so their results are not cached.
   * Call it when credentials may have been revoked (token file reload, service account/secret/pod/node deletion).
   */
  flush(): void {
    this.#entries.clear();
    this.#inflight = new Map();
    this.#generation++;
  }

  async authenticateToken(token: string, audiences?: string[]): Promise<AuthResponse | null> {
    const key = this.#key(token, audiences);
    const now = this.#clock.now().getTime();
    const hit = this.#entries.get(key);
    if (hit !== undefined) {
      this.#entries.delete(key);
      if (hit.expiresAt > now) {
        this.#entries.set(key, hit);
        return hit.response;
      }
    }
    let pending = this.#inflight.get(key);
    if (pending === undefined) {
      pending = this.#lookup(key, token, audiences);
      const inflight = this.#inflight;
      inflight.set(key, pending);
      const forget = (): void => {
        if (inflight.get(key) === pending) inflight.delete(key);
      };
      pending.then(forget, forget);
    }
    return pending;
  }

  async #lookup(key: string, token: string, audiences: string[] | undefined): Promise<AuthResponse | null> {
    const generation = this.#generation;
    const answer = await this.#delegate.authenticateToken(token, audiences === undefined ? undefined : [...audiences]);
    if (answer === null) return null;
    // One immutable copy, shared by every waiter and every later hit instead of a copy per caller.
    const res = frozenCopy(answer);
    if (this.#ttl <= 0 || generation !== this.#generation) return res;
    const now = this.#clock.now().getTime();
    let expiresAt = now + this.#ttl;
    const credentialExpiry = this.#expiry(token, res);
    if (credentialExpiry !== undefined) expiresAt = Math.min(expiresAt, credentialExpiry);
    if (expiresAt <= now) return res;
    this.#entries.delete(key);
    while (this.#entries.size >= this.#max) {
      const oldest = this.#entries.keys().next().value as string;
      this.#entries.delete(oldest);
    }
    this.#entries.set(key, { response: res, expiresAt });
    return res;
  }

  // Upstream keys entries by an HMAC of the token and audiences, so a memory dump holds no usable token and
  // keys cannot be precomputed. A secret prefix under one-shot SHA-256 gives both at a third of the cost of an
  // HMAC object per request (keys are never shown to anyone, so length extension does not matter). JSON encodes
  // the audiences unambiguously without a raw newline, so the first newline ends them: ("ab","c") and ("a","bc")
  // differ, and "no audiences given" (null, meaning the API audiences) differs from [].
  #key(token: string, audiences: readonly string[] | undefined): string {
    return hash('sha256', `${this.#keySecret}${JSON.stringify(audiences ?? null)}\n${token}`, 'base64');
  }
}

/** A deep copy of `r` that nobody can change (callers share it). */
function frozenCopy(r: AuthResponse): AuthResponse {
  const u = r.user;
  const extra: Record<string, string[]> = {};
  for (const [k, v] of Object.entries(u.extra)) extra[k] = Object.freeze([...v]) as string[];
  const user: UserInfo = {
    username: u.username,
    uid: u.uid,
    groups: Object.freeze([...u.groups]) as string[],
    extra: Object.freeze(extra),
  };
  // Effects are replayed to every hit, as upstream's cache record replays annotations and warnings.
  return Object.freeze({
    user: Object.freeze(user),
    audiences: Object.freeze([...r.audiences]) as string[],
    auditAnnotations: r.auditAnnotations && Object.freeze({ ...r.auditAnnotations }),
    warnings: r.warnings && Object.freeze([...r.warnings]),
  });
}

/** The `exp` claim of a JWT-shaped token in ms since epoch, or undefined (not a JWT, no numeric `exp`). */
export function jwtExpiryMs(token: string): number | undefined {
  const parts = token.split('.');
  if (parts.length !== 3 || parts[1] === '') return undefined;
  try {
    const claims: unknown = JSON.parse(Buffer.from(parts[1]!, 'base64url').toString('utf8'));
    const exp = (claims as { exp?: unknown } | null)?.exp;
    return typeof exp === 'number' && Number.isFinite(exp) ? exp * 1000 : undefined;
  } catch {
    return undefined;
  }
}
