/**
 * Acceptance of issue 3, apply half: real kubectl 1.27, 1.29, 1.32 and 1.33 (one server each) drive client-side
 * apply, server-side apply, field-manager conflicts, server dry runs, field validation and the client-side to
 * server-side upgrade of upstream's test/cmd/apply.sh, asserting what kubectl prints (spec/kubectl.md §6, §11, §12,
 * §16).
 */
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { Kubectl, startServer, type TestServer } from './harness.ts';
import { lines } from './kubectl-output.ts';

const VERSIONS = ['1.27', '1.29', '1.32', '1.33'] as const;

/** Five kinds in one file; the manifests carry no namespace, the tests pass `-n`. */
const MANIFEST_V1 = `apiVersion: v1
kind: Pod
metadata:
  name: web
  labels:
    app: web
spec:
  containers:
  - name: app
    image: nginx:1.25
---
apiVersion: v1
kind: ConfigMap
metadata:
  name: app-config
data:
  k1: v1
  k2: v2
---
apiVersion: v1
kind: Secret
metadata:
  name: app-secret
stringData:
  password: hunter2
  user: admin
---
apiVersion: rbac.authorization.k8s.io/v1
kind: Role
metadata:
  name: pod-reader
rules:
- apiGroups: [""]
  resources: ["pods"]
  verbs: ["get"]
---
apiVersion: rbac.authorization.k8s.io/v1
kind: RoleBinding
metadata:
  name: read-pods
roleRef:
  apiGroup: rbac.authorization.k8s.io
  kind: Role
  name: pod-reader
subjects:
- kind: User
  name: alice
  apiGroup: rbac.authorization.k8s.io
`;

/** The edit: k2 removed and k3 added, a new password, one more verb; pod and binding untouched. */
const MANIFEST_V2 = MANIFEST_V1.replace('  k2: v2\n', '  k3: v3\n')
  .replace('hunter2', 'hunter3')
  .replace('verbs: ["get"]', 'verbs: ["get", "list"]');

const CREATED = [
  'pod/web created',
  'configmap/app-config created',
  'secret/app-secret created',
  'role.rbac.authorization.k8s.io/pod-reader created',
  'rolebinding.rbac.authorization.k8s.io/read-pods created',
];

const SERVERSIDE_APPLIED = [
  'pod/web serverside-applied',
  'configmap/app-config serverside-applied',
  'secret/app-secret serverside-applied',
  'role.rbac.authorization.k8s.io/pod-reader serverside-applied',
  'rolebinding.rbac.authorization.k8s.io/read-pods serverside-applied',
];

/** A ConfigMap manifest named `name` with `data`. */
function configMap(name: string, data: Record<string, string>): string {
  const entries = Object.entries(data)
    .map(([k, v]) => `  ${k}: ${v}\n`)
    .join('');
  return `apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: ${name}\ndata:\n${entries}`;
}

/** kubectl's SSA conflict advice, printed after the `error: Apply failed ...` line. */
const CONFLICT_ADVICE = [
  'Please review the fields above--they currently have other managers. Here',
  'are the ways you can resolve this warning:',
  '* If you intend to manage all of these fields, please re-run the apply',
  '  command with the `--force-conflicts` flag.',
];

