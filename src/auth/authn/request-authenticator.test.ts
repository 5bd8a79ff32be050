import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { test } from 'node:test';
import { FakeClock } from '../../util/clock.ts';
import type { AuthResponse, TokenAuthenticator } from './interfaces.ts';
import { AuthenticationError } from './interfaces.ts';
import { addAuthenticatedGroup, authenticateRequest, type HeaderAccessor } from './request-authenticator.ts';
import { CachedTokenAuthenticator } from './token-cache.ts';
import { parseTokenFile, StaticTokenAuthenticator } from './token-file.ts';
import { unionTokenAuthenticators } from './union.ts';

const headers = (authorization: string[]): HeaderAccessor => ({
  getAll: (name) => (name.toLowerCase() === 'authorization' ? authorization : []),
});

const API_AUDS = ['https://kubernetes.default.svc'];

function chain(extra: TokenAuthenticator[] = []): TokenAuthenticator {
  const file = parseTokenFile(
    'admin-tok,admin,admin,"system:masters"\nauthd,already,1,system:authenticated\nunauthd,weird,2,system:unauthenticated\nanon,system:anonymous,3\n',
    'known_tokens.csv',
  );
  const statics = new StaticTokenAuthenticator(file.tokens, { apiAudiences: API_AUDS });
  return new CachedTokenAuthenticator(unionTokenAuthenticators([statics, ...extra]), { clock: new FakeClock() });
}

const opts = (anonymousEnabled: boolean, extra?: TokenAuthenticator[]) => ({
  tokenAuthenticator: chain(extra),
  apiAudiences: API_AUDS,
  anonymousEnabled,
});

test('valid static token: user with system:authenticated appended, API audiences', async () => {
  const r = await authenticateRequest(headers(['Bearer admin-tok']), opts(true));
  assert.deepEqual(r, {
    ok: true,
    user: { username: 'admin', uid: 'admin', groups: ['system:masters', 'system:authenticated'], extra: {} },
    audiences: API_AUDS,
    anonymous: false,
    warnings: [],
    auditAnnotations: {},
  });
});

test('system:authenticated is not duplicated, nor added to anonymous-looking users', async () => {
  const groups = async (tok: string) => {
    const r = await authenticateRequest(headers([`Bearer ${tok}`]), opts(false));
    assert.ok(r.ok);
    return r.user.groups;
  };
  assert.deepEqual(await groups('authd'), ['system:authenticated']);
  assert.deepEqual(await groups('unauthd'), ['system:unauthenticated']);
  assert.deepEqual(await groups('anon'), []);
});

test('no credentials: anonymous when enabled, 401 otherwise', async () => {
  const anon = await authenticateRequest(headers([]), opts(true));
  assert.deepEqual(anon, {
    ok: true,
    user: { username: 'system:anonymous', uid: '', groups: ['system:unauthenticated'], extra: {} },
    audiences: API_AUDS,
    anonymous: true,
    warnings: [],
    auditAnnotations: {},
  });
  const off = await authenticateRequest(headers([]), opts(false));
  assert.equal(off.ok, false);
  if (!off.ok) assert.equal(off.error, undefined);
  const basic = await authenticateRequest(headers(['Basic YTpi']), opts(true));
  assert.ok(basic.ok && basic.anonymous);
});

test('bad credentials never fall back to anonymous', async () => {
  const r = await authenticateRequest(headers(['Bearer wrong']), opts(true));
  assert.equal(r.ok, false);
  if (!r.ok) {
    assert.equal(r.reason, 'Unable to authenticate the request due to an error: invalid bearer token');
    assert.ok(r.error instanceof AuthenticationError);
    assert.ok(!r.reason.includes('wrong'), 'the token is not in the log line');
  }
  const failing: TokenAuthenticator = {
    authenticateToken: async () => {
      throw new AuthenticationError('service account token has been invalidated');
    },
  };
  const r2 = await authenticateRequest(headers(['Bearer eyJ.x.y']), opts(true, [failing]));
  assert.equal(r2.ok, false);
  if (!r2.ok) assert.equal(r2.error?.message, 'service account token has been invalidated');
});

test('extra space before the token: no credentials plus a warning', async () => {
  const r = await authenticateRequest(headers(['Bearer  admin-tok']), opts(true));
  assert.ok(r.ok && r.anonymous);
  assert.deepEqual(r.warnings, [
    'the provided Authorization header contains extra space before the bearer token, and is ignored',
  ]);
  const off = await authenticateRequest(headers(['Bearer  admin-tok']), opts(false));
  assert.equal(off.ok, false);
  assert.equal(off.warnings.length, 1);
});

