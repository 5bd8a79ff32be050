import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import * as http2 from 'node:http2';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import * as tls from 'node:tls';
import type { ApiRequest, ApiResponse } from './http.ts';
import { listen, type RunningServer } from './https.ts';

const HEADER_MS = 300;
const IDLE_MS = 3000;

/** A throwaway P-256 certificate for 127.0.0.1, written under `dir`. */
function selfSignedCert(dir: string): { key: Buffer; cert: Buffer } {
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
  return { key: readFileSync(key), cert: readFileSync(cert) };
}

describe('listen: HTTP/1.1 read deadlines (slow and idle clients)', () => {
  let server: RunningServer;
  let dir: string;
  const captured: ApiRequest[] = [];

  before(async () => {
    dir = mkdtempSync(join(tmpdir(), 'superkube-https-'));
    const { key, cert } = selfSignedCert(dir);
    server = await listen(
      async (req): Promise<ApiResponse> => {
        // A response slower than both deadlines: neither may cut a request in progress.
        if (req.path === '/slow') await sleep(IDLE_MS + HEADER_MS);
        if (req.path === '/capture') captured.push(req);
        if (req.path === '/not-modified')
          return { status: 304, headers: { etag: '"x"', 'content-type': 'application/json' }, body: '' };
        return { status: 200, headers: { 'content-type': 'text/plain' }, body: 'ok' };
      },
      {
        host: '127.0.0.1',
        port: 0,
        key,
        cert,
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

  it('a 304 carries neither Content-Type nor Content-Length, as from Go', async () => {
    const r = await exchange(['GET /not-modified HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n']);
    const head = r.received.split('\r\n\r\n')[0]!.toLowerCase();
    assert.match(head, /^http\/1\.1 304 not modified/);
    assert.match(head, /\r\netag: "x"/);
    assert.doesNotMatch(head, /content-type|content-length/);
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
    assert.notEqual(Object.getPrototypeOf(a), Object.prototype, 'a class instance, not an object literal');
    assert.equal(Object.getOwnPropertyDescriptor(a, 'signal'), undefined);
    // Asked for after the response ended, the signal is already aborted.
    assert.ok(a.signal instanceof AbortSignal);
    assert.equal(a.signal.aborted, true);
  });
});

describe('listen: idle HTTP/2 connections', () => {
  const H2_IDLE_MS = 400;
  let server: RunningServer;
  let dir: string;

  before(async () => {
    dir = mkdtempSync(join(tmpdir(), 'superkube-h2-'));
    const { key, cert } = selfSignedCert(dir);
    server = await listen(
      async (req) => {
        // Longer than the idle timeout: an open stream must keep its connection.
        if (req.path === '/slow') await sleep(H2_IDLE_MS * 3);
        return { status: 200, headers: { 'content-type': 'text/plain' }, body: 'ok' };
      },
      { host: '127.0.0.1', port: 0, key, cert, http2IdleMs: H2_IDLE_MS },
    );
  });

  after(async () => {
    await server.close();
    rmSync(dir, { recursive: true, force: true });
  });

  /** Connects over HTTP/2; resolves `closed` with the ms from connecting until the server ended the session. */
  function connect(): { session: http2.ClientHttp2Session; closed: Promise<number> } {
    const t0 = Date.now();
    const session = http2.connect(`https://127.0.0.1:${server.address.port}`, { rejectUnauthorized: false });
    session.on('error', () => {});
    // Only a server that never closes idle sessions leaves it open this long; the assertions then fail.
    setTimeout(() => session.destroy(), 20_000).unref();
    const closed = new Promise<number>((resolve) => session.on('close', () => resolve(Date.now() - t0)));
    return { session, closed };
  }

  function get(session: http2.ClientHttp2Session, path: string): Promise<string> {
    return new Promise((resolve, reject) => {
      const stream = session.request({ ':path': path });
      let body = '';
      stream.setEncoding('utf8');
      stream.on('data', (d: string) => {
        body += d;
      });
      stream.on('end', () => resolve(body));
      stream.on('error', reject);
    });
  }

  it('closes a connection that opens no stream', async () => {
    const { closed } = connect();
    const ms = await closed;
    assert.ok(ms >= H2_IDLE_MS, `closed after ${ms} ms, before the idle timeout`);
    assert.ok(ms < 15_000, `closed after ${ms} ms`);
  });

  it('keeps a connection while a stream is open, however quiet, and closes it once idle', async () => {
    const { session, closed } = connect();
    assert.equal(await get(session, '/slow'), 'ok');
    assert.equal(session.closed, false);
    assert.equal(await get(session, '/fast'), 'ok');
    const ms = await closed;
    assert.ok(ms >= H2_IDLE_MS * 4, `closed after ${ms} ms`);
    assert.ok(ms < 15_000, `closed after ${ms} ms`);
  });
});
