/**
 * Figure 6: time for one write to reach 1,000 open watches versus 1 watch. The watches are either HTTP/1.1, one
 * TLS connection each (1,000 separate clients), or HTTP/2 streams, 100 per connection (client-go multiplexes its
 * watches this way); the write is a config map created through a separate HTTP/1.1 connection. The clock runs from just before the create is sent to the moment the last
 * watch has the event.
 */
import type { ClientRequest, IncomingMessage } from 'node:http';
import { type ClientHttp2Session, type ClientHttp2Stream, connect } from 'node:http2';
import { Agent, request as httpsRequest } from 'node:https';
import { fmt, log, median, type Row, ratio, requestJson } from './lib.ts';

const NS = 'watch-bench';
const STREAMS_PER_SESSION = 100;

interface OpenWatches {
  /** Resolves when every watch has seen an event for `name`. */
  waitFor(name: string): Promise<void>;
  close(): void;
}

/** How the watches reach the server. */
export type WatchProtocol = 'http1' | 'http2';

async function openWatches(
  protocol: WatchProtocol,
  url: string,
  token: string,
  caPem: string,
  count: number,
  rv: string,
): Promise<OpenWatches> {
  const sessions: ClientHttp2Session[] = [];
  const streams: (ClientHttp2Stream | IncomingMessage)[] = [];
  const requests: ClientRequest[] = [];
  // No pooling: every watch holds its own connection for as long as it is open.
  const agent = new Agent({ keepAlive: false, maxSockets: Number.POSITIVE_INFINITY, ca: caPem });
  const path = `/api/v1/namespaces/${NS}/configmaps?watch=true&resourceVersion=${rv}`;
  // name -> how many watches have seen it, and who waits for all of them.
  const seen = new Map<string, number>();
  const waiters = new Map<string, () => void>();
  const onEvent = (name: string) => {
    const n = (seen.get(name) ?? 0) + 1;
    seen.set(name, n);
    if (n === count) waiters.get(name)?.();
  };
  const established: Promise<void>[] = [];
  const consume = (stream: ClientHttp2Stream | IncomingMessage) => {
    let buf = '';
    stream.setEncoding('utf8');
    stream.on('data', (chunk: string) => {
      buf += chunk;
      for (let nl = buf.indexOf('\n'); nl >= 0; nl = buf.indexOf('\n')) {
        const line = buf.slice(0, nl);
        buf = buf.slice(nl + 1);
        if (!line) continue;
        const ev = JSON.parse(line) as { type: string; object: { metadata?: { name?: string } } };
        if (ev.type === 'ADDED' && ev.object.metadata?.name) onEvent(ev.object.metadata.name);
      }
    });
  };
  for (let i = 0; i < count; i++) {
    if (protocol === 'http1') {
      established.push(
        new Promise((resolve, reject) => {
          const req = httpsRequest(
            `${url}${path}`,
            { agent, headers: { authorization: `Bearer ${token}`, accept: 'application/json' } },
            (res) => {
              if (res.statusCode !== 200) return reject(new Error(`watch answered ${res.statusCode}`));
              streams.push(res);
              consume(res);
              resolve();
            },
          );
          req.on('error', reject);
          req.end();
          requests.push(req);
        }),
      );
      continue;
    }
    if (i % STREAMS_PER_SESSION === 0) {
      const session = connect(url, { ca: caPem });
      // A dead connection shows up as failed streams; the session's own error must not crash the run.
      session.on('error', () => {});
      sessions.push(session);
    }
    const session = sessions[sessions.length - 1]!;
    const stream = session.request({ ':path': path, authorization: `Bearer ${token}`, accept: 'application/json' });
    streams.push(stream);
    established.push(
      new Promise((resolve, reject) => {
        stream.on('response', (headers) => {
          if (headers[':status'] !== 200) reject(new Error(`watch answered ${headers[':status']}`));
          else resolve();
        });
        stream.on('error', reject);
        stream.on('close', () => reject(new Error(`HTTP/2 watch stream closed (rst code ${stream.rstCode})`)));
      }),
    );
    consume(stream);
  }
  await Promise.all(established);
  return {
    waitFor: (name) =>
      new Promise((resolve) => {
        if ((seen.get(name) ?? 0) >= count) return resolve();
        waiters.set(name, resolve);
      }),
    close: () => {
      for (const r of requests) r.destroy();
      for (const s of streams) s.destroy();
      for (const s of sessions) s.destroy();
      agent.destroy();
    },
  };
}