test('only the first Authorization header is read', async () => {
  const r = await authenticateRequest(headers(['Basic x', 'Bearer admin-tok']), opts(true));
  assert.ok(r.ok && r.anonymous);
  const r2 = await authenticateRequest(headers(['Bearer admin-tok', 'Bearer wrong']), opts(false));
  assert.ok(r2.ok && !r2.anonymous);
});

test('response audiences disjoint from the API audiences: 401', async () => {
  const other: TokenAuthenticator = {
    authenticateToken: async (): Promise<AuthResponse> => ({
      user: { username: 'x', uid: '', groups: [], extra: {} },
      audiences: ['a', 'b'],
    }),
  };
  const r = await authenticateRequest(headers(['Bearer t']), {
    tokenAuthenticator: other,
    apiAudiences: ['api', 'k'],
    anonymousEnabled: true,
  });
  assert.equal(r.ok, false);
  if (!r.ok) assert.equal(r.reason, 'unable to match the audience: [a b] , accepted: [api k]');
  const ok = await authenticateRequest(headers(['Bearer t']), {
    tokenAuthenticator: other,
    apiAudiences: [],
    anonymousEnabled: false,
  });
  assert.ok(ok.ok);
});

test('the token authenticator is asked with the API audiences', async () => {
  let seen: string[] | undefined;
  await authenticateRequest(headers(['Bearer t']), {
    tokenAuthenticator: {
      authenticateToken: async (_t, auds) => {
        seen = auds;
        return null;
      },
    },
    apiAudiences: API_AUDS,
    anonymousEnabled: false,
  });
  assert.deepEqual(seen, API_AUDS);
});

test('bearer vectors through the whole step (anonymous enabled)', async () => {
  const vectors = JSON.parse(readFileSync(new URL('./testdata/bearer-header-cases.json', import.meta.url), 'utf8')) as {
    cases: { headers: string[]; result?: string; authn_result?: string; name: string }[];
  };
  for (const c of vectors.cases) {
    const tokenAuthenticator: TokenAuthenticator = {
      async authenticateToken() {
        if (c.authn_result === 'not-ok, nil error') return null;
        if (c.authn_result?.startsWith('error')) throw new AuthenticationError('custom');
        return { user: { username: 'myuser', uid: '', groups: [], extra: {} }, audiences: [] };
      },
    };
    const r = await authenticateRequest(headers(c.headers), {
      tokenAuthenticator,
      apiAudiences: [],
      anonymousEnabled: true,
    });
    const expected = { authenticated: 'user', error: 'fail', 'no-credentials': 'anonymous' }[c.result ?? ''];
    const got = !r.ok ? 'fail' : r.anonymous ? 'anonymous' : 'user';
    assert.equal(got, expected, c.name);
  }
});

test('addAuthenticatedGroup copies', () => {
  const u = { username: 'u', uid: '1', groups: ['g'], extra: { a: ['b'] } };
  const out = addAuthenticatedGroup(u);
  assert.deepEqual(out, { username: 'u', uid: '1', groups: ['g', 'system:authenticated'], extra: { a: ['b'] } });
  assert.deepEqual(u.groups, ['g']);
});

test("the token authenticator's warnings and audit annotations reach the result, whatever the outcome", async () => {
  const effects = (name: string) => ({
    auditAnnotations: { [`authentication.k8s.io/${name}`]: name },
    warnings: [`${name} warning`],
  });
  const extra: TokenAuthenticator = {
    async authenticateToken(token) {
      if (token === 'legacy')
        return { user: { username: 'sa', uid: '', groups: [], extra: {} }, audiences: [], ...effects('ok') };
      if (token === 'invalidated') throw Object.assign(new AuthenticationError('invalidated'), effects('failed'));
      return null;
    },
  };
  const ok = await authenticateRequest(headers(['Bearer legacy']), opts(false, [extra]));
  assert.ok(ok.ok);
  assert.deepEqual(ok.warnings, ['ok warning']);
  assert.deepEqual(ok.auditAnnotations, { 'authentication.k8s.io/ok': 'ok' });
  // The union wraps failures in an aggregate; the effects inside it still surface.
  const failed = await authenticateRequest(headers(['Bearer invalidated']), opts(false, [extra]));
  assert.equal(failed.ok, false);
  assert.deepEqual(failed.warnings, ['failed warning']);
  assert.deepEqual(failed.auditAnnotations, { 'authentication.k8s.io/failed': 'failed' });
});
