/**
 * Shared helpers of the benchmarks: rate and latency measurement, a superkube server process, HTTPS requests,
 * autocannon in its own process, and the Markdown table every figure ends up in.
 *
 * Every figure is a ratio against a baseline measured in the same run; absolute numbers are printed only for
 * context, since they depend on the machine.
 */
import { type ChildProcess, execFile, spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { Agent, request as httpsRequest } from 'node:https';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

/** The checkout root. */
export const ROOT = fileURLToPath(new URL('..', import.meta.url));

/** One line of the results table. */
export interface Row {
  figure: string;
  superkube: string;
  baseline: string;
  /** superkube / baseline (or the other way round where the figure says so), as printed. */
  ratio: string;
  /** The target and whether it was met, e.g. `>= 0.8 (met)`. */
  target: string;
}

/** How a target compares a ratio. */
export type Comparison = '>=' | '<=' | '<';

/** Formats a target cell: `>= 0.8 (met)` or `>= 0.8 (MISSED)`; `report` when the figure has no target. */
export function targetCell(value: number | undefined, cmp?: Comparison, limit?: number, unit = ''): string {
  if (cmp === undefined || limit === undefined || value === undefined || !Number.isFinite(value)) return 'report';
  const met = cmp === '>=' ? value >= limit : cmp === '<=' ? value <= limit : value < limit;
  return `${cmp} ${limit}${unit} (${met ? 'met' : 'MISSED'})`;
}

/** A number with a few significant digits and thousands separators (`12,345`, `0.83`). */
export function fmt(n: number, digits = 3): string {
  if (!Number.isFinite(n)) return String(n);
  const abs = Math.abs(n);
  if (abs >= 1000) return Math.round(n).toLocaleString('en-US');
  if (abs >= 100) return n.toFixed(0);
  return n.toPrecision(digits).replace(/\.?0+$/, (m) => (m.includes('.') ? '' : m));
}

/** `a / b` formatted as a ratio. */
export function ratio(a: number, b: number): string {
  return b === 0 ? 'n/a' : (a / b).toFixed(2);
}

/** Renders the rows as a GitHub Markdown table. */
export function markdownTable(rows: readonly Row[]): string {
  const header = ['figure', 'superkube', 'baseline', 'ratio', 'target'];
  const lines = [`| ${header.join(' | ')} |`, `| ${header.map(() => '---').join(' | ')} |`];
  for (const r of rows) {
    const cells = [r.figure, r.superkube, r.baseline, r.ratio, r.target].map((c) => c.replace(/\|/g, '\\|'));
    lines.push(`| ${cells.join(' | ')} |`);
  }
  return lines.join('\n');
}

/** Prints a progress line to stderr (stdout carries only the table). */
const t0 = performance.now();
export function log(message: string): void {
  process.stderr.write(`[bench +${((performance.now() - t0) / 1000).toFixed(1)}s] ${message}\n`);
}

/**
 * Operations per second of `fn`, run back to back for `durationMs` after `warmupMs` of warm-up. `fn` may be
 * synchronous or return a promise (awaited: one operation at a time, which is what a single-threaded server
 * does with CPU-bound work).
 */
export async function opsPerSecond(
  fn: () => unknown,
  opts: { durationMs: number; warmupMs?: number },
): Promise<{ perSecond: number; count: number; elapsedMs: number }> {
  const run = async (ms: number) => {
    const start = performance.now();
    const end = start + ms;
    let count = 0;
    let now = start;
    while (now < end) {
      // Reading the clock costs about as much as a cheap operation: check it every few calls.
      for (let i = 0; i < 16; i++) {
        const r = fn();
        if (r instanceof Promise) await r;
      }
      count += 16;
      now = performance.now();
    }
    return { count, elapsed: now - start };
  };
  if (opts.warmupMs) await run(opts.warmupMs);
  const { count, elapsed } = await run(opts.durationMs);
  return { perSecond: (count * 1000) / elapsed, count, elapsedMs: elapsed };
}

/**
 * Rates of `a` and `b` measured in alternating slices (a, b, b, a, a, b, ...) over `durationMs` each, so both
 * sides see the same machine: measured one after the other, a drift in the machine's speed (another tenant, CPU
 * frequency) lands on one side only and moves the ratio by several percent between runs.
 */
export async function alternatingRates(
  a: () => unknown,
  b: () => unknown,
  opts: { durationMs: number; warmupMs?: number; slices?: number },
): Promise<{ a: number; b: number }> {
  // An even number of slices, so the ABBA order gives both sides the same positions.
  const slices = Math.max(2, 2 * Math.round((opts.slices ?? 10) / 2));
  const sliceMs = opts.durationMs / slices;
  if (opts.warmupMs) {
    await opsPerSecond(a, { durationMs: opts.warmupMs / 2 });
    await opsPerSecond(b, { durationMs: opts.warmupMs / 2 });
  }
  const ops = { a: 0, b: 0 };
  const ms = { a: 0, b: 0 };
  for (let i = 0; i < slices; i++) {
    // ABBA order: whatever changes linearly over a pair of slices affects both sides alike.
    const order = i % 2 === 0 ? (['a', 'b'] as const) : (['b', 'a'] as const);
    for (const side of order) {
      // Each side's own elapsed time: a slice overruns by up to a batch of operations, more for the slower side.
      const r = await opsPerSecond(side === 'a' ? a : b, { durationMs: sliceMs });
      ops[side] += r.count;
      ms[side] += r.elapsedMs;
    }
  }
  return { a: (ops.a * 1000) / ms.a, b: (ops.b * 1000) / ms.b };
}

/** The p-th percentile (0-100) of `values` (nearest rank). */
export function percentile(values: readonly number[], p: number): number {
  if (values.length === 0) return Number.NaN;
  const sorted = [...values].sort((a, b) => a - b);
  const rank = Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1));
  return sorted[rank]!;
}

