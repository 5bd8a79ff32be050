import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import * as tls from 'node:tls';
import { listen, type RunningServer } from './https.ts';

describe('listen: HTTP/1.1 header deadline (slow clients)', () => {
  let server: RunningServer;
  let dir: string;

  before(async () => {
    dir = mkdtempSync(join(tmpdir(), 'superkube-https-'));
    const key = join(dir, 'k.pem');
    const cert = join(dir, 'c.pem');
    execFileSync(
      'openssl',
      [
        'req',
        '-x509',
        '-newkey',
        'ec',
        '-pkeyopt',
        'ec_paramgen_curve:P-256',
        '-nodes',
        '-keyout',
        key,
        '-out',
        cert,
        '-subj',
        '/CN=127.0.0.1',
        '-days',
        '1',
      ],
      { stdio: 'ignore' },
    );
    server = await listen(async () => ({ status: 200, headers: { 'content-type': 'text/plain' }, body: 'ok' }), {
      host: '127.0.0.1',
      port: 0,
      key: readFileSync(key),
      cert: readFileSync(cert),
      http1HeaderTimeoutMs: 300,
    });
  });

  after(async () => {
    await server.close();
    rmSync(dir, { recursive: true, force: true });
  });

  /** Opens an HTTP/1.1 TLS connection, writes `text`, and resolves with what came back once the server closed it. */
  function exchange(text: string): Promise<{ received: string; closedAfterMs: number }> {
    return new Promise((resolve, reject) => {
      const t0 = Date.now();
      let received = '';
      const c = tls.connect(
        { host: '127.0.0.1', port: server.address.port, rejectUnauthorized: false, ALPNProtocols: ['http/1.1'] },
        () => c.write(text),
      );
      c.on('data', (d: Buffer) => {
        received += d.toString();
      });
      c.on('error', reject);
      c.on('close', () => resolve({ received, closedAfterMs: Date.now() - t0 }));
      // Only a broken server leaves the connection open this long; the assertion below then fails.
      setTimeout(() => c.destroy(), 20_000).unref();
    });
  }

  it('closes a connection whose request headers never complete', async () => {
    const r = await exchange('GET /version HTTP/1.1\r\nHost: x\r\n');
    assert.equal(r.received, '');
    assert.ok(r.closedAfterMs < 15_000, `closed after ${r.closedAfterMs} ms`);
  });

  it('serves a complete request, then closes the connection when no next request comes', async () => {
    const r = await exchange('GET /version HTTP/1.1\r\nHost: x\r\n\r\n');
    assert.match(r.received, /^HTTP\/1\.1 200 OK\r\n/);
    assert.ok(r.received.endsWith('ok'));
    assert.ok(r.closedAfterMs < 15_000, `closed after ${r.closedAfterMs} ms`);
  });
});
