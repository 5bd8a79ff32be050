/**
 * The foundation kubectl command matrix (spec/kubectl.md §3-§10, §15): get / create / delete of namespaces, service
 * accounts, secrets, configmaps, roles, role bindings, cluster roles, cluster role bindings and pods, -o
 * yaml/json/wide/name, -l, -w and api-resources, asserting stdout and stderr as a real cluster prints them. The
 * cases run in order against one server (later ones use what earlier ones created); kubectl-matrix.test.ts runs them
 * with several kubectl versions against a SQLite server, etcd-kubectl.test.ts with kubectl 1.32 against etcd.
 */
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { it } from 'node:test';
import { eventually, type Kubectl, rawRequest, type TestServer } from './harness.ts';
import { AGE, assertRow, lines, streamKubectl, table } from './kubectl-output.ts';

/** The namespace the matrix creates, fills and deletes. */
export const MATRIX_NS = 'matrix';

/** What the cases run against, read when each case runs (a describe's before() sets it up). */
export interface FoundationContext {
  k: Kubectl;
  server: TestServer;
  /** A scratch directory for manifest files. */
  work: string;
}

const MULTI = (ns: string) => `apiVersion: v1
kind: ConfigMap
metadata:
  name: multi-cm
  namespace: ${ns}
data:
  k: v
---
apiVersion: v1
kind: Secret
metadata:
  name: multi-s
  namespace: ${ns}
stringData:
  password: hunter2
---
apiVersion: v1
kind: ServiceAccount
metadata:
  name: multi-sa
  namespace: ${ns}
---
apiVersion: v1
kind: Pod
metadata:
  name: web
  namespace: ${ns}
  labels:
    app: web
spec:
  containers:
  - name: c
    image: nginx
---
apiVersion: v1
kind: Pod
metadata:
  name: db
  namespace: ${ns}
  labels:
    app: db
spec:
  containers:
  - name: c
    image: postgres
`;

/**
 * Registers the matrix's cases with `it` in the calling describe, in order, after its version case. The last case
 * watches configmaps in `default` and leaves a configmap `watched` there.
 */
