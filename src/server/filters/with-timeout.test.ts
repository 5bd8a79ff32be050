import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { ApiRequest, Handler } from '../http.ts';
import { silentLogger } from '../logger.ts';
import { getRequestInfo } from '../request-info.ts';
import { withRecovery } from './with-recovery.ts';
import { withTimeout } from './with-timeout.ts';

function request(url: string): ApiRequest {
  const u = new URL(url, 'https://superkube.test');
  return {
    method: 'GET',
    path: u.pathname,
    query: u.searchParams,
    headers: {},
    body: async () => Buffer.alloc(0),
    signal: new AbortController().signal,
    ctx: { auditId: 'a', warnings: [], requestInfo: getRequestInfo('GET', u.pathname, u.searchParams) },
    remoteAddress: '127.0.0.1',
  };
}

const slow: Handler = () => new Promise((resolve) => setTimeout(() => resolve({ status: 200, body: 'late' }), 200));

describe('withTimeout (--request-timeout)', () => {
  it('a request that takes too long gets 504 Timeout as a Status', async () => {
    const res = await withRecovery(withTimeout(slow, 20), silentLogger())(request('/api/v1/namespaces'));
    assert.equal(res.status, 504);
    const body = JSON.parse(String(res.body)) as { reason: string; message: string };
    assert.equal(body.reason, 'Timeout');
    assert.equal(body.message, 'request did not complete within the allotted timeout');
  });

  it('a fast request is served, and watches are exempt', async () => {
    const fast: Handler = async () => ({ status: 200, body: 'ok' });
    assert.equal((await withTimeout(fast, 50)(request('/api/v1/namespaces'))).status, 200);
    assert.equal((await withTimeout(slow, 20)(request('/api/v1/namespaces?watch=1'))).status, 200);
  });
});
