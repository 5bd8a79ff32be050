import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, it } from 'node:test';
import { StatusError } from '../../api/status.ts';
import type { Storage } from '../../storage/interface.ts';
import { openSqliteStorage } from '../../storage/sqlite/sqlite-storage.ts';
import { FakeClock } from '../../util/clock.ts';
import type { ApiRequest } from '../http.ts';
import { silentLogger } from '../logger.ts';
import { getRequestInfo } from '../request-info.ts';
import { createDashboard, type Dashboard, type DashboardAuthResult, SESSION_WATCH_MAX_SECONDS } from './dashboard.ts';
import { SESSION_PREFIX } from './session-crypto.ts';
import { withDashboard } from './with-dashboard.ts';

const b64 = (o: unknown) => Buffer.from(JSON.stringify(o)).toString('base64url');
const START = Date.UTC(2026, 0, 1);

function jwt(claims: Record<string, unknown>): string {
  return `${b64({ alg: 'RS256', kid: 'k' })}.${b64(claims)}.sig`;
}

function request(
  method: string,
  path: string,
  opts: { headers?: Record<string, string>; body?: unknown; query?: string } = {},
): ApiRequest {
  const body = opts.body === undefined ? Buffer.alloc(0) : Buffer.from(JSON.stringify(opts.body));
  const query = new URLSearchParams(opts.query ?? '');
  return {
    method,
    path,
    query,
    headers: {
      ...(opts.body !== undefined ? { 'content-type': 'application/json' } : {}),
      ...opts.headers,
    },
    body: async () => body,
    signal: new AbortController().signal,
    // As the request-info filter, which runs before the dashboard's, leaves it.
    ctx: { auditId: 'test', warnings: [], requestInfo: getRequestInfo(method, path, query) },
    remoteAddress: '127.0.0.1',
  };
}

const H = { 'x-superkube-dashboard': '1' };

