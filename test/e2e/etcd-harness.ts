/**
 * Starts real etcd processes for tests: one member or a three-member cluster on 127.0.0.1 ephemeral ports, with
 * data directories on tmpfs (/dev/shm) so fsync costs nothing, and relaxed raft timings so two slow cores running
 * three members plus the tests do not trigger spurious elections.
 *
 * etcd comes from Debian's etcd-server package (/usr/bin/etcd); a missing binary is a clear error, never a skip.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { accessSync, constants, existsSync, mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { delimiter, join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';

/** One etcd member of a test cluster. */
export interface EtcdMember {
  name: string;
  /** The client URL, e.g. http://127.0.0.1:40123. */
  clientUrl: string;
  peerUrl: string;
  dataDir: string;
  /** True while its process runs. */
  readonly running: boolean;
  /** Everything the process wrote to stderr so far (etcd logs there), across restarts. */
  logs(): string;
}

/** A running etcd cluster under test. */
export interface EtcdCluster {
  /** Client URLs of all members, in member order (killed ones included). */
  endpoints: string[];
  members: EtcdMember[];
  /** SIGKILLs member `index` and waits for its process to exit. */
  kill(index: number): Promise<void>;
  /** Starts a killed member again on the same ports and data, and waits until it answers /health. */
  restart(index: number): Promise<void>;
  /** Kills every member and removes the data directories. Idempotent. */
  stop(): Promise<void>;
}

/** How to start a test cluster. */
export interface StartEtcdOptions {
  /** 1 (default) or 3 members. */
  members?: 1 | 3;
}

const INSTALL_HINT =
  'install it with `apt-get install -y etcd-server etcd-client` (Debian package etcd-server provides /usr/bin/etcd)';

/** The etcd binary: $ETCD_BIN when set, else `etcd` on PATH, else /usr/bin/etcd. Throws with an install hint. */
export function etcdBinary(): string {
  const fromEnv = process.env.ETCD_BIN;
  const candidates =
    fromEnv !== undefined && fromEnv !== ''
      ? [fromEnv]
      : [
          ...(process.env.PATH ?? '').split(delimiter).map((dir) => (dir ? join(dir, 'etcd') : undefined)),
          '/usr/bin/etcd',
        ];
  for (const candidate of candidates) {
    if (candidate === undefined || !existsSync(candidate)) continue;
    try {
      accessSync(candidate, constants.X_OK);
      return candidate;
    } catch {
      // Not executable: keep looking.
    }
  }
  const where = fromEnv ? `ETCD_BIN=${fromEnv} does not exist` : 'no etcd binary on PATH or at /usr/bin/etcd';
  throw new Error(`etcd is not installed (${where}): ${INSTALL_HINT}`);
}

