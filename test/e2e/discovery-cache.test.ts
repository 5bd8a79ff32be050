/**
 * kubectl's HTTP cache revalidates aggregated discovery with If-None-Match: `kubectl api-resources` (which always
 * refetches discovery) gets 304s the second time and still prints the resources from its cached copy.
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { eventually, Kubectl, startServer, type TestServer } from './harness.ts';

describe('aggregated discovery revalidated by ETag', () => {
  let server: TestServer;
  before(async () => {
    server = await startServer();
  });
  after(async () => {
    await server.stop();
  });

  /** The response codes the audit log holds for `/api` and `/apis` requests from kubectl `version`. */
  function discoveryCodes(version: string): string[] {
    return readFileSync(join(server.dataDir, 'audit.log'), 'utf8')
      .split('\n')
      .filter((l) => l !== '')
      .map((l) => JSON.parse(l) as { requestURI: string; userAgent?: string; responseStatus: { code: number } })
      .filter((e) => /^\/apis?(\?|$)/.test(e.requestURI) && e.userAgent?.includes(`/v${version}.`))
      .map((e) => `${e.requestURI.split('?')[0]} ${e.responseStatus.code}`);
  }

  for (const v of ['1.27', '1.33']) {
    it(`kubectl ${v}: api-resources twice, the second discovery is two 304s and prints the same`, async () => {
      const k = new Kubectl(v, server);
      const first = await k.ok(['api-resources']);
      const second = await k.ok(['api-resources']);
      assert.equal(second, first);
      assert.match(first, /^serviceaccounts +sa +v1 +true +ServiceAccount$/m);
      await eventually(async () => discoveryCodes(v).length >= 4, 10_000, 'four discovery requests in the audit log');
      assert.deepEqual(discoveryCodes(v), ['/api 200', '/apis 200', '/api 304', '/apis 304']);
    });
  }
});