/** The median of `values`. */
export function median(values: readonly number[]): number {
  return percentile(values, 50);
}

/** A fresh temporary directory (on tmpfs when there is one, so fsync costs do not drown the CPU figures). */
export function tempDir(prefix: string): string {
  let base = '/dev/shm';
  try {
    rmSync(mkdtempSync(join(base, 'probe-')), { recursive: true });
  } catch {
    base = process.env['TMPDIR'] ?? '/tmp';
  }
  return mkdtempSync(join(base, `superkube-bench-${prefix}-`));
}

/** A running superkube process. */
export interface BenchServer {
  url: string;
  port: number;
  dataDir: string;
  adminToken: string;
  caPem: string;
  process: ChildProcess;
  /** The server's log (stderr) so far. */
  logs(): string;
  /** Stops the process (SIGTERM) and waits for it to exit. Leaves the data directory. */
  stop(): Promise<void>;
}

/** The compiled CLI, which is what `superkube` users run (bin/superkube.js imports dist/cli/main.js). */
export const SUPERKUBE_BIN = join(ROOT, 'bin', 'superkube.js');

/**
 * Starts `node bin/superkube.js server` on an ephemeral port over `dataDir` and waits for its "serving" line.
 * `nodeArgs` go before the script (e.g. `--cpu-prof`).
 */
