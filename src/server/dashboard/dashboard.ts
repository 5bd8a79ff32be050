/**
 * The web dashboard's server side: the static SPA under /dashboard/ and the session endpoint
 * /dashboard/api/session. Integration surface (the composition root wires it):
 *
 * - `handle(req)` answers /dashboard and /dashboard/... requests itself (before authentication: the files are
 *   public and login carries its own credential) and returns undefined for every other path.
 * - `sessionToken(req)` is for the authentication filter. A request with an Authorization header, or without the
 *   `sk_session` cookie, is not the dashboard's business (undefined). A request with the cookie AND the header
 *   `X-Superkube-Dashboard: 1` whose session is live gets the session's token, which the filter then authenticates
 *   exactly like a bearer token (so RBAC, revocation and expiry apply on every request). A cookie without the
 *   header (a cross-site form, a typed URL) or with an ended session throws the fixed 401: never anonymous.
 * - `close()` stops the sweeper of ended sessions.
 *
 * Session records live in the storage (so every replica sees them) under
 * /registry/superkube.io/dashboardsessions/<sha256(session id)>, holding the token encrypted with AES-256-GCM, the
 * token's expiry and the last activity. A session ends at the token's expiry (no leeway), on logout, after the idle
 * timeout, or when the token stops authenticating (checked by GET /dashboard/api/session).
 */
import { unauthorized } from '../../api/status.ts';
import type { UserInfo } from '../../auth/user.ts';
import { isStorageError } from '../../storage/errors.ts';
import type { Storage } from '../../storage/interface.ts';
import type { Clock } from '../../util/clock.ts';
import type { ApiRequest, ApiResponse } from '../http.ts';
import type { Logger } from '../logger.ts';
import {
  deriveSessionKey,
  newSessionId,
  openToken,
  SESSION_PREFIX,
  type SealedToken,
  sealToken,
  sessionStorageKey,
} from './session-crypto.ts';
import { defaultStaticDir, loadStaticFiles, type StaticFile } from './static-files.ts';

/** The session cookie's name. */
export const SESSION_COOKIE = 'sk_session';
/** The header every dashboard API call carries; a cookie without it is refused (cross-site requests can't set it). */
export const DASHBOARD_HEADER = 'x-superkube-dashboard';

/** What validating a token at login gives: the user (and the token's expiry when the authenticator knows it). */
export type DashboardAuthResult = { ok: true; user: UserInfo; expiresAt?: Date } | { ok: false; reason: string };

/** What the dashboard needs from the server. */
export interface DashboardDeps {
  /** Where session records are kept (shared by replicas). */
  storage: Storage;
  /** Secret the token-encryption key is derived from (HKDF); every replica must be given the same bytes. */
  secretKey: Buffer;
  clock: Clock;
  /** `--dashboard-idle-timeout` in seconds: a session unused this long ends. */
  idleTimeoutSeconds: number;
  log: Logger;
  /** Validates a token with the server's authenticators (same as a bearer token, API audiences). */
  authenticate(token: string): Promise<DashboardAuthResult>;
  /** The built SPA (default: the nearest web/dist above this module). */
  staticDir?: string;
  /** How often ended sessions are swept from the storage (default 60 s; 0 disables). */
  sweepIntervalMs?: number;
}

/** The dashboard as the server sees it. */
export interface Dashboard {
  /**
   * Whether `req` is the dashboard's business at all: a /dashboard path, or a request without an Authorization
   * header that carries a cookie header (which may be a session). When false, handle and sessionToken would both
   * answer undefined, so the filter skips them (API clients pay nothing for the dashboard).
   */
  involves(req: ApiRequest): boolean;
  /** Serves /dashboard/... (files and the session API); undefined for any other path. */
  handle(req: ApiRequest): Promise<ApiResponse | undefined>;
  /** The token a session-cookie request acts as; undefined when it is not a session request; throws 401 when refused. */
  sessionToken(req: ApiRequest): Promise<string | undefined>;
  /** Stops background work. */
  close(): Promise<void>;
}

