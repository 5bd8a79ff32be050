/**
 * `superkube migrate --from <sqlite data dir> --to <etcd urls>` (issue 7): a cluster built on SQLite is copied into
 * etcd; a replica on etcd with the same key material (copied into its data directory before its first start) serves
 * every object with the same UID, and tokens issued before the migration (a bound TokenRequest token, a legacy
 * secret-based token, the static admin token) keep working.
 */
import assert from 'node:assert/strict';
import { rmSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { type EtcdCluster, startEtcd } from './etcd-harness.ts';
import { eventually, Kubectl, startServer, type TestServer } from './harness.ts';
import {
  copyKeyMaterial,
  etcdFlags,
  jsonRequest,
  LEADER_FLAGS,
  lines,
  newDataDir,
  type Replica,
  runCli,
  startReplica,
} from './replicas-harness.ts';

/** The resources whose objects the test compares before and after, with their list paths. */
const RESOURCES: [string, string][] = [
  ['namespaces', '/api/v1/namespaces'],
  ['serviceaccounts', '/api/v1/serviceaccounts'],
  ['secrets', '/api/v1/secrets'],
  ['configmaps', '/api/v1/configmaps'],
  ['pods', '/api/v1/pods'],
  ['roles', '/apis/rbac.authorization.k8s.io/v1/roles'],
  ['rolebindings', '/apis/rbac.authorization.k8s.io/v1/rolebindings'],
  ['clusterroles', '/apis/rbac.authorization.k8s.io/v1/clusterroles'],
  ['clusterrolebindings', '/apis/rbac.authorization.k8s.io/v1/clusterrolebindings'],
];

/** `resource/namespace/name` -> uid of every object of RESOURCES. */
async function snapshot(server: TestServer): Promise<Record<string, string>> {
  const out: Record<string, string> = {};
  for (const [resource, path] of RESOURCES) {
    const res = await jsonRequest(server, 'GET', path, { token: server.adminToken });
    assert.equal(res.status, 200, `${path}: ${res.body}`);
    for (const item of res.json['items'] as { metadata: { name: string; namespace?: string; uid: string } }[])
      out[`${resource}/${item.metadata.namespace ?? ''}/${item.metadata.name}`] = item.metadata.uid;
  }
  return out;
}

/** Who `token` is, as the server's SelfSubjectReview says (or the HTTP status when it is refused). */
async function whoAmI(server: TestServer, token: string): Promise<string> {
  const res = await jsonRequest(server, 'POST', '/apis/authentication.k8s.io/v1/selfsubjectreviews', {
    token,
    body: { apiVersion: 'authentication.k8s.io/v1', kind: 'SelfSubjectReview' },
  });
  if (res.status !== 201) return `HTTP ${res.status}: ${res.body}`;
  return (res.json['status'] as { userInfo: { username: string } }).userInfo.username;
}

const OBJECTS = `apiVersion: v1
kind: Secret
metadata:
  name: robot-token
  namespace: mig
  annotations:
    kubernetes.io/service-account.name: robot
type: kubernetes.io/service-account-token
---
apiVersion: v1
kind: Pod
metadata:
  name: web
  namespace: mig
spec:
  serviceAccountName: robot
  containers:
  - name: c
    image: nginx
`;

describe('superkube migrate from SQLite into etcd', () => {
  let etcd: EtcdCluster;
  let sqliteDir: string;
  let etcdDir: string;
  let emptyDir: string;
  let sqlite: TestServer;
  let replica: Replica | undefined;
  const kubectls: Kubectl[] = [];
  let before_: Record<string, string> = {};
  let boundToken = '';
  let legacyToken = '';

  before(async () => {
    etcd = await startEtcd({ members: 1 });
    sqliteDir = newDataDir('migrate-sqlite');
    etcdDir = newDataDir('migrate-etcd');
    emptyDir = newDataDir('migrate-empty');
    sqlite = await startServer([], { dataDir: sqliteDir });
  });

  after(async () => {
    for (const k of kubectls) k.cleanup();
    await sqlite?.stop();
    await replica?.stop();
    await etcd?.stop();
    for (const d of [sqliteDir, etcdDir, emptyDir]) if (d) rmSync(d, { recursive: true, force: true });
  });

  it('builds a cluster on SQLite and issues tokens there', async () => {
    const k = new Kubectl('1.32', sqlite);
    kubectls.push(k);
    const steps: [string[], string][] = [
      [['create', 'namespace', 'mig'], 'namespace/mig created\n'],
      [['create', 'serviceaccount', 'robot', '-n', 'mig'], 'serviceaccount/robot created\n'],
      [['create', 'secret', 'generic', 's1', '--from-literal=a=b', '-n', 'mig'], 'secret/s1 created\n'],
      [['create', 'configmap', 'c1', '--from-literal=k=v', '-n', 'mig'], 'configmap/c1 created\n'],
      [
        ['create', 'role', 'r', '--verb=get', '--resource=pods', '-n', 'mig'],
        'role.rbac.authorization.k8s.io/r created\n',
      ],
      [
        ['create', 'rolebinding', 'rb', '--role=r', '--serviceaccount=mig:robot', '-n', 'mig'],
        'rolebinding.rbac.authorization.k8s.io/rb created\n',
      ],
      [
        ['create', 'clusterrole', 'cr', '--verb=list', '--resource=namespaces'],
        'clusterrole.rbac.authorization.k8s.io/cr created\n',
      ],
      [
        ['create', 'clusterrolebinding', 'crb', '--clusterrole=cr', '--serviceaccount=mig:robot'],
        'clusterrolebinding.rbac.authorization.k8s.io/crb created\n',
      ],
    ];
    for (const [args, want] of steps) {
      const r = await k.run(args);
      assert.deepEqual([r.code, r.stdout, r.stderr], [0, want, ''], args.join(' '));
    }
    const created = await k.run(['create', '-f', '-'], { input: OBJECTS });
    assert.deepEqual(
      [created.code, created.stdout, created.stderr],
      [0, 'secret/robot-token created\npod/web created\n', ''],
    );

    // Wait for what the controllers add, so the snapshot holds the cluster's settled state.
    await eventually(
      async () =>
        (await k.run(['get', 'sa', 'default', '-n', 'mig', '-o', 'name'])).stdout === 'serviceaccount/default\n',
      30_000,
      'the default service account of mig',
    );
    await eventually(
      async () =>
        (await k.run(['get', 'cm', 'kube-root-ca.crt', '-n', 'mig', '-o', 'name'])).stdout ===
        'configmap/kube-root-ca.crt\n',
      30_000,
      'the kube-root-ca.crt configmap of mig',
    );
    await eventually(
      async () =>
        (await k.run(['get', 'pod', 'web', '-n', 'mig', '-o', 'jsonpath={.status.phase}'])).stdout === 'Running',
      30_000,
      'pod web Running',
    );
    const encoded = await eventually(
      async () => (await k.run(['get', 'secret', 'robot-token', '-n', 'mig', '-o', 'jsonpath={.data.token}'])).stdout,
      30_000,
      'the legacy token of robot-token',
    );
    legacyToken = Buffer.from(encoded, 'base64').toString();
    boundToken = (await k.ok(['create', 'token', 'robot', '-n', 'mig', '--duration', '1h'])).trim();
    assert.match(boundToken, /^eyJ/);
    assert.equal(await whoAmI(sqlite, boundToken), 'system:serviceaccount:mig:robot');
    assert.equal(await whoAmI(sqlite, legacyToken), 'system:serviceaccount:mig:robot');
    before_ = await snapshot(sqlite);
    for (const key of ['namespaces//mig', 'serviceaccounts/mig/robot', 'secrets/mig/robot-token', 'pods/mig/web'])
      assert.ok(before_[key], `${key} in ${JSON.stringify(before_)}`);
  });

  it('migrate refuses a data directory whose server still runs, and one without a database', async () => {
    const busy = await runCli(['migrate', '--from', sqliteDir, '--to', etcd.endpoints[0]!]);
    assert.deepEqual(
      [busy.code, busy.stdout, busy.stderr],
      [
        1,
        '',
        `superkube migrate: data directory ${sqliteDir} is in use by another superkube (pid ${sqlite.process.pid}); stop it first or use another --data-dir\n`,
      ],
    );
    const empty = await runCli(['migrate', '--from', emptyDir, '--to', etcd.endpoints[0]!]);
    assert.deepEqual(
      [empty.code, empty.stdout, empty.stderr],
      [1, '', `superkube migrate: no database at ${join(emptyDir, 'state.db')}\n`],
    );
  });

  it('migrate copies every object into etcd, and a second run copies nothing', async () => {
    assert.equal(await sqlite.stop(), 0);
    const url = etcd.endpoints[0]!;
    const r = await runCli(['migrate', '--from', sqliteDir, '--to', url]);
    assert.equal(r.stderr, '');
    assert.equal(r.code, 0);
    const out = lines(r.stdout);
    const m = /^copied (\d+) objects into etcd \(0 already there, left alone\)$/.exec(out[0] ?? '');
    assert.ok(m, r.stdout);
    const total = Number(m[1]);
    assert.equal(
      out.at(-1),
      `start the servers with --storage-backend etcd3 --etcd-servers ${url} and the key material of ${sqliteDir}`,
    );
    const perResource = new Map(
      out.slice(1, -1).map((line) => {
        const [, resource, n] = /^ {2}([a-z]+): (\d+)$/.exec(line) ?? [];
        assert.ok(resource, `line ${JSON.stringify(line)}`);
        return [resource, Number(n)] as const;
      }),
    );
    assert.deepEqual([...perResource.keys()], [...perResource.keys()].sort());
    assert.equal(
      [...perResource.values()].reduce((a, b) => a + b, 0),
      total,
    );
    for (const [resource] of RESOURCES)
      assert.equal(
        perResource.get(resource),
        Object.keys(before_).filter((key) => key.startsWith(`${resource}/`)).length,
        `copied ${resource}`,
      );

    const again = await runCli(['migrate', '--from', sqliteDir, '--to', url]);
    assert.deepEqual(
      [again.code, again.stderr, lines(again.stdout)],
      [
        0,
        '',
        [
          `copied 0 objects into etcd (${total} already there, left alone)`,
          `start the servers with --storage-backend etcd3 --etcd-servers ${url} and the key material of ${sqliteDir}`,
        ],
      ],
    );
  });

  it('a replica on etcd with the same key material serves every object with the same UID', async () => {
    copyKeyMaterial(sqliteDir, etcdDir);
    replica = await startReplica('migrated', etcdDir, [...etcdFlags(etcd.endpoints), ...LEADER_FLAGS]);
    const afterwards = await snapshot(replica);
    assert.deepEqual(afterwards, before_);
    // The replica's own kubeconfig works (same CA, same admin token).
    const k = new Kubectl('1.32', replica);
    kubectls.push(k);
    assert.equal(await k.ok(['get', 'pod', 'web', '-n', 'mig', '-o', 'name']), 'pod/web\n');
    assert.equal(
      (await k.ok(['get', 'cm', 'kube-root-ca.crt', '-n', 'mig', '-o', 'jsonpath={.data.ca\\.crt}'])).trim(),
      replica.caPem.trim(),
    );
  });

  it('tokens issued before the migration still work', async () => {
    const r = replica!;
    assert.equal(await whoAmI(r, boundToken), 'system:serviceaccount:mig:robot');
    assert.equal(await whoAmI(r, legacyToken), 'system:serviceaccount:mig:robot');
    assert.equal(await whoAmI(r, r.adminToken), 'admin');
    // RBAC granted before the migration still applies to the token.
    const list = await jsonRequest(r, 'GET', '/api/v1/namespaces', { token: boundToken });
    assert.equal(list.status, 200, list.body);
    const pods = await jsonRequest(r, 'GET', '/api/v1/namespaces/mig/pods/web', { token: boundToken });
    assert.equal(pods.status, 200, pods.body);
    const denied = await jsonRequest(r, 'GET', '/api/v1/namespaces/mig/secrets', { token: boundToken });
    assert.equal(denied.status, 403, denied.body);
    assert.equal(
      denied.json['message'],
      'secrets is forbidden: User "system:serviceaccount:mig:robot" cannot list resource "secrets" in API group "" in the namespace "mig"',
    );
  });
});
