/**
 * End-to-end harness: starts a real superkube server process on an ephemeral port with a fresh data directory, and
 * runs the real kubectl binaries (each version with its own --cache-dir) against it.
 */
import { type ChildProcess, execFile, spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, realpathSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..', '..');

/** A running server under test. */
export interface TestServer {
  url: string;
  dataDir: string;
  kubeconfig: string;
  adminToken: string;
  caPem: string;
  process: ChildProcess;
  /** Everything the server wrote to stderr so far (its log). */
  logs(): string;
  stop(signal?: NodeJS.Signals): Promise<number | null>;
}

/** Starts `superkube server` from the sources (so tests always exercise the current code). */
export async function startServer(
  extraArgs: string[] = [],
  opts: { dataDir?: string; env?: NodeJS.ProcessEnv } = {},
): Promise<TestServer> {
  const dataDir = opts.dataDir ?? mkdtempSync(join(tmpdir(), 'superkube-e2e-'));
  const child = spawn(
    process.execPath,
    [
      '--import',
      'tsx',
      join(ROOT, 'src/cli/main.ts'),
      'server',
      '--data-dir',
      dataDir,
      '--secure-port',
      '0',
      ...extraArgs,
    ],
    { cwd: ROOT, env: { ...process.env, ...opts.env }, stdio: ['ignore', 'pipe', 'pipe'] },
  );
  let stdout = '';
  let stderr = '';
  child.stdout!.on('data', (d: Buffer) => {
    stdout += d.toString();
  });
  child.stderr!.on('data', (d: Buffer) => {
    stderr += d.toString();
  });
  const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
  const deadline = Date.now() + 60_000;
  while (!/serving the Kubernetes API at (\S+)/.test(stdout)) {
    if (child.exitCode !== null) throw new Error(`server exited with ${child.exitCode}: ${stderr}`);
    if (Date.now() > deadline) {
      child.kill('SIGKILL');
      throw new Error(`server did not start in time: ${stderr}`);
    }
    await new Promise((r) => setTimeout(r, 50));
  }
  const url = /serving the Kubernetes API at (\S+)/.exec(stdout)![1]!;
  const kubeconfig = join(dataDir, 'kubeconfig');
  const adminToken = readFileSync(join(dataDir, 'known_tokens.csv'), 'utf8').split(',')[0]!;
  return {
    url,
    dataDir,
    kubeconfig,
    adminToken,
    caPem: readFileSync(join(dataDir, 'ca.crt'), 'utf8'),
    process: child,
    logs: () => stderr,
    stop: async (signal = 'SIGTERM') => {
      if (child.exitCode === null) child.kill(signal);
      const code = await exited;
      if (!opts.dataDir) rmSync(dataDir, { recursive: true, force: true });
      return code;
    },
  };
}

/** The directory holding kubectl.1.27 ... kubectl.1.33. */
export function kubectlDir(): string {
  const candidates = (process.env['PATH'] ?? '').split(':').map((d) => join(d, 'kubectl'));
  for (const c of candidates) if (existsSync(c)) return dirname(realpathSync(c));
  throw new Error('kubectl not found on PATH');
}

/** The path of one kubectl version (`1.27` ... `1.33`). */
export function kubectlBinary(version: string): string {
  const p = join(kubectlDir(), `kubectl.${version}`);
  if (!existsSync(p)) throw new Error(`kubectl ${version} not found at ${p}`);
  return p;
}

/** What a command printed and how it exited. */
export interface RunResult {
  code: number;
  stdout: string;
  stderr: string;
}

/** A kubectl of one version bound to one server, with its own discovery cache. */
export class Kubectl {
  readonly binary: string;
  readonly kubeconfig: string;
  readonly cacheDir: string;
  constructor(version: string, server: TestServer) {
    this.binary = kubectlBinary(version);
    this.kubeconfig = server.kubeconfig;
    this.cacheDir = mkdtempSync(join(tmpdir(), `kubectl-cache-${version}-`));
  }

  /** Runs kubectl with `args` (never blocks the event loop: the server may run in this process). */
  run(args: string[], opts: { input?: string; env?: NodeJS.ProcessEnv; timeoutMs?: number } = {}): Promise<RunResult> {
    return new Promise((resolve) => {
      const child = execFile(
        this.binary,
        ['--kubeconfig', this.kubeconfig, '--cache-dir', this.cacheDir, ...args],
        {
          timeout: opts.timeoutMs ?? 60_000,
          env: { ...process.env, HOME: this.cacheDir, ...opts.env },
          maxBuffer: 32 * 1024 * 1024,
        },
        (err, stdout, stderr) => {
          const code = err
            ? typeof (err as { code?: unknown }).code === 'number'
              ? (err as { code: number }).code
              : 1
            : 0;
          resolve({ code, stdout: String(stdout), stderr: String(stderr) });
        },
      );
      if (opts.input !== undefined) child.stdin!.end(opts.input);
    });
  }

  /** Runs kubectl and fails with its output unless it exits 0. */
  async ok(args: string[], opts: { input?: string; env?: NodeJS.ProcessEnv } = {}): Promise<string> {
    const r = await this.run(args, opts);
    if (r.code !== 0)
      throw new Error(`kubectl ${args.join(' ')} exited ${r.code}\nstdout: ${r.stdout}\nstderr: ${r.stderr}`);
    return r.stdout;
  }

  cleanup(): void {
    rmSync(this.cacheDir, { recursive: true, force: true });
  }
}

/** Polls `fn` until it returns a truthy value or the deadline passes (then throws with the last error). */
export async function eventually<T>(
  fn: () => Promise<T | undefined | false>,
  timeoutMs = 15_000,
  what = 'condition',
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let last: unknown;
  for (;;) {
    try {
      const v = await fn();
      if (v) return v;
    } catch (err) {
      last = err;
    }
    if (Date.now() > deadline)
      throw new Error(`timed out waiting for ${what}${last ? `: ${(last as Error).message}` : ''}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

/** A raw HTTPS request to the server (for bad-input tests), trusting its CA. */
export async function rawRequest(
  server: TestServer,
  method: string,
  path: string,
  opts: { token?: string; body?: string | Buffer; headers?: Record<string, string> } = {},
): Promise<{ status: number; headers: Record<string, string | string[] | undefined>; body: string }> {
  const https = await import('node:https');
  return new Promise((resolve, reject) => {
    const u = new URL(path, server.url);
    const req = https.request(
      u,
      {
        method,
        ca: server.caPem,
        headers: {
          ...(opts.token !== undefined ? { authorization: `Bearer ${opts.token}` } : {}),
          ...(opts.body !== undefined ? { 'content-type': 'application/json' } : {}),
          ...opts.headers,
        },
      },
      (res) => {
        let body = '';
        res.on('data', (d: Buffer) => {
          body += d.toString();
        });
        res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body }));
      },
    );
    req.on('error', reject);
    if (opts.body !== undefined) req.write(opts.body);
    req.end();
  });
}
