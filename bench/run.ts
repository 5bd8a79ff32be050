/**
 * `npm run bench`: runs every figure and prints one Markdown table (figure, superkube, baseline, ratio, target) on
 * stdout; progress goes to stderr. Every figure is a ratio against a baseline measured in this run on this machine.
 *
 * The HTTPS figures run the compiled server (`node bin/superkube.js server`, what users run), so the run starts
 * with `npm run build`'s compile; `--no-build` skips it when dist/ is known to be current.
 */
import { execFileSync } from 'node:child_process';
import { existsSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import {
  autocannonPath,
  type BenchServer,
  keepAliveAgent,
  log,
  markdownTable,
  ROOT,
  type Row,
  tempDir,
} from './lib.ts';
import { listScalingRows } from './list-scaling.ts';
import { rbacScaleRows } from './rbac-scale.ts';
import { requestPathRows } from './request-path.ts';
import { tokenValidationRows } from './token-validation.ts';
import { prepareWarmCluster } from './warm-cluster.ts';
import { prepareWatchNamespace, watchFanoutRows } from './watch-fanout.ts';

function build(): void {
  log('compiling the server (tsc -p tsconfig.build.json)');
  try {
    execFileSync(
      process.execPath,
      [join(ROOT, 'node_modules', 'typescript', 'bin', 'tsc'), '-p', 'tsconfig.build.json'],
      {
        cwd: ROOT,
        stdio: ['ignore', 'ignore', 'inherit'],
      },
    );
  } catch {
    // tsc still emits when it reports type errors; a missing entry point is what would stop the run.
    log('tsc reported errors; continuing with what it emitted');
  }
  if (!existsSync(join(ROOT, 'dist', 'cli', 'main.js'))) throw new Error('dist/cli/main.js was not built');
}

/** Orders rows by their figure number (1, 1a, 1b, 2, ...). */
function byFigure(a: Row, b: Row): number {
  const key = (r: Row) => {
    const m = /^(\d+)([a-z]?)\./.exec(r.figure);
    return m ? Number(m[1]) * 100 + (m[2] ? m[2].charCodeAt(0) - 96 : 0) : 1e6;
  };
  return key(a) - key(b);
}

async function main(): Promise<void> {
  const started = performance.now();
  if (!autocannonPath()) {
    throw new Error('autocannon is not installed: `npm install --no-save autocannon` (figures 2 and 3 need it)');
  }
  if (!process.argv.includes('--no-build')) build();

  const rows: Row[] = [];
  rows.push(...(await tokenValidationRows({ durationMs: 3000 })));
  rows.push(...(await rbacScaleRows({ durationMs: 2000 })));

  const dataDir = tempDir('cluster');
  let server: BenchServer | undefined;
  try {
    const cluster = await prepareWarmCluster(dataDir, { startRuns: 3 });
    server = cluster.server;
    rows.push(...cluster.rows);
    const httpsAgent = keepAliveAgent(server.caPem, 8);
    try {
      const common = { url: server.url, token: server.adminToken, agent: httpsAgent };
      rows.push(...(await listScalingRows({ ...common, runsSmall: 15, runsLarge: 5 })));
      rows.push(
        ...(await requestPathRows({
          url: server.url,
          serverPid: server.process.pid!,
          dataDir,
          adminToken: server.adminToken,
          agent: httpsAgent,
          connections: 10,
          durationS: 8,
          warmupS: 2,
          signDurationMs: 3000,
        })),
      );
      await prepareWatchNamespace(common);
      const watch = { ...common, caPem: server.caPem, watches: 1000, writes: 5 };
      rows.push(...(await watchFanoutRows({ ...watch, protocol: 'http1' })));
      rows.push(cluster.memoryAfterLoad());
      // Last: an HTTP/2 watch may take the server down (see the report), and nothing may run after it.
      rows.push(...(await watchFanoutRows({ ...watch, protocol: 'http2' })));
    } finally {
      httpsAgent.destroy();
    }
  } finally {
    await server?.stop();
    rmSync(dataDir, { recursive: true, force: true });
  }

  rows.sort(byFigure);
  process.stdout.write(`${markdownTable(rows)}\n`);
  log(`done in ${((performance.now() - started) / 1000).toFixed(0)} s (node ${process.version})`);
}

main().catch((err: unknown) => {
  process.stderr.write(`bench failed: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`);
  process.exitCode = 1;
});
