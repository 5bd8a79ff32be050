/** The `superkube token` command group; `inspect` is its first subcommand. */
import { Command, Option } from 'commander';
import { systemClock } from '../../util/clock.ts';
import { type InspectIO, type InspectOptions, runInspect } from './inspect.ts';

const repeat = (value: string, previous: string[]) => [...previous, value];

/** Reads all of stdin as UTF-8. */
async function readStdin(): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of process.stdin) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString('utf8');
}

/** The real process as InspectIO. */
export function processIO(): InspectIO {
  return {
    readStdin,
    stdinIsTTY: process.stdin.isTTY === true,
    stdoutIsTTY: process.stdout.isTTY === true,
    writeOut: (text) => process.stdout.write(text),
    writeErr: (text) => process.stderr.write(text),
    env: process.env,
    clock: systemClock,
  };
}

/** `superkube token inspect [TOKEN | -]`. Sets process.exitCode: 0 valid, 1 invalid, 2 usage or malformed input. */
export function inspectCommand(io: () => InspectIO = processIO): Command {
  return new Command('inspect')
    .description(
      'decode a bearer token, verify it offline or ask the server whether it is valid, who it is and what it may do',
    )
    .argument('[token]', 'the token; "-" or nothing reads it from stdin (it is never printed back)')
    .option(
      '--key-file <file>',
      'PEM public/private keys or certificates to verify the signature with (repeatable)',
      repeat,
      [],
    )
    .option('--jwks <file|url>', 'a JWKS file or https URL to verify the signature with')
    .option('--certificate-authority <file>', 'CA bundle for an https --jwks URL (default: the kubeconfig CA)')
    .option(
      '--kubeconfig <file>',
      'kubeconfig of the server to ask (default: $KUBECONFIG, then ~/.superkube/kubeconfig)',
    )
    .option('--context <name>', 'kubeconfig context (default: the current context)')
    .option('-n, --namespace <ns>', 'namespace whose permissions to list', 'default')
    .option(
      '--audience <aud>',
      'audience to ask the TokenReview for (repeatable; default: the API audiences)',
      repeat,
      [],
    )
    .option('--offline', 'do not ask the server', false)
    .addOption(new Option('-o, --output <format>', 'output format').choices(['text', 'json']).default('text'))
    .exitOverride((err) => {
      // Usage errors exit 2 (commander's default is 1, which here means "token invalid").
      process.exit(err.exitCode === 0 ? 0 : 2);
    })
    .action(async (token: string | undefined, flags: Omit<InspectOptions, 'token'>) => {
      process.exitCode = await runInspect({ ...flags, token }, io());
    });
}

/** The `token` command group, for `program.addCommand(tokenCommand())`. */
export function tokenCommand(): Command {
  return new Command('token')
    .description('work with bearer tokens')
    .addCommand(inspectCommand())
    .exitOverride((err) => {
      process.exit(err.exitCode === 0 ? 0 : 2);
    });
}
