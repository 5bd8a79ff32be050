/**
 * Figures 7 and 8 and the data directory the HTTPS figures share: a cluster with 10,000 service accounts and
 * 50,000 further objects (11,000 pods, 39,000 config maps), written through the registry Stores (the same
 * strategies and validation as the API) while the server is stopped, because creating them one request at a time
 * would take most of the run's time budget.
 */
import { spawn } from 'node:child_process';
import { createServer } from 'node:net';
import { join } from 'node:path';
import type { ConfigMap, Pod, ServiceAccount } from '../src/api/core-v1.ts';
import { formatTime } from '../src/api/meta.ts';
import { markRunning } from '../src/controllers/node-controller.ts';
import { createStores } from '../src/registry/stores.ts';
import { openSqliteStorage } from '../src/storage/sqlite/sqlite-storage.ts';
import { systemClock } from '../src/util/clock.ts';
import {
  type BenchServer,
  fmt,
  keepAliveAgent,
  log,
  median,
  mib,
  podManifest,
  type Row,
  ratio,
  request,
  rssOf,
  SUPERKUBE_BIN,
  sleep,
  startServer,
  targetCell,
} from './lib.ts';

/** What the seeded data directory holds. */
export const SEED = {
  serviceAccountNamespaces: 100,
  serviceAccountsPerNamespace: 100,
  /** Namespace with 1,000 pods and the one with 10,000 (figure 5). */
  smallList: { namespace: 'list-1k', pods: 1_000 },
  largeList: { namespace: 'list-10k', pods: 10_000 },
  configMaps: 39_000,
} as const;

/** Writes the seed objects into the (stopped) server's data directory. */
export async function seedDataDir(dataDir: string): Promise<number> {
  const storage = openSqliteStorage({ path: join(dataDir, 'state.db') });
  let count = 0;
  try {
    const stores = createStores(storage, systemClock);
    const ns = async (name: string) => {
      if (!(await stores.namespaces.find('', name)))
        await stores.namespaces.create('', { metadata: { name } } as never);
    };
    for (let n = 0; n < SEED.serviceAccountNamespaces; n++) {
      const namespace = `team-${n}`;
      await ns(namespace);
      for (let i = 0; i < SEED.serviceAccountsPerNamespace; i++) {
        await stores.serviceAccounts.create(namespace, { metadata: { name: `sa-${i}` } } as ServiceAccount);
        count++;
      }
    }
    for (const { namespace, pods } of [SEED.smallList, SEED.largeList]) {
      await ns(namespace);
      for (let i = 0; i < pods; i++) {
        const name = `pod-${i}`;
        await stores.pods.create(namespace, podManifest(name, { index: String(i % 10) }) as unknown as Pod);
        // Running, as the simulated node left them before the restart: pending pods would have the node
        // controller updating 11,000 pods and recording their events under every figure measured after start.
        const now = formatTime(systemClock.now());
        await stores.pods.guaranteedUpdate(namespace, name, (p) => markRunning(p, now), { trusted: true });
        count++;
      }
    }
    for (let i = 0; i < SEED.configMaps; i++) {
      const cm = { metadata: { name: `cm-${i}` }, data: { key: `value-${i}`, config: 'x'.repeat(64) } };
      await stores.configMaps.create(`team-${i % SEED.serviceAccountNamespaces}`, cm as ConfigMap);
      count++;
    }
  } finally {
    await storage.close();
  }
  return count;
}

/** A free TCP port on 127.0.0.1 (so /readyz can be polled from the moment the process starts). */
function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = createServer();
    s.once('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const port = (s.address() as { port: number }).port;
      s.close(() => resolve(port));
    });
  });
}

