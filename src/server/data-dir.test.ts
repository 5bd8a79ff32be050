import assert from 'node:assert/strict';
import { createPrivateKey, createPublicKey, X509Certificate } from 'node:crypto';
import { existsSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { parse as parseYaml } from 'yaml';
import {
  checkFormat,
  DATA_DIR_FORMAT,
  dataDirPaths,
  ensureKeyMaterial,
  kubeconfigYaml,
  lockDataDir,
  newStaticToken,
  servingNames,
  writeFileAtomic,
} from './data-dir.ts';

const mode = (path: string) => statSync(path).mode & 0o777;
// Above Linux's pid_max (2^22): no process can have it, so a lock naming it is always stale.
const DEAD_PID = 99_999_999;

describe('data directory', () => {
  let base: string;
  before(() => {
    base = mkdtempSync(join(tmpdir(), 'superkube-datadir-test-'));
  });
  after(() => {
    rmSync(base, { recursive: true, force: true });
  });

  describe('first start and reuse', () => {
    let root: string;
    const sans = ['127.0.0.1', 'localhost', 'kubernetes.default.svc'];
    before(() => {
      root = join(base, 'first', 'nested'); // does not exist yet
    });

    it('creates a 0700 directory with 0600 private keys and 0644 certificates', async () => {
      const paths = dataDirPaths(root);
      const { ca } = await ensureKeyMaterial(paths, sans);
      assert.equal(mode(root), 0o700);
      for (const key of [paths.caKey, paths.serverKey, paths.saKey]) assert.equal(mode(key), 0o600, key);
      for (const pub of [paths.caCert, paths.serverCert, paths.saPub]) assert.equal(mode(pub), 0o644, pub);
      assert.equal(readFileSync(paths.caCert, 'utf8'), ca.certPem);
      assert.equal(readFileSync(paths.caKey, 'utf8'), ca.keyPem);
      // the service-account key pair belongs together
      const priv = createPrivateKey(readFileSync(paths.saKey));
      assert.equal(priv.asymmetricKeyType, 'rsa');
      assert.equal(createPublicKey(priv).export({ type: 'spki', format: 'pem' }), readFileSync(paths.saPub, 'utf8'));
      // the serving certificate is the CA's and covers the names
      const serving = new X509Certificate(readFileSync(paths.serverCert));
      assert.ok(serving.verify(new X509Certificate(ca.certPem).publicKey));
      assert.ok(serving.checkHost('kubernetes.default.svc'));
      assert.ok(serving.checkIP('127.0.0.1'));
    });

    it('tokens and kubeconfig are written 0600, atomically, even over a looser existing file', () => {
      const paths = dataDirPaths(root);
      writeFileSync(paths.tokenFile, 'old', { mode: 0o644 });
      writeFileAtomic(paths.tokenFile, 'tok,admin,admin,"system:masters"\n', 0o600);
      assert.equal(mode(paths.tokenFile), 0o600);
      assert.equal(readFileSync(paths.tokenFile, 'utf8'), 'tok,admin,admin,"system:masters"\n');
      writeFileAtomic(paths.kubeconfig, kubeconfigYaml('https://127.0.0.1:6443', 'PEM', 'tok'), 0o600);
      assert.equal(mode(paths.kubeconfig), 0o600);
      const leftovers = ['known_tokens.csv', 'kubeconfig'].flatMap((f) =>
        existsSync(join(root, `${f}.tmp-${process.pid}`)) ? [f] : [],
      );
      assert.deepEqual(leftovers, [], 'no temporary files left behind');
    });

    it('a second start reuses every key and certificate', async () => {
      const paths = dataDirPaths(root);
      const before = [paths.caCert, paths.caKey, paths.serverCert, paths.serverKey, paths.saKey, paths.saPub].map((p) =>
        readFileSync(p, 'utf8'),
      );
      const { ca } = await ensureKeyMaterial(paths, sans);
      const again = [paths.caCert, paths.caKey, paths.serverCert, paths.serverKey, paths.saKey, paths.saPub].map((p) =>
        readFileSync(p, 'utf8'),
      );
      assert.deepEqual(again, before);
      assert.equal(ca.certPem, before[0]);
    });

    it('a new name re-issues only the serving certificate, from the same CA', async () => {
      const paths = dataDirPaths(root);
      const caBefore = readFileSync(paths.caCert, 'utf8');
      const servingBefore = readFileSync(paths.serverCert, 'utf8');
      const saBefore = readFileSync(paths.saKey, 'utf8');
      await ensureKeyMaterial(paths, [...sans, 'superkube.example.com']);
      assert.equal(readFileSync(paths.caCert, 'utf8'), caBefore);
      assert.equal(readFileSync(paths.saKey, 'utf8'), saBefore);
      const serving = readFileSync(paths.serverCert, 'utf8');
      assert.notEqual(serving, servingBefore);
      const cert = new X509Certificate(serving);
      assert.ok(cert.checkHost('superkube.example.com'));
      assert.ok(cert.verify(new X509Certificate(caBefore).publicKey));
      assert.equal(mode(paths.serverKey), 0o600);
    });
  });

  describe('format', () => {
    it('records the format on first use and accepts it afterwards', () => {
      const paths = dataDirPaths(mkdtempSync(join(base, 'fmt-')));
      checkFormat(paths);
      assert.deepEqual(JSON.parse(readFileSync(paths.format, 'utf8')), { format: DATA_DIR_FORMAT });
      checkFormat(paths);
    });

    it('refuses a directory written by a newer superkube, with the message', () => {
      const paths = dataDirPaths(mkdtempSync(join(base, 'fmt-')));
      writeFileSync(paths.format, JSON.stringify({ format: DATA_DIR_FORMAT + 1 }));
      assert.throws(() => checkFormat(paths), {
        message: `data directory ${paths.root} has format ${DATA_DIR_FORMAT + 1}, newer than this superkube understands (${DATA_DIR_FORMAT}); upgrade superkube or use another --data-dir`,
      });
      // and leaves the newer marker alone
      assert.deepEqual(JSON.parse(readFileSync(paths.format, 'utf8')), { format: DATA_DIR_FORMAT + 1 });
    });
  });

  describe('lock', () => {
    it('takes the lock with our pid and releases it', () => {
      const paths = dataDirPaths(mkdtempSync(join(base, 'lock-')));
      const release = lockDataDir(paths);
      assert.equal(readFileSync(paths.lock, 'utf8'), String(process.pid));
      assert.equal(mode(paths.lock), 0o600);
      release();
      assert.equal(existsSync(paths.lock), false);
    });

    it('refuses a directory locked by a live process', () => {
      const paths = dataDirPaths(mkdtempSync(join(base, 'lock-')));
      const owner = process.ppid; // alive for as long as this test runs
      writeFileSync(paths.lock, String(owner));
      assert.throws(() => lockDataDir(paths), {
        message: `data directory ${paths.root} is in use by another superkube (pid ${owner}); stop it first or use another --data-dir`,
      });
      assert.equal(readFileSync(paths.lock, 'utf8'), String(owner), 'the owner keeps its lock');
    });

    it('takes over a stale lock of a process that died', () => {
      const paths = dataDirPaths(mkdtempSync(join(base, 'lock-')));
      writeFileSync(paths.lock, String(DEAD_PID));
      const release = lockDataDir(paths);
      assert.equal(readFileSync(paths.lock, 'utf8'), String(process.pid));
      release();
    });
  });

  describe('helpers', () => {
    it('static tokens are 256 random bits in hex (never starting with a dash a command line would take)', () => {
      const a = newStaticToken();
      const b = newStaticToken();
      assert.match(a, /^[0-9a-f]{64}$/);
      assert.notEqual(a, b);
      assert.equal(Buffer.from(a, 'hex').length, 32);
    });

    it('the admin kubeconfig names cluster, context and user superkube/admin', () => {
      const cfg = parseYaml(kubeconfigYaml('https://127.0.0.1:6443', 'CA-PEM', 'the-token')) as Record<string, unknown>;
      assert.equal(cfg['apiVersion'], 'v1');
      assert.equal(cfg['kind'], 'Config');
      assert.equal(cfg['current-context'], 'superkube');
      assert.deepEqual(cfg['clusters'], [
        {
          name: 'superkube',
          cluster: {
            server: 'https://127.0.0.1:6443',
            'certificate-authority-data': Buffer.from('CA-PEM').toString('base64'),
          },
        },
      ]);
      assert.deepEqual(cfg['contexts'], [{ name: 'superkube', context: { cluster: 'superkube', user: 'admin' } }]);
      assert.deepEqual(cfg['users'], [{ name: 'admin', user: { token: 'the-token' } }]);
    });

    it('the serving names cover loopback, localhost and the in-cluster service names, plus extras', () => {
      const names = servingNames(['extra.example.com']);
      for (const n of [
        '127.0.0.1',
        '::1',
        'localhost',
        'kubernetes',
        'kubernetes.default',
        'kubernetes.default.svc',
        'kubernetes.default.svc.cluster.local',
        'extra.example.com',
      ])
        assert.ok(names.includes(n), n);
    });
  });
});