/** A session record as stored (JSON). */
interface SessionRecord {
  v: 1;
  token: SealedToken;
  /** Epoch ms of the token's expiry; null for tokens that do not expire (static tokens). */
  expiresAt: number | null;
  createdAt: number;
  lastActivity: number;
}

/** Why a session is not usable. */
/** The longest a watch opened by a dashboard session runs before the dashboard re-opens it (and the session is checked). */
export const SESSION_WATCH_MAX_SECONDS = 60;

type Ended = { ended: 'none' | 'expired' | 'idle' | 'invalid'; expiresAt?: number };

// No inline script or style anywhere; the SPA only talks to its own origin.
const CSP = [
  "default-src 'none'",
  "script-src 'self'",
  "style-src 'self'",
  "img-src 'self' data:",
  "font-src 'self'",
  "connect-src 'self'",
  "manifest-src 'self'",
  "base-uri 'none'",
  "form-action 'none'",
  "frame-ancestors 'none'",
].join('; ');

const SECURITY_HEADERS: Record<string, string> = {
  'content-security-policy': CSP,
  'x-frame-options': 'DENY',
  'x-content-type-options': 'nosniff',
  'referrer-policy': 'no-referrer',
  'cross-origin-opener-policy': 'same-origin',
  'cross-origin-resource-policy': 'same-origin',
};

const COOKIE_ATTRS = 'HttpOnly; Secure; SameSite=Strict; Path=/';
const MAX_LOGIN_BODY = 64 * 1024;

/** Reads one cookie from the request (HTTP/2 may send several cookie header fields). */
export function readCookie(req: ApiRequest, name: string): string | undefined {
  const raw = req.headers.cookie;
  const joined = Array.isArray(raw) ? raw.join('; ') : (raw ?? '');
  for (const part of joined.split(';')) {
    const eq = part.indexOf('=');
    if (eq < 0) continue;
    if (part.slice(0, eq).trim() === name) return part.slice(eq + 1).trim();
  }
  return undefined;
}

function hasDashboardHeader(req: ApiRequest): boolean {
  const v = req.headers[DASHBOARD_HEADER];
  return (Array.isArray(v) ? v[0] : v) === '1';
}

/** The decoded (NOT verified) header and claims of a JWT, for display; undefined for other tokens. */
export function decodeJwt(
  token: string,
): { header: Record<string, unknown>; claims: Record<string, unknown> } | undefined {
  const parts = token.split('.');
  if (parts.length !== 3) return undefined;
  try {
    const header: unknown = JSON.parse(Buffer.from(parts[0]!, 'base64url').toString('utf8'));
    const claims: unknown = JSON.parse(Buffer.from(parts[1]!, 'base64url').toString('utf8'));
    if (!isObject(header) || !isObject(claims)) return undefined;
    return { header, claims };
  } catch {
    return undefined;
  }
}

function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function json(status: number, body: unknown, extra: Record<string, string | string[]> = {}): ApiResponse {
  return {
    status,
    headers: { ...SECURITY_HEADERS, 'content-type': 'application/json', 'cache-control': 'no-store', ...extra },
    body: JSON.stringify(body),
  };
}

function text(status: number, message: string, extra: Record<string, string> = {}): ApiResponse {
  return {
    status,
    headers: {
      ...SECURITY_HEADERS,
      'content-type': 'text/plain; charset=utf-8',
      'cache-control': 'no-store',
      ...extra,
    },
    body: `${message}\n`,
  };
}

const ENDED_MESSAGES: Record<Ended['ended'], string> = {
  none: 'There is no session; log in.',
  expired: 'The token expired.',
  idle: 'The session ended after a period of inactivity.',
  invalid: 'The server no longer accepts the token of this session.',
};