for (const version of VERSIONS) {
  describe(`kubectl ${version}: apply`, () => {
    let server: TestServer;
    let k: Kubectl;
    let dir = '';

    /** Writes `text` to a file in this suite's temp dir and returns its path. */
    const file = (name: string, text: string): string => {
      const p = join(dir, name);
      writeFileSync(p, text);
      return p;
    };
    const managers = (ns: string, ref: string) =>
      k.ok(['get', ref, '-n', ns, '--show-managed-fields', '-o', 'jsonpath={.metadata.managedFields[*].manager}']);
    const jsonpath = (ns: string, ref: string, path: string) => k.ok(['get', ref, '-n', ns, '-o', `jsonpath=${path}`]);

    before(async () => {
      server = await startServer();
      k = new Kubectl(version, server);
      dir = mkdtempSync(join(tmpdir(), `apply-e2e-${version}-`));
    });
    after(async () => {
      k?.cleanup();
      if (dir) rmSync(dir, { recursive: true, force: true });
      await server?.stop();
    });

    it('apply -f of a multi-document manifest: created, then configured after an edit, then unchanged', async () => {
      const ns = 'csa';
      await k.ok(['create', 'namespace', ns]);
      const v1 = file('multi-v1.yaml', MANIFEST_V1);
      const v2 = file('multi-v2.yaml', MANIFEST_V2);

      let r = await k.run(['apply', '-f', v1, '-n', ns]);
      assert.deepEqual(
        { code: r.code, stdout: lines(r.stdout), stderr: r.stderr },
        { code: 0, stdout: CREATED, stderr: '' },
      );

      // The same file again: nothing to patch, except the Secret. Its stringData is folded into data by the server,
      // so kubectl's three-way diff always sees stringData missing from the live object and reports it configured
      // (kubernetes/kubernetes#87736; a real cluster prints the same).
      r = await k.run(['apply', '-f', v1, '-n', ns]);
      assert.equal(r.stderr, '');
      assert.deepEqual(lines(r.stdout), [
        'pod/web unchanged',
        'configmap/app-config unchanged',
        'secret/app-secret configured',
        'role.rbac.authorization.k8s.io/pod-reader unchanged',
        'rolebinding.rbac.authorization.k8s.io/read-pods unchanged',
      ]);

      r = await k.run(['apply', '-f', v2, '-n', ns]);
      assert.equal(r.stderr, '');
      assert.deepEqual(lines(r.stdout), [
        'pod/web unchanged',
        'configmap/app-config configured',
        'secret/app-secret configured',
        'role.rbac.authorization.k8s.io/pod-reader configured',
        'rolebinding.rbac.authorization.k8s.io/read-pods unchanged',
      ]);
      // The key the edit removed is gone, the added one is there.
      assert.equal(await jsonpath(ns, 'configmap/app-config', '{.data}'), '{"k1":"v1","k3":"v3"}');
      assert.equal(await jsonpath(ns, 'role/pod-reader', '{.rules[0].verbs}'), '["get","list"]');
      // stringData lands base64-encoded in data and is never stored (upstream core.sh).
      assert.equal(
        await jsonpath(ns, 'secret/app-secret', '{.data.password} {.data.user}|{.stringData}'),
        `${Buffer.from('hunter3').toString('base64')} ${Buffer.from('admin').toString('base64')}|`,
      );

      r = await k.run(['apply', '-f', v2, '-n', ns]);
      assert.equal(r.stderr, '');
      assert.deepEqual(lines(r.stdout), [
        'pod/web unchanged',
        'configmap/app-config unchanged',
        'secret/app-secret configured',
        'role.rbac.authorization.k8s.io/pod-reader unchanged',
        'rolebinding.rbac.authorization.k8s.io/read-pods unchanged',
      ]);

      // apply.sh: the last-applied annotation is set and the field manager is kubectl-client-side-apply.
      const lastApplied = JSON.parse(
        await jsonpath(
          ns,
          'configmap/app-config',
          '{.metadata.annotations.kubectl\\.kubernetes\\.io/last-applied-configuration}',
        ),
      ) as unknown;
      assert.deepEqual(lastApplied, {
        apiVersion: 'v1',
        data: { k1: 'v1', k3: 'v3' },
        kind: 'ConfigMap',
        metadata: { annotations: {}, name: 'app-config', namespace: ns },
      });
      for (const ref of [
        'pod/web',
        'configmap/app-config',
        'secret/app-secret',
        'role/pod-reader',
        'rolebinding/read-pods',
      ])
        assert.ok((await managers(ns, ref)).split(' ').includes('kubectl-client-side-apply'), ref);
      // kubectl hides managedFields unless asked.
      assert.doesNotMatch(await k.ok(['get', 'configmap/app-config', '-n', ns, '-o', 'yaml']), /managedFields/);
    });

    it('apply --server-side of the same manifest takes over objects created by client-side apply', async () => {
      const ns = 'csa-to-ssa';
      await k.ok(['create', 'namespace', ns]);
      const v1 = file('upgrade-v1.yaml', MANIFEST_V1);
      assert.deepEqual(lines(await k.ok(['apply', '-f', v1, '-n', ns])), CREATED);
      const r = await k.run(['apply', '--server-side', '-f', v1, '-n', ns]);
      assert.deepEqual(
        { code: r.code, stdout: lines(r.stdout), stderr: r.stderr },
        { code: 0, stdout: SERVERSIDE_APPLIED, stderr: '' },
      );
      assert.ok((await managers(ns, 'configmap/app-config')).split(' ').includes('kubectl'));
    });

    it('apply --server-side: created, a second field manager gets the conflict, --force-conflicts wins', async () => {
      const ns = 'ssa';
      await k.ok(['create', 'namespace', ns]);
      const v1 = file('ssa-v1.yaml', MANIFEST_V1);
      let r = await k.run(['apply', '--server-side', '-f', v1, '-n', ns]);
      assert.deepEqual(
        { code: r.code, stdout: lines(r.stdout), stderr: r.stderr },
        { code: 0, stdout: SERVERSIDE_APPLIED, stderr: '' },
      );
      assert.equal(await managers(ns, 'configmap/app-config'), 'kubectl');
      // Server-side apply stores no last-applied annotation.
      assert.equal(await jsonpath(ns, 'configmap/app-config', '{.metadata.annotations}'), '');
      assert.equal(
        await jsonpath(ns, 'secret/app-secret', '{.data.password}'),
        Buffer.from('hunter2').toString('base64'),
      );

      // Re-applying the same manifest keeps the field values.
      r = await k.run(['apply', '--server-side', '-f', v1, '-n', ns]);
      assert.deepEqual(lines(r.stdout), SERVERSIDE_APPLIED);

      const theirs = file('ssa-theirs.yaml', configMap('app-config', { k1: 'theirs' }));
      r = await k.run(['apply', '--server-side', '--field-manager=my-field-manager', '-f', theirs, '-n', ns]);
      assert.equal(r.code, 1);
      assert.equal(r.stdout, '');
      const err = lines(r.stderr);
      assert.equal(err[0], 'error: Apply failed with 1 conflict: conflict with "kubectl": .data.k1');
      assert.deepEqual(err.slice(1, 1 + CONFLICT_ADVICE.length), CONFLICT_ADVICE);
      assert.equal(err.at(-1), 'See https://kubernetes.io/docs/reference/using-api/server-side-apply/#conflicts');
      assert.equal(await jsonpath(ns, 'configmap/app-config', '{.data.k1}'), 'v1');

      r = await k.run([
        'apply',
        '--server-side',
        '--field-manager=my-field-manager',
        '--force-conflicts',
        '-f',
        theirs,
        '-n',
        ns,
      ]);
      assert.deepEqual(
        { code: r.code, stdout: r.stdout, stderr: r.stderr },
        { code: 0, stdout: 'configmap/app-config serverside-applied\n', stderr: '' },
      );
      assert.equal(await jsonpath(ns, 'configmap/app-config', '{.data}'), '{"k1":"theirs","k2":"v2"}');
      assert.ok((await managers(ns, 'configmap/app-config')).split(' ').includes('my-field-manager'));

      // Now kubectl is the one that lost k1: its own re-apply conflicts with my-field-manager.
      r = await k.run(['apply', '--server-side', '-f', v1, '-n', ns]);
      assert.equal(r.code, 1);
      assert.equal(
        lines(r.stderr)[0],
        'error: Apply failed with 1 conflict: conflict with "my-field-manager": .data.k1',
      );
    });

    it('apply --dry-run=server changes nothing', async () => {
      const ns = 'dry';
      await k.ok(['create', 'namespace', ns]);
      const original = file('dry-1.yaml', configMap('dry-cm', { a: 'one' }));
      const changed = file('dry-2.yaml', configMap('dry-cm', { a: 'two' }));

      // create.txtar: a server dry run of a create prints "created (server dry run)" and persists nothing.
      let r = await k.run(['apply', '--dry-run=server', '-f', original, '-n', ns]);
      assert.deepEqual(
        { code: r.code, stdout: r.stdout, stderr: r.stderr },
        { code: 0, stdout: 'configmap/dry-cm created (server dry run)\n', stderr: '' },
      );
      r = await k.run(['get', 'configmap', 'dry-cm', '-n', ns]);
      assert.equal(r.code, 1);
      assert.equal(r.stderr, 'Error from server (NotFound): configmaps "dry-cm" not found\n');

      assert.equal(await k.ok(['apply', '-f', original, '-n', ns]), 'configmap/dry-cm created\n');
      const rv = await jsonpath(ns, 'configmap/dry-cm', '{.metadata.resourceVersion}');
      assert.match(rv, /^\d+$/);

      r = await k.run(['apply', '--dry-run=server', '-f', changed, '-n', ns]);
      assert.deepEqual(
        { stdout: r.stdout, stderr: r.stderr },
        {
          stdout: 'configmap/dry-cm configured (server dry run)\n',
          stderr: '',
        },
      );
      // apply.sh: resourceVersion unchanged, and so is the data.
      assert.equal(await jsonpath(ns, 'configmap/dry-cm', '{.metadata.resourceVersion} {.data.a}'), `${rv} one`);

      // The same for server-side apply, on an object that server-side apply created (apply.sh). Not on dry-cm: its
      // last-applied annotation would make kubectl follow up with a migration patch of its own.
      const ssaOriginal = file('dry-ssa-1.yaml', configMap('dry-ssa', { a: 'one' }));
      const ssaChanged = file('dry-ssa-2.yaml', configMap('dry-ssa', { a: 'two' }));
      r = await k.run(['apply', '--server-side', '--dry-run=server', '-f', ssaOriginal, '-n', ns]);
      assert.deepEqual(
        { stdout: r.stdout, stderr: r.stderr },
        {
          stdout: 'configmap/dry-ssa serverside-applied (server dry run)\n',
          stderr: '',
        },
      );
      assert.equal((await k.run(['get', 'configmap', 'dry-ssa', '-n', ns])).code, 1);
      assert.equal(
        await k.ok(['apply', '--server-side', '-f', ssaOriginal, '-n', ns]),
        'configmap/dry-ssa serverside-applied\n',
      );
      const ssaRv = await jsonpath(ns, 'configmap/dry-ssa', '{.metadata.resourceVersion}');
      r = await k.run(['apply', '--server-side', '--dry-run=server', '-f', ssaChanged, '-n', ns]);
      assert.deepEqual(
        { stdout: r.stdout, stderr: r.stderr },
        {
          stdout: 'configmap/dry-ssa serverside-applied (server dry run)\n',
          stderr: '',
        },
      );
      assert.equal(await jsonpath(ns, 'configmap/dry-ssa', '{.metadata.resourceVersion} {.data.a}'), `${ssaRv} one`);
    });

    it('--validate=strict rejects an unknown field with the upstream message, --validate=ignore accepts it', async () => {
      const ns = 'validate';
      await k.ok(['create', 'namespace', ns]);
      const bad = (name: string) =>
        file(
          `${name}.yaml`,
          `apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: ${name}\n  unknownMeta: x\ndata:\n  a: b\nbogus: true\n`,
        );
      const strict = bad('strict-cm');
      const rejected = `Error from server (BadRequest): error when creating "${strict}": ConfigMap in version "v1" cannot be handled as a ConfigMap: strict decoding error: unknown field "bogus", unknown field "metadata.unknownMeta"\n`;
      for (const flags of [[], ['--validate=strict'], ['--validate=true']]) {
        const r = await k.run(['apply', ...flags, '-f', strict, '-n', ns]);
        assert.deepEqual(
          { code: r.code, stdout: r.stdout, stderr: r.stderr },
          { code: 1, stdout: '', stderr: rejected },
          `${flags}`,
        );
      }
      assert.equal((await k.run(['get', 'configmap', 'strict-cm', '-n', ns])).code, 1);

      let r = await k.run(['apply', '--validate=warn', '-f', bad('warn-cm'), '-n', ns]);
      assert.deepEqual(
        { code: r.code, stdout: r.stdout, stderr: r.stderr },
        {
          code: 0,
          stdout: 'configmap/warn-cm created\n',
          stderr: 'Warning: unknown field "bogus"\nWarning: unknown field "metadata.unknownMeta"\n',
        },
      );

      for (const flag of ['--validate=ignore', '--validate=false']) {
        const name = flag === '--validate=ignore' ? 'ignore-cm' : 'false-cm';
        r = await k.run(['apply', flag, '-f', bad(name), '-n', ns]);
        assert.deepEqual(
          { code: r.code, stdout: r.stdout, stderr: r.stderr },
          { code: 0, stdout: `configmap/${name} created\n`, stderr: '' },
        );
      }
      // The unknown fields are dropped, not stored.
      const stored = JSON.parse(await k.ok(['get', 'configmap', 'ignore-cm', '-n', ns, '-o', 'json'])) as Record<
        string,
        Record<string, unknown>
      >;
      assert.equal(stored['bogus'], undefined);
      assert.equal(stored['metadata']!['unknownMeta'], undefined);
      assert.deepEqual(stored['data'], { a: 'b' });

      r = await k.run(['apply', '--validate=foo', '-f', strict, '-n', ns]);
      assert.equal(r.code, 1);
      assert.equal(
        r.stderr,
        'error: invalid - validate option "foo"; must be one of: strict (or true), warn, ignore (or false)\n',
      );
    });

    it('upgrade from client-side to server-side apply, then re-apply without a removed key removes it (apply.sh)', async () => {
      const ns = 'upgrade';
      await k.ok(['create', 'namespace', ns]);
      const withLegacy = file('legacy-1.yaml', configMap('test', { key: 'value', legacy: 'unused' }));
      const withoutLegacy = file('legacy-2.yaml', configMap('test', { key: 'value' }));
      assert.equal(await k.ok(['apply', '-f', withLegacy, '-n', ns]), 'configmap/test created\n');
      assert.match(await k.ok(['get', 'configmap', 'test', '-n', ns, '-o', 'yaml']), /^ {2}legacy: unused$/m);
      assert.equal(
        await k.ok(['apply', '--server-side', '-f', withLegacy, '-n', ns]),
        'configmap/test serverside-applied\n',
      );
      assert.match(await k.ok(['get', 'configmap', 'test', '-n', ns, '-o', 'yaml']), /^ {2}legacy: unused$/m);
      assert.equal(
        await k.ok(['apply', '--server-side', '-f', withoutLegacy, '-n', ns]),
        'configmap/test serverside-applied\n',
      );
      assert.doesNotMatch(await k.ok(['get', 'configmap', 'test', '-n', ns, '-o', 'yaml']), /legacy/);
      assert.equal(await jsonpath(ns, 'configmap/test', '{.data}'), '{"key":"value"}');

      // The pod round trip of apply.sh: only the "kubectl" manager may take over client-side-applied fields.
      const pod = (label: string) =>
        `apiVersion: v1\nkind: Pod\nmetadata:\n  name: test-pod\n  labels:\n    name: ${label}\nspec:\n  containers:\n  - name: kubernetes-serve-hostname\n    image: registry.k8s.io/serve_hostname\n`;
      const podYaml = file('pod.yaml', pod('test-pod-label'));
      const podApply = file('pod-apply.yaml', pod('test-pod-applied'));
      assert.equal(await k.ok(['apply', '-f', podYaml, '-n', ns]), 'pod/test-pod created\n');
      let r = await k.run(['apply', '--server-side', '--field-manager=not-kubectl', '-f', podApply, '-n', ns]);
      assert.equal(r.code, 1);
      assert.equal(
        lines(r.stderr)[0],
        'error: Apply failed with 1 conflict: conflict with "kubectl-client-side-apply" using v1: .metadata.labels.name',
      );
      r = await k.run(['apply', '--server-side', '-f', podApply, '-n', ns]);
      assert.deepEqual(
        { code: r.code, stdout: r.stdout, stderr: r.stderr },
        { code: 0, stdout: 'pod/test-pod serverside-applied\n', stderr: '' },
      );
      assert.equal(await jsonpath(ns, 'pod/test-pod', '{.metadata.labels.name}'), 'test-pod-applied');
      let viewed = await k.ok(['apply', 'view-last-applied', 'pod/test-pod', '-n', ns, '-o', 'json']);
      assert.match(viewed, /"name": "test-pod-applied"/);

      // Downgrade: server-side apply of the old manifest, then client-side apply of the new one.
      assert.equal(
        await k.ok(['apply', '--server-side', '-f', podYaml, '-n', ns]),
        'pod/test-pod serverside-applied\n',
      );
      viewed = await k.ok(['apply', 'view-last-applied', 'pod/test-pod', '-n', ns, '-o', 'json']);
      assert.match(viewed, /"name": "test-pod-label"/);
      assert.equal(await k.ok(['apply', '-f', podApply, '-n', ns]), 'pod/test-pod configured\n');
      assert.equal(await jsonpath(ns, 'pod/test-pod', '{.metadata.labels.name}'), 'test-pod-applied');
    });
  });
}
