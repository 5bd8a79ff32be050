/**
 * The data directory: created at first start (CA, serving certificate, service-account signing key, the admin's
 * static token and kubeconfig), reused afterwards, locked against a second server, and versioned.
 * Secrets are written 0600 in a 0700 directory, atomically (write to a temp file, then rename).
 */
import { generateKeyPairSync, randomBytes } from 'node:crypto';
import {
  chmodSync,
  closeSync,
  existsSync,
  mkdirSync,
  openSync,
  readFileSync,
  renameSync,
  rmSync,
  writeFileSync,
  writeSync,
} from 'node:fs';
import { hostname } from 'node:os';
import { join } from 'node:path';
import { stringify as toYaml } from 'yaml';
import { type CertKeyPair, certCovers, createCA, createServingCert } from './pki.ts';

/** The on-disk format this build writes; a newer one on disk is refused, an older one upgraded. */
export const DATA_DIR_FORMAT = 1;

/** Paths of everything in the data directory. */
export interface DataDirPaths {
  root: string;
  caCert: string;
  caKey: string;
  serverCert: string;
  serverKey: string;
  saKey: string;
  saPub: string;
  tokenFile: string;
  kubeconfig: string;
  database: string;
  auditLog: string;
  lock: string;
  format: string;
}

/** The paths under `root`. */
export function dataDirPaths(root: string): DataDirPaths {
  return {
    root,
    caCert: join(root, 'ca.crt'),
    caKey: join(root, 'ca.key'),
    serverCert: join(root, 'server.crt'),
    serverKey: join(root, 'server.key'),
    saKey: join(root, 'sa.key'),
    saPub: join(root, 'sa.pub'),
    tokenFile: join(root, 'known_tokens.csv'),
    kubeconfig: join(root, 'kubeconfig'),
    database: join(root, 'state.db'),
    auditLog: join(root, 'audit.log'),
    lock: join(root, 'superkube.lock'),
    format: join(root, 'format.json'),
  };
}

/** Writes a file atomically with the given mode. */
export function writeFileAtomic(path: string, data: string | Buffer, mode: number): void {
  const tmp = `${path}.tmp-${process.pid}-${randomBytes(6).toString('hex')}`;
  // 'wx': never write through a file (or symlink) that is already there.
  writeFileSync(tmp, data, { mode, flag: 'wx' });
  chmodSync(tmp, mode);
  renameSync(tmp, path);
}

/** Fails with a clear message when the directory was written by a newer superkube; records the format otherwise. */
export function checkFormat(paths: DataDirPaths): void {
  if (existsSync(paths.format)) {
    const { format } = JSON.parse(readFileSync(paths.format, 'utf8')) as { format: number };
    if (format > DATA_DIR_FORMAT)
      throw new Error(
        `data directory ${paths.root} has format ${format}, newer than this superkube understands (${DATA_DIR_FORMAT}); upgrade superkube or use another --data-dir`,
      );
    if (format === DATA_DIR_FORMAT) return;
  }
  writeFileAtomic(paths.format, `${JSON.stringify({ format: DATA_DIR_FORMAT })}\n`, 0o644);
}

function pidAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** Takes the directory's lock; a live second server on the same directory is refused. Returns the release function. */
export function lockDataDir(paths: DataDirPaths): () => void {
  for (let attempt = 0; attempt < 2; attempt++) {
    try {
      const fd = openSync(paths.lock, 'wx', 0o600);
      writeSync(fd, String(process.pid));
      closeSync(fd);
      return () => rmSync(paths.lock, { force: true });
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
      const pid = Number(readFileSync(paths.lock, 'utf8').trim());
      if (pid && pid !== process.pid && pidAlive(pid))
        throw new Error(
          `data directory ${paths.root} is in use by another superkube (pid ${pid}); stop it first or use another --data-dir`,
        );
      rmSync(paths.lock, { force: true }); // stale lock of a process that died
    }
  }
  throw new Error(`could not lock data directory ${paths.root}`);
}

/** The names the serving certificate always covers, plus `extra`. */
export function servingNames(extra: string[]): string[] {
  return [
    '127.0.0.1',
    '::1',
    'localhost',
    hostname(),
    'kubernetes',
    'kubernetes.default',
    'kubernetes.default.svc',
    'kubernetes.default.svc.cluster.local',
    ...extra,
  ];
}

/** Creates what is missing: CA, serving certificate (re-issued when it no longer covers the names), SA key. */
export async function ensureKeyMaterial(paths: DataDirPaths, sans: string[]): Promise<{ ca: CertKeyPair }> {
  mkdirSync(paths.root, { recursive: true, mode: 0o700 });
  let ca: CertKeyPair;
  if (existsSync(paths.caCert) && existsSync(paths.caKey)) {
    ca = { certPem: readFileSync(paths.caCert, 'utf8'), keyPem: readFileSync(paths.caKey, 'utf8') };
  } else {
    ca = await createCA(`superkube-ca@${Math.floor(Date.now() / 1000)}`);
    writeFileAtomic(paths.caKey, ca.keyPem, 0o600);
    writeFileAtomic(paths.caCert, ca.certPem, 0o644);
  }
  const haveServing = existsSync(paths.serverCert) && existsSync(paths.serverKey);
  if (!haveServing || !certCovers(readFileSync(paths.serverCert, 'utf8'), sans)) {
    const serving = await createServingCert(ca, 'kube-apiserver', sans);
    writeFileAtomic(paths.serverKey, serving.keyPem, 0o600);
    writeFileAtomic(paths.serverCert, serving.certPem, 0o644);
  }
  if (!existsSync(paths.saKey)) {
    const { privateKey, publicKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
    writeFileAtomic(paths.saKey, privateKey.export({ type: 'pkcs1', format: 'pem' }), 0o600);
    writeFileAtomic(paths.saPub, publicKey.export({ type: 'spki', format: 'pem' }), 0o644);
  }
  return { ca };
}

/**
 * A new static token: 256 random bits in hex. Not base64url: one token in 64 would begin with '-', which every
 * command line (`superkube token inspect <token>`, `kubectl --token <token>`) reads as an option.
 */
export function newStaticToken(): string {
  return randomBytes(32).toString('hex');
}

/** The admin kubeconfig (cluster and context `superkube`, user `admin`). */
export function kubeconfigYaml(server: string, caPem: string, token: string): string {
  return toYaml({
    apiVersion: 'v1',
    kind: 'Config',
    clusters: [
      { name: 'superkube', cluster: { server, 'certificate-authority-data': Buffer.from(caPem).toString('base64') } },
    ],
    contexts: [{ name: 'superkube', context: { cluster: 'superkube', user: 'admin' } }],
    'current-context': 'superkube',
    users: [{ name: 'admin', user: { token } }],
    preferences: {},
  });
}