/** Builds the dashboard (see the module comment). */
export function createDashboard(deps: DashboardDeps): Dashboard {
  const key = deriveSessionKey(deps.secretKey);
  const files = loadStaticFiles(deps.staticDir ?? defaultStaticDir());
  const idleMs = deps.idleTimeoutSeconds * 1000;
  // Writing last-activity on every request would turn each read into a write; a coarse stamp is enough for an
  // idle timeout measured in minutes.
  const touchEveryMs = Math.min(60_000, Math.max(1000, idleMs / 10));
  const now = () => deps.clock.now().getTime();

  const endedBy = (rec: SessionRecord, t: number): Ended | undefined => {
    if (rec.expiresAt !== null && t >= rec.expiresAt) return { ended: 'expired', expiresAt: rec.expiresAt };
    if (idleMs > 0 && t - rec.lastActivity >= idleMs) return { ended: 'idle' };
    return undefined;
  };

  const remove = async (storageKey: string): Promise<void> => {
    try {
      await deps.storage.delete(storageKey);
    } catch (err) {
      if (!isStorageError(err, 'KeyNotFound')) throw err;
    }
  };

  /** The live session of a cookie value, or why there is none (ended sessions are deleted on the way). */
  const load = async (
    sessionId: string,
  ): Promise<{ storageKey: string; rec: SessionRecord; token: string; revision: number } | Ended> => {
    // A cookie value of another shape is not ours to look up.
    if (!/^[A-Za-z0-9_-]{43}$/.test(sessionId)) return { ended: 'none' };
    const storageKey = sessionStorageKey(sessionId);
    const kv = await deps.storage.get(storageKey);
    if (!kv) return { ended: 'none' };
    let rec: SessionRecord;
    try {
      rec = JSON.parse(kv.value.toString('utf8')) as SessionRecord;
    } catch {
      await remove(storageKey);
      return { ended: 'invalid' };
    }
    const ended = endedBy(rec, now());
    if (ended) {
      await remove(storageKey);
      return ended;
    }
    const token = openToken(key, rec.token, storageKey);
    if (token === undefined) {
      // Another secret (a replica configured differently) or a tampered record.
      await remove(storageKey);
      return { ended: 'invalid' };
    }
    return { storageKey, rec, token, revision: kv.modRevision };
  };

  const touch = async (storageKey: string, rec: SessionRecord, revision: number): Promise<void> => {
    const t = now();
    if (t - rec.lastActivity < touchEveryMs) return;
    try {
      await deps.storage.update(storageKey, Buffer.from(JSON.stringify({ ...rec, lastActivity: t })), revision);
    } catch (err) {
      // A concurrent request (maybe on another replica) stamped it, or logout deleted it: both are fine.
      if (!isStorageError(err, 'Conflict') && !isStorageError(err, 'KeyNotFound')) throw err;
    }
  };

  /**
   * The session is checked when a request starts, and a watch outlives its start: a session watch is ended at the
   * token's expiry and at most SESSION_WATCH_MAX_SECONDS after it began, so logout, idle expiry or revocation stop
   * it within that bound (the dashboard re-opens watches, which checks the session again).
   */
  const boundWatch = (req: ApiRequest, rec: SessionRecord): void => {
    let cap = SESSION_WATCH_MAX_SECONDS;
    if (rec.expiresAt !== null) cap = Math.min(cap, Math.max(1, Math.ceil((rec.expiresAt - now()) / 1000)));
    const asked = Number(req.query.get('timeoutSeconds') ?? Number.NaN);
    if (!(asked >= 0 && asked <= cap)) req.query.set('timeoutSeconds', String(cap));
  };

  const sessionInfo = (rec: SessionRecord, token: string) => {
    const jwt = decodeJwt(token);
    return {
      expiresAt: rec.expiresAt === null ? null : new Date(rec.expiresAt).toISOString(),
      idleTimeoutSeconds: deps.idleTimeoutSeconds,
      // Display only: identity comes from SelfSubjectReview, validity from the server.
      token: jwt ? { kind: 'jwt', header: jwt.header, claims: jwt.claims } : { kind: 'static' },
    };
  };

  const clearCookie = `${SESSION_COOKIE}=; Max-Age=0; ${COOKIE_ATTRS}`;

  const login = async (req: ApiRequest): Promise<ApiResponse> => {
    const ct = String(req.headers['content-type'] ?? '');
    if (!ct.toLowerCase().startsWith('application/json')) return json(415, { message: 'Send the token as JSON.' });
    const raw = await req.body(MAX_LOGIN_BODY);
    if (raw.length > MAX_LOGIN_BODY) return json(413, { message: 'The request is too large.' });
    let token = '';
    try {
      const body: unknown = JSON.parse(raw.toString('utf8'));
      if (isObject(body) && typeof body['token'] === 'string') token = body['token'].trim();
    } catch {
      return json(400, { message: 'The request body is not JSON.' });
    }
    // An empty token would be "no credentials" (anonymous) for the API: never a session.
    if (token === '' || /\s/.test(token))
      return json(400, { message: 'Paste a token: it must not be empty or contain spaces.' });
    const result = await deps.authenticate(token);
    if (!result.ok) {
      deps.log.info({ auditID: req.ctx.auditId, reason: result.reason }, 'dashboard login refused');
      return json(401, { message: 'The server did not accept this token.' });
    }
    const jwtExp = decodeJwt(token)?.claims['exp'];
    const expiresAt = result.expiresAt?.getTime() ?? (typeof jwtExp === 'number' ? jwtExp * 1000 : null);
    const t = now();
    if (expiresAt !== null && expiresAt <= t) return json(401, { message: 'The server did not accept this token.' });
    // A previous session of this browser ends: a login never continues an older session id.
    const previous = readCookie(req, SESSION_COOKIE);
    if (previous && /^[A-Za-z0-9_-]{43}$/.test(previous)) await remove(sessionStorageKey(previous));
    const id = newSessionId();
    const storageKey = sessionStorageKey(id);
    const rec: SessionRecord = {
      v: 1,
      token: sealToken(key, token, storageKey),
      expiresAt,
      createdAt: t,
      lastActivity: t,
    };
    await deps.storage.create(storageKey, Buffer.from(JSON.stringify(rec)));
    deps.log.info({ auditID: req.ctx.auditId, user: result.user.username }, 'dashboard session started');
    return json(201, sessionInfo(rec, token), { 'set-cookie': `${SESSION_COOKIE}=${id}; ${COOKIE_ATTRS}` });
  };

  const current = async (req: ApiRequest): Promise<ApiResponse> => {
    const id = readCookie(req, SESSION_COOKIE);
    const found = id ? await load(id) : ({ ended: 'none' } as Ended);
    if ('ended' in found) return endedResponse(found);
    const result = await deps.authenticate(found.token);
    if (!result.ok) {
      deps.log.info({ auditID: req.ctx.auditId, reason: result.reason }, 'dashboard session ended: token refused');
      await remove(found.storageKey);
      return endedResponse({ ended: 'invalid' });
    }
    return json(200, sessionInfo(found.rec, found.token));
  };

  const endedResponse = (e: Ended): ApiResponse =>
    json(
      401,
      {
        ended: e.ended,
        message: ENDED_MESSAGES[e.ended],
        ...(e.expiresAt !== undefined ? { expiredAt: new Date(e.expiresAt).toISOString() } : {}),
      },
      { 'set-cookie': clearCookie },
    );

  const logout = async (req: ApiRequest): Promise<ApiResponse> => {
    const id = readCookie(req, SESSION_COOKIE);
    if (id && /^[A-Za-z0-9_-]{43}$/.test(id)) await remove(sessionStorageKey(id));
    return json(200, { message: 'Logged out.' }, { 'set-cookie': clearCookie });
  };

  const serveFile = (req: ApiRequest): ApiResponse => {
    if (req.method !== 'GET' && req.method !== 'HEAD') return text(405, 'Method not allowed.', { allow: 'GET, HEAD' });
    if (files.size === 0) return text(503, 'The dashboard is not built: run `npm run build:web`.');
    const rel = req.path.slice('/dashboard/'.length) || 'index.html';
    const file: StaticFile | undefined = files.get(rel);
    if (!file) return text(404, 'Not found.');
    return {
      status: 200,
      headers: {
        ...SECURITY_HEADERS,
        'content-type': file.contentType,
        'cache-control': file.immutable ? 'public, max-age=31536000, immutable' : 'no-cache',
      },
      body: req.method === 'HEAD' ? '' : file.body,
    };
  };

  const sweep = async (): Promise<void> => {
    const t = now();
    const { items } = await deps.storage.list(SESSION_PREFIX);
    for (const kv of items) {
      try {
        const rec = JSON.parse(kv.value.toString('utf8')) as SessionRecord;
        if (!endedBy(rec, t)) continue;
      } catch {
        // unreadable: remove
      }
      try {
        await deps.storage.delete(kv.key, kv.modRevision);
      } catch (err) {
        // Touched or removed meanwhile (maybe by another replica).
        if (!isStorageError(err, 'Conflict') && !isStorageError(err, 'KeyNotFound')) throw err;
      }
    }
  };
  let sweeping: Promise<void> | undefined;
  const interval = deps.sweepIntervalMs ?? 60_000;
  const timer =
    interval > 0
      ? setInterval(() => {
          sweeping ??= sweep()
            .catch((err: unknown) => deps.log.warn({ error: (err as Error).message }, 'dashboard session sweep failed'))
            .finally(() => {
              sweeping = undefined;
            });
        }, interval)
      : undefined;
  timer?.unref();

  return {
    involves: (req) =>
      req.path.startsWith('/dashboard') ||
      (req.headers.authorization === undefined && req.headers.cookie !== undefined),

    async handle(req) {
      if (req.path === '/dashboard')
        return { status: 301, headers: { ...SECURITY_HEADERS, location: '/dashboard/' }, body: '' };
      if (!req.path.startsWith('/dashboard/')) return undefined;
      if (req.path === '/dashboard/api/session') {
        // Login included: a cross-site page must not be able to log a browser into the attacker's account.
        if (!hasDashboardHeader(req)) return json(403, { message: 'The X-Superkube-Dashboard header is required.' });
        if (req.method === 'POST') return login(req);
        if (req.method === 'GET') return current(req);
        if (req.method === 'DELETE') return logout(req);
        return json(405, { message: 'Method not allowed.' }, { allow: 'GET, POST, DELETE' });
      }
      if (req.path.startsWith('/dashboard/api/')) return json(404, { message: 'Not found.' });
      return serveFile(req);
    },

    async sessionToken(req) {
      if (req.headers.authorization !== undefined) return undefined;
      const id = readCookie(req, SESSION_COOKIE);
      if (id === undefined || id === '') return undefined;
      if (!hasDashboardHeader(req)) {
        req.ctx.authenticationError = 'dashboard session cookie without the X-Superkube-Dashboard header';
        throw unauthorized();
      }
      const found = await load(id);
      if ('ended' in found) {
        req.ctx.authenticationError = `dashboard session: ${ENDED_MESSAGES[found.ended]}`;
        throw unauthorized();
      }
      // A watch runs on by itself: only requests the user caused count as activity.
      // Request info decided it as for every filter (?watch=yes, ?watch=, /watch/ paths included).
      const watching = req.ctx.requestInfo?.verb === 'watch';
      if (watching) boundWatch(req, found.rec);
      else await touch(found.storageKey, found.rec, found.revision);
      return found.token;
    },

    async close() {
      if (timer) clearInterval(timer);
      await sweeping;
    },
  };
}
