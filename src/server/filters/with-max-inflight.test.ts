import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { ApiRequest, ApiResponse, Handler } from '../http.ts';
import { silentLogger } from '../logger.ts';
import { getRequestInfo } from '../request-info.ts';
import { withMaxInflight } from './with-max-inflight.ts';
import { withRecovery } from './with-recovery.ts';

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

/** A handler whose requests stay in flight until released. */
function blockingHandler() {
  const waiting: (() => void)[] = [];
  let served = 0;
  const handler: Handler = async () => {
    await new Promise<void>((resolve) => waiting.push(resolve));
    served++;
    return { status: 200, body: 'ok' };
  };
  return {
    handler,
    releaseAll: () => {
      for (const w of waiting.splice(0)) w();
    },
    inFlight: () => waiting.length,
    served: () => served,
  };
}

const tick = () => new Promise((r) => setImmediate(r));

describe('withMaxInflight', () => {
  it('beyond the limit: 429 TooManyRequests with Retry-After: 1', async () => {
    const backend = blockingHandler();
    const count = { current: 0 };
    const handler = withRecovery(withMaxInflight(backend.handler, 2, count), silentLogger());
    const first = handler(request('/api/v1/pods'));
    const second = handler(request('/api/v1/pods'));
    await tick();
    assert.equal(backend.inFlight(), 2);
    assert.equal(count.current, 2);

    const rejected = await handler(request('/api/v1/pods'));
    assert.equal(rejected.status, 429);
    assert.equal(rejected.headers?.['retry-after'], '1');
    assert.equal(
      rejected.body?.toString(),
      '{"kind":"Status","apiVersion":"v1","metadata":{},"status":"Failure","message":"Too many requests, please try again later.","reason":"TooManyRequests","details":{"retryAfterSeconds":1},"code":429}',
    );

    backend.releaseAll();
    const done: ApiResponse[] = await Promise.all([first, second]);
    assert.deepEqual(
      done.map((r) => r.status),
      [200, 200],
    );
    // Capacity is back once they finished.
    const later = handler(request('/api/v1/pods'));
    await tick();
    backend.releaseAll();
    assert.equal((await later).status, 200);
    assert.equal(count.current, 0);
  });

  it('watches are not counted and never refused', async () => {
    const backend = blockingHandler();
    const handler = withRecovery(withMaxInflight(backend.handler, 1), silentLogger());
    const busy = handler(request('/api/v1/pods'));
    await tick();
    const watches = [
      handler(request('/api/v1/pods?watch=true')),
      handler(request('/api/v1/namespaces/a/pods?watch=1')),
    ];
    await tick();
    assert.equal(backend.inFlight(), 3, 'both watches reached the handler');
    assert.equal((await handler(request('/api/v1/pods'))).status, 429);
    backend.releaseAll();
    await Promise.all([busy, ...watches]);
  });

  it('a failing request frees its slot', async () => {
    let fail = true;
    const handler = withRecovery(
      withMaxInflight(async () => {
        if (fail) throw new Error('backend exploded');
        return { status: 200, body: 'ok' };
      }, 1),
      silentLogger(),
    );
    assert.equal((await handler(request('/api/v1/pods'))).status, 500);
    fail = false;
    assert.equal((await handler(request('/api/v1/pods'))).status, 200);
  });

  it('a limit of 0 disables the filter', async () => {
    const backend = blockingHandler();
    const handler = withMaxInflight(backend.handler, 0);
    const all = Array.from({ length: 5 }, () => handler(request('/api/v1/pods')));
    await tick();
    assert.equal(backend.inFlight(), 5);
    backend.releaseAll();
    await Promise.all(all);
  });
});
