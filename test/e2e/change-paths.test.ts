/**
 * Acceptance of issue 3, the other change paths: real kubectl 1.27, 1.29, 1.32 and 1.33 (one server each) run label,
 * annotate, patch (merge, json, strategic), edit, describe, explain, logs and exec, asserting what kubectl prints;
 * then @kubernetes/client-node sends merge and strategic merge patches (spec/kubectl.md §11, §16).
 */
import assert from 'node:assert/strict';
import { chmodSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import * as k8s from '@kubernetes/client-node';
import { eventually, Kubectl, startServer, type TestServer } from './harness.ts';
import { lines } from './kubectl-output.ts';

const VERSIONS = ['1.27', '1.29', '1.32', '1.33'] as const;
const NS = 'paths';

/** Asserts that `out` has a line matching each of `patterns`, naming the output on failure. */
function hasLines(out: string, patterns: RegExp[]): void {
  const all = lines(out);
  for (const p of patterns)
    assert.ok(
      all.some((l) => p.test(l)),
      `no line matching ${p} in:\n${out}`,
    );
}

/** The arguments of `kubectl patch configmap settings -n paths --type <type> -p <patch>`. */
function patchSettings(type: string, patch: string): string[] {
  return ['patch', 'configmap', 'settings', '-n', NS, '--type', type, '-p', patch];
}

/** A pod with two containers, so a strategic merge by name can be told from a list replacement. */
const POD = `apiVersion: v1
kind: Pod
metadata:
  name: web
  labels:
    app: web
spec:
  containers:
  - name: app
    image: nginx:1.25
  - name: sidecar
    image: busybox:1.36
`;

const ROLE = `apiVersion: rbac.authorization.k8s.io/v1
kind: Role
metadata:
  name: pod-reader
rules:
- apiGroups: [""]
  resources: ["pods"]
  verbs: ["get", "list"]
`;

for (const version of VERSIONS) {
  describe(`kubectl ${version}: change paths`, () => {
    let server: TestServer;
    let k: Kubectl;
    let dir = '';
    const jsonpath = (ref: string, path: string) => k.ok(['get', ref, '-n', NS, '-o', `jsonpath=${path}`]);

    before(async () => {
      server = await startServer();
      k = new Kubectl(version, server);
      dir = mkdtempSync(join(tmpdir(), `change-paths-${version}-`));
      await k.ok(['create', 'namespace', NS]);
      writeFileSync(join(dir, 'pod.yaml'), POD);
      writeFileSync(join(dir, 'role.yaml'), ROLE);
      await k.ok(['create', '-n', NS, '-f', join(dir, 'pod.yaml'), '-f', join(dir, 'role.yaml')]);
      await k.ok(['create', 'configmap', 'settings', '-n', NS, '--from-literal=color=blue', '--from-literal=size=10']);
      await k.ok(['create', 'secret', 'generic', 'creds', '-n', NS, '--from-literal=password=hunter2']);
    });
    after(async () => {
      k?.cleanup();
      if (dir) rmSync(dir, { recursive: true, force: true });
      await server?.stop();
    });

    it('label: add, refuse to overwrite, --overwrite, remove', async () => {
      assert.equal(await k.ok(['label', 'pod', 'web', '-n', NS, 'tier=frontend']), 'pod/web labeled\n');
      const r = await k.run(['label', 'pod', 'web', '-n', NS, 'tier=backend']);
      assert.deepEqual(
        { code: r.code, stdout: r.stdout, stderr: r.stderr },
        { code: 1, stdout: '', stderr: "error: 'tier' already has a value (frontend), and --overwrite is false\n" },
      );
      assert.equal(await k.ok(['label', 'pod', 'web', '-n', NS, 'tier=backend', '--overwrite']), 'pod/web labeled\n');
      assert.equal(await jsonpath('pod/web', '{.metadata.labels}'), '{"app":"web","tier":"backend"}');
      assert.equal(await k.ok(['get', 'pods', '-n', NS, '-l', 'tier=backend', '-o', 'name']), 'pod/web\n');
      assert.equal(await k.ok(['label', 'pod', 'web', '-n', NS, 'tier-']), 'pod/web unlabeled\n');
      assert.equal(await jsonpath('pod/web', '{.metadata.labels}'), '{"app":"web"}');
    });

    it('annotate: add, overwrite, remove', async () => {
      // kubectl 1.27 itself prints "annotate" (its printer's operation word); later versions print "annotated".
      const annotated = `configmap/settings ${version === '1.27' ? 'annotate' : 'annotated'}\n`;
      assert.equal(await k.ok(['annotate', 'configmap', 'settings', '-n', NS, 'owner=team-a']), annotated);
      assert.equal(
        await k.ok(['annotate', 'configmap', 'settings', '-n', NS, 'owner=team-b', '--overwrite']),
        annotated,
      );
      assert.equal(await jsonpath('configmap/settings', '{.metadata.annotations.owner}'), 'team-b');
      assert.equal(await k.ok(['annotate', 'configmap', 'settings', '-n', NS, 'owner-']), annotated);
      // The last annotation gone, the map is gone too (Kubernetes omits empty maps when it serializes objects).
      assert.equal(await jsonpath('configmap/settings', '{.metadata.annotations}'), '');
    });

    it('patch --type merge, json and strategic', async () => {
      assert.equal(
        await k.ok(patchSettings('merge', '{"data":{"shape":"round","size":null}}')),
        'configmap/settings patched\n',
      );
      assert.equal(await jsonpath('configmap/settings', '{.data}'), '{"color":"blue","shape":"round"}');

      const redNoShape = '[{"op":"replace","path":"/data/color","value":"red"},{"op":"remove","path":"/data/shape"}]';
      assert.equal(await k.ok(patchSettings('json', redNoShape)), 'configmap/settings patched\n');
      assert.equal(await jsonpath('configmap/settings', '{.data}'), '{"color":"red"}');

      // Strategic merge (also the default type): containers merge by name, the sidecar stays.
      const smp = '{"spec":{"containers":[{"name":"app","image":"nginx:1.26"}]}}';
      assert.equal(
        await k.ok(['patch', 'pod', 'web', '-n', NS, '--type', 'strategic', '-p', smp]),
        'pod/web patched\n',
      );
      assert.equal(
        await jsonpath('pod/web', '{range .spec.containers[*]}{.name}={.image} {end}'),
        'app=nginx:1.26 sidecar=busybox:1.36 ',
      );
      assert.equal(await k.ok(['patch', 'pod', 'web', '-n', NS, '-p', smp]), 'pod/web patched (no change)\n');

      // A failing json-patch test op leaves the object alone.
      const failingTest = '[{"op":"test","path":"/data/color","value":"green"},{"op":"remove","path":"/data/color"}]';
      const r = await k.run(patchSettings('json', failingTest));
      // Upstream answers a failed json-patch with a bare 422 Invalid (NewGenericServerResponse), which kubectl prints so.
      assert.deepEqual(
        { code: r.code, stdout: r.stdout, stderr: r.stderr },
        {
          code: 1,
          stdout: '',
          stderr: 'The request is invalid: the server rejected our request due to an error in our request\n',
        },
      );
      assert.equal(await jsonpath('configmap/settings', '{.data}'), '{"color":"red"}');
    });

    it('edit with EDITOR set to a script that rewrites the file; an untouched file cancels', async () => {
      await k.ok(['create', 'configmap', 'editme', '-n', NS, '--from-literal=mode=slow']);
      const editor = join(dir, 'editor.sh');
      writeFileSync(editor, '#!/bin/sh\nsed -i "s/mode: slow/mode: fast/" "$1"\n');
      chmodSync(editor, 0o755);
      let r = await k.run(['edit', 'configmap', 'editme', '-n', NS], { env: { EDITOR: editor, KUBE_EDITOR: '' } });
      assert.deepEqual(
        { code: r.code, stdout: r.stdout, stderr: r.stderr },
        { code: 0, stdout: 'configmap/editme edited\n', stderr: '' },
      );
      assert.equal(await jsonpath('configmap/editme', '{.data.mode}'), 'fast');

      r = await k.run(['edit', 'configmap', 'editme', '-n', NS], { env: { EDITOR: 'true', KUBE_EDITOR: '' } });
      assert.deepEqual(
        { code: r.code, stdout: r.stdout, stderr: r.stderr },
        { code: 0, stdout: '', stderr: 'Edit cancelled, no changes made.\n' },
      );
    });

    it('describe pod: name, namespace, labels, containers and the Scheduled event', async () => {
      // The node simulation schedules the pod and records the events shortly after it is created.
      const out = await eventually(
        async () => {
          const d = await k.ok(['describe', 'pod', 'web', '-n', NS]);
          return /^\s+Normal\s+Scheduled\s/m.test(d) && d;
        },
        30_000,
        'the Scheduled event in describe pod',
      );
      hasLines(out, [
        /^Name:\s+web$/,
        /^Namespace:\s+paths$/,
        /^Service Account:\s+default$/,
        /^Node:\s+\S+/,
        /^Labels:\s+app=web$/,
        /^Status:\s+\S+$/,
        /^Containers:$/,
        /^ {2}app:$/,
        /^ {2}sidecar:$/,
        /^ {4}Image:\s+busybox:1\.36$/,
        /^Conditions:$/,
        /^Events:$/,
        /^ {2}Type\s+Reason\s+Age\s+From\s+Message$/,
        /^ {2}Normal\s+Scheduled\s+\S+\s+default-scheduler\s+Successfully assigned paths\/web to \S+$/,
      ]);
    });

    it('describe sa, ns, secret, configmap and role print the lines a real cluster prints', async () => {
      const sa = await eventually(
        async () => (await k.run(['describe', 'sa', 'default', '-n', NS])).stdout || undefined,
        15_000,
        'the default service account',
      );
      assert.deepEqual(
        lines(sa).map((l) => l.replace(/\s+/g, ' ')),
        [
          'Name: default',
          `Namespace: ${NS}`,
          'Labels: <none>',
          'Annotations: <none>',
          'Image pull secrets: <none>',
          'Mountable secrets: <none>',
          'Tokens: <none>',
          'Events: <none>',
        ],
      );

      const ns = await k.ok(['describe', 'namespace', NS]);
      hasLines(ns, [
        /^Name:\s+paths$/,
        /^Labels:\s+kubernetes\.io\/metadata\.name=paths$/,
        /^Annotations:\s+<none>$/,
        /^Status:\s+Active$/,
      ]);

      const secret = await k.ok(['describe', 'secret', 'creds', '-n', NS]);
      hasLines(secret, [
        /^Name:\s+creds$/,
        /^Namespace:\s+paths$/,
        /^Labels:\s+<none>$/,
        /^Annotations:\s+<none>$/,
        /^Type:\s+Opaque$/,
        /^Data$/,
        /^password:\s+7 bytes$/,
      ]);
      assert.doesNotMatch(secret, /hunter2/);

      await k.ok(['create', 'configmap', 'described', '-n', NS, '--from-literal=greeting=hello']);
      const cm = await k.ok(['describe', 'configmap', 'described', '-n', NS]);
      hasLines(cm, [
        /^Name:\s+described$/,
        /^Namespace:\s+paths$/,
        /^Labels:\s+<none>$/,
        /^Data$/,
        /^BinaryData$/,
        /^Events:\s+<none>$/,
      ]);
      assert.match(cm, /\ngreeting:\n----\nhello\n/);

      const role = await k.ok(['describe', 'role', 'pod-reader', '-n', NS]);
      assert.deepEqual(
        lines(role).map((l) => l.trimEnd()),
        [
          'Name:         pod-reader',
          'Labels:       <none>',
          'Annotations:  <none>',
          'PolicyRule:',
          '  Resources  Non-Resource URLs  Resource Names  Verbs',
          '  ---------  -----------------  --------------  -----',
          '  pods       []                 []              [get list]',
        ],
      );
    });

    it('explain pods', async () => {
      const out = await k.ok(['explain', 'pods']);
      const l = lines(out);
      assert.equal(l[0], 'KIND:       Pod');
      assert.equal(l[1], 'VERSION:    v1');
      hasLines(out, [
        /^DESCRIPTION:$/,
        /^FIELDS:$/,
        /^ {2}apiVersion\t<string>$/,
        /^ {2}kind\t<string>$/,
        /^ {2}metadata\t<ObjectMeta>$/,
        /^ {2}spec\t<PodSpec>$/,
        /^ {2}status\t<PodStatus>$/,
      ]);
    });

    it('logs and exec fail with a clear error', async () => {
      let r = await k.run(['logs', 'web', '-n', NS, '-c', 'app']);
      assert.deepEqual(
        { code: r.code, stdout: r.stdout, stderr: r.stderr },
        {
          code: 1,
          stdout: '',
          stderr:
            'Error from server (BadRequest): pods/log is not available: superkube stores pods but runs no containers\n',
        },
      );
      r = await k.run(['exec', 'web', '-n', NS, '-c', 'app', '--', 'ls']);
      assert.deepEqual(
        { code: r.code, stdout: r.stdout, stderr: r.stderr },
        {
          code: 1,
          stdout: '',
          stderr:
            'Error from server (BadRequest): pods/exec is not available: superkube stores pods but runs no containers\n',
        },
      );
    });
  });
}

describe('@kubernetes/client-node patches', () => {
  let server: TestServer;
  let core: k8s.CoreV1Api;
  const ns = 'client-patch';

  before(async () => {
    server = await startServer();
    const kc = new k8s.KubeConfig();
    kc.loadFromFile(server.kubeconfig);
    core = kc.makeApiClient(k8s.CoreV1Api);
    await core.createNamespace({ body: { metadata: { name: ns } } });
  });
  after(async () => {
    await server?.stop();
  });

  it('merge patch: keys merge, null deletes, lists are replaced', async () => {
    await core.createNamespacedConfigMap({
      namespace: ns,
      body: { metadata: { name: 'cm' }, data: { a: '1', b: '2' } },
    });
    const patched = await core.patchNamespacedConfigMap(
      { name: 'cm', namespace: ns, body: { metadata: { labels: { x: 'y' } }, data: { b: null, c: '3' } } },
      k8s.setHeaderOptions('Content-Type', k8s.PatchStrategy.MergePatch),
    );
    assert.deepEqual(patched.data, { a: '1', c: '3' });
    assert.deepEqual(patched.metadata?.labels, { x: 'y' });
    const read = await core.readNamespacedConfigMap({ name: 'cm', namespace: ns });
    assert.deepEqual(read.data, { a: '1', c: '3' });
    assert.equal(read.metadata?.resourceVersion, patched.metadata?.resourceVersion);

    // Under a merge patch a list is replaced whole: the pod's second container would be dropped, which is invalid.
    await core.createNamespacedPod({
      namespace: ns,
      body: {
        metadata: { name: 'p' },
        spec: {
          containers: [
            { name: 'a', image: 'nginx:1' },
            { name: 'b', image: 'busybox:1' },
          ],
        },
      },
    });
    await assert.rejects(
      core.patchNamespacedPod(
        { name: 'p', namespace: ns, body: { spec: { containers: [{ name: 'a', image: 'nginx:2' }] } } },
        k8s.setHeaderOptions('Content-Type', k8s.PatchStrategy.MergePatch),
      ),
      (err: { code?: number }) => err.code === 422,
    );
  });

  it('strategic merge patch: containers merge by name, null deletes a map key', async () => {
    const patched = await core.patchNamespacedPod(
      {
        name: 'p',
        namespace: ns,
        body: { metadata: { labels: { tier: 'web' } }, spec: { containers: [{ name: 'a', image: 'nginx:2' }] } },
      },
      k8s.setHeaderOptions('Content-Type', k8s.PatchStrategy.StrategicMergePatch),
    );
    assert.deepEqual(
      patched.spec?.containers.map((c) => `${c.name}=${c.image}`),
      ['a=nginx:2', 'b=busybox:1'],
    );
    assert.deepEqual(patched.metadata?.labels, { tier: 'web' });

    const cm = await core.patchNamespacedConfigMap(
      { name: 'cm', namespace: ns, body: { data: { a: null, d: '4' } } },
      k8s.setHeaderOptions('Content-Type', k8s.PatchStrategy.StrategicMergePatch),
    );
    assert.deepEqual(cm.data, { c: '3', d: '4' });
  });

  it('json patch through client-node', async () => {
    const cm = await core.patchNamespacedConfigMap(
      { name: 'cm', namespace: ns, body: [{ op: 'add', path: '/data/e', value: '5' }] },
      k8s.setHeaderOptions('Content-Type', k8s.PatchStrategy.JsonPatch),
    );
    assert.deepEqual(cm.data, { c: '3', d: '4', e: '5' });
  });
});