export async function startServer(
  dataDir: string,
  opts: { extraArgs?: string[]; nodeArgs?: string[] } = {},
): Promise<BenchServer> {
  const child = spawn(
    process.execPath,
    [
      ...(opts.nodeArgs ?? []),
      SUPERKUBE_BIN,
      'server',
      '--data-dir',
      dataDir,
      '--secure-port',
      '0',
      '--log-level',
      'warn',
      ...(opts.extraArgs ?? []),
    ],
    { cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'] },
  );
  let stdout = '';
  let stderr = '';
  child.stdout!.on('data', (d: Buffer) => {
    stdout += d.toString();
  });
  child.stderr!.on('data', (d: Buffer) => {
    // Keep the tail only: a long run must not accumulate an unbounded log.
    stderr = (stderr + d.toString()).slice(-64 * 1024);
  });
  const exited = new Promise<void>((resolve) => child.on('exit', () => resolve()));
  const deadline = Date.now() + 120_000;
  const re = /serving the Kubernetes API at (\S+)/;
  while (!re.test(stdout)) {
    if (child.exitCode !== null) throw new Error(`superkube exited with ${child.exitCode}: ${stderr}`);
    if (Date.now() > deadline) {
      child.kill('SIGKILL');
      throw new Error(`superkube did not start in time: ${stderr}`);
    }
    await sleep(20);
  }
  const url = re.exec(stdout)![1]!;
  return {
    url,
    port: Number(new URL(url).port),
    dataDir,
    adminToken: readFileSync(join(dataDir, 'known_tokens.csv'), 'utf8').split(',')[0]!,
    caPem: readFileSync(join(dataDir, 'ca.crt'), 'utf8'),
    process: child,
    logs: () => stderr,
    stop: async () => {
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGTERM');
      const killer = setTimeout(() => child.kill('SIGKILL'), 10_000);
      await exited;
      clearTimeout(killer);
    },
  };
}

/** Resolves after `ms`. */
export function sleep(ms: number): Promise<void> {
  return new Promise((r) => setTimeout(r, ms));
}

/** A keep-alive HTTPS agent trusting `caPem`. */
export function keepAliveAgent(caPem: string, maxSockets = 16): Agent {
  return new Agent({ keepAlive: true, maxSockets, ca: caPem });
}

/** A response read to the end. */
export interface Response {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: Buffer;
}

/** One HTTPS request through `agent` (JSON body when `body` is an object). */
export function request(
  agent: Agent,
  url: string,
  opts: { method?: string; token?: string; body?: unknown; headers?: Record<string, string> } = {},
): Promise<Response> {
  return new Promise((resolve, reject) => {
    const payload = opts.body === undefined ? undefined : Buffer.from(JSON.stringify(opts.body));
    const req = httpsRequest(
      url,
      {
        agent,
        method: opts.method ?? 'GET',
        headers: {
          ...(opts.token ? { authorization: `Bearer ${opts.token}` } : {}),
          ...(payload ? { 'content-type': 'application/json', 'content-length': String(payload.length) } : {}),
          ...opts.headers,
        },
      },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (d: Buffer) => chunks.push(d));
        res.on('end', () =>
          resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks) }),
        );
        res.on('error', reject);
      },
    );
    req.on('error', reject);
    req.end(payload);
  });
}

/** Like request, but fails unless the status is 2xx; returns the parsed JSON body. */
export async function requestJson<T = unknown>(
  agent: Agent,
  url: string,
  opts: { method?: string; token?: string; body?: unknown; headers?: Record<string, string> } = {},
): Promise<T> {
  const res = await request(agent, url, opts);
  if (res.status < 200 || res.status > 299) {
    throw new Error(`${opts.method ?? 'GET'} ${url}: ${res.status} ${res.body.toString().slice(0, 500)}`);
  }
  return JSON.parse(res.body.toString()) as T;
}

/**
 * Runs `fn(i)` for i in [0, count) with at most `concurrency` calls in flight (the shape of a client creating many
 * objects over a few keep-alive connections).
 */
export async function forEachConcurrent(
  count: number,
  concurrency: number,
  fn: (i: number) => Promise<unknown>,
): Promise<void> {
  let next = 0;
  const worker = async () => {
    while (next < count) await fn(next++);
  };
  await Promise.all(Array.from({ length: Math.min(concurrency, count) }, worker));
}

/** What autocannon reports (the part we read). */
export interface AutocannonResult {
  requests: { average: number; total: number };
  latency: { p50: number; p99: number; average: number; max: number };
  non2xx: number;
  errors: number;
  timeouts: number;
  statusCodeStats?: Record<string, { count: number }>;
}