/** Starts etcd and waits until every member is healthy (a leader is elected). */
export async function startEtcd(opts: StartEtcdOptions = {}): Promise<EtcdCluster> {
  const binary = etcdBinary();
  const count = opts.members ?? 1;
  // tmpfs when available: a raft log on a real disk with fsync is what makes etcd slow on small machines.
  const base = mkdtempSync(join(existsSync('/dev/shm') ? '/dev/shm' : tmpdir(), 'superkube-etcd-'));
  const ports = await freePorts(count * 2);
  const token = `superkube-test-${process.pid}-${Date.now()}`;
  const specs = Array.from({ length: count }, (_, i) => ({
    name: `m${i}`,
    clientUrl: `http://127.0.0.1:${ports[2 * i]}`,
    peerUrl: `http://127.0.0.1:${ports[2 * i + 1]}`,
    dataDir: join(base, `m${i}`),
  }));
  const initialCluster = specs.map((s) => `${s.name}=${s.peerUrl}`).join(',');

  const processes: (ChildProcess | undefined)[] = specs.map(() => undefined);
  const exits: Promise<void>[] = specs.map(() => Promise.resolve());
  const stderr: string[] = specs.map(() => '');
  let stopped = false;

  const launch = (i: number): void => {
    const s = specs[i]!;
    const child = spawn(
      binary,
      [
        '--name',
        s.name,
        '--data-dir',
        s.dataDir,
        '--listen-client-urls',
        s.clientUrl,
        '--advertise-client-urls',
        s.clientUrl,
        '--listen-peer-urls',
        s.peerUrl,
        '--initial-advertise-peer-urls',
        s.peerUrl,
        '--initial-cluster',
        initialCluster,
        '--initial-cluster-state',
        'new',
        '--initial-cluster-token',
        token,
        '--heartbeat-interval',
        '250',
        '--election-timeout',
        '2500',
        // Small snapshots and one backend file per member keep memory low; tests write little.
        '--snapshot-count',
        '10000',
        '--logger',
        'zap',
        '--log-level',
        'warn',
      ],
      { stdio: ['ignore', 'ignore', 'pipe'] },
    );
    child.stderr!.on('data', (d: Buffer) => {
      stderr[i] += d.toString();
    });
    processes[i] = child;
    exits[i] = new Promise((resolve) => child.on('exit', () => resolve()));
  };

  const kill = async (i: number): Promise<void> => {
    const child = processes[i];
    if (child === undefined) return;
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
    await exits[i];
    processes[i] = undefined;
  };

  const waitHealthy = async (indexes: number[]): Promise<void> => {
    const deadline = Date.now() + 60_000;
    for (const i of indexes) {
      while (!(await healthy(specs[i]!.clientUrl))) {
        const child = processes[i];
        if (child === undefined || child.exitCode !== null || child.signalCode !== null) {
          throw new Error(`etcd member ${specs[i]!.name} exited while starting:\n${stderr[i]}`);
        }
        if (Date.now() > deadline) throw new Error(`etcd member ${specs[i]!.name} not healthy in time:\n${stderr[i]}`);
        await sleep(100);
      }
    }
  };

  const stop = async (): Promise<void> => {
    if (stopped) return;
    stopped = true;
    await Promise.all(specs.map((_, i) => kill(i)));
    rmSync(base, { recursive: true, force: true });
  };

  try {
    for (let i = 0; i < count; i++) launch(i);
    await waitHealthy(specs.map((_, i) => i));
  } catch (err) {
    await stop();
    throw err;
  }

  const members: EtcdMember[] = specs.map((s, i) => ({
    ...s,
    get running() {
      const child = processes[i];
      return child !== undefined && child.exitCode === null && child.signalCode === null;
    },
    logs: () => stderr[i]!,
  }));
  const check = (i: number): void => {
    if (!Number.isInteger(i) || i < 0 || i >= count) throw new RangeError(`no etcd member ${i}`);
    if (stopped) throw new Error('the etcd cluster was stopped');
  };
  return {
    endpoints: specs.map((s) => s.clientUrl),
    members,
    kill: async (i) => {
      check(i);
      await kill(i);
    },
    restart: async (i) => {
      check(i);
      await kill(i);
      launch(i);
      // A lone restarted member of a cluster without quorum never turns healthy; wait only for its port then.
      const others = members.filter((m, j) => j !== i && m.running).length;
      if (others + 1 > count / 2) await waitHealthy([i]);
      else
        await waitListening(
          specs[i]!.clientUrl,
          () => processes[i],
          () => stderr[i]!,
        );
    },
    stop,
  };
}

/** True when the member answers /health with health "true" (it has a leader and serves reads). */
async function healthy(clientUrl: string): Promise<boolean> {
  try {
    const res = await fetch(`${clientUrl}/health`, { signal: AbortSignal.timeout(2_000) });
    const body = (await res.json()) as { health?: string };
    return body.health === 'true';
  } catch {
    return false;
  }
}

async function waitListening(
  clientUrl: string,
  child: () => ChildProcess | undefined,
  logs: () => string,
): Promise<void> {
  const deadline = Date.now() + 60_000;
  for (;;) {
    try {
      await fetch(`${clientUrl}/version`, { signal: AbortSignal.timeout(2_000) });
      return;
    } catch {
      const c = child();
      if (c === undefined || c.exitCode !== null || c.signalCode !== null) throw new Error(`etcd exited:\n${logs()}`);
      if (Date.now() > deadline) throw new Error(`etcd not listening in time:\n${logs()}`);
      await sleep(100);
    }
  }
}

/** Ports the kernel just handed out as free; etcd needs them up front because peers advertise them. */
async function freePorts(n: number): Promise<number[]> {
  const servers = await Promise.all(
    Array.from(
      { length: n },
      () =>
        new Promise<ReturnType<typeof createServer>>((resolve, reject) => {
          const server = createServer();
          server.once('error', reject);
          server.listen(0, '127.0.0.1', () => resolve(server));
        }),
    ),
  );
  const ports = servers.map((s) => {
    const address = s.address();
    if (address === null || typeof address === 'string') throw new Error('no port');
    return address.port;
  });
  await Promise.all(servers.map((s) => new Promise((resolve) => s.close(resolve))));
  return ports;
}