describe('dashboard sessions', () => {
  let dir: string;
  let storage: Storage;
  let clock: FakeClock;
  let dashboard: Dashboard;
  let valid: Map<string, DashboardAuthResult>;

  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'dashboard-test-'));
    mkdirSync(join(dir, 'web', 'assets'), { recursive: true });
    writeFileSync(
      join(dir, 'web', 'index.html'),
      '<!doctype html><script type="module" src="/dashboard/assets/a.js"></script>',
    );
    writeFileSync(join(dir, 'web', 'assets', 'a.js'), 'console.log(1)');
    storage = openSqliteStorage({ path: ':memory:', compactInterval: 0 });
    clock = new FakeClock(START);
    valid = new Map();
    dashboard = createDashboard({
      storage,
      secretKey: Buffer.alloc(32, 7),
      clock,
      idleTimeoutSeconds: 1800,
      log: silentLogger(),
      authenticate: async (t) => valid.get(t) ?? { ok: false, reason: 'invalid bearer token' },
      staticDir: join(dir, 'web'),
      sweepIntervalMs: 0,
    });
  });

  afterEach(async () => {
    await dashboard.close();
    await storage.close();
    rmSync(dir, { recursive: true, force: true });
  });

  const user = { username: 'u', uid: '', groups: ['g'], extra: {} };

  async function login(token: string): Promise<string> {
    const res = await dashboard.handle(request('POST', '/dashboard/api/session', { headers: H, body: { token } }));
    assert.equal(res?.status, 201, String(res?.body));
    const cookie = String(res!.headers!['set-cookie']);
    assert.match(cookie, /^sk_session=[A-Za-z0-9_-]{43}; HttpOnly; Secure; SameSite=Strict; Path=\/$/);
    return /^sk_session=([^;]+)/.exec(cookie)![1]!;
  }

  const apiReq = (id: string, headers: Record<string, string> = H, query = '') =>
    request('GET', '/api/v1/pods', { headers: { cookie: `other=1; sk_session=${id}`, ...headers }, query });

  async function refused(p: Promise<unknown>): Promise<void> {
    await assert.rejects(
      p,
      (err: unknown) => err instanceof StatusError && err.code === 401 && err.status.message === 'Unauthorized',
    );
  }

  it('stores only the hash of the session id and the token encrypted', async () => {
    const token = jwt({ exp: START / 1000 + 600, sub: 'system:serviceaccount:a:b' });
    valid.set(token, { ok: true, user });
    const id = await login(token);
    const { items } = await storage.list(SESSION_PREFIX);
    assert.equal(items.length, 1);
    assert.match(items[0]!.key, /^\/registry\/superkube\.io\/dashboardsessions\/[0-9a-f]{64}$/);
    assert.ok(!items[0]!.key.includes(id));
    const stored = items[0]!.value.toString();
    assert.ok(!stored.includes(token) && !stored.includes(token.split('.')[1]!), 'no plaintext token at rest');
    const rec = JSON.parse(stored);
    assert.equal(rec.expiresAt, START + 600_000);
    assert.deepEqual(Object.keys(rec.token).sort(), ['ct', 'iv', 'tag']);
  });

  it('gives the token only with the dashboard header, and never for a bearer request', async () => {
    valid.set('static-token', { ok: true, user });
    const id = await login('static-token');
    assert.equal(await dashboard.sessionToken(apiReq(id)), 'static-token');
    await refused(dashboard.sessionToken(apiReq(id, {})));
    assert.equal(await dashboard.sessionToken(apiReq(id, { ...H, authorization: 'Bearer x' })), undefined);
    assert.equal(await dashboard.sessionToken(request('GET', '/api', { headers: H })), undefined);
    await refused(dashboard.sessionToken(apiReq('A'.repeat(43))));
  });

  it('ends the session at the token expiry exactly, without leeway', async () => {
    const token = jwt({ exp: START / 1000 + 600 });
    valid.set(token, { ok: true, user });
    const id = await login(token);
    clock.advance(599_999);
    assert.equal(await dashboard.sessionToken(apiReq(id)), token);
    clock.advance(1);
    await refused(dashboard.sessionToken(apiReq(id)));
    assert.equal((await storage.list(SESSION_PREFIX)).items.length, 0, 'the ended session is deleted');
  });

  it('prefers the expiry the authenticator reports', async () => {
    valid.set('tok', { ok: true, user, expiresAt: new Date(START + 5000) });
    const id = await login('tok');
    const info = await dashboard.handle(
      request('GET', '/dashboard/api/session', { headers: { ...H, cookie: `sk_session=${id}` } }),
    );
    assert.equal(JSON.parse(String(info!.body)).expiresAt, new Date(START + 5000).toISOString());
    clock.advance(5000);
    await refused(dashboard.sessionToken(apiReq(id)));
  });

  it('bounds a session watch by the token expiry and SESSION_WATCH_MAX_SECONDS, so an ended session stops it', async () => {
    const token = jwt({ exp: START / 1000 + 600, sub: 'system:serviceaccount:a:b' });
    valid.set(token, { ok: true, user });
    const id = await login(token);
    const timeoutOf = async (query: string) => {
      const req = apiReq(id, H, query);
      assert.equal(await dashboard.sessionToken(req), token);
      return req.query.get('timeoutSeconds');
    };
    assert.equal(await timeoutOf('watch=1'), String(SESSION_WATCH_MAX_SECONDS));
    assert.equal(await timeoutOf('watch=1&timeoutSeconds=3600'), String(SESSION_WATCH_MAX_SECONDS));
    assert.equal(await timeoutOf('watch=1&timeoutSeconds=5'), '5', 'a shorter timeout is kept');
    assert.equal(await timeoutOf('watch=yes'), String(SESSION_WATCH_MAX_SECONDS), 'any watch kube accepts is bounded');
    clock.advance(590_500);
    assert.equal(await timeoutOf('watch=true'), '10', 'never past the token expiry');
    assert.equal(await timeoutOf(''), null, 'other requests are left alone');
  });

  it('ends an idle session; requests (but not watches) count as activity', async () => {
    valid.set('tok', { ok: true, user });
    const id = await login('tok');
    clock.advance(1000 * 1000);
    assert.equal(await dashboard.sessionToken(apiReq(id)), 'tok');
    clock.advance(1000 * 1000);
    assert.equal(await dashboard.sessionToken(apiReq(id, H, 'watch=1')), 'tok');
    clock.advance(799 * 1000);
    assert.equal(await dashboard.sessionToken(apiReq(id)), 'tok', '1799 s after the last non-watch request');
    clock.advance(1800 * 1000);
    await refused(dashboard.sessionToken(apiReq(id)));
    const why = await dashboard.handle(
      request('GET', '/dashboard/api/session', { headers: { ...H, cookie: `sk_session=${id}` } }),
    );
    assert.equal(why!.status, 401);
    assert.equal(JSON.parse(String(why!.body)).ended, 'none');
  });

  it('logout deletes the record and clears the cookie; the old cookie is refused', async () => {
    valid.set('tok', { ok: true, user });
    const id = await login('tok');
    const res = await dashboard.handle(
      request('DELETE', '/dashboard/api/session', { headers: { ...H, cookie: `sk_session=${id}` } }),
    );
    assert.equal(res!.status, 200);
    assert.equal(res!.headers!['set-cookie'], 'sk_session=; Max-Age=0; HttpOnly; Secure; SameSite=Strict; Path=/');
    await refused(dashboard.sessionToken(apiReq(id)));
  });

  it('GET session re-validates the token and ends the session when it is refused', async () => {
    valid.set('tok', { ok: true, user });
    const id = await login('tok');
    const ok = await dashboard.handle(
      request('GET', '/dashboard/api/session', { headers: { ...H, cookie: `sk_session=${id}` } }),
    );
    assert.equal(ok!.status, 200);
    assert.deepEqual(JSON.parse(String(ok!.body)), {
      expiresAt: null,
      idleTimeoutSeconds: 1800,
      token: { kind: 'static' },
    });
    valid.delete('tok');
    const gone = await dashboard.handle(
      request('GET', '/dashboard/api/session', { headers: { ...H, cookie: `sk_session=${id}` } }),
    );
    assert.equal(gone!.status, 401);
    assert.deepEqual(JSON.parse(String(gone!.body)), {
      ended: 'invalid',
      message: 'The server no longer accepts the token of this session.',
    });
    await refused(dashboard.sessionToken(apiReq(id)));
  });

  it('reports an expired session with its expiry', async () => {
    const token = jwt({ exp: START / 1000 + 60 });
    valid.set(token, { ok: true, user });
    const id = await login(token);
    clock.advance(60_000);
    const res = await dashboard.handle(
      request('GET', '/dashboard/api/session', { headers: { ...H, cookie: `sk_session=${id}` } }),
    );
    assert.deepEqual(JSON.parse(String(res!.body)), {
      ended: 'expired',
      message: 'The token expired.',
      expiredAt: '2026-01-01T00:01:00.000Z',
    });
  });

  it('refuses logins without the header, with blank or unknown tokens, or already expired', async () => {
    valid.set(jwt({ exp: START / 1000 }), { ok: true, user });
    const cases: [ApiRequest, number, string][] = [
      [
        request('POST', '/dashboard/api/session', { body: { token: 'x' } }),
        403,
        'The X-Superkube-Dashboard header is required.',
      ],
      [
        request('POST', '/dashboard/api/session', { headers: H, body: { token: '  ' } }),
        400,
        'Paste a token: it must not be empty or contain spaces.',
      ],
      [
        request('POST', '/dashboard/api/session', { headers: H, body: { token: 'nope' } }),
        401,
        'The server did not accept this token.',
      ],
      [
        request('POST', '/dashboard/api/session', { headers: H, body: { token: jwt({ exp: START / 1000 }) } }),
        401,
        'The server did not accept this token.',
      ],
    ];
    for (const [req, status, message] of cases) {
      const res = await dashboard.handle(req);
      assert.equal(res!.status, status);
      assert.equal(JSON.parse(String(res!.body)).message, message);
      assert.equal(res!.headers!['set-cookie'], undefined);
    }
    assert.equal((await storage.list(SESSION_PREFIX)).items.length, 0);
  });

  it('a record sealed under another key is refused', async () => {
    valid.set('tok', { ok: true, user });
    const id = await login('tok');
    const other = createDashboard({
      storage,
      secretKey: Buffer.alloc(32, 8),
      clock,
      idleTimeoutSeconds: 1800,
      log: silentLogger(),
      authenticate: async () => ({ ok: true, user }),
      staticDir: join(dir, 'web'),
      sweepIntervalMs: 0,
    });
    await refused(other.sessionToken(apiReq(id)));
    await other.close();
  });

  it('serves the static files with security headers, and nothing outside them', async () => {
    const index = await dashboard.handle(request('GET', '/dashboard/'));
    assert.equal(index!.status, 200);
    assert.equal(index!.headers!['content-type'], 'text/html; charset=utf-8');
    assert.equal(index!.headers!['x-frame-options'], 'DENY');
    assert.equal(index!.headers!['x-content-type-options'], 'nosniff');
    assert.match(
      String(index!.headers!['content-security-policy']),
      /^default-src 'none'; script-src 'self'; style-src 'self';/,
    );
    const js = await dashboard.handle(request('GET', '/dashboard/assets/a.js'));
    assert.equal(js!.headers!['content-type'], 'text/javascript; charset=utf-8');
    assert.equal(js!.headers!['cache-control'], 'public, max-age=31536000, immutable');
    assert.equal((await dashboard.handle(request('GET', '/dashboard/../package.json')))!.status, 404);
    assert.equal((await dashboard.handle(request('GET', '/dashboard/assets/%2e%2e/index.html')))!.status, 404);
    assert.equal((await dashboard.handle(request('POST', '/dashboard/')))!.status, 405);
    assert.equal(await dashboard.handle(request('GET', '/api/v1/pods')), undefined);
    assert.equal(await dashboard.handle(request('GET', '/dashboards')), undefined);
  });

  it('the filter puts the session token where the authentication filter reads it', async () => {
    valid.set('tok', { ok: true, user });
    const id = await login('tok');
    let seen: string | string[] | undefined;
    const h = withDashboard(
      async (req) => {
        seen = req.headers.authorization;
        return { status: 200 };
      },
      dashboard,
      silentLogger(),
    );
    await h(apiReq(id));
    assert.equal(seen, 'Bearer tok');
    seen = undefined;
    await h(request('GET', '/api', {}));
    assert.equal(seen, undefined);
    await refused(h(apiReq(id, {})));
  });

  it('is involved only with its own paths and with cookie requests that carry no bearer token', async () => {
    valid.set('tok', { ok: true, user });
    const id = await login('tok');
    assert.equal(dashboard.involves(request('GET', '/dashboard/')), true);
    assert.equal(dashboard.involves(request('GET', '/dashboard')), true);
    assert.equal(dashboard.involves(apiReq(id)), true);
    assert.equal(dashboard.involves(apiReq(id, {})), true, 'a cookie without the header must still be refused');
    assert.equal(dashboard.involves(apiReq(id, { ...H, authorization: 'Bearer x' })), false);
    assert.equal(dashboard.involves(request('GET', '/api', { headers: H })), false);
  });
});

