/**
 * The server's life on its data directory (issue 2): first start creates the keys, tokens and kubeconfig with
 * owner-only modes; a second server on the same directory refuses to start; an acknowledged write survives kill -9;
 * SIGTERM ends the process cleanly with a watch open; `superkube kubeconfig` prints the admin kubeconfig.
 */
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { X509Certificate } from 'node:crypto';
import { existsSync, mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { Kubectl, rawRequest, startServer, type TestServer } from './harness.ts';

const ROOT = join(import.meta.dirname, '..', '..');

function cli(args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    execFile(
      process.execPath,
      ['--import', 'tsx', join(ROOT, 'src/cli/main.ts'), ...args],
      { cwd: ROOT, timeout: 60_000 },
      (err, stdout, stderr) => {
        resolve({
          code: err ? ((err as { code?: number }).code ?? 1) : 0,
          stdout: String(stdout),
          stderr: String(stderr),
        });
      },
    );
  });
}

describe('the server on its data directory', () => {
  const dataDir = mkdtempSync(join(tmpdir(), 'superkube-lifecycle-'));
  const started: TestServer[] = [];
  after(async () => {
    for (const s of started) await s.stop('SIGKILL');
    rmSync(dataDir, { recursive: true, force: true });
  });

  it('first start writes keys, tokens, kubeconfig and database owner-only', async () => {
    const server = await startServer([], { dataDir });
    started.push(server);
    assert.equal(statSync(dataDir).mode & 0o777, 0o700);
    for (const f of ['ca.key', 'server.key', 'sa.key', 'known_tokens.csv', 'kubeconfig', 'state.db', 'audit.log'])
      assert.equal(statSync(join(dataDir, f)).mode & 0o777, 0o600, f);
    const line = readFileSync(join(dataDir, 'known_tokens.csv'), 'utf8').trim();
    assert.match(line, /^[0-9a-f]{64},admin,admin,"system:masters"$/);
    const kubeconfig = readFileSync(join(dataDir, 'kubeconfig'), 'utf8');
    assert.match(kubeconfig, new RegExp(`server: ${server.url.replace(/[.]/g, '\\.')}`));
    assert.match(kubeconfig, /current-context: superkube/);
  });

  it('a second server on the same data directory refuses to start, saying why', async () => {
    const r = await cli(['server', '--data-dir', dataDir, '--secure-port', '0']);
    assert.equal(r.code, 1);
    assert.match(
      r.stderr,
      /^superkube: data directory .* is in use by another superkube \(pid \d+\); stop it first or use another --data-dir\n$/,
    );
  });

  it('`superkube kubeconfig` prints the admin kubeconfig', async () => {
    const r = await cli(['kubeconfig', '--data-dir', dataDir]);
    assert.equal(r.code, 0);
    assert.equal(r.stdout, readFileSync(join(dataDir, 'kubeconfig'), 'utf8'));
  });

  it('an acknowledged write survives kill -9, and the next start reuses the directory', async () => {
    const first = started.pop()!;
    const k = new Kubectl('1.33', first);
    assert.equal(await k.ok(['create', 'configmap', 'durable', '--from-literal=k=v']), 'configmap/durable created\n');
    const keyBefore = readFileSync(join(dataDir, 'sa.key'), 'utf8');
    await first.stop('SIGKILL');
    const second = await startServer([], { dataDir });
    started.push(second);
    assert.equal(readFileSync(join(dataDir, 'sa.key'), 'utf8'), keyBefore, 'keys are reused');
    const k2 = new Kubectl('1.33', second);
    assert.equal(await k2.ok(['get', 'configmap', 'durable', '-o', 'jsonpath={.data.k}']), 'v');
    k.cleanup();
    k2.cleanup();
  });

  it('--tls-san adds names to the serving certificate, which is re-issued from the same CA', async () => {
    const server = started.pop()!;
    await server.stop('SIGTERM');
    const caBefore = readFileSync(join(dataDir, 'ca.crt'), 'utf8');
    const again = await startServer(['--tls-san', 'api.example.test', '--tls-san', '10.9.8.7'], { dataDir });
    started.push(again);
    const cert = new X509Certificate(readFileSync(join(dataDir, 'server.crt')));
    assert.match(cert.subjectAltName ?? '', /DNS:api\.example\.test/);
    assert.match(cert.subjectAltName ?? '', /IP Address:10\.9\.8\.7/);
    assert.match(cert.subjectAltName ?? '', /DNS:kubernetes\.default\.svc\.cluster\.local/);
    assert.equal(readFileSync(join(dataDir, 'ca.crt'), 'utf8'), caBefore);
    assert.ok(cert.verify(new X509Certificate(caBefore).publicKey), 'signed by the cluster CA');
  });

  it('SIGTERM shuts down cleanly while a watch is open', async () => {
    const server = started.pop()!;
    const k = new Kubectl('1.33', server);
    const watch = k.run(['get', 'configmaps', '-w'], { timeoutMs: 30_000 });
    await new Promise((r) => setTimeout(r, 1500));
    const code = await server.stop('SIGTERM');
    assert.equal(code, 0);
    const w = await watch;
    // kubectl ends its watch when the server closes the stream.
    assert.match(w.stdout, /durable/);
    k.cleanup();
  });

  it('--audit-log-path "" turns the audit log off', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'superkube-noaudit-'));
    const server = await startServer(['--audit-log-path', ''], { dataDir: dir });
    try {
      const r = await rawRequest(server, 'GET', '/api/v1/namespaces', { token: server.adminToken });
      assert.equal(r.status, 200);
      // Audit batches are written within 20 ms: far longer than that, still no file.
      await new Promise((done) => setTimeout(done, 500));
      assert.equal(existsSync(join(dir, 'audit.log')), false);
    } finally {
      await server.stop();
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
