/** The `superkube` command line. */
import { readFileSync } from 'node:fs';
import { Command } from 'commander';
import { dataDirPaths } from '../server/data-dir.ts';
import { migrateCommand } from './migrate-command.ts';
import { defaultDataDir, serverCommand } from './server-command.ts';
import { tokenCommand } from './token/command.ts';

const program = new Command('superkube')
  .description('A Kubernetes-compatible API server built around Kubernetes token authentication')
  .version('0.1.0');

program.addCommand(serverCommand(), { isDefault: false });
program.addCommand(tokenCommand());
program.addCommand(migrateCommand());

program
  .command('kubeconfig')
  .description('print the admin kubeconfig (like `microk8s config`)')
  .option('--data-dir <dir>', 'data directory', defaultDataDir())
  .action((flags: { dataDir: string }) => {
    try {
      process.stdout.write(readFileSync(dataDirPaths(flags.dataDir).kubeconfig, 'utf8'));
    } catch {
      process.stderr.write(
        `superkube: no kubeconfig in ${flags.dataDir}; start the server once first (superkube server)\n`,
      );
      process.exit(1);
    }
  });

await program.parseAsync(process.argv);