describe('dashboard session sweeper', () => {
  it('deletes ended sessions in the background', async () => {
    const storage = openSqliteStorage({ path: ':memory:', compactInterval: 0 });
    const clock = new FakeClock(START);
    const d = createDashboard({
      storage,
      secretKey: Buffer.alloc(32, 1),
      clock,
      idleTimeoutSeconds: 60,
      log: silentLogger(),
      authenticate: async () => ({ ok: true, user: { username: 'u', uid: '', groups: [], extra: {} } }),
      staticDir: join(tmpdir(), 'no-such-dashboard-build'),
      sweepIntervalMs: 20,
    });
    for (let i = 0; i < 2; i++) {
      const res = await d.handle(request('POST', '/dashboard/api/session', { headers: H, body: { token: `t${i}` } }));
      assert.equal(res!.status, 201);
    }
    assert.equal((await storage.list(SESSION_PREFIX)).items.length, 2);
    clock.advance(60_000);
    const deadline = Date.now() + 10_000;
    while ((await storage.list(SESSION_PREFIX)).items.length > 0) {
      assert.ok(Date.now() < deadline, 'the sweeper removed the idle sessions');
      await new Promise((r) => setTimeout(r, 20));
    }
    await d.close();
    await storage.close();
  });
});

describe('dashboard without a build', () => {
  it('answers 503 for the files', async () => {
    const storage = openSqliteStorage({ path: ':memory:', compactInterval: 0 });
    const d = createDashboard({
      storage,
      secretKey: Buffer.alloc(32, 1),
      clock: new FakeClock(),
      idleTimeoutSeconds: 60,
      log: silentLogger(),
      authenticate: async () => ({ ok: false, reason: 'x' }),
      staticDir: join(tmpdir(), 'no-such-dashboard-build'),
      sweepIntervalMs: 0,
    });
    const res = await d.handle(request('GET', '/dashboard/'));
    assert.equal(res!.status, 503);
    assert.equal(String(res!.body), 'The dashboard is not built: run `npm run build:web`.\n');
    await d.close();
    await storage.close();
  });
});
