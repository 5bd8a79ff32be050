/**
 * Several replicas on etcd (issue 7): a three-member etcd cluster and two superkube replicas, A with its own data
 * directory and B pointing at A's key material with flags (--tls-cert-file, --service-account-signing-key-file,
 * --token-auth-file, ...). Tokens, objects and watches cross replicas; token revocation follows the store's watch on
 * every replica; the controllers move when their leader dies; one etcd member down is harmless, two make writes
 * fail with a clear 503 and readyz fail while livez stays up, and service comes back without restarting superkube.
 */
import assert from 'node:assert/strict';
import { rmSync } from 'node:fs';
import { hostname } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { type EtcdCluster, startEtcd } from './etcd-harness.ts';
import { eventually, Kubectl } from './harness.ts';
import {
  etcdFlags,
  etcdLeaderIndex,
  jsonRequest,
  LEADER_FLAGS,
  memberHasKey,
  newDataDir,
  type Replica,
  restartReplica,
  sharedKeyFlags,
  startReplica,
  startWatch,
} from './replicas-harness.ts';

const UNAUTHORIZED =
  '{"kind":"Status","apiVersion":"v1","metadata":{},"status":"Failure","message":"Unauthorized","reason":"Unauthorized","code":401}';

/** A Status of 503 ServiceUnavailable naming the storage, as the registry maps StorageError Unavailable. */
function assertStorageUnavailable(res: { status: number; json: Record<string, unknown>; body: string }, what: string) {
  assert.equal(res.status, 503, `${what}: ${res.body}`);
  assert.equal(res.json['kind'], 'Status', `${what}: ${res.body}`);
  assert.equal(res.json['status'], 'Failure', `${what}: ${res.body}`);
  assert.equal(res.json['reason'], 'ServiceUnavailable', `${what}: ${res.body}`);
  assert.equal(res.json['code'], 503, `${what}: ${res.body}`);
  assert.match(String(res.json['message']), /^storage is unavailable: etcd /, `${what}: ${res.body}`);
}

const configMap = (name: string, data: Record<string, string> = { k: 'v' }) => ({
  apiVersion: 'v1',
  kind: 'ConfigMap',
  metadata: { name },
  data,
});

/** Creates service account `name` in `default` through `r` and returns a token requested for it there. */
async function serviceAccountToken(r: Replica, name: string, spec: Record<string, unknown>): Promise<string> {
  const sa = await jsonRequest(r, 'POST', '/api/v1/namespaces/default/serviceaccounts', {
    token: r.adminToken,
    body: { apiVersion: 'v1', kind: 'ServiceAccount', metadata: { name } },
  });
  assert.equal(sa.status, 201, sa.body);
  const tr = await jsonRequest(r, 'POST', `/api/v1/namespaces/default/serviceaccounts/${name}/token`, {
    token: r.adminToken,
    body: { apiVersion: 'authentication.k8s.io/v1', kind: 'TokenRequest', spec },
  });
  assert.equal(tr.status, 201, tr.body);
  return (tr.json['status'] as { token: string }).token;
}

