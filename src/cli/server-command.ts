/** `superkube server`: flags (kube-apiserver's names where the meaning is the same) to ServerOptions, then run. */
import { homedir } from 'node:os';
import { join } from 'node:path';
import { Command, Option } from 'commander';
import { startApiServer } from '../server/api-server.ts';
import { createLogger } from '../server/logger.ts';
import { defaultOptions, type ServerOptions } from '../server/options.ts';

const collect = (value: string, previous: string[]) => [...previous, ...value.split(',').filter(Boolean)];
const repeat = (value: string, previous: string[]) => [...previous, value];

/** Parses Go-style durations (`1h`, `30m`, `90s`, `1h30m`) into seconds. */
export function parseDuration(text: string): number {
  if (/^\d+$/.test(text)) return Number(text);
  const re = /(\d+(?:\.\d+)?)(ms|h|m|s)/g;
  let total = 0;
  let consumed = 0;
  for (const m of text.matchAll(re)) {
    const n = Number(m[1]);
    total += m[2] === 'h' ? n * 3600 : m[2] === 'm' ? n * 60 : m[2] === 's' ? n : n / 1000;
    consumed += m[0].length;
  }
  if (consumed !== text.length || consumed === 0) throw new Error(`invalid duration ${JSON.stringify(text)}`);
  return total;
}

/** The default data directory: $SUPERKUBE_DATA_DIR or ~/.superkube. */
export function defaultDataDir(): string {
  return process.env['SUPERKUBE_DATA_DIR'] || join(homedir(), '.superkube');
}

/** Builds the `server` command. */
export function serverCommand(): Command {
  const d = defaultOptions('');
  return new Command('server')
    .description('run the API server (HTTPS, embedded SQLite store by default)')
    .option('--data-dir <dir>', 'data directory (env SUPERKUBE_DATA_DIR)', defaultDataDir())
    .option('--bind-address <ip>', 'address to listen on', d.bindAddress)
    .option('--secure-port <port>', 'HTTPS port (0 picks a free one)', String(d.securePort))
    .option('--tls-san <name>', 'extra name or IP for the serving certificate (repeatable)', repeat, [])
    .option('--tls-cert-file <file>', 'serving certificate (PEM) instead of the generated one')
    .option('--tls-private-key-file <file>', 'private key of --tls-cert-file')
    .addOption(new Option('--storage-backend <name>', 'storage backend').choices(['sqlite', 'etcd3']).default('sqlite'))
    .option('--etcd-servers <urls>', 'etcd endpoints, comma separated', collect, [])
    .option('--etcd-prefix <prefix>', 'key prefix in etcd', d.etcdPrefix)
    .option('--etcd-cafile <file>', 'CA bundle for etcd TLS')
    .option('--etcd-certfile <file>', 'client certificate for etcd TLS')
    .option('--etcd-keyfile <file>', 'client key for etcd TLS')
    .option(
      '--max-requests-inflight <n>',
      'concurrent non-watch requests before 429 (0: unlimited)',
      String(d.maxRequestsInflight),
    )
    .option('--request-timeout <duration>', 'time a non-watch request may take', '60s')
    .option(
      '--min-request-timeout <seconds>',
      'minimum watch duration without timeoutSeconds',
      String(d.minRequestTimeout),
    )
    .option('--token-auth-file <file>', 'static token file (default: <data-dir>/known_tokens.csv)')
    .option('--anonymous-auth [bool]', 'allow requests without credentials as system:anonymous', 'true')
    .option(
      '--service-account-issuer <url>',
      'issuer of service-account tokens (repeatable; the first signs)',
      repeat,
      [],
    )
    .option('--service-account-key-file <file>', 'PEM file with verification keys (repeatable)', repeat, [])
    .option(
      '--service-account-signing-key-file <file>',
      'private key signing service-account tokens (default: <data-dir>/sa.key)',
    )
    .option('--api-audiences <aud>', 'audiences of the API (default: the issuers)', collect, [])
    .option('--service-account-max-token-expiration <duration>', 'cap of TokenRequest durations (0: none)', '0')
    .option(
      '--service-account-extend-token-expiration [bool]',
      'extend projected tokens of pods as upstream does',
      'true',
    )
    .option('--service-account-jwks-uri <url>', 'jwks_uri of the OIDC discovery document')
    .option('--external-hostname <host>', 'host used in the default jwks_uri')
    .option('--service-account-issuer-discovery-public', 'serve OIDC discovery to anonymous clients', false)
    .option('--dashboard-idle-timeout <duration>', 'dashboard session idle timeout', '30m')
    .option('--leader-elect-lease-duration <duration>', 'controller leader lease duration', '15s')
    .option(
      '--leader-elect-renew-deadline <duration>',
      'how long a leader keeps trying to renew before giving up',
      '10s',
    )
    .option('--leader-elect-retry-period <duration>', 'interval between lease acquire/renew attempts', '2s')
    .option('-v, --v <level>', 'log verbosity (0-10, kube style) ', '0')
    .option('--log-level <level>', 'log level (trace, debug, info, warn, error)')
    .option(
      '--root-ca-file <file>',
      'CA bundle published to clients (kubeconfig, kube-root-ca.crt, token secrets); default: <data-dir>/ca.crt',
    )
    .option('--audit-log-path <file>', 'audit log (default: <data-dir>/audit.log; "" turns auditing off)')
    .option(
      '--audit-log-maxsize <MB>',
      'size at which the audit log is rotated (0: never)',
      String(d.auditLogMaxSizeMb),
    )
    .option('--audit-log-maxbackup <n>', 'rotated audit logs kept', String(d.auditLogMaxBackup))
    .action(async (flags: Record<string, string | string[] | boolean | undefined>) => {
      const bool = (v: unknown) => v === true || v === 'true';
      let opts: ServerOptions;
      try {
        opts = toOptions(flags, bool);
      } catch (err) {
        process.stderr.write(`superkube: ${(err as Error).message}\n`);
        process.exit(2);
      }
      await run(opts);
    });
}

