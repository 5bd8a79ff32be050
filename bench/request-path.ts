/**
 * Figures 2 and 3, over HTTPS against a running server, with autocannon in its own process.
 *
 * 2. GET of one pod with a service-account token that a RoleBinding allows (token cache on, as in production)
 *    versus a bare node:https server answering the same bytes with the same certificate: requests/s and p99.
 * 3. TokenRequest: tokens issued per second versus raw RS256 signatures per second with the same key.
 */
import { spawn } from 'node:child_process';
import { createPrivateKey, sign } from 'node:crypto';
import { readFileSync, writeFileSync } from 'node:fs';
import type { Agent } from 'node:https';
import { join } from 'node:path';
import {
  type AutocannonResult,
  assertAllOk,
  autocannon,
  cpuTimeOf,
  fmt,
  log,
  podManifest,
  ROOT,
  type Row,
  ratio,
  request,
  requestJson,
  targetCell,
  tempDir,
} from './lib.ts';

const NS = 'bench';
/** A rate both servers sustain on 2 cores with room to spare, for figure 2b. */
const CPU_RATE = 3000;
const SA = 'reader';
const POD = 'web';

/** Creates the namespace, service account, Role, RoleBinding and pod of figure 2; returns a bound SA token. */
async function setup(url: string, token: string, agent: Agent): Promise<string> {
  const post = (path: string, body: unknown) => requestJson(agent, `${url}${path}`, { method: 'POST', token, body });
  await post('/api/v1/namespaces', { apiVersion: 'v1', kind: 'Namespace', metadata: { name: NS } });
  await post(`/api/v1/namespaces/${NS}/serviceaccounts`, {
    apiVersion: 'v1',
    kind: 'ServiceAccount',
    metadata: { name: SA },
  });
  await post(`/apis/rbac.authorization.k8s.io/v1/namespaces/${NS}/roles`, {
    apiVersion: 'rbac.authorization.k8s.io/v1',
    kind: 'Role',
    metadata: { name: 'pod-reader' },
    rules: [{ apiGroups: [''], resources: ['pods'], verbs: ['get', 'list', 'watch'] }],
  });
  await post(`/apis/rbac.authorization.k8s.io/v1/namespaces/${NS}/rolebindings`, {
    apiVersion: 'rbac.authorization.k8s.io/v1',
    kind: 'RoleBinding',
    metadata: { name: 'reader-reads-pods' },
    subjects: [{ kind: 'ServiceAccount', name: SA, namespace: NS }],
    roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'Role', name: 'pod-reader' },
  });
  await post(`/api/v1/namespaces/${NS}/pods`, podManifest(POD));
  const tr = await post(`/api/v1/namespaces/${NS}/serviceaccounts/${SA}/token`, {
    apiVersion: 'authentication.k8s.io/v1',
    kind: 'TokenRequest',
    spec: { expirationSeconds: 3600 },
  });
  return (tr as { status: { token: string } }).status.token;
}