describe('two superkube replicas on a three-member etcd cluster', () => {
  let etcd: EtcdCluster;
  const dirs: string[] = [];
  /** replicas[0] is A (owns the key material), replicas[1] is B (points at A's files). */
  const replicas: Replica[] = [];
  const kubectls: Kubectl[] = [];
  const kubectl = (r: Replica): Kubectl => {
    const k = new Kubectl('1.32', r);
    kubectls.push(k);
    return k;
  };
  /** The index of etcd's raft leader among the running members, once there is one. */
  const etcdLeader = async (): Promise<number> => {
    const running = (i: number) => etcd.members[i]!.running;
    const leader = await eventually(
      async () => {
        const l = await etcdLeaderIndex(etcd.endpoints, running);
        return l >= 0 ? l + 1 : undefined; // + 1: eventually waits for a truthy value, and 0 is a leader too.
      },
      30_000,
      'an etcd leader',
    );
    return leader - 1;
  };

  before(async () => {
    etcd = await startEtcd({ members: 3 });
    const aDir = newDataDir('replica-a');
    const bDir = newDataDir('replica-b');
    dirs.push(aDir, bDir);
    const storage = etcdFlags(etcd.endpoints);
    replicas.push(await startReplica('A', aDir, [...storage, ...LEADER_FLAGS]));
    replicas.push(
      await startReplica('B', bDir, [...storage, ...LEADER_FLAGS, ...sharedKeyFlags(aDir)], {
        keysDir: aDir,
        clientKubeconfig: true,
      }),
    );
  });

  after(async () => {
    for (const k of kubectls) k.cleanup();
    for (const r of replicas) {
      if (r.process.exitCode !== null && r.process.signalCode === null)
        console.error(`replica ${r.name} had exited: ${r.logs()}`);
      await r.stop();
    }
    await etcd?.stop();
    for (const d of dirs) rmSync(d, { recursive: true, force: true });
  });

  it('a token issued by replica A is accepted by replica B', async () => {
    const [a, b] = replicas as [Replica, Replica];
    const token = await serviceAccountToken(a, 'robot', { expirationSeconds: 3600 });
    assert.match(token, /^eyJ/);

    const ssr = await jsonRequest(b, 'POST', '/apis/authentication.k8s.io/v1/selfsubjectreviews', {
      token,
      body: { apiVersion: 'authentication.k8s.io/v1', kind: 'SelfSubjectReview' },
    });
    assert.equal(ssr.status, 201, ssr.body);
    const user = (ssr.json['status'] as { userInfo: { username: string; groups: string[] } }).userInfo;
    assert.equal(user.username, 'system:serviceaccount:default:robot');
    assert.deepEqual(user.groups, ['system:serviceaccounts', 'system:serviceaccounts:default', 'system:authenticated']);

    // B's TokenReview agrees, and the static admin token of A's token file works on B.
    const review = await jsonRequest(b, 'POST', '/apis/authentication.k8s.io/v1/tokenreviews', {
      token: a.adminToken,
      body: { apiVersion: 'authentication.k8s.io/v1', kind: 'TokenReview', spec: { token } },
    });
    assert.equal(review.status, 201, review.body);
    const status = review.json['status'] as { authenticated: boolean; user: { username: string } };
    assert.equal(status.authenticated, true, review.body);
    assert.equal(status.user.username, 'system:serviceaccount:default:robot');
    assert.equal(await kubectl(b).ok(['get', 'serviceaccount', 'robot', '-o', 'name']), 'serviceaccount/robot\n');
  });

  it('an object created through A is listed and watched through B', async () => {
    const [a, b] = replicas as [Replica, Replica];
    const list = await jsonRequest(b, 'GET', '/api/v1/namespaces/default/configmaps', { token: b.adminToken });
    assert.equal(list.status, 200, list.body);
    const rv = (list.json['metadata'] as { resourceVersion: string }).resourceVersion;
    const watch = await startWatch(
      b,
      `/api/v1/namespaces/default/configmaps?watch=1&resourceVersion=${rv}`,
      b.adminToken,
    );
    try {
      assert.equal(watch.status, 200);
      const created = await jsonRequest(a, 'POST', '/api/v1/namespaces/default/configmaps', {
        token: a.adminToken,
        body: configMap('from-a'),
      });
      assert.equal(created.status, 201, created.body);
      const uid = (created.json['metadata'] as { uid: string }).uid;
      const added = await watch.waitFor((e) => e.type === 'ADDED' && e.object.metadata.name === 'from-a');
      assert.equal(added.object.metadata.uid, uid);
      assert.equal(added.object.kind, 'ConfigMap');

      const listed = await jsonRequest(b, 'GET', '/api/v1/namespaces/default/configmaps', { token: b.adminToken });
      const items = (listed.json['items'] as { metadata: { name: string; uid: string } }[]).map((i) => [
        i.metadata.name,
        i.metadata.uid,
      ]);
      assert.ok(
        items.some(([n, u]) => n === 'from-a' && u === uid),
        JSON.stringify(items),
      );
      assert.equal(await kubectl(b).ok(['get', 'configmap', 'from-a', '-o', 'jsonpath={.metadata.uid}']), uid);

      const patched = await jsonRequest(a, 'PUT', '/api/v1/namespaces/default/configmaps/from-a', {
        token: a.adminToken,
        body: { ...configMap('from-a', { k: 'v2' }), metadata: created.json['metadata'] },
      });
      assert.equal(patched.status, 200, patched.body);
      await watch.waitFor((e) => e.type === 'MODIFIED' && e.object.metadata.name === 'from-a');
      const deleted = await jsonRequest(a, 'DELETE', '/api/v1/namespaces/default/configmaps/from-a', {
        token: a.adminToken,
      });
      assert.equal(deleted.status, 200, deleted.body);
      await watch.waitFor((e) => e.type === 'DELETED' && e.object.metadata.name === 'from-a');
      assert.deepEqual(
        watch.events.map((e) => `${e.type} ${e.object.metadata.name}`),
        ['ADDED from-a', 'MODIFIED from-a', 'DELETED from-a'],
      );
    } finally {
      watch.stop();
    }
  });

  it('deleting a service account through A makes its tokens fail on B (the cache flush follows the watch)', async () => {
    const [a, b] = replicas as [Replica, Replica];
    const token = await serviceAccountToken(a, 'doomed', {});
    const whoAmI = (r: Replica) =>
      jsonRequest(r, 'POST', '/apis/authentication.k8s.io/v1/selfsubjectreviews', {
        token,
        body: { apiVersion: 'authentication.k8s.io/v1', kind: 'SelfSubjectReview' },
      });
    // Twice on B: the second answer comes from B's token cache (10 s TTL), which the deletion must flush.
    for (let i = 0; i < 2; i++) assert.equal((await whoAmI(b)).status, 201);
    assert.equal((await whoAmI(a)).status, 201);

    const del = await jsonRequest(a, 'DELETE', '/api/v1/namespaces/default/serviceaccounts/doomed', {
      token: a.adminToken,
    });
    assert.equal(del.status, 200, del.body);
    // The acceptance is "within 1 s"; the deadline is generous, but far below the cache's 10 s TTL.
    const rejected = await eventually(
      async () => {
        const r = await whoAmI(b);
        return r.status === 401 ? r : undefined;
      },
      5_000,
      'B to reject the deleted service account token',
    );
    assert.equal(rejected.body, UNAUTHORIZED);
    const onA = await whoAmI(a);
    assert.deepEqual([onA.status, onA.body], [401, UNAUTHORIZED]);
  });

  it('killing the leader replica moves the controllers to the other', async () => {
    const holderOf = async (r: Replica) =>
      kubectl(r).ok([
        'get',
        'lease',
        '-n',
        'kube-system',
        'superkube-controllers',
        '-o',
        'jsonpath={.spec.holderIdentity}',
      ]);
    const holder = await holderOf(replicas[0]!);
    assert.match(holder, new RegExp(`^${hostname().replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}_[0-9a-f-]{36}$`));
    const leaders = replicas.filter((r) => r.logs().includes('"msg":"became the controller leader"'));
    assert.equal(leaders.length, 1, `exactly one replica leads: ${leaders.map((r) => r.name).join(', ')}`);
    const leaderIndex = replicas.indexOf(leaders[0]!);
    const leader = replicas[leaderIndex]!;
    const survivor = replicas[1 - leaderIndex]!;

    // SIGKILL: no graceful release of the lease, so the survivor must wait for it to expire.
    await leader.stop('SIGKILL');
    await eventually(
      async () => survivor.logs().includes('"msg":"became the controller leader"'),
      30_000,
      `replica ${survivor.name} to take the lease`,
    );
    const newHolder = await holderOf(survivor);
    assert.notEqual(newHolder, holder);
    assert.match(newHolder, new RegExp(`^${hostname().replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}_[0-9a-f-]{36}$`));

    const k = kubectl(survivor);
    assert.equal(await k.ok(['create', 'namespace', 'after-failover']), 'namespace/after-failover created\n');
    await eventually(
      async () =>
        (await k.run(['get', 'sa', 'default', '-n', 'after-failover', '-o', 'name'])).stdout ===
        'serviceaccount/default\n',
      30_000,
      'the default service account of a namespace created after the fail-over',
    );

    // The killed replica comes back on its data directory (B reads its key files) as a follower.
    replicas[leaderIndex] = await restartReplica(leader);
    const back = replicas[leaderIndex]!;
    assert.equal(
      await kubectl(back).ok(['get', 'namespace', 'after-failover', '-o', 'name']),
      'namespace/after-failover\n',
    );
    assert.equal(await holderOf(back), newHolder);
  });

  it('kube-root-ca.crt of a namespace made by the new leader holds the CA that signed the serving certificate', async () => {
    // Pods verify the API server with this bundle, so it must be the shared CA whoever leads (A's ca.crt here).
    const k = kubectl(replicas[0]!);
    const ca = await eventually(
      async () =>
        (await k.run(['get', 'cm', 'kube-root-ca.crt', '-n', 'after-failover', '-o', 'jsonpath={.data.ca\\.crt}']))
          .stdout,
      30_000,
      'the kube-root-ca.crt configmap',
    );
    assert.equal(ca.trim(), replicas[0]!.caPem.trim());
  });

  it("B's own kubeconfig trusts the serving certificate it uses", async () => {
    // B serves A's certificate (--tls-cert-file), so the kubeconfig B writes must name the CA that signed it.
    const b = replicas[1]!;
    const k = new Kubectl('1.32', { ...b, kubeconfig: join(b.dataDir, 'kubeconfig') });
    kubectls.push(k);
    const r = await k.run(['get', 'namespace', 'default', '-o', 'name']);
    assert.deepEqual([r.code, r.stdout, r.stderr], [0, 'namespace/default\n', '']);
  });

  /** Creates and reads back configmap `name` through every replica; returns the responses. */
  const writeAndRead = async (prefix: string) => {
    const results: { replica: string; what: string; status: number; json: Record<string, unknown>; body: string }[] =
      [];
    for (const r of replicas) {
      const name = `${prefix}-${r.name.toLowerCase()}`;
      const created = await jsonRequest(r, 'POST', '/api/v1/namespaces/default/configmaps', {
        token: r.adminToken,
        body: configMap(name),
      });
      results.push({ replica: r.name, what: `create ${name}`, ...created });
      const got = await jsonRequest(r, 'GET', `/api/v1/namespaces/default/configmaps/${name}`, { token: r.adminToken });
      // After a create that failed, not finding the object is the right answer, not a failure of its own.
      if (!(created.status >= 300 && got.status === 404))
        results.push({ replica: r.name, what: `get ${name}`, ...got });
      const listed = await jsonRequest(r, 'GET', '/api/v1/namespaces/default/configmaps', { token: r.adminToken });
      results.push({ replica: r.name, what: 'list', ...listed });
    }
    return results;
  };

  it('killing one etcd member (a follower) keeps reads and writes working; restarted, it catches up', async () => {
    const leader = await etcdLeader();
    const follower = (leader + 1) % 3; // the next member round the ring.
    await etcd.kill(follower);
    for (const res of await writeAndRead('follower-down'))
      assert.equal(res.status, res.what.startsWith('create') ? 201 : 200, `${res.replica} ${res.what}: ${res.body}`);
    for (const r of replicas) {
      const ready = await jsonRequest(r, 'GET', '/readyz', { token: r.adminToken });
      assert.deepEqual([ready.status, ready.body], [200, 'ok']);
    }
    await etcd.restart(follower);
    for (const r of replicas)
      await eventually(
        () =>
          memberHasKey(
            etcd.members[follower]!.clientUrl,
            `/registry/configmaps/default/follower-down-${r.name.toLowerCase()}`,
          ),
        30_000,
        'the restarted member to hold the keys written while it was down',
      );
  });

  it("killing etcd's leader: requests fail at most briefly and clearly while etcd elects another", async () => {
    const leader = await etcdLeader();
    await etcd.kill(leader);
    // An election takes up to the members' election timeout (2.5 s here); meanwhile a request may fail, but only
    // as the clear 503 of an unavailable storage, and the same requests work once etcd has a leader again.
    const failures: Awaited<ReturnType<typeof writeAndRead>> = [];
    let round = 0;
    try {
      await eventually(
        async () => {
          const results = await writeAndRead(`leader-down-${++round}`);
          const bad = results.filter((res) => res.status >= 300);
          failures.push(...bad);
          return bad.length === 0;
        },
        30_000,
        'reads and writes to work with two etcd members',
      );
    } finally {
      await etcd.restart(leader);
    }
    // Checked after the retries: an assertion inside eventually() would only be retried.
    for (const res of failures) assertStorageUnavailable(res, `${res.replica} ${res.what}`);
    const last = `leader-down-${round}-a`;
    await eventually(
      () => memberHasKey(etcd.members[leader]!.clientUrl, `/registry/configmaps/default/${last}`),
      30_000,
      'the restarted member to hold the keys written while it was down',
    );
  });

  /** What the outage test saw, for the recovery test after it. */
  let snapshot: string[] = [];
  let pids: (number | undefined)[] = [];

  it('killing two etcd members: reads and writes fail with 503 ServiceUnavailable, readyz fails, livez stays up', async () => {
    const r = replicas[1]!;
    // A member an earlier failed test left down would turn this into a three-member outage.
    for (let i = 0; i < 3; i++) if (!etcd.members[i]!.running) await etcd.restart(i);
    const before = await jsonRequest(r, 'GET', '/api/v1/namespaces/default/configmaps', { token: r.adminToken });
    snapshot = (before.json['items'] as { metadata: { name: string; uid: string } }[]).map(
      (i) => `${i.metadata.name}=${i.metadata.uid}`,
    );
    pids = replicas.map((x) => x.process.pid);
    const outage: Record<string, { status: number; json: Record<string, unknown>; body: string }> = {};
    await etcd.kill(0);
    await etcd.kill(1);
    try {
      outage['create configmap'] = await jsonRequest(r, 'POST', '/api/v1/namespaces/default/configmaps', {
        token: r.adminToken,
        body: configMap('during-outage'),
      });
      outage['create namespace'] = await jsonRequest(r, 'POST', '/api/v1/namespaces', {
        token: r.adminToken,
        body: { apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'during-outage' } },
      });
      outage['update configmap'] = await jsonRequest(
        r,
        'PUT',
        '/api/v1/namespaces/default/configmaps/follower-down-a',
        { token: r.adminToken, body: configMap('follower-down-a', { k: 'changed-during-outage' }) },
      );
      outage['delete configmap'] = await jsonRequest(
        r,
        'DELETE',
        '/api/v1/namespaces/default/configmaps/follower-down-b',
        { token: r.adminToken },
      );
      outage['get configmap'] = await jsonRequest(r, 'GET', '/api/v1/namespaces/default/configmaps/follower-down-a', {
        token: r.adminToken,
      });
      outage['list configmaps'] = await jsonRequest(r, 'GET', '/api/v1/namespaces/default/configmaps', {
        token: r.adminToken,
      });
      for (const x of replicas) {
        outage[`readyz ${x.name}`] = await jsonRequest(x, 'GET', '/readyz', { token: x.adminToken });
        outage[`livez ${x.name}`] = await jsonRequest(x, 'GET', '/livez', { token: x.adminToken });
      }
    } finally {
      // Back before asserting, so a failed assertion leaves the cluster whole for the next test.
      await etcd.restart(0);
      await etcd.restart(1);
    }
    // One comparison of everything, so a failure shows every answer at once.
    const seen: Record<string, string> = {};
    const want: Record<string, string> = {};
    for (const [what, res] of Object.entries(outage)) {
      if (what.startsWith('readyz') || what.startsWith('livez')) {
        seen[what] = `${res.status} ${JSON.stringify(res.body)}`;
        want[what] = what.startsWith('readyz')
          ? `500 ${JSON.stringify('[+]ping ok\n[-]etcd failed: reason withheld\nreadyz check failed\n')}`
          : `200 ${JSON.stringify('ok')}`;
      } else {
        const message = String(res.json['message']);
        seen[what] = `${res.status} ${res.json['kind']} ${res.json['reason']} ${res.json['code']} ${
          /^storage is unavailable: etcd /.test(message) ? 'storage is unavailable: etcd ...' : message
        }`;
        want[what] = '503 Status ServiceUnavailable 503 storage is unavailable: etcd ...';
      }
    }
    assert.deepEqual(seen, want);
  });

  it('bringing the two members back restores service without restarting superkube; nothing lost or half-written', async () => {
    const r = replicas[1]!;
    // Service comes back without restarting superkube, and nothing was lost or half-written.
    for (const x of replicas)
      await eventually(
        async () => (await jsonRequest(x, 'GET', '/readyz', { token: x.adminToken })).status === 200,
        30_000,
        `readyz of ${x.name} after etcd came back`,
      );
    assert.deepEqual(
      replicas.map((x) => x.process.pid),
      pids,
    );
    assert.ok(replicas.every((x) => x.process.exitCode === null && x.process.signalCode === null));
    const created = await eventually(
      async () => {
        const c = await jsonRequest(r, 'POST', '/api/v1/namespaces/default/configmaps', {
          token: r.adminToken,
          body: configMap('after-outage'),
        });
        return c.status === 201 ? c : undefined;
      },
      30_000,
      'a create to succeed after etcd came back',
    );
    assert.equal((created.json['metadata'] as { name: string }).name, 'after-outage');
    for (const x of replicas) {
      const now = await jsonRequest(x, 'GET', '/api/v1/namespaces/default/configmaps', { token: x.adminToken });
      assert.equal(now.status, 200, now.body);
      const items = (now.json['items'] as { metadata: { name: string; uid: string } }[]).map(
        (i) => `${i.metadata.name}=${i.metadata.uid}`,
      );
      assert.deepEqual(
        items.filter((i) => !i.startsWith('after-outage=')),
        snapshot,
        `configmaps through ${x.name}`,
      );
      const untouched = await jsonRequest(x, 'GET', '/api/v1/namespaces/default/configmaps/follower-down-a', {
        token: x.adminToken,
      });
      assert.deepEqual(untouched.json['data'], { k: 'v' });
      const missing = await jsonRequest(x, 'GET', '/api/v1/namespaces/default/configmaps/during-outage', {
        token: x.adminToken,
      });
      assert.equal(missing.status, 404, missing.body);
      assert.equal(missing.json['reason'], 'NotFound');
      // The namespace create went to etcd as one transaction that timed out: like any etcd (and Kubernetes) write
      // whose answer was lost, it may still have been applied once quorum came back, but only whole.
      const ns = await jsonRequest(x, 'GET', '/api/v1/namespaces/during-outage', { token: x.adminToken });
      if (ns.status !== 404) {
        assert.equal(ns.status, 200, ns.body);
        const meta = ns.json['metadata'] as { uid?: string; creationTimestamp?: string; labels?: object };
        assert.match(meta.uid ?? '', /^[0-9a-f-]{36}$/, ns.body);
        assert.match(meta.creationTimestamp ?? '', /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/, ns.body);
        assert.deepEqual(meta.labels, { 'kubernetes.io/metadata.name': 'during-outage' }, ns.body);
        assert.deepEqual(ns.json['status'], { phase: 'Active' }, ns.body);
      }
    }

    // The controllers run again: a leader holds the lease once etcd answers.
    const k = kubectl(r);
    assert.equal(await k.ok(['create', 'namespace', 'after-outage']), 'namespace/after-outage created\n');
    await eventually(
      async () =>
        (await k.run(['get', 'sa', 'default', '-n', 'after-outage', '-o', 'name'])).stdout ===
        'serviceaccount/default\n',
      30_000,
      'the default service account of a namespace created after the outage',
    );
  });

  it('the leader-election flags take Go durations such as 500ms', async () => {
    const dir = newDataDir('replica-c');
    dirs.push(dir);
    const args = [
      ...etcdFlags(etcd.endpoints),
      '--leader-elect-lease-duration',
      '3s',
      '--leader-elect-renew-deadline',
      '2s',
      '--leader-elect-retry-period',
      '500ms',
      ...sharedKeyFlags(replicas[0]!.dataDir),
    ];
    const c = await startReplica('C', dir, args, { keysDir: replicas[0]!.dataDir, clientKubeconfig: true });
    try {
      const ns = await jsonRequest(c, 'GET', '/api/v1/namespaces/after-failover', { token: c.adminToken });
      assert.equal(ns.status, 200, ns.body);
    } finally {
      await c.stop();
    }
  });
});
