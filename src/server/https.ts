/**
 * The node adapter: one TLS listener speaking HTTP/2 and HTTP/1.1 (ALPN), turning node requests into ApiRequest and
 * ApiResponse back into bytes. Nothing else in the server touches node's HTTP objects.
 */
import { randomUUID } from 'node:crypto';
import type { IncomingHttpHeaders } from 'node:http';
import * as http2 from 'node:http2';
import type { AddressInfo } from 'node:net';
import { requestEntityTooLarge } from '../api/status.ts';
import type { RequestContext } from './context.ts';
import type { ApiRequest, ApiResponse, Handler } from './http.ts';
import { Http1Deadlines } from './http1-deadlines.ts';
import { closeWhenIdle } from './http2-idle.ts';
import { errorResponse } from './respond.ts';

/** Upstream's limit for request bodies (handlers/rest.go maxRequestBodyBytes). */
export const MAX_REQUEST_BODY_BYTES = 3 * 1024 * 1024;

/** TLS material and listen address. */
export interface ListenOptions {
  host: string;
  port: number;
  key: string | Buffer;
  cert: string | Buffer;
  /** Called with transport-level failures (bad TLS handshakes, socket errors); never with request content. */
  onTransportError?: (err: Error) => void;
  /** HTTP/1.1 read deadlines (http1-deadlines.ts); kube-apiserver's by default. */
  http1Deadlines?: { headerMs: number; idleMs: number };
  /** How long an HTTP/2 connection may have no open stream (http2-idle.ts); kube-apiserver's by default. */
  http2IdleMs?: number;
}

/** A listening server. */
export interface RunningServer {
  address: AddressInfo;
  /** Stops accepting, aborts open requests (watches end) and resolves when every connection is closed. */
  close(): Promise<void>;
  /** Replaces the serving certificate for new connections. */
  setCertificate(key: string | Buffer, cert: string | Buffer): void;
}

// Node joins repeated headers with ", " for most names; impersonation and authorization headers must stay separate
// lines (a group may contain a comma), so the header map is rebuilt from the raw pairs.
function headersFromRaw(raw: string[]): IncomingHttpHeaders {
  const out: Record<string, string | string[]> = {};
  for (let i = 0; i + 1 < raw.length; i += 2) {
    const name = raw[i]!.toLowerCase();
    if (name.startsWith(':')) continue;
    const value = raw[i + 1]!;
    const prev = out[name];
    if (prev === undefined) out[name] = value;
    else if (Array.isArray(prev)) prev.push(value);
    else out[name] = [prev, value];
  }
  return out;
}

function readBody(req: http2.Http2ServerRequest, maxLimit: number): (limit?: number) => Promise<Buffer> {
  let cached: Promise<Buffer> | undefined;
  return (requested?: number) => {
    const limit = Math.min(requested ?? maxLimit, maxLimit);
    cached ??= new Promise<Buffer>((resolve, reject) => {
      const declared = Number(req.headers['content-length'] ?? '0');
      if (declared > limit) {
        reject(requestEntityTooLarge(`Request entity too large: limit is ${limit}`));
        return;
      }
      const chunks: Buffer[] = [];
      let size = 0;
      let failed = false;
      req.on('data', (chunk: Buffer) => {
        if (failed) return;
        size += chunk.length;
        if (size > limit) {
          failed = true;
          // Stop reading: the rest of an oversized body is not drained into memory.
          req.pause();
          reject(requestEntityTooLarge(`Request entity too large: limit is ${limit}`));
          return;
        }
        chunks.push(chunk);
      });
      req.on('end', () => {
        if (!failed) resolve(Buffer.concat(chunks, size));
      });
      req.on('error', (err) => {
        if (!failed) reject(err);
      });
    });
    return cached;
  };
}

/**
 * An ApiRequest over a node request. A class rather than an object literal: a literal with a `get signal()` closure
 * gets a hidden class of its own per request, and because hidden classes live in the old generation, that kept every
 * request's objects alive through young-generation collections (measured: nearly all of them were promoted, and
 * scavenges took 5 ms instead of 0.3 ms).
 */
class NodeApiRequest implements ApiRequest {
  readonly method: string;
  readonly path: string;
  readonly query: URLSearchParams;
  readonly headers: IncomingHttpHeaders;
  readonly body: (limit?: number) => Promise<Buffer>;
  readonly ctx: RequestContext;
  readonly remoteAddress: string;
  readonly #signalFor: () => AbortSignal;

  constructor(req: http2.Http2ServerRequest, signalFor: () => AbortSignal) {
    const rawUrl = req.url ?? '/';
    const q = rawUrl.indexOf('?');
    this.method = req.method ?? 'GET';
    this.path = q < 0 ? rawUrl : rawUrl.slice(0, q);
    this.query = new URLSearchParams(q < 0 ? '' : rawUrl.slice(q + 1));
    this.headers = headersFromRaw(req.rawHeaders);
    this.body = readBody(req, MAX_REQUEST_BODY_BYTES);
    this.ctx = { auditId: randomUUID(), warnings: [] };
    this.remoteAddress = req.socket?.remoteAddress ?? '';
    this.#signalFor = signalFor;
  }

