/**
 * The foundation kubectl command matrix with the real kubectl 1.32 against a superkube replica whose storage is etcd
 * (issue 7): get / create / delete of namespaces, service accounts, secrets, configmaps, roles, role bindings,
 * cluster roles, cluster role bindings and pods, -o yaml/json/wide/name, -w and api-resources print what they print
 * against the SQLite store (the same cases as kubectl-matrix.test.ts, from foundation-matrix.ts), and the objects
 * live in etcd.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { type EtcdCluster, startEtcd } from './etcd-harness.ts';
import { MATRIX_NS, registerFoundationMatrix } from './foundation-matrix.ts';
import { Kubectl } from './harness.ts';
import { lines } from './kubectl-output.ts';
import { etcdFlags, LEADER_FLAGS, memberHasKey, newDataDir, type Replica, startReplica } from './replicas-harness.ts';

describe('kubectl 1.32 against a superkube replica on etcd', () => {
  let etcd: EtcdCluster;
  let dataDir: string;
  let server: Replica;
  let k: Kubectl;
  let work: string;

  before(async () => {
    etcd = await startEtcd({ members: 1 });
    dataDir = newDataDir('etcd-kubectl');
    server = await startReplica('etcd-kubectl', dataDir, [...etcdFlags(etcd.endpoints), ...LEADER_FLAGS]);
    k = new Kubectl('1.32', server);
    work = mkdtempSync(join(tmpdir(), 'kubectl-etcd-'));
  });
  after(async () => {
    k?.cleanup();
    if (work) rmSync(work, { recursive: true, force: true });
    if (server && server.process.exitCode !== null) console.error(`server had exited: ${server.logs()}`);
    await server?.stop();
    await etcd?.stop();
    if (dataDir) rmSync(dataDir, { recursive: true, force: true });
  });

  it('version prints the 1.32 client and the 1.33 server', async () => {
    const r = await k.run(['version']);
    assert.equal(r.code, 0, r.stderr);
    const out = lines(r.stdout);
    assert.match(out[0]!, /^Client Version: v1\.32\.\d+$/);
    assert.match(out[1]!, /^Kustomize Version: v5\./);
    assert.match(out[2]!, /^Server Version: v1\.33\.\d+/);
    assert.equal(out.length, 3);
    assert.equal(r.stderr, '');
  });

  registerFoundationMatrix(() => ({ k, server, work }));

  it('the objects live in etcd under /registry', async () => {
    assert.equal(await memberHasKey(etcd.endpoints[0]!, '/registry/namespaces/default'), true);
    assert.equal(await memberHasKey(etcd.endpoints[0]!, '/registry/configmaps/default/watched'), true);
    assert.equal(await memberHasKey(etcd.endpoints[0]!, `/registry/namespaces/${MATRIX_NS}`), false);
  });
});