/** Starts bench/baseline-server.ts answering `response`; resolves with its URL and a stop function. */
async function startBaseline(
  dataDir: string,
  response: { status: number; headers: Record<string, string>; body: Buffer },
): Promise<{ url: string; pid: number; stop(): Promise<void> }> {
  const dir = tempDir('baseline');
  const file = join(dir, 'response.json');
  writeFileSync(file, JSON.stringify({ ...response, body: undefined, bodyBase64: response.body.toString('base64') }));
  const child = spawn(
    process.execPath,
    [
      '--import',
      'tsx',
      join(ROOT, 'bench', 'baseline-server.ts'),
      join(dataDir, 'server.crt'),
      join(dataDir, 'server.key'),
      file,
    ],
    { cwd: ROOT, stdio: ['ignore', 'pipe', 'inherit'] },
  );
  const exited = new Promise<void>((r) => child.on('exit', () => r()));
  const port = await new Promise<number>((resolve, reject) => {
    let out = '';
    child.stdout!.on('data', (d: Buffer) => {
      out += d.toString();
      const m = /listening (\d+)/.exec(out);
      if (m) resolve(Number(m[1]));
    });
    child.on('exit', (code) => reject(new Error(`baseline server exited with ${code}`)));
  });
  return {
    url: `https://127.0.0.1:${port}`,
    pid: child.pid!,
    stop: async () => {
      child.kill('SIGTERM');
      await exited;
      const { rmSync } = await import('node:fs');
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** Response headers a baseline can replay (hop-by-hop and per-response ones dropped). */
function replayableHeaders(headers: Record<string, string | string[] | undefined>): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(headers)) {
    if (v === undefined || ['date', 'connection', 'keep-alive', 'transfer-encoding', 'content-length'].includes(k))
      continue;
    out[k] = Array.isArray(v) ? v.join(', ') : v;
  }
  return out;
}

/**
 * Server CPU time per request at a fixed request rate, both servers under the same load: the cost of one request
 * itself, which (unlike requests/s) does not move with whatever else the machine runs.
 */
async function cpuPerRequest(
  pid: number,
  url: string,
  load: { connections: number; headers: Record<string, string> },
  rate: number,
  durationS: number,
): Promise<number> {
  const before = cpuTimeOf(pid);
  const r = await autocannon(url, { ...load, rate, durationS });
  assertAllOk('CPU per request', r);
  return (cpuTimeOf(pid) - before) / r.requests.total;
}

function describe(r: AutocannonResult): string {
  return `${fmt(r.requests.average)} req/s, p99 ${fmt(r.latency.p99)} ms`;
}

/** Completions per second of `op` over `durationMs`, with `inFlight` of them outstanding at all times. */
async function concurrentRate(op: () => Promise<void>, inFlight: number, durationMs: number): Promise<number> {
  const start = performance.now();
  const end = start + durationMs;
  let done = 0;
  const worker = async () => {
    while (performance.now() < end) {
      await op();
      done++;
    }
  };
  await Promise.all(Array.from({ length: inFlight }, worker));
  return (done * 1000) / (performance.now() - start);
}

/** Measures figures 2 and 3 against the running server. */
export async function requestPathRows(opts: {
  url: string;
  /** The superkube server's process id (for its CPU time). */
  serverPid: number;
  dataDir: string;
  adminToken: string;
  agent: Agent;
  connections: number;
  durationS: number;
  warmupS: number;
  signDurationMs: number;
}): Promise<Row[]> {
  const saToken = await setup(opts.url, opts.adminToken, opts.agent);
  const path = `/api/v1/namespaces/${NS}/pods/${POD}`;
  const got = await request(opts.agent, `${opts.url}${path}`, { token: saToken });
  if (got.status !== 200) throw new Error(`GET ${path} as the service account: ${got.status} ${got.body.toString()}`);

  const baseline = await startBaseline(opts.dataDir, {
    status: got.status,
    headers: replayableHeaders(got.headers),
    body: got.body,
  });
  const load = { connections: opts.connections, headers: { authorization: `Bearer ${saToken}` } };
  let sk: AutocannonResult;
  let base: AutocannonResult;
  let skCpu = Number.NaN;
  let baseCpu = Number.NaN;
  try {
    log(`figure 2: GET pod as a service account, ${opts.durationS} s per side`);
    await autocannon(`${opts.url}${path}`, { ...load, durationS: opts.warmupS });
    sk = await autocannon(`${opts.url}${path}`, { ...load, durationS: opts.durationS });
    await autocannon(`${baseline.url}${path}`, { ...load, durationS: opts.warmupS });
    base = await autocannon(`${baseline.url}${path}`, { ...load, durationS: opts.durationS });
    log(`figure 2b: server CPU per request at ${CPU_RATE} req/s`);
    skCpu = await cpuPerRequest(opts.serverPid, `${opts.url}${path}`, load, CPU_RATE, opts.durationS / 2);
    baseCpu = await cpuPerRequest(baseline.pid, `${baseline.url}${path}`, load, CPU_RATE, opts.durationS / 2);
  } finally {
    await baseline.stop();
  }
  assertAllOk('figure 2 superkube', sk);
  assertAllOk('figure 2 baseline', base);

  log(`figure 3: TokenRequest, ${opts.durationS} s`);
  const trUrl = `${opts.url}/api/v1/namespaces/${NS}/serviceaccounts/${SA}/token`;
  const trLoad = {
    connections: opts.connections,
    method: 'POST',
    headers: { authorization: `Bearer ${opts.adminToken}`, 'content-type': 'application/json' },
    body: JSON.stringify({ apiVersion: 'authentication.k8s.io/v1', kind: 'TokenRequest', spec: {} }),
  };
  await autocannon(trUrl, { ...trLoad, durationS: opts.warmupS });
  const tr = await autocannon(trUrl, { ...trLoad, durationS: opts.durationS });
  assertAllOk('figure 3 superkube', tr);

  // The baseline signs a token-sized input with the server's own key, parsed once.
  const key = createPrivateKey(readFileSync(join(opts.dataDir, 'sa.key')));
  const sample = saToken.slice(0, saToken.lastIndexOf('.'));
  const input = Buffer.from(sample, 'latin1');
  // Signed as the server signs, on libuv's thread pool with as many in flight as autocannon has connections: a
  // synchronous loop would use one core where the server may use two.
  log('figure 3: raw RS256 signatures on the thread pool');
  const signOnce = () =>
    new Promise<void>((resolve, reject) => sign('sha256', input, key, (err) => (err ? reject(err) : resolve())));
  await concurrentRate(signOnce, opts.connections, 500);
  const raw = { perSecond: await concurrentRate(signOnce, opts.connections, opts.signDurationMs) };

  const rpsRatio = sk.requests.average / base.requests.average;
  const p99Ratio = sk.latency.p99 / base.latency.p99;
  return [
    {
      figure: `2. GET one pod as an RBAC-allowed SA over HTTPS (autocannon -c ${opts.connections}, ${opts.durationS} s): req/s`,
      superkube: describe(sk),
      baseline: `${describe(base)} (bare node:https, same bytes)`,
      ratio: ratio(sk.requests.average, base.requests.average),
      target: targetCell(rpsRatio, '>=', 0.5),
    },
    {
      figure: '2a. same run: p99 latency',
      superkube: `${fmt(sk.latency.p99)} ms`,
      baseline: `${fmt(base.latency.p99)} ms`,
      ratio: ratio(sk.latency.p99, base.latency.p99),
      target: targetCell(p99Ratio, '<=', 2),
    },
    {
      figure: `2b. same GET at a fixed ${CPU_RATE} req/s: server CPU time per request (user + system)`,
      superkube: `${fmt(skCpu)} us`,
      baseline: `${fmt(baseCpu)} us`,
      ratio: ratio(baseCpu, skCpu),
      target: 'report (ratio = baseline / superkube)',
    },
    {
      figure: `3. TokenRequest over HTTPS (autocannon -c ${opts.connections}): tokens/s`,
      superkube: `${fmt(tr.requests.average)}/s, p99 ${fmt(tr.latency.p99)} ms`,
      baseline: `${fmt(raw.perSecond)}/s raw RS256 signatures (thread pool, ${opts.connections} in flight)`,
      ratio: ratio(tr.requests.average, raw.perSecond),
      target: targetCell(tr.requests.average / raw.perSecond, '>=', 0.7),
    },
  ];
}