/** Median milliseconds from a create to its arrival at every one of `count` watches, over `writes` writes. */
async function fanOutTime(
  opts: { url: string; token: string; caPem: string; agent: Agent },
  protocol: WatchProtocol,
  count: number,
  writes: number,
  tag: string,
): Promise<number> {
  const list = await requestJson<{ metadata: { resourceVersion: string } }>(
    opts.agent,
    `${opts.url}/api/v1/namespaces/${NS}/configmaps?limit=1`,
    { token: opts.token },
  );
  const watches = await openWatches(protocol, opts.url, opts.token, opts.caPem, count, list.metadata.resourceVersion);
  try {
    const times: number[] = [];
    // One unmeasured write first: the first event through each stream warms it up.
    for (let i = -1; i < writes; i++) {
      const name = `${tag}-${i + 1}`;
      const arrived = watches.waitFor(name);
      const start = performance.now();
      await requestJson(opts.agent, `${opts.url}/api/v1/namespaces/${NS}/configmaps`, {
        method: 'POST',
        token: opts.token,
        body: { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name }, data: { k: 'v' } },
      });
      let timer: ReturnType<typeof setTimeout> | undefined;
      const timeout = new Promise<never>((_, reject) => {
        timer = setTimeout(() => reject(new Error(`${name} did not reach all ${count} watches in 60 s`)), 60_000);
      });
      await Promise.race([arrived, timeout]).finally(() => clearTimeout(timer));
      if (i >= 0) times.push(performance.now() - start);
    }
    return median(times);
  } finally {
    watches.close();
  }
}

/** Creates the namespace the watches watch. */
export async function prepareWatchNamespace(opts: { url: string; token: string; agent: Agent }): Promise<void> {
  await requestJson(opts.agent, `${opts.url}/api/v1/namespaces`, {
    method: 'POST',
    token: opts.token,
    body: { apiVersion: 'v1', kind: 'Namespace', metadata: { name: NS } },
  });
}

/** Measures figure 6 over one protocol (the namespace must exist: prepareWatchNamespace). */
export async function watchFanoutRows(opts: {
  url: string;
  token: string;
  caPem: string;
  agent: Agent;
  protocol: WatchProtocol;
  watches: number;
  writes: number;
}): Promise<Row[]> {
  const p = opts.protocol;
  const label =
    p === 'http1'
      ? `6. HTTP/1.1 (one TLS connection per watch)`
      : `6a. HTTP/2 (${STREAMS_PER_SESSION} watch streams per connection)`;
  const figure = `${label}: one write reaching ${fmt(opts.watches)} watches vs 1 watch (median of ${opts.writes})`;
  try {
    log(`figure 6 (${p}): one write to 1 watch`);
    const one = await fanOutTime(opts, p, 1, opts.writes, `${p}-one`);
    log(`figure 6 (${p}): one write to ${opts.watches} watches`);
    const many = await fanOutTime(opts, p, opts.watches, opts.writes, `${p}-many`);
    return [
      {
        figure,
        superkube: `${fmt(many)} ms to ${fmt(opts.watches)}`,
        baseline: `${fmt(one)} ms to 1`,
        ratio: ratio(many, one),
        target: 'report',
      },
    ];
  } catch (err) {
    return [{ figure, superkube: `FAILED: ${(err as Error).message}`, baseline: '', ratio: 'n/a', target: 'report' }];
  }
}
