import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { Attributes, AuthorizationResult, Authorizer } from '../../auth/authz/interfaces.ts';
import type { UserInfo } from '../../auth/user.ts';
import type { ApiRequest, Handler } from '../http.ts';
import { silentLogger } from '../logger.ts';
import { getRequestInfo } from '../request-info.ts';
import { withAuthorization } from './with-authorization.ts';
import { withRecovery } from './with-recovery.ts';

const JANE: UserInfo = { username: 'jane', uid: '', groups: ['system:authenticated'], extra: {} };

function request(method: string, url: string, user: UserInfo = JANE): ApiRequest {
  const u = new URL(url, 'https://superkube.test');
  return {
    method,
    path: u.pathname,
    query: u.searchParams,
    headers: {},
    body: async () => Buffer.alloc(0),
    signal: new AbortController().signal,
    ctx: {
      auditId: 'a',
      warnings: [],
      requestInfo: getRequestInfo(method, u.pathname, u.searchParams),
      user,
    },
    remoteAddress: '127.0.0.1',
  };
}

function chain(decide: (a: Attributes) => AuthorizationResult): {
  handler: Handler;
  seen: Attributes[];
  served: string[];
} {
  const seen: Attributes[] = [];
  const served: string[] = [];
  const authorizer: Authorizer = {
    authorize: (a) => {
      seen.push(a);
      return decide(a);
    },
  };
  const next: Handler = async (req) => {
    served.push(req.path);
    return { status: 200, body: 'ok' };
  };
  return { handler: withRecovery(withAuthorization(next, authorizer), silentLogger()), seen, served };
}

const status = (body: unknown) => JSON.parse(String(body)) as Record<string, unknown>;

describe('withAuthorization', () => {
  it('Allow serves the request with the attributes of the request info', async () => {
    const { handler, seen, served } = chain(() => ({ decision: 'Allow', reason: 'RBAC: allowed' }));
    const req = request('GET', '/api/v1/namespaces/dev/pods/web');
    const res = await handler(req);
    assert.equal(res.status, 200);
    assert.deepEqual(served, ['/api/v1/namespaces/dev/pods/web']);
    assert.deepEqual(seen, [
      {
        user: JANE,
        verb: 'get',
        resourceRequest: true,
        path: '/api/v1/namespaces/dev/pods/web',
        namespace: 'dev',
        apiGroup: '',
        apiVersion: 'v1',
        resource: 'pods',
        subresource: '',
        name: 'web',
      },
    ]);
    assert.deepEqual(req.ctx.authorizationDecision, { decision: 'allow', reason: 'RBAC: allowed' });
  });

  it('NoOpinion is a 403 with Kubernetes` message (namespaced, named resource)', async () => {
    const { handler, served } = chain(() => ({ decision: 'NoOpinion', reason: '' }));
    const req = request('GET', '/api/v1/namespaces/dev/pods/web');
    const res = await handler(req);
    assert.equal(res.status, 403);
    assert.equal(
      res.body?.toString(),
      '{"kind":"Status","apiVersion":"v1","metadata":{},"status":"Failure","message":"pods \\"web\\" is forbidden: User \\"jane\\" cannot get resource \\"pods\\" in API group \\"\\" in the namespace \\"dev\\"","reason":"Forbidden","details":{"name":"web","kind":"pods"},"code":403}',
    );
    assert.deepEqual(served, []);
    assert.deepEqual(req.ctx.authorizationDecision, { decision: 'forbid', reason: '' });
  });

  it('403 messages: lists at cluster scope, subresources, groups, and the reason appended', async () => {
    const { handler } = chain(() => ({ decision: 'Deny', reason: 'denied by policy' }));
    const cases: [string, string, string][] = [
      [
        'GET',
        '/apis/rbac.authorization.k8s.io/v1/clusterroles',
        'clusterroles.rbac.authorization.k8s.io is forbidden: User "jane" cannot list resource "clusterroles" in API group "rbac.authorization.k8s.io" at the cluster scope: denied by policy',
      ],
      [
        'POST',
        '/api/v1/namespaces/dev/serviceaccounts/builder/token',
        'serviceaccounts "builder" is forbidden: User "jane" cannot create resource "serviceaccounts/token" in API group "" in the namespace "dev": denied by policy',
      ],
      ['GET', '/healthz/etcd', 'forbidden: User "jane" cannot get path "/healthz/etcd": denied by policy'],
      [
        'GET',
        '/api/v1/pods?watch=true',
        'pods is forbidden: User "jane" cannot watch resource "pods" in API group "" at the cluster scope: denied by policy',
      ],
    ];
    for (const [method, url, message] of cases) {
      const res = await handler(request(method, url));
      assert.equal(res.status, 403, url);
      const s = status(res.body);
      assert.equal(s['reason'], 'Forbidden');
      assert.equal(s['message'], message);
    }
  });

  it('the user name is HTML-escaped in the generated part', async () => {
    const { handler } = chain(() => ({ decision: 'NoOpinion', reason: '' }));
    const res = await handler(request('GET', '/api/v1/nodes', { ...JANE, username: '<script>' }));
    assert.equal(
      status(res.body)['message'],
      'nodes is forbidden: User "&lt;script&gt;" cannot list resource "nodes" in API group "" at the cluster scope',
    );
  });

  it('an authorizer error is a 500, not a 403', async () => {
    const { handler, served } = chain(() => ({
      decision: 'NoOpinion',
      reason: '',
      error: new Error('policy index unavailable'),
    }));
    const res = await handler(request('GET', '/api/v1/namespaces/dev/pods'));
    assert.equal(res.status, 500);
    const s = status(res.body);
    assert.equal(s['reason'], 'InternalError');
    assert.equal(s['message'], 'Internal error occurred: policy index unavailable');
    assert.deepEqual(served, []);
  });
});