export function registerFoundationMatrix(ctx: () => FoundationContext): void {
  const ns = MATRIX_NS;

  it('get ns shows the initial namespaces as a Table', async () => {
    const { k } = ctx();
    const r = await k.run(['get', 'ns']);
    assert.equal(r.code, 0, r.stderr);
    assert.equal(r.stderr, '');
    const t = table(r.stdout);
    assert.deepEqual(t.header, ['NAME', 'STATUS', 'AGE']);
    assert.deepEqual(
      t.rows.map((row) => row[0]),
      ['default', 'kube-node-lease', 'kube-public', 'kube-system'],
    );
    for (const row of t.rows) assertRow(row, [/./, 'Active', AGE], 'namespace row');
    assert.equal(await k.ok(['get', 'namespace', 'kube-system', '-o', 'name']), 'namespace/kube-system\n');
  });

  it('create namespace; it gets a default service account and the kube-root-ca.crt configmap', async () => {
    const { k, server } = ctx();
    const r = await k.run(['create', 'namespace', ns]);
    assert.deepEqual([r.code, r.stdout, r.stderr], [0, `namespace/${ns} created\n`, '']);
    await eventually(
      async () => (await k.run(['get', 'sa', 'default', '-n', ns, '-o', 'name'])).stdout === 'serviceaccount/default\n',
      30_000,
      'the default service account',
    );
    const ca = await eventually(
      async () => (await k.run(['get', 'cm', 'kube-root-ca.crt', '-n', ns, '-o', 'jsonpath={.data.ca\\.crt}'])).stdout,
      30_000,
      'the kube-root-ca.crt configmap',
    );
    assert.equal(ca.trim(), server.caPem.trim());
    const again = await k.run(['create', 'namespace', ns]);
    assert.deepEqual(
      [again.code, again.stdout, again.stderr],
      [1, '', `Error from server (AlreadyExists): namespaces "${ns}" already exists\n`],
    );
  });

  it('create serviceaccount, secret generic, configmap (and --dry-run=server persists nothing)', async () => {
    const { k } = ctx();
    assert.equal(await k.ok(['create', 'serviceaccount', 'sa1', '-n', ns]), 'serviceaccount/sa1 created\n');
    assert.equal(
      await k.ok(['create', 'secret', 'generic', 's1', '--from-literal=a=b', '-n', ns]),
      'secret/s1 created\n',
    );
    assert.equal(await k.ok(['create', 'configmap', 'c1', '--from-literal=k=v', '-n', ns]), 'configmap/c1 created\n');
    assert.equal(await k.ok(['get', 'secret', 's1', '-n', ns, '-o', 'jsonpath={.type} {.data.a}']), 'Opaque Yg==');
    assert.equal(await k.ok(['get', 'configmap', 'c1', '-n', ns, '-o', 'jsonpath={.data.k}']), 'v');

    const dry = await k.run(['create', 'serviceaccount', 'dry1', '-n', ns, '--dry-run=server']);
    assert.deepEqual([dry.code, dry.stdout, dry.stderr], [0, 'serviceaccount/dry1 created (server dry run)\n', '']);
    const gone = await k.run(['get', 'serviceaccount', 'dry1', '-n', ns]);
    assert.deepEqual(
      [gone.code, gone.stdout, gone.stderr],
      [1, '', 'Error from server (NotFound): serviceaccounts "dry1" not found\n'],
    );

    const dup = await k.run(['create', 'serviceaccount', 'sa1', '-n', ns]);
    assert.equal(dup.code, 1);
    assert.equal(dup.stdout, '');
    assert.equal(dup.stderr, 'error: failed to create serviceaccount: serviceaccounts "sa1" already exists\n');
  });

  it('get sa -o yaml prints the object as stored (no fields a real server would not set)', async () => {
    const { k } = ctx();
    // Only the values that differ per run are normalised, so any extra or missing line shows in the diff.
    const out = lines(await k.ok(['get', 'sa', 'sa1', '-n', ns, '-o', 'yaml'])).map((l) =>
      l
        .replace(/^( {2}creationTimestamp: )"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ"$/, '$1<time>')
        .replace(/^( {2}resourceVersion: )"\d+"$/, '$1<rv>')
        .replace(/^( {2}uid: )[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/, '$1<uid>'),
    );
    assert.deepEqual(out, [
      'apiVersion: v1',
      'kind: ServiceAccount',
      'metadata:',
      '  creationTimestamp: <time>',
      '  name: sa1',
      `  namespace: ${ns}`,
      '  resourceVersion: <rv>',
      '  uid: <uid>',
    ]);

    const json = JSON.parse(await k.ok(['get', 'sa', 'sa1', '-n', ns, '-o', 'json'])) as Record<string, unknown>;
    assert.equal(json['kind'], 'ServiceAccount');
    assert.equal(json['apiVersion'], 'v1');
  });

  it('create role, rolebinding, clusterrole, clusterrolebinding', async () => {
    const { k } = ctx();
    const cases: [string[], string][] = [
      [
        ['create', 'role', 'r', '--verb=get,list', '--resource=pods,secrets', '-n', ns],
        'role.rbac.authorization.k8s.io/r created\n',
      ],
      [
        [
          'create',
          'rolebinding',
          'rb',
          '--role=r',
          '--user=alice',
          '--group=g1',
          `--serviceaccount=${ns}:sa1`,
          '-n',
          ns,
        ],
        'rolebinding.rbac.authorization.k8s.io/rb created\n',
      ],
      [
        ['create', 'clusterrole', 'cr', '--verb=get', '--non-resource-url=/healthz'],
        'clusterrole.rbac.authorization.k8s.io/cr created\n',
      ],
      [
        ['create', 'clusterrolebinding', 'crb', '--clusterrole=cr', '--group=g1'],
        'clusterrolebinding.rbac.authorization.k8s.io/crb created\n',
      ],
    ];
    for (const [args, want] of cases) {
      const r = await k.run(args);
      assert.deepEqual([r.code, r.stdout, r.stderr], [0, want, ''], args.join(' '));
    }
    assert.equal(
      await k.ok(['get', 'role', 'r', '-n', ns, '-o', 'jsonpath={.rules[0].verbs} {.rules[0].resources}']),
      '["get","list"] ["pods","secrets"]',
    );
    assert.equal(
      await k.ok([
        'get',
        'rolebinding',
        'rb',
        '-n',
        ns,
        '-o',
        'jsonpath={range .subjects[*]}{.kind}:{.name}:{.namespace},{end} {.roleRef.kind}/{.roleRef.name}',
      ]),
      `User:alice:,Group:g1:,ServiceAccount:sa1:${ns}, Role/r`,
    );
    assert.equal(
      await k.ok(['get', 'clusterrole', 'cr', '-o', 'jsonpath={.rules[0].nonResourceURLs}']),
      '["/healthz"]',
    );
    assert.equal(
      await k.ok([
        'get',
        'clusterrolebinding',
        'crb',
        '-o',
        'jsonpath={.subjects[0].kind}:{.subjects[0].name} {.roleRef.kind}/{.roleRef.name}',
      ]),
      'Group:g1 ClusterRole/cr',
    );

    const t = table(await k.ok(['get', 'roles,rolebindings', '-n', ns]));
    // Two tables separated by an empty line; the first block is roles.
    assert.deepEqual(t.header, ['NAME', 'CREATED AT']);
    assertRow(t.rows[0], ['role.rbac.authorization.k8s.io/r', /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/], 'role');
  });

  it('create -f of a file with several objects; the pods get a node and become Running', async () => {
    const { k, work } = ctx();
    const file = join(work, 'multi.yaml');
    writeFileSync(file, MULTI(ns));
    const r = await k.run(['create', '-f', file]);
    assert.equal(r.stderr, '');
    assert.equal(r.code, 0);
    assert.deepEqual(lines(r.stdout), [
      'configmap/multi-cm created',
      'secret/multi-s created',
      'serviceaccount/multi-sa created',
      'pod/web created',
      'pod/db created',
    ]);
    assert.equal(await k.ok(['get', 'secret', 'multi-s', '-n', ns, '-o', 'jsonpath={.data.password}']), 'aHVudGVyMg==');
    for (const pod of ['web', 'db']) {
      await eventually(
        async () =>
          (await k.run(['get', 'pod', pod, '-n', ns, '-o', 'jsonpath={.status.phase} {.spec.nodeName}'])).stdout ===
          'Running superkube',
        30_000,
        `pod ${pod} Running on superkube`,
      );
    }
  });

  it('get pods: the Table, -o wide, -A, -o name, -o json, -l', async () => {
    const { k } = ctx();
    const plain = await k.run(['get', 'pods', '-n', ns]);
    assert.equal(plain.stderr, '');
    const t = table(plain.stdout);
    assert.deepEqual(t.header, ['NAME', 'READY', 'STATUS', 'RESTARTS', 'AGE']);
    assert.equal(t.rows.length, 2);
    assertRow(t.rows[0], ['db', '1/1', 'Running', '0', AGE], 'db');
    assertRow(t.rows[1], ['web', '1/1', 'Running', '0', AGE], 'web');

    const wide = table(await k.ok(['get', 'pods', '-n', ns, '-o', 'wide']));
    assert.deepEqual(wide.header, [
      'NAME',
      'READY',
      'STATUS',
      'RESTARTS',
      'AGE',
      'IP',
      'NODE',
      'NOMINATED NODE',
      'READINESS GATES',
    ]);
    assertRow(
      wide.rows[1],
      ['web', '1/1', 'Running', '0', AGE, /^\d+\.\d+\.\d+\.\d+$/, 'superkube', '<none>', '<none>'],
      'wide',
    );

    const all = table(await k.ok(['get', 'pods', '-A']));
    assert.deepEqual(all.header, ['NAMESPACE', 'NAME', 'READY', 'STATUS', 'RESTARTS', 'AGE']);
    assertRow(
      all.rows.find((row) => row[1] === 'web'),
      [ns, 'web', '1/1', 'Running', '0', AGE],
      '-A web',
    );

    assert.equal(await k.ok(['get', 'pods', '-n', ns, '-o', 'name']), 'pod/db\npod/web\n');
    assert.equal(await k.ok(['get', 'pods', '-n', ns, '-l', 'app=web', '-o', 'name']), 'pod/web\n');
    const selected = table(await k.ok(['get', 'pods', '-n', ns, '-l', 'app in (web,db)']));
    assert.deepEqual(
      selected.rows.map((row) => row[0]),
      ['db', 'web'],
    );
    const none = await k.run(['get', 'pods', '-n', ns, '-l', 'app=none']);
    assert.deepEqual([none.code, none.stdout, none.stderr], [0, '', `No resources found in ${ns} namespace.\n`]);

    const list = JSON.parse(await k.ok(['get', 'pods', '-n', ns, '-o', 'json'])) as {
      kind: string;
      items: { kind: string; metadata: { name: string }; spec: { nodeName: string }; status: { phase: string } }[];
    };
    assert.equal(list.kind, 'List');
    assert.deepEqual(
      list.items.map((p) => [p.kind, p.metadata.name, p.spec.nodeName, p.status.phase]),
      [
        ['Pod', 'db', 'superkube', 'Running'],
        ['Pod', 'web', 'superkube', 'Running'],
      ],
    );
    const yaml = lines(await k.ok(['get', 'pod', 'web', '-n', ns, '-o', 'yaml']));
    assert.ok(yaml.includes('kind: Pod'), yaml.join('\n'));
    assert.ok(yaml.includes('  nodeName: superkube'), yaml.join('\n'));
    assert.ok(yaml.includes('  phase: Running'), yaml.join('\n'));
  });

  it('get of a missing object is NotFound', async () => {
    const { k } = ctx();
    const r = await k.run(['get', 'serviceaccounts', 'nosuch', '-n', ns]);
    assert.deepEqual(
      [r.code, r.stdout, r.stderr],
      [1, '', 'Error from server (NotFound): serviceaccounts "nosuch" not found\n'],
    );
  });

  it('api-resources lists the served resources', async () => {
    const { k } = ctx();
    const r = await k.run(['api-resources']);
    assert.equal(r.code, 0, r.stderr);
    assert.equal(r.stderr, '');
    const t = table(r.stdout);
    assert.deepEqual(t.header, ['NAME', 'SHORTNAMES', 'APIVERSION', 'NAMESPACED', 'KIND']);
    const want: string[][] = [
      ['configmaps', 'cm', 'v1', 'true', 'ConfigMap'],
      ['namespaces', 'ns', 'v1', 'false', 'Namespace'],
      ['pods', 'po', 'v1', 'true', 'Pod'],
      ['secrets', '', 'v1', 'true', 'Secret'],
      ['serviceaccounts', 'sa', 'v1', 'true', 'ServiceAccount'],
      ['selfsubjectreviews', '', 'authentication.k8s.io/v1', 'false', 'SelfSubjectReview'],
      ['tokenreviews', '', 'authentication.k8s.io/v1', 'false', 'TokenReview'],
      ['localsubjectaccessreviews', '', 'authorization.k8s.io/v1', 'true', 'LocalSubjectAccessReview'],
      ['selfsubjectaccessreviews', '', 'authorization.k8s.io/v1', 'false', 'SelfSubjectAccessReview'],
      ['selfsubjectrulesreviews', '', 'authorization.k8s.io/v1', 'false', 'SelfSubjectRulesReview'],
      ['subjectaccessreviews', '', 'authorization.k8s.io/v1', 'false', 'SubjectAccessReview'],
      ['clusterrolebindings', '', 'rbac.authorization.k8s.io/v1', 'false', 'ClusterRoleBinding'],
      ['clusterroles', '', 'rbac.authorization.k8s.io/v1', 'false', 'ClusterRole'],
      ['rolebindings', '', 'rbac.authorization.k8s.io/v1', 'true', 'RoleBinding'],
      ['roles', '', 'rbac.authorization.k8s.io/v1', 'true', 'Role'],
    ];
    for (const row of want)
      assert.ok(
        t.rows.some((got) => JSON.stringify(got) === JSON.stringify(row)),
        `missing ${JSON.stringify(row)} in\n${r.stdout}`,
      );
    assert.ok(!t.rows.some((row) => row[0]!.includes('/')), 'subresources are not listed');
  });

  it('delete: --dry-run=server keeps the object, then objects are deleted; a missing one is NotFound', async () => {
    const { k } = ctx();
    const dry = await k.run(['delete', 'serviceaccount', 'sa1', '-n', ns, '--dry-run=server']);
    assert.deepEqual([dry.code, dry.stdout, dry.stderr], [0, 'serviceaccount "sa1" deleted (server dry run)\n', '']);
    assert.equal(await k.ok(['get', 'serviceaccount', 'sa1', '-n', ns, '-o', 'name']), 'serviceaccount/sa1\n');

    const cases: [string[], string][] = [
      [['delete', 'serviceaccount', 'sa1', '-n', ns], 'serviceaccount "sa1" deleted\n'],
      [['delete', 'secret', 's1', '-n', ns], 'secret "s1" deleted\n'],
      [['delete', 'configmap', 'c1', '-n', ns], 'configmap "c1" deleted\n'],
      [['delete', 'rolebinding', 'rb', '-n', ns], 'rolebinding.rbac.authorization.k8s.io "rb" deleted\n'],
      [['delete', 'role', 'r', '-n', ns], 'role.rbac.authorization.k8s.io "r" deleted\n'],
      [['delete', 'clusterrolebinding', 'crb'], 'clusterrolebinding.rbac.authorization.k8s.io "crb" deleted\n'],
      [['delete', 'clusterrole', 'cr'], 'clusterrole.rbac.authorization.k8s.io "cr" deleted\n'],
    ];
    for (const [args, want] of cases) {
      const r = await k.run(args);
      assert.deepEqual([r.code, r.stdout, r.stderr], [0, want, ''], args.join(' '));
    }
    const afterDelete = await k.run(['get', 'serviceaccount', 'sa1', '-n', ns]);
    assert.deepEqual(
      [afterDelete.code, afterDelete.stderr],
      [1, 'Error from server (NotFound): serviceaccounts "sa1" not found\n'],
    );
    const missing = await k.run(['delete', 'serviceaccount', 'nosuch', '-n', ns]);
    assert.deepEqual(
      [missing.code, missing.stdout, missing.stderr],
      [1, '', 'Error from server (NotFound): serviceaccounts "nosuch" not found\n'],
    );
    const ignored = await k.run(['delete', 'serviceaccount', 'nosuch', '-n', ns, '--ignore-not-found']);
    assert.deepEqual([ignored.code, ignored.stdout, ignored.stderr], [0, '', '']);
  });

  it('delete of a namespace with contents removes it and everything in it', async () => {
    const { k, server } = ctx();
    const r = await k.run(['delete', 'namespace', ns]);
    assert.deepEqual([r.code, r.stdout, r.stderr], [0, `namespace "${ns}" deleted\n`, '']);
    await eventually(
      async () => {
        const g = await k.run(['get', 'namespace', ns]);
        return g.code === 1 && g.stderr === `Error from server (NotFound): namespaces "${ns}" not found\n`;
      },
      60_000,
      'the namespace to be gone',
    );
    for (const resource of ['pods', 'configmaps', 'secrets', 'serviceaccounts']) {
      const res = await rawRequest(server, 'GET', `/api/v1/namespaces/${ns}/${resource}`, {
        token: server.adminToken,
      });
      assert.equal(res.status, 200, res.body);
      assert.deepEqual((JSON.parse(res.body) as { items: unknown[] }).items, [], `${resource} left in ${ns}`);
    }
    const rbac = await rawRequest(server, 'GET', `/apis/rbac.authorization.k8s.io/v1/namespaces/${ns}/roles`, {
      token: server.adminToken,
    });
    assert.deepEqual((JSON.parse(rbac.body) as { items: unknown[] }).items, []);
    const none = await k.run(['get', 'pods', '-n', ns]);
    assert.deepEqual([none.code, none.stdout, none.stderr], [0, '', `No resources found in ${ns} namespace.\n`]);
  });

  // Last: a watch is the longest-lived request, so a failure here cannot take the earlier checks with it.
  it('get -w shows a change made while it watches', async () => {
    const { k } = ctx();
    const w = streamKubectl(k, ['get', 'configmaps', '-n', 'default', '-w']);
    try {
      await w.waitForLine(/^NAME\s+DATA\s+AGE$/);
      await w.waitForLine(/^kube-root-ca\.crt\s+1\s+\S+$/);
      assert.equal(
        await k.ok(['create', 'configmap', 'watched', '--from-literal=a=1', '--from-literal=b=2', '-n', 'default']),
        'configmap/watched created\n',
      );
      await w.waitForLine(/^watched\s+2\s+\d+s$/);
    } finally {
      await w.stop();
    }
    assert.equal(w.output().stderr, '');
  });
}
