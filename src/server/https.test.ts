import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import * as tls from 'node:tls';
import type { ApiRequest } from './http.ts';
import { listen, type RunningServer } from './https.ts';

const HEADER_MS = 300;
const IDLE_MS = 3000;

describe('listen: HTTP/1.1 read deadlines (slow and idle clients)', () => {
  let server: RunningServer;
  let dir: string;
  const captured: ApiRequest[] = [];

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
      ].concat(['-subj', '/CN=127.0.0.1', '-days', '1']),
      { stdio: 'ignore' },
    );
    server = await listen(
      async (req) => {
        // A response slower than both deadlines: neither may cut a request in progress.
        if (req.path === '/slow') await sleep(IDLE_MS + HEADER_MS);
        if (req.path === '/capture') captured.push(req);
        return { status: 200, headers: { 'content-type': 'text/plain' }, body: 'ok' };
      },
      {
        host: '127.0.0.1',
        port: 0,
        key: readFileSync(key),
        cert: readFileSync(cert),
        http1Deadlines: { headerMs: HEADER_MS, idleMs: IDLE_MS },
      },
    );
  });

  after(async () => {
    await server.close();
    rmSync(dir, { recursive: true, force: true });
  });

  /**
   * Opens an HTTP/1.1 TLS connection and writes `parts` (waiting `gapMs` before each after the first); resolves
   * with what came back and when the server closed the connection.
   */
  function exchange(parts: string[], gapMs = 0): Promise<{ received: string; closedAfterMs: number }> {
    return new Promise((resolve, reject) => {
      const t0 = Date.now();
      let received = '';
      const c = tls.connect(
        { host: '127.0.0.1', port: server.address.port, rejectUnauthorized: false, ALPNProtocols: ['http/1.1'] },
        async () => {
          for (const [i, p] of parts.entries()) {
            if (i > 0) await sleep(gapMs);
            if (!c.destroyed) c.write(p);
          }
        },
      );
      c.on('data', (d: Buffer) => {
        received += d.toString();
      });
      c.on('error', reject);
      c.on('close', () => resolve({ received, closedAfterMs: Date.now() - t0 }));
      // Only a broken server leaves the connection open this long; the assertions then fail.
      setTimeout(() => c.destroy(), 20_000).unref();
    });
  }

  const responses = (text: string) => text.match(/HTTP\/1\.1 200 OK/g)?.length ?? 0;

  it('closes a connection whose request headers never complete', async () => {
    const r = await exchange(['GET /version HTTP/1.1\r\nHost: x\r\n']);
    assert.equal(r.received, '');
    assert.ok(r.closedAfterMs < IDLE_MS, `closed after ${r.closedAfterMs} ms`);
  });

  it('lets a served connection idle, then closes it', async () => {
    const r = await exchange(['GET /version HTTP/1.1\r\nHost: x\r\n\r\n']);
    assert.equal(responses(r.received), 1);
    assert.ok(r.closedAfterMs >= IDLE_MS, `closed after ${r.closedAfterMs} ms, before the idle timeout`);
    assert.ok(r.closedAfterMs < 15_000, `closed after ${r.closedAfterMs} ms`);
  });

  it('keeps an idle connection for its next request within the idle timeout', async () => {
    const req = 'GET /version HTTP/1.1\r\nHost: x\r\n\r\n';
    const r = await exchange([req, req], HEADER_MS * 2);
    assert.equal(responses(r.received), 2);
  });

  it('gives the next request the header timeout once its first bytes arrive', async () => {
    const r = await exchange(['GET /version HTTP/1.1\r\nHost: x\r\n\r\n', 'GET /version HTTP/1.1\r\n'], 50);
    assert.equal(responses(r.received), 1);
    assert.ok(r.closedAfterMs < IDLE_MS, `closed after ${r.closedAfterMs} ms`);
  });

  it('never cuts a request in progress', async () => {
    const r = await exchange(['GET /slow HTTP/1.1\r\nHost: x\r\n\r\n']);
    assert.equal(responses(r.received), 1);
  });

  it('builds requests of one shape whose abort signal is made on first use', async () => {
    const req = 'GET /capture?x=1 HTTP/1.1\r\nHost: x\r\n\r\n';
    const r = await exchange([req, req], 50);
    assert.equal(responses(r.received), 2);
    const [a, b] = captured;
    assert.ok(a && b);
    assert.equal(a.query.get('x'), '1');
    // The getter lives on a shared prototype: a per-object getter closure gave every request its own hidden class,
    // which kept every request's objects alive through young-generation collections.
    assert.equal(Object.getPrototypeOf(a), Object.getPrototypeOf(b));
    assert.equal(Object.getOwnPropertyDescriptor(a, 'signal'), undefined);
    // Asked for after the response ended, the signal is already aborted.
    assert.ok(a.signal instanceof AbortSignal);
    assert.equal(a.signal.aborted, true);
    assert.equal(a.signal, a.signal);
  });
});
