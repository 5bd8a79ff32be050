import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { pino } from 'pino';
import { AuthenticationError, type TokenAuthenticator } from '../../auth/authn/interfaces.ts';
import { authenticateRequest } from '../../auth/authn/request-authenticator.ts';
import type { ApiRequest, ApiResponse, Handler } from '../http.ts';
import { silentLogger } from '../logger.ts';
import { getRequestInfo } from '../request-info.ts';
import { withAuthentication } from './with-authentication.ts';
import { withRecovery } from './with-recovery.ts';

const GOOD = 'good-token-0123456789';
const BROKEN = 'broken-token-abcdefgh';
const UNAUTHORIZED_BODY =
  '{"kind":"Status","apiVersion":"v1","metadata":{},"status":"Failure","message":"Unauthorized","reason":"Unauthorized","code":401}';

/** Knows GOOD; throws for BROKEN (its kind, but invalid); null for anything else (not its kind). */
const tokens: TokenAuthenticator = {
  async authenticateToken(token) {
    if (token === GOOD) return { user: { username: 'jane', uid: 'u-1', groups: ['dev'], extra: {} }, audiences: [] };
    if (token === BROKEN) throw new AuthenticationError('token signature is invalid');
    return null;
  },
};

function request(headers: Record<string, string> = {}): ApiRequest {
  const query = new URLSearchParams();
  return {
    method: 'GET',
    path: '/api/v1/namespaces/default/pods',
    query,
    headers: { ...headers },
    body: async () => Buffer.alloc(0),
    signal: new AbortController().signal,
    ctx: {
      auditId: 'audit-1',
      warnings: [],
      requestInfo: getRequestInfo('GET', '/api/v1/namespaces/default/pods', query),
    },
    remoteAddress: '127.0.0.1',
  };
}

interface Seen {
  user: unknown;
  authorization: unknown;
}

/** The filter between the recovery filter (which renders errors) and a handler that records what it saw. */
function chain(anonymousEnabled: boolean, log = silentLogger()): { handler: Handler; seen: Seen[] } {
  const seen: Seen[] = [];
  const next: Handler = async (req) => {
    seen.push({ user: req.ctx.user, authorization: req.headers.authorization });
    return { status: 200, headers: { 'content-type': 'application/json' }, body: '{}' };
  };
  const authenticate = (h: { getAll(name: string): string[] }) =>
    authenticateRequest(h, { tokenAuthenticator: tokens, apiAudiences: [], anonymousEnabled });
  return { handler: withRecovery(withAuthentication(next, authenticate, log), log), seen };
}

function assertUnauthorized(res: ApiResponse): void {
  assert.equal(res.status, 401);
  assert.equal(res.headers?.['content-type'], 'application/json');
  assert.equal(res.body?.toString(), UNAUTHORIZED_BODY);
}

describe('withAuthentication', () => {
  it('a valid token: the user (plus system:authenticated) reaches the handler, the header does not', async () => {
    const { handler, seen } = chain(false);
    const req = request({ authorization: `Bearer ${GOOD}` });
    const res = await handler(req);
    assert.equal(res.status, 200);
    assert.deepEqual(seen, [
      {
        user: { username: 'jane', uid: 'u-1', groups: ['dev', 'system:authenticated'], extra: {} },
        authorization: undefined,
      },
    ]);
    assert.equal(req.headers.authorization, undefined);
  });

  it('an invalid token is a 401 with the fixed body; the reason is logged, never the token', async () => {
    const lines: string[] = [];
    const log = pino({ level: 'info' }, { write: (s: string) => void lines.push(s) });
    const { handler, seen } = chain(true, log);
    const req = request({ authorization: `Bearer ${BROKEN}` });
    const res = await handler(req);
    assertUnauthorized(res);
    assert.deepEqual(seen, [], 'the handler never runs, and the request never becomes anonymous');
    assert.match(req.ctx.authenticationError ?? '', /token signature is invalid/);
    const logged = lines.join('');
    assert.match(logged, /Unable to authenticate the request/);
    assert.match(logged, /token signature is invalid/);
    assert.match(logged, /"auditID":"audit-1"/);
    assert.equal(logged.includes(BROKEN), false, 'the token is not logged');
    assert.equal(res.body!.toString().includes('signature'), false, 'the reason is not sent');
  });

  it('an unknown token is a 401 too', async () => {
    const { handler, seen } = chain(true);
    assertUnauthorized(await handler(request({ authorization: 'Bearer nobody-knows-this-token' })));
    assert.deepEqual(seen, []);
  });

  it('a bearer header without a usable token counts as no credentials, with a warning for the extra space', async () => {
    const { handler, seen } = chain(true);
    assert.equal((await handler(request({ authorization: 'Bearer' }))).status, 200);
    const res = await handler(request({ authorization: `Bearer  ${GOOD}` }));
    assert.equal(res.status, 200);
    assert.deepEqual(res.headers?.['warning'], [
      '299 - "the provided Authorization header contains extra space before the bearer token, and is ignored"',
    ]);
    assert.deepEqual(
      seen.map((s) => (s.user as { username: string }).username),
      ['system:anonymous', 'system:anonymous'],
    );
    const strict = chain(false);
    assertUnauthorized(await strict.handler(request({ authorization: `Bearer  ${GOOD}` })));
  });

  it('no credentials: the anonymous user when enabled', async () => {
    const { handler, seen } = chain(true);
    const res = await handler(request());
    assert.equal(res.status, 200);
    assert.deepEqual(seen, [
      {
        user: { username: 'system:anonymous', uid: '', groups: ['system:unauthenticated'], extra: {} },
        authorization: undefined,
      },
    ]);
  });

  it('no credentials: a 401 when anonymous is disabled', async () => {
    const { handler, seen } = chain(false);
    const req = request();
    assertUnauthorized(await handler(req));
    assert.deepEqual(seen, []);
    assert.equal(req.ctx.authenticationError, 'no credentials provided');
  });

  it('a non-bearer scheme counts as no credentials', async () => {
    const anonymous = chain(true);
    assert.equal((await anonymous.handler(request({ authorization: 'Basic dXNlcjpwYXNz' }))).status, 200);
    const strict = chain(false);
    assertUnauthorized(await strict.handler(request({ authorization: 'Basic dXNlcjpwYXNz' })));
  });
});