/** A whole number flag >= 0, or an error naming the flag. */
function nonNegative(flag: string, value: unknown): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n < 0)
    throw new Error(`${flag} must be a whole number >= 0, got ${JSON.stringify(value)}`);
  return n;
}

/** Flag values to ServerOptions; throws on a malformed value (the caller prints it). */
function toOptions(
  flags: Record<string, string | string[] | boolean | undefined>,
  bool: (v: unknown) => boolean,
): ServerOptions {
  const d = defaultOptions('');
  return {
    ...defaultOptions(flags['dataDir'] as string),
    bindAddress: flags['bindAddress'] as string,
    securePort: Number(flags['securePort']),
    tlsSans: flags['tlsSan'] as string[],
    tlsCertFile: flags['tlsCertFile'] as string | undefined,
    tlsPrivateKeyFile: flags['tlsPrivateKeyFile'] as string | undefined,
    storageBackend: flags['storageBackend'] as 'sqlite' | 'etcd3',
    etcdServers: flags['etcdServers'] as string[],
    etcdPrefix: flags['etcdPrefix'] as string,
    etcdCaFile: flags['etcdCafile'] as string | undefined,
    etcdCertFile: flags['etcdCertfile'] as string | undefined,
    etcdKeyFile: flags['etcdKeyfile'] as string | undefined,
    maxRequestsInflight: Number(flags['maxRequestsInflight']),
    requestTimeout: parseDuration(flags['requestTimeout'] as string),
    minRequestTimeout: Number(flags['minRequestTimeout']),
    tokenAuthFile: flags['tokenAuthFile'] as string | undefined,
    anonymousAuth: bool(flags['anonymousAuth']),
    serviceAccountIssuers: (flags['serviceAccountIssuer'] as string[]).length
      ? (flags['serviceAccountIssuer'] as string[])
      : d.serviceAccountIssuers,
    serviceAccountKeyFiles: flags['serviceAccountKeyFile'] as string[],
    serviceAccountSigningKeyFile: flags['serviceAccountSigningKeyFile'] as string | undefined,
    apiAudiences: flags['apiAudiences'] as string[],
    serviceAccountMaxTokenExpiration: parseDuration(flags['serviceAccountMaxTokenExpiration'] as string),
    serviceAccountExtendTokenExpiration: bool(flags['serviceAccountExtendTokenExpiration']),
    serviceAccountJwksUri: flags['serviceAccountJwksUri'] as string | undefined,
    externalHostname: flags['externalHostname'] as string | undefined,
    serviceAccountIssuerDiscoveryPublic: bool(flags['serviceAccountIssuerDiscoveryPublic']),
    dashboardIdleTimeoutSeconds: parseDuration(flags['dashboardIdleTimeout'] as string),
    leaderElectLeaseDuration: parseDuration(flags['leaderElectLeaseDuration'] as string),
    leaderElectRenewDeadline: parseDuration(flags['leaderElectRenewDeadline'] as string),
    leaderElectRetryPeriod: parseDuration(flags['leaderElectRetryPeriod'] as string),
    rootCaFile: flags['rootCaFile'] as string | undefined,
    auditLogPath: flags['auditLogPath'] as string | undefined,
    auditLogMaxSizeMb: nonNegative('--audit-log-maxsize', flags['auditLogMaxsize']),
    auditLogMaxBackup: nonNegative('--audit-log-maxbackup', flags['auditLogMaxbackup']),
    logLevel: (flags['logLevel'] as string | undefined) ?? (Number(flags['v']) >= 4 ? 'debug' : 'info'),
  };
}

/** Starts the server, prints where it is, and stops it cleanly on SIGINT/SIGTERM. */
async function run(opts: ServerOptions): Promise<void> {
  const log = createLogger(opts.logLevel);
  let server: Awaited<ReturnType<typeof startApiServer>>;
  try {
    server = await startApiServer(opts, log);
  } catch (err) {
    process.stderr.write(`superkube: ${(err as Error).message}\n`);
    process.exit(1);
  }
  process.stdout.write(
    [
      `superkube is serving the Kubernetes API at ${server.url}`,
      `  kubeconfig: ${server.kubeconfigPath}`,
      `  try:        KUBECONFIG=${server.kubeconfigPath} kubectl get namespaces`,
      '',
    ].join('\n'),
  );
  // A server keeps serving through a bug in one request: log it, never die of it.
  process.on('unhandledRejection', (err) => log.error({ err }, 'unhandled rejection'));
  let stopping = false;
  const stop = async (signal: string) => {
    if (stopping) return;
    stopping = true;
    log.info({ signal }, 'shutting down');
    // Whatever hangs (a stuck client, a closed log pipe), the process ends.
    setTimeout(() => process.exit(1), 10_000).unref();
    await server.close();
    process.exit(0);
  };
  process.on('SIGINT', () => void stop('SIGINT'));
  process.on('SIGTERM', () => void stop('SIGTERM'));
}
