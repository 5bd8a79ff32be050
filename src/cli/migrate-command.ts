/**
 * `superkube migrate --from <sqlite data dir> --to <etcd servers>`: copies a single-node cluster into etcd. Values
 * are copied as they are, so objects keep their UIDs and issued service-account tokens stay valid (resourceVersions
 * are renumbered by etcd). The source directory is locked so no server writes to it meanwhile.
 */
import { existsSync } from 'node:fs';
import { Command } from 'commander';
import { dataDirPaths, lockDataDir } from '../server/data-dir.ts';
import { isStorageError } from '../storage/errors.ts';
import { openEtcdStorage } from '../storage/etcd/etcd-storage.ts';
import type { Storage } from '../storage/interface.ts';
import { openSqliteStorage } from '../storage/sqlite/sqlite-storage.ts';

/** What a migration copied, by resource. */
export interface MigrationReport {
  copied: Record<string, number>;
  skipped: Record<string, number>;
}

/** Copies every key under /registry/ from `from` to `to`; keys already in `to` are left alone and counted as skipped. */
export async function copyStorage(from: Storage, to: Storage): Promise<MigrationReport> {
  const report: MigrationReport = { copied: {}, skipped: {} };
  const revision = await from.currentRevision();
  let startAfter: string | undefined;
  for (;;) {
    const page = await from.list('/registry/', { revision, limit: 500, startAfter });
    for (const kv of page.items) {
      const resource = kv.key.split('/')[2] ?? '';
      try {
        await to.create(kv.key, kv.value);
        report.copied[resource] = (report.copied[resource] ?? 0) + 1;
      } catch (err) {
        if (!isStorageError(err, 'KeyExists')) throw err;
        report.skipped[resource] = (report.skipped[resource] ?? 0) + 1;
      }
    }
    if (!page.more || page.items.length === 0) break;
    startAfter = page.items[page.items.length - 1]!.key;
  }
  return report;
}

/** Builds the `migrate` command. */
export function migrateCommand(): Command {
  return new Command('migrate')
    .description('copy a single-node (SQLite) cluster into etcd')
    .requiredOption('--from <dir>', 'data directory of the SQLite cluster (its server must be stopped)')
    .requiredOption('--to <urls>', 'etcd endpoints, comma separated')
    .option('--etcd-prefix <prefix>', 'key prefix in etcd', '/registry')
    .option('--etcd-cafile <file>', 'CA bundle for etcd TLS')
    .option('--etcd-certfile <file>', 'client certificate for etcd TLS')
    .option('--etcd-keyfile <file>', 'client key for etcd TLS')
    .action(
      async (flags: {
        from: string;
        to: string;
        etcdPrefix: string;
        etcdCafile?: string;
        etcdCertfile?: string;
        etcdKeyfile?: string;
      }) => {
        const paths = dataDirPaths(flags.from);
        if (!existsSync(paths.database)) {
          process.stderr.write(`superkube migrate: no database at ${paths.database}\n`);
          process.exit(1);
        }
        let release: (() => void) | undefined;
        try {
          release = lockDataDir(paths);
          const from = openSqliteStorage({ path: paths.database, compactInterval: 0 });
          const to = await openEtcdStorage({
            endpoints: flags.to.split(',').filter(Boolean),
            prefix: flags.etcdPrefix,
            caFile: flags.etcdCafile,
            certFile: flags.etcdCertfile,
            keyFile: flags.etcdKeyfile,
            compactInterval: 0,
          });
          try {
            const report = await copyStorage(from, to);
            const total = Object.values(report.copied).reduce((a, b) => a + b, 0);
            const skipped = Object.values(report.skipped).reduce((a, b) => a + b, 0);
            process.stdout.write(`copied ${total} objects into etcd (${skipped} already there, left alone)\n`);
            for (const [resource, n] of Object.entries(report.copied).sort())
              process.stdout.write(`  ${resource}: ${n}\n`);
            process.stdout.write(
              `start the servers with --storage-backend etcd3 --etcd-servers ${flags.to} and the key material of ${flags.from}\n`,
            );
          } finally {
            await from.close();
            await to.close();
          }
        } catch (err) {
          process.stderr.write(`superkube migrate: ${(err as Error).message}\n`);
          process.exitCode = 1;
        } finally {
          release?.();
        }
      },
    );
}
