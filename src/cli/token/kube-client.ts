/**
 * The little HTTPS client `superkube token inspect` needs: find and read a kubeconfig (current context only), and
 * POST review objects or GET a JWKS over node:https. TLS is always verified: against the kubeconfig's CA when it
 * has one, the system roots otherwise; `insecure-skip-tls-verify` is not honoured.
 */
import { existsSync, readFileSync } from 'node:fs';
import { request } from 'node:https';
import { homedir } from 'node:os';
import { dirname, isAbsolute, join, resolve } from 'node:path';
import { parse as parseYaml } from 'yaml';

/** Where the kubeconfig was found, and why it was chosen. */
export interface KubeconfigLocation {
  path: string;
  /** `--kubeconfig`, `$KUBECONFIG`, `$SUPERKUBE_DATA_DIR` or `~/.superkube`. */
  source: string;
}

/** What is needed to talk to the cluster of the kubeconfig's current context. */
export interface ClusterAccess {
  kubeconfig: string;
  context: string;
  server: string;
  /** PEM bundle to trust (certificate-authority-data or the certificate-authority file). */
  ca?: Buffer;
  /** The kubeconfig user's bearer token (token or tokenFile). */
  token?: string;
  clientCert?: Buffer;
  clientKey?: Buffer;
}

/** A kubeconfig could not be used; the message says which and why. */
export class KubeconfigError extends Error {
  override name = 'KubeconfigError';
}

/**
 * The kubeconfig to use: `--kubeconfig`, else the first existing file of $KUBECONFIG, else the superkube data
 * directory's (`$SUPERKUBE_DATA_DIR/kubeconfig` or `~/.superkube/kubeconfig`). Undefined when none exists; an
 * explicit `--kubeconfig` that does not exist is an error.
 */
export function locateKubeconfig(flag: string | undefined, env: NodeJS.ProcessEnv): KubeconfigLocation | undefined {
  if (flag !== undefined) {
    if (!existsSync(flag)) throw new KubeconfigError(`--kubeconfig ${flag}: no such file`);
    return { path: flag, source: '--kubeconfig' };
  }
  for (const p of (env['KUBECONFIG'] ?? '').split(':')) {
    if (p !== '' && existsSync(p)) return { path: p, source: '$KUBECONFIG' };
  }
  const dataDir = env['SUPERKUBE_DATA_DIR'];
  const candidate = join(dataDir || join(env['HOME'] || homedir(), '.superkube'), 'kubeconfig');
  if (existsSync(candidate)) return { path: candidate, source: dataDir ? '$SUPERKUBE_DATA_DIR' : '~/.superkube' };
  return undefined;
}

function named(list: unknown, name: string, what: string, file: string): Record<string, unknown> {
  const entry = Array.isArray(list)
    ? list.find((e) => typeof e === 'object' && e !== null && (e as { name?: unknown }).name === name)
    : undefined;
  const body = entry ? (entry as Record<string, unknown>)[what] : undefined;
  if (typeof body !== 'object' || body === null) {
    throw new KubeconfigError(`${file}: no ${what} named ${JSON.stringify(name)}`);
  }
  return body as Record<string, unknown>;
}

function str(obj: Record<string, unknown>, key: string): string | undefined {
  const v = obj[key];
  return typeof v === 'string' && v !== '' ? v : undefined;
}

/** Reads a file the kubeconfig names; relative paths are relative to the kubeconfig (as client-go resolves them). */
function readRelative(kubeconfig: string, path: string): Buffer {
  const full = isAbsolute(path) ? path : resolve(dirname(kubeconfig), path);
  try {
    return readFileSync(full);
  } catch (err) {
    throw new KubeconfigError(`${kubeconfig}: cannot read ${full}: ${(err as Error).message}`);
  }
}