/** Milliseconds from spawning `superkube server` to its first 200 on /readyz. */
async function timeToReady(dataDir: string, caPem: string, token: string): Promise<number> {
  const port = await freePort();
  const agent = keepAliveAgent(caPem, 1);
  const start = performance.now();
  const child = spawn(
    process.execPath,
    [SUPERKUBE_BIN, 'server', '--data-dir', dataDir, '--secure-port', String(port)],
    {
      stdio: 'ignore',
    },
  );
  const exited = new Promise<void>((r) => child.on('exit', () => r()));
  try {
    for (;;) {
      if (child.exitCode !== null) throw new Error(`superkube exited with ${child.exitCode} before /readyz`);
      if (performance.now() - start > 120_000) throw new Error('superkube not ready within 120 s');
      try {
        const res = await request(agent, `https://127.0.0.1:${port}/readyz`, { token });
        if (res.status === 200) return performance.now() - start;
      } catch {
        // Not listening yet.
      }
      await sleep(5);
    }
  } finally {
    agent.destroy();
    child.kill('SIGTERM');
    await exited;
  }
}

/** Milliseconds `node -e ""` takes from spawn to exit. */
function timeNodeNoop(): Promise<number> {
  return new Promise((resolve, reject) => {
    const start = performance.now();
    const child = spawn(process.execPath, ['-e', ''], { stdio: 'ignore' });
    child.on('error', reject);
    child.on('exit', () => resolve(performance.now() - start));
  });
}

/** Resident memory of `server` once it has been idle for `settleMs`. */
async function settledRss(server: BenchServer, settleMs: number): Promise<number> {
  await sleep(settleMs);
  return rssOf(server.process.pid!);
}

/** Results of preparing the warm cluster: figures 7 and 8 and the running warm server. */
export interface WarmCluster {
  rows: Row[];
  server: BenchServer;
  /** Memory row to complete after the load figures (RSS after load). */
  memoryAfterLoad(): Row;
}

/**
 * Starts a server on `dataDir` (first start: keys, bootstrap policy), measures its idle RSS (figure 7's baseline),
 * stops it, seeds the objects, measures start-to-ready on the warm directory against `node -e ""` (figure 8),
 * and starts the server the HTTPS figures use, measuring its idle RSS with all objects (figure 7).
 */
export async function prepareWarmCluster(dataDir: string, opts: { startRuns: number }): Promise<WarmCluster> {
  log('figures 7/8: first start on an empty data directory');
  const first = await startServer(dataDir);
  const emptyRss = await settledRss(first, 3000);
  const { adminToken, caPem } = first;
  await first.stop();

  log('figures 7/8: seeding 10,000 service accounts and 50,000 more objects');
  const t0 = performance.now();
  const seeded = await seedDataDir(dataDir);
  log(`seeded ${seeded} objects in ${((performance.now() - t0) / 1000).toFixed(1)} s`);

  log('figure 8: start to /readyz on the warm data directory');
  // One unmeasured start first: the first open after seeding checkpoints the fresh WAL.
  await timeToReady(dataDir, caPem, adminToken);
  const starts: number[] = [];
  const noops: number[] = [];
  for (let i = 0; i < opts.startRuns; i++) {
    starts.push(await timeToReady(dataDir, caPem, adminToken));
    noops.push(await timeNodeNoop());
  }
  const start = median(starts);
  const noop = median(noops);

  log('figure 7: resident memory with all objects');
  const server = await startServer(dataDir);
  const loadedRss = await settledRss(server, 3000);
  const target = 300 * 1024 * 1024;
  const memRow = (label: string, rss: number): Row => ({
    figure: label,
    superkube: mib(rss),
    baseline: `${mib(emptyRss)} (empty data dir)`,
    ratio: ratio(rss, emptyRss),
    target: targetCell(rss / 1024 / 1024, '<', target / 1024 / 1024, ' MiB'),
  });
  return {
    server,
    rows: [
      memRow('7. RSS with 10k SAs + 50k other objects, idle after start', loadedRss),
      {
        figure: `8. start to /readyz, warm data dir (60k objects), median of ${opts.startRuns}`,
        superkube: `${fmt(start)} ms`,
        baseline: `${fmt(noop)} ms node -e ""`,
        ratio: ratio(start, noop),
        target: 'report',
      },
    ],
    memoryAfterLoad: () =>
      memRow(
        '7a. RSS with the same data after the load figures (2, 3, 5, 6 over HTTP/1.1)',
        rssOf(server.process.pid!),
      ),
  };
}
