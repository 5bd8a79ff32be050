import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { notFoundPath } from '../../api/status.ts';
import type { AuthResponse, TokenAuthenticator } from '../../auth/authn/interfaces.ts';
import { authenticateRequest } from '../../auth/authn/request-authenticator.ts';
import type { Authorizer } from '../../auth/authz/interfaces.ts';
import { memoryAuditSink } from '../audit.ts';
import type { ApiRequest, Handler } from '../http.ts';
import { silentLogger } from '../logger.ts';
import { withAudit } from './with-audit.ts';
import { withAuthentication } from './with-authentication.ts';
import { withAuthorization } from './with-authorization.ts';
import { withRecovery } from './with-recovery.ts';
import { withRequestInfo } from './with-request-info.ts';

const ADMIN_TOKEN = 'admin-secret-token-4f9a8b7c6d5e';
const JANE_TOKEN = 'jane-secret-token-1a2b3c4d5e6f';

const tokens: TokenAuthenticator = {
  async authenticateToken(token): Promise<AuthResponse | null> {
    if (token === ADMIN_TOKEN)
      return { user: { username: 'admin', uid: '', groups: ['system:masters'], extra: {} }, audiences: [] };
    if (token === JANE_TOKEN)
      return { user: { username: 'jane', uid: 'j-1', groups: [], extra: { team: ['a'] } }, audiences: [] };
    return null;
  },
};
const authorizer: Authorizer = {
  authorize: (a) =>
    a.user.groups.includes('system:masters')
      ? { decision: 'Allow', reason: '' }
      : { decision: 'NoOpinion', reason: '' },
};

function request(method: string, url: string, token?: string): ApiRequest {
  const u = new URL(url, 'https://superkube.test');
  return {
    method,
    path: u.pathname,
    query: u.searchParams,
    headers: { 'user-agent': 'kubectl/v1.33.0', ...(token ? { authorization: `Bearer ${token}` } : {}) },
    body: async () => Buffer.alloc(0),
    signal: new AbortController().signal,
    ctx: { auditId: `audit-${Math.random()}`, warnings: [] },
    remoteAddress: '10.0.0.7',
  };
}

/** The server's order: recovery -> request info -> audit -> authentication -> authorization -> handler. */
function chain() {
  const sink = memoryAuditSink();
  const router: Handler = async (req) => {
    if (req.path.startsWith('/api/v1/namespaces/default/configmaps/missing')) throw notFoundPath();
    if (req.query.get('watch')) return { status: 200, stream: (async function* () {})() };
    return { status: 200, headers: { 'content-type': 'application/json' }, body: '{}' };
  };
  let h: Handler = withAuthorization(router, authorizer);
  h = withAuthentication(
    h,
    (headers) =>
      authenticateRequest(headers, { tokenAuthenticator: tokens, apiAudiences: [], anonymousEnabled: false }),
    silentLogger(),
  );
  h = withAudit(h, sink);
  h = withRequestInfo(h);
  return { handler: withRecovery(h, silentLogger()), sink };
}

describe('withAudit', () => {
  it('one ResponseComplete event per request, with the outcome code, including 401 and 403', async () => {
    const { handler, sink } = chain();
    const outcomes: [ApiRequest, number][] = [
      [request('GET', '/api/v1/namespaces/default/configmaps/cm1', ADMIN_TOKEN), 200],
      [request('GET', '/api/v1/namespaces/default/configmaps/cm1', 'not-a-known-token'), 401],
      [request('GET', '/api/v1/namespaces/default/configmaps/cm1'), 401],
      [request('DELETE', '/api/v1/namespaces/default/configmaps/cm1', JANE_TOKEN), 403],
      [request('GET', '/api/v1/namespaces/default/configmaps/missing', ADMIN_TOKEN), 404],
    ];
    for (const [req, code] of outcomes) assert.equal((await handler(req)).status, code, req.path);
    assert.equal(sink.events.length, outcomes.length);
    for (const [i, [req, code]] of outcomes.entries()) {
      const e = sink.events[i]!;
      assert.equal(e.auditID, req.ctx.auditId);
      assert.equal(e.responseStatus.code, code);
      assert.equal(e.stage, 'ResponseComplete');
      assert.equal(e.kind, 'Event');
      assert.equal(e.apiVersion, 'audit.k8s.io/v1');
      assert.equal(e.level, 'Metadata');
      assert.deepEqual(e.sourceIPs, ['10.0.0.7']);
      assert.equal(e.userAgent, 'kubectl/v1.33.0');
    }
  });

  it('records who, what and the authorization decision', async () => {
    const { handler, sink } = chain();
    await handler(request('GET', '/api/v1/namespaces/default/configmaps/cm1?resourceVersion=0', ADMIN_TOKEN));
    await handler(request('DELETE', '/api/v1/namespaces/default/configmaps/cm1', JANE_TOKEN));
    const [ok, denied] = sink.events;
    assert.equal(ok!.verb, 'get');
    assert.equal(ok!.requestURI, '/api/v1/namespaces/default/configmaps/cm1?resourceVersion=0');
    assert.deepEqual(ok!.user, { username: 'admin', groups: ['system:masters', 'system:authenticated'] });
    assert.deepEqual(ok!.objectRef, { resource: 'configmaps', namespace: 'default', name: 'cm1', apiVersion: 'v1' });
    assert.equal(ok!.annotations?.['authorization.k8s.io/decision'], 'allow');
    assert.equal(denied!.verb, 'delete');
    assert.deepEqual(denied!.user, {
      username: 'jane',
      uid: 'j-1',
      groups: ['system:authenticated'],
      extra: { team: ['a'] },
    });
    assert.equal(denied!.annotations?.['authorization.k8s.io/decision'], 'forbid');
  });

  it('a 401 is audited without a user, and no event carries a token or the Authorization header', async () => {
    const { handler, sink } = chain();
    await handler(request('GET', '/api/v1/namespaces/default/configmaps', 'wrong-token-zzzzzzzzzzzz'));
    await handler(request('GET', '/api/v1/namespaces/default/configmaps', ADMIN_TOKEN));
    await handler(request('GET', '/api/v1/namespaces/default/configmaps', JANE_TOKEN));
    assert.equal(sink.events.length, 3);
    assert.deepEqual(sink.events[0]!.user, { username: '' });
    const text = JSON.stringify(sink.events);
    for (const secret of [ADMIN_TOKEN, JANE_TOKEN, 'wrong-token-zzzzzzzzzzzz', 'Bearer'])
      assert.equal(text.includes(secret), false, secret);
    assert.equal(/authorization"\s*:/i.test(text.replace(/authorization\.k8s\.io\/(decision|reason)/g, '')), false);
  });

  it('a watch is audited once, as ResponseStarted', async () => {
    const { handler, sink } = chain();
    const res = await handler(request('GET', '/api/v1/namespaces/default/configmaps?watch=true', ADMIN_TOKEN));
    assert.ok(res.stream);
    assert.equal(sink.events.length, 1);
    assert.equal(sink.events[0]!.verb, 'watch');
    assert.equal(sink.events[0]!.stage, 'ResponseStarted');
  });
});