/** The autocannon CLI, if installed (`npm install --no-save autocannon`). */
export function autocannonPath(): string | undefined {
  try {
    return fileURLToPath(import.meta.resolve('autocannon/autocannon.js'));
  } catch {
    return undefined;
  }
}

/**
 * Runs autocannon in its own process against `url` (so the load generator never shares the event loop of what it
 * measures) and returns its JSON summary.
 */
export function autocannon(
  url: string,
  opts: {
    connections: number;
    durationS: number;
    headers?: Record<string, string>;
    method?: string;
    body?: string;
    /** A fixed request rate (autocannon -R) instead of as fast as possible. */
    rate?: number;
  },
): Promise<AutocannonResult> {
  const bin = autocannonPath();
  if (!bin) throw new Error('autocannon is not installed: run `npm install --no-save autocannon`');
  const args = [bin, '--json', '--no-progress', '-c', String(opts.connections), '-d', String(opts.durationS)];
  for (const [k, v] of Object.entries(opts.headers ?? {})) args.push('-H', `${k}=${v}`);
  if (opts.method) args.push('-m', opts.method);
  if (opts.rate) args.push('-R', String(opts.rate));
  if (opts.body !== undefined) args.push('-b', opts.body);
  args.push(url);
  return new Promise((resolve, reject) => {
    execFile(process.execPath, args, { maxBuffer: 16 * 1024 * 1024 }, (err, stdout, stderr) => {
      if (err) return reject(new Error(`autocannon failed: ${err.message}\n${stderr}`));
      try {
        const line = stdout.trim().split('\n').pop() ?? '';
        resolve(JSON.parse(line) as AutocannonResult);
      } catch (e) {
        reject(new Error(`autocannon printed no JSON: ${(e as Error).message}\n${stdout}\n${stderr}`));
      }
    });
  });
}

/** Fails when autocannon saw anything but 2xx answers (a figure over errors would be meaningless). */
export function assertAllOk(what: string, r: AutocannonResult): void {
  if (r.non2xx > 0 || r.errors > 0 || r.timeouts > 0 || r.requests.total === 0) {
    throw new Error(
      `${what}: ${r.requests.total} requests, ${r.non2xx} non-2xx, ${r.errors} errors, ${r.timeouts} timeouts ` +
        `(status codes: ${JSON.stringify(r.statusCodeStats ?? {})})`,
    );
  }
}

/** Resident set size of a process in bytes (Linux /proc), or NaN elsewhere. */
export function rssOf(pid: number): number {
  try {
    const status = readFileSync(`/proc/${pid}/status`, 'utf8');
    const m = /VmRSS:\s+(\d+)\s+kB/.exec(status);
    return m ? Number(m[1]) * 1024 : Number.NaN;
  } catch {
    return Number.NaN;
  }
}

/**
 * CPU time (user + system, all threads) a process has used, in microseconds (Linux /proc, clock ticks of 10 ms), or
 * NaN elsewhere. Unlike a rate, CPU per request barely depends on what else the machine is doing.
 */
export function cpuTimeOf(pid: number): number {
  try {
    const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]!.split(' ');
    return (Number(fields[11]) + Number(fields[12])) * 10_000;
  } catch {
    return Number.NaN;
  }
}

/** Bytes as MiB with one decimal. */
export function mib(bytes: number): string {
  return `${(bytes / 1024 / 1024).toFixed(1)} MiB`;
}

/** Shared setup every HTTPS figure gets: a server, its admin token and a keep-alive agent. */
export interface ServerContext {
  server: BenchServer;
  agent: Agent;
}

/** A minimal valid Pod. */
export function podManifest(name: string, labels: Record<string, string> = {}): Record<string, unknown> {
  return {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: { name, labels: { app: 'bench', ...labels } },
    spec: { containers: [{ name: 'main', image: 'registry.k8s.io/pause:3.10' }] },
  };
}