  /** Made on first use: only watches and streams ask, and an AbortController per request costs. */
  get signal(): AbortSignal {
    return this.#signalFor();
  }
}

async function writeResponse(
  res: http2.Http2ServerResponse,
  out: ApiResponse,
  signal: AbortSignal | undefined,
): Promise<void> {
  const headers = out.headers ?? {};
  if (out.status === 304) {
    // As Go's net/http: a 304 carries no representation metadata (a cache would otherwise take its Content-Length
    // of 0 for the cached body's).
    const { 'content-type': _type, 'content-length': _length, ...rest } = headers;
    res.writeHead(304, rest);
    res.end();
    return;
  }
  if (!out.stream) {
    const body = out.body ?? '';
    // One writeHead with every header: cheaper than a setHeader per header.
    res.writeHead(out.status, { ...headers, 'content-length': Buffer.byteLength(body) });
    res.end(body);
    return;
  }
  if (!signal) throw new TypeError('a streamed response needs an abort signal');
  for (const [k, v] of Object.entries(headers)) res.setHeader(k, v);
  res.writeHead(out.status);
  // Flush headers at once: clients of a watch wait for them before the first event.
  if ('flushHeaders' in res && typeof res.flushHeaders === 'function') res.flushHeaders();
  const iterator = out.stream[Symbol.asyncIterator]();
  const onAbort = () => void iterator.return?.();
  signal.addEventListener('abort', onAbort, { once: true });
  try {
    for (;;) {
      const next = await iterator.next();
      if (next.done || signal.aborted) break;
      if (!res.write(next.value)) {
        await new Promise<void>((resolve) => {
          const done = () => {
            res.off('drain', done);
            res.off('close', done);
            resolve();
          };
          res.once('drain', done);
          res.once('close', done);
        });
      }
    }
  } finally {
    signal.removeEventListener('abort', onAbort);
    await iterator.return?.();
    if (!res.writableEnded) res.end();
  }
}

/** Starts the TLS listener serving `handler`. */
export async function listen(handler: Handler, opts: ListenOptions): Promise<RunningServer> {
  const shutdown = new AbortController();
  const server = http2.createSecureServer({
    key: opts.key,
    cert: opts.cert,
    allowHTTP1: true,
    minVersion: 'TLSv1.2',
    // Go's default stream cap: one connection cannot open unbounded concurrent requests.
    settings: { maxHeaderListSize: 64 * 1024, maxConcurrentStreams: 250 },
  });
  const sessions = new Set<http2.ServerHttp2Session>();
  server.on('session', (s) => {
    closeWhenIdle(s, opts.http2IdleMs);
    sessions.add(s);
    s.on('close', () => sessions.delete(s));
  });
  const sockets = new Set<import('node:net').Socket>();
  const deadlines = new Http1Deadlines(opts.http1Deadlines?.headerMs, opts.http1Deadlines?.idleMs);
  server.on('secureConnection', (sock: import('node:tls').TLSSocket) => {
    sockets.add(sock);
    sock.on('close', () => sockets.delete(sock));
    if (sock.alpnProtocol !== 'h2') deadlines.connected(sock);
  });
  server.on('tlsClientError', (err) => opts.onTransportError?.(err));
  // Abort signals are made only for requests that ask for one (watches, streams): creating and firing an
  // AbortController per request costs more than the rest of the transport.
  const liveSignals = new Set<AbortController>();
  server.on('request', (req: http2.Http2ServerRequest, res: http2.Http2ServerResponse) => {
    if (req.httpVersionMajor === 1) {
      const sock = req.socket;
      deadlines.requestStarted(sock);
      res.once('close', () => deadlines.responseEnded(sock));
    }
    let abort: AbortController | undefined;
    const signalFor = (): AbortSignal => {
      if (!abort) {
        const ac = new AbortController();
        abort = ac;
        liveSignals.add(ac);
        res.once('close', () => {
          liveSignals.delete(ac);
          ac.abort();
        });
        if (res.closed || shutdown.signal.aborted) ac.abort();
      }
      return abort.signal;
    };
    const apiReq = new NodeApiRequest(req, signalFor);
    handler(apiReq)
      .catch((err: unknown) => errorResponse(err))
      .then((out) => writeResponse(res, out, out.stream ? signalFor() : undefined))
      .catch((err: unknown) => {
        opts.onTransportError?.(err instanceof Error ? err : new Error(String(err)));
        // Writing the response failed (client gone, invalid header): end it without letting anything escape.
        try {
          if (!res.headersSent) res.writeHead(500);
          if (!res.writableEnded) res.end();
        } catch {
          res.destroy();
        }
      });
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(opts.port, opts.host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  return {
    address: server.address() as AddressInfo,
    setCertificate: (key, cert) => server.setSecureContext({ key, cert }),
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        shutdown.abort();
        for (const ac of liveSignals) ac.abort();
        for (const s of sessions) s.close();
        // Give in-flight responses a moment to end, then cut whatever is left.
        setTimeout(() => {
          for (const s of sessions) s.destroy();
          for (const sock of sockets) sock.destroy();
        }, 2000).unref();
      }),
  };
}
