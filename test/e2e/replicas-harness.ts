/**
 * Helpers for the etcd and several-replica e2e tests: superkube replicas on an etcd cluster that share key material
 * (by pointing at the first replica's files with flags, or by copying them into each data directory), a streaming
 * watch over raw HTTPS, and (re-exported from kubectl-output.ts) a streaming kubectl and kubectl table parsing.
 *
 * A replica is started here rather than with harness.ts' startServer because a replica that points at another's
 * token file has no known_tokens.csv of its own, and because a killed replica must keep its data directory (the
 * others read their key material from it) and be started again on it.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { copyFileSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { eventually, type TestServer } from './harness.ts';

export { AGE, assertRow, lines, streamKubectl, table } from './kubectl-output.ts';

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..', '..');

/**
 * Leader election timings relaxed from the defaults so a fail-over takes seconds. The retry period is written `0.5s`
 * (Go's time.ParseDuration accepts it) because `500ms` is refused today; see etcd-replicas.test.ts.
 */
export const LEADER_FLAGS = [
  '--leader-elect-lease-duration',
  '3s',
  '--leader-elect-renew-deadline',
  '2s',
  '--leader-elect-retry-period',
  '0.5s',
];

/** The files of a data directory that make replicas one cluster to clients (kube-apiserver's flags' values). */
export const KEY_FILES = ['ca.crt', 'ca.key', 'server.crt', 'server.key', 'sa.key', 'sa.pub', 'known_tokens.csv'];

/** Flags that make a replica use the key material in `dir` (the first replica's data directory). */
export function sharedKeyFlags(dir: string): string[] {
  return [
    '--tls-cert-file',
    join(dir, 'server.crt'),
    '--tls-private-key-file',
    join(dir, 'server.key'),
    '--service-account-signing-key-file',
    join(dir, 'sa.key'),
    '--service-account-key-file',
    join(dir, 'sa.pub'),
    '--token-auth-file',
    join(dir, 'known_tokens.csv'),
    '--root-ca-file',
    join(dir, 'ca.crt'),
  ];
}

/** Copies the key material of `from` into `to` (before `to`'s first start), the other way to share it. */
export function copyKeyMaterial(from: string, to: string): void {
  for (const f of KEY_FILES) copyFileSync(join(from, f), join(to, f));
}

/** The storage flags of a replica on `endpoints`. */
export function etcdFlags(endpoints: string[]): string[] {
  return ['--storage-backend', 'etcd3', '--etcd-servers', endpoints.join(','), '--etcd-prefix', '/registry'];
}

/** A new empty data directory (the caller removes it). */
export function newDataDir(prefix: string): string {
  return mkdtempSync(join(tmpdir(), `superkube-${prefix}-`));
}

/** A running replica; its data directory outlives it (the test removes it). */
export interface Replica extends TestServer {
  name: string;
  /** The arguments after `server` it was started with, for a restart on the same data directory. */
  args: string[];
  /** Where the admin token and the client CA come from (the data dir of the replica owning the key material). */
  keysDir: string;
}

/**
 * Starts `superkube server` on `dataDir` with `args`; the admin token and the CA clients trust come from `keysDir`
 * (default `dataDir`). `kubeconfig` is the admin kubeconfig a client of this replica uses: the server's own unless
 * `clientKubeconfig` is set, in which case one is written from `keysDir`'s kubeconfig with this replica's URL (what
 * a user of a replica sharing key material by flags does).
 */
export async function startReplica(
  name: string,
  dataDir: string,
  args: string[],
  opts: { keysDir?: string; clientKubeconfig?: boolean } = {},
): Promise<Replica> {
  const keysDir = opts.keysDir ?? dataDir;
  const fullArgs = ['--data-dir', dataDir, '--secure-port', '0', ...args];
  const child: ChildProcess = spawn(
    process.execPath,
    ['--import', 'tsx', join(ROOT, 'src/cli/main.ts'), 'server', ...fullArgs],
    {
      cwd: ROOT,
      env: process.env,
      stdio: ['ignore', 'pipe', 'pipe'],
    },
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
  const deadline = Date.now() + 90_000;
  const serving = /serving the Kubernetes API at (\S+)/;
  while (!serving.test(stdout)) {
    if (child.exitCode !== null) throw new Error(`replica ${name} exited with ${child.exitCode}: ${stderr}`);
    if (Date.now() > deadline) {
      child.kill('SIGKILL');
      throw new Error(`replica ${name} did not start in time: ${stderr}`);
    }
    await new Promise((r) => setTimeout(r, 50));
  }
  const url = serving.exec(stdout)![1]!;
  let kubeconfig = join(dataDir, 'kubeconfig');
  if (opts.clientKubeconfig) {
    kubeconfig = join(dataDir, 'client.kubeconfig');
    const theirs = readFileSync(join(keysDir, 'kubeconfig'), 'utf8');
    writeFileSync(kubeconfig, theirs.replace(/server: https:\/\/\S+/, `server: ${url}`), { mode: 0o600 });
  }
  return {
    name,
    args,
    keysDir,
    url,
    dataDir,
    kubeconfig,
    adminToken: readFileSync(join(keysDir, 'known_tokens.csv'), 'utf8').split(',')[0]!,
    caPem: readFileSync(join(keysDir, 'ca.crt'), 'utf8'),
    process: child,
    logs: () => stderr,
    stop: async (signal = 'SIGTERM') => {
      if (child.exitCode === null && child.signalCode === null) child.kill(signal);
      return exited;
    },
  };
}

/** Starts `r` again on its data directory with the same arguments (a new port). */
export function restartReplica(r: Replica): Promise<Replica> {
  const clientKubeconfig = r.kubeconfig !== join(r.dataDir, 'kubeconfig');
  return startReplica(r.name, r.dataDir, r.args, { keysDir: r.keysDir, clientKubeconfig });
}

/** Runs `superkube <args>` (a CLI command such as migrate) and returns what it printed. */
export function runCli(args: string[]): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, ['--import', 'tsx', join(ROOT, 'src/cli/main.ts'), ...args], {
      cwd: ROOT,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => {
      stdout += d.toString();
    });
    child.stderr.on('data', (d: Buffer) => {
      stderr += d.toString();
    });
    child.on('exit', (code) => resolve({ code, stdout, stderr }));
  });
}