/** Reads the current (or the named) context's cluster and user. */
export function loadClusterAccess(path: string, contextName?: string): ClusterAccess {
  let doc: unknown;
  try {
    doc = parseYaml(readFileSync(path, 'utf8'));
  } catch (err) {
    throw new KubeconfigError(`${path}: not a readable kubeconfig: ${(err as Error).message.split('\n')[0]}`);
  }
  if (typeof doc !== 'object' || doc === null) throw new KubeconfigError(`${path}: not a kubeconfig`);
  const config = doc as Record<string, unknown>;
  const context = contextName ?? str(config, 'current-context');
  if (!context) throw new KubeconfigError(`${path}: no current-context (use --context)`);
  const ctx = named(config.contexts, context, 'context', path);
  const clusterName = str(ctx, 'cluster');
  if (!clusterName) throw new KubeconfigError(`${path}: context ${JSON.stringify(context)} names no cluster`);
  const cluster = named(config.clusters, clusterName, 'cluster', path);
  const server = str(cluster, 'server');
  if (!server) throw new KubeconfigError(`${path}: cluster ${JSON.stringify(clusterName)} has no server`);
  const access: ClusterAccess = { kubeconfig: path, context, server: server.replace(/\/+$/, '') };
  const caData = str(cluster, 'certificate-authority-data');
  const caFile = str(cluster, 'certificate-authority');
  if (caData) access.ca = Buffer.from(caData, 'base64');
  else if (caFile) access.ca = readRelative(path, caFile);
  const userName = str(ctx, 'user');
  if (userName) {
    const user = named(config.users, userName, 'user', path);
    const token = str(user, 'token');
    const tokenFile = str(user, 'tokenFile');
    if (token) access.token = token;
    else if (tokenFile) access.token = readRelative(path, tokenFile).toString('utf8').trim();
    const certData = str(user, 'client-certificate-data');
    const keyData = str(user, 'client-key-data');
    const certFile = str(user, 'client-certificate');
    const keyFile = str(user, 'client-key');
    if (certData) access.clientCert = Buffer.from(certData, 'base64');
    else if (certFile) access.clientCert = readRelative(path, certFile);
    if (keyData) access.clientKey = Buffer.from(keyData, 'base64');
    else if (keyFile) access.clientKey = readRelative(path, keyFile);
  }
  return access;
}

/** A response: status code and the body text. */
export interface HttpResult {
  status: number;
  body: string;
}

/** Options of one request. */
export interface RequestOptions {
  method: 'GET' | 'POST';
  url: string;
  ca?: Buffer;
  /** Bearer token to send, if any. */
  token?: string;
  clientCert?: Buffer;
  clientKey?: Buffer;
  body?: string;
  timeoutMs?: number;
}

/** Performs one HTTPS request (https URLs only) and resolves with the whole body. */
export function httpsRequest(options: RequestOptions): Promise<HttpResult> {
  const url = new URL(options.url);
  if (url.protocol !== 'https:') return Promise.reject(new Error(`${options.url}: only https URLs are supported`));
  return new Promise((resolvePromise, reject) => {
    const headers: Record<string, string> = { accept: 'application/json' };
    if (options.token !== undefined) headers.authorization = `Bearer ${options.token}`;
    if (options.body !== undefined) {
      headers['content-type'] = 'application/json';
      headers['content-length'] = String(Buffer.byteLength(options.body));
    }
    const req = request(
      url,
      {
        method: options.method,
        headers,
        ca: options.ca,
        cert: options.clientCert,
        key: options.clientKey,
        timeout: options.timeoutMs ?? 30_000,
        agent: false,
      },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () =>
          resolvePromise({ status: res.statusCode ?? 0, body: Buffer.concat(chunks).toString('utf8') }),
        );
        res.on('error', reject);
      },
    );
    req.on('timeout', () => req.destroy(new Error(`${options.url}: timed out`)));
    req.on('error', reject);
    req.end(options.body);
  });
}

/** The message of a Kubernetes Status body, or a short rendering of whatever came back. */
export function statusMessage(result: HttpResult): string {
  try {
    const status = JSON.parse(result.body) as { kind?: unknown; message?: unknown };
    if (status.kind === 'Status' && typeof status.message === 'string') return `${result.status} ${status.message}`;
  } catch {
    // Not JSON: fall through.
  }
  const text = result.body.trim().split('\n')[0] ?? '';
  return `${result.status}${text ? ` ${text.slice(0, 200)}` : ''}`;
}
