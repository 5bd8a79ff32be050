import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { Kubectl, startServer, type TestServer } from './harness.ts';

describe('smoke: the server starts and kubectl 1.33 talks to it', () => {
  let server: TestServer;
  let k: Kubectl;
  before(async () => {
    server = await startServer();
    k = new Kubectl('1.33', server);
  });
  after(async () => {
    k?.cleanup();
    await server?.stop();
  });

  it('lists the initial namespaces', async () => {
    const out = await k.ok(['get', 'ns', '-o', 'name']);
    assert.deepEqual(out.trim().split('\n').sort(), [
      'namespace/default',
      'namespace/kube-node-lease',
      'namespace/kube-public',
      'namespace/kube-system',
    ]);
  });
});