/** A JSON request to a server, parsed (status and body). */
export async function jsonRequest(
  server: TestServer,
  method: string,
  path: string,
  opts: { token?: string; body?: unknown; timeoutMs?: number } = {},
): Promise<{ status: number; body: string; json: Record<string, unknown> }> {
  const https = await import('node:https');
  return new Promise((resolve, reject) => {
    const data = opts.body === undefined ? undefined : JSON.stringify(opts.body);
    const req = https.request(
      new URL(path, server.url),
      {
        method,
        ca: server.caPem,
        timeout: opts.timeoutMs ?? 30_000,
        headers: {
          accept: 'application/json',
          ...(opts.token !== undefined ? { authorization: `Bearer ${opts.token}` } : {}),
          ...(data !== undefined ? { 'content-type': 'application/json' } : {}),
        },
      },
      (res) => {
        let body = '';
        res.on('data', (d: Buffer) => {
          body += d.toString();
        });
        res.on('end', () => {
          let json: Record<string, unknown> = {};
          try {
            json = JSON.parse(body) as Record<string, unknown>;
          } catch {
            // Not JSON (health endpoints): the text is in body.
          }
          resolve({ status: res.statusCode ?? 0, body, json });
        });
      },
    );
    req.on('timeout', () => req.destroy(new Error(`${method} ${path} timed out`)));
    req.on('error', reject);
    if (data !== undefined) req.write(data);
    req.end();
  });
}

/** One event of a watch stream. */
export interface WatchEventJson {
  type: string;
  object: { kind?: string; metadata: { name: string; namespace?: string; uid?: string; resourceVersion?: string } };
}

/** A watch over raw HTTPS (`path` must carry `watch=1`), collecting its events as they arrive. */
export async function startWatch(server: TestServer, path: string, token: string) {
  const https = await import('node:https');
  const events: WatchEventJson[] = [];
  let buffer = '';
  let ended = false;
  let status = 0;
  const req = https.request(new URL(path, server.url), {
    method: 'GET',
    ca: server.caPem,
    headers: { authorization: `Bearer ${token}`, accept: 'application/json' },
  });
  await new Promise<void>((resolve, reject) => {
    req.on('response', (res) => {
      status = res.statusCode ?? 0;
      res.on('data', (d: Buffer) => {
        buffer += d.toString();
        let nl = buffer.indexOf('\n');
        while (nl >= 0) {
          const line = buffer.slice(0, nl).trim();
          buffer = buffer.slice(nl + 1);
          if (line) events.push(JSON.parse(line) as WatchEventJson);
          nl = buffer.indexOf('\n');
        }
      });
      res.on('end', () => {
        ended = true;
      });
      resolve();
    });
    req.on('error', (err) => {
      ended = true;
      reject(err);
    });
    req.end();
  });
  return {
    status,
    events,
    /** Waits for an event matching `pred`. */
    waitFor: (pred: (e: WatchEventJson) => boolean, timeoutMs = 20_000) =>
      eventually(
        async () => {
          const found = events.find(pred);
          if (found) return found;
          if (ended) throw new Error('the watch ended');
          return undefined;
        },
        timeoutMs,
        `a watch event in ${JSON.stringify(events)}`,
      ),
    stop: () => {
      req.destroy();
    },
  };
}

/** Reads `key` from one etcd member alone (a serializable read through its JSON gateway): what that member holds. */
export async function memberHasKey(clientUrl: string, key: string): Promise<boolean> {
  const res = await fetch(`${clientUrl}/v3/kv/range`, {
    method: 'POST',
    body: JSON.stringify({ key: Buffer.from(key).toString('base64'), serializable: true, count_only: true }),
    signal: AbortSignal.timeout(2_000),
  });
  const body = (await res.json()) as { count?: string };
  return body.count === '1';
}

/** The index of the member that is etcd's raft leader (asked through the members' JSON gateways), or -1. */
export async function etcdLeaderIndex(clientUrls: string[], running: (i: number) => boolean): Promise<number> {
  for (let i = 0; i < clientUrls.length; i++) {
    if (!running(i)) continue;
    try {
      const res = await fetch(`${clientUrls[i]}/v3/maintenance/status`, {
        method: 'POST',
        body: '{}',
        signal: AbortSignal.timeout(2_000),
      });
      const body = (await res.json()) as { header?: { member_id?: string }; leader?: string };
      if (body.leader !== undefined && body.leader !== '0' && body.leader === body.header?.member_id) return i;
    } catch {
      // Not answering: not the leader we can use.
    }
  }
  return -1;
}
