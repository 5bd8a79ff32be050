/**
 * OpenAPI end to end: `kubectl explain` renders our v3 documents on kubectl 1.27 and 1.33, and `kubectl apply` with
 * the default validation works on 1.27, 1.29 and 1.33 because the PATCH operations declare `fieldValidation`
 * (kubectl then leaves validation to the server) and the schemas carry the strategic-merge facts.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { Kubectl, rawRequest, startServer, type TestServer } from './harness.ts';

/** The `  name\t<type>[ -required-]` lines of an explain output (top-level fields only). */
function fieldLines(out: string): string[] {
  return out.split('\n').filter((l) => /^ {2}\S+\t</.test(l));
}

/** The DESCRIPTION block of an explain output, its wrapped lines joined into one text. */
function description(out: string): string {
  const lines = out.split('\n');
  const start = lines.indexOf('DESCRIPTION:');
  assert.ok(start >= 0, `no DESCRIPTION in:\n${out}`);
  const end = lines.indexOf('FIELDS:', start);
  return lines
    .slice(start + 1, end < 0 ? undefined : end)
    .map((l) => l.trim())
    .filter(Boolean)
    .join(' ');
}

const CONFIGMAP_RECURSIVE = `KIND:       ConfigMap
VERSION:    v1

DESCRIPTION:
    Holds non-confidential configuration data for pods as key/value pairs.
    
FIELDS:
  apiVersion\t<string>
  binaryData\t<map[string]string>
  data\t<map[string]string>
  immutable\t<boolean>
  kind\t<string>
  metadata\t<ObjectMeta>
    annotations\t<map[string]string>
    creationTimestamp\t<string>
    deletionGracePeriodSeconds\t<integer>
    deletionTimestamp\t<string>
    finalizers\t<[]string>
    generateName\t<string>
    generation\t<integer>
    labels\t<map[string]string>
    managedFields\t<[]ManagedFieldsEntry>
      apiVersion\t<string>
      fieldsType\t<string>
      fieldsV1\t<FieldsV1>
      manager\t<string>
      operation\t<string>
      subresource\t<string>
      time\t<string>
    name\t<string>
    namespace\t<string>
    ownerReferences\t<[]OwnerReference>
      apiVersion\t<string> -required-
      blockOwnerDeletion\t<boolean>
      controller\t<boolean>
      kind\t<string> -required-
      name\t<string> -required-
      uid\t<string> -required-
    resourceVersion\t<string>
    selfLink\t<string>
    uid\t<string>

`;

describe('kubectl explain and apply against our OpenAPI documents', () => {
  let server: TestServer;
  const k: Record<string, Kubectl> = {};
  before(async () => {
    server = await startServer();
    for (const v of ['1.27', '1.29', '1.33']) k[v] = new Kubectl(v, server);
  });
  after(async () => {
    for (const c of Object.values(k)) c.cleanup();
    await server?.stop();
  });

  it('serves /openapi/v2 with the content type kube-apiserver uses and the v3 index with hashed URLs', async () => {
    const v2 = await rawRequest(server, 'GET', '/openapi/v2', {
      token: server.adminToken,
      headers: { accept: 'application/com.github.proto-openapi.spec.v2@v1.0+protobuf' },
    });
    assert.equal(v2.status, 200);
    assert.equal(v2.headers['content-type'], 'application/com.github.proto-openapi.spec.v2.v1.0+protobuf');
    const index = await rawRequest(server, 'GET', '/openapi/v3', { token: server.adminToken });
    assert.equal(index.status, 200);
    const paths = (JSON.parse(index.body) as { paths: Record<string, { serverRelativeURL: string }> }).paths;
    assert.match(paths['api/v1']!.serverRelativeURL, /^\/openapi\/v3\/api\/v1\?hash=[0-9A-F]{128}$/);
    assert.match(
      paths['apis/rbac.authorization.k8s.io/v1']!.serverRelativeURL,
      /^\/openapi\/v3\/apis\/rbac\.authorization\.k8s\.io\/v1\?hash=/,
    );
    const doc = await rawRequest(server, 'GET', paths['api/v1']!.serverRelativeURL, { token: server.adminToken });
    assert.equal(doc.status, 200);
    assert.equal(doc.headers['cache-control'], 'public, immutable');
    const again = await rawRequest(server, 'GET', paths['api/v1']!.serverRelativeURL, { token: server.adminToken });
    assert.equal(again.headers['etag'], doc.headers['etag']);
    assert.equal(again.body, doc.body);
  });

  for (const v of ['1.27', '1.33']) {
    it(`kubectl ${v} explain pods`, async () => {
      const r = await k[v]!.run(['explain', 'pods']);
      assert.equal(r.stderr, '');
      assert.equal(r.code, 0);
      const lines = r.stdout.split('\n');
      assert.deepEqual(lines.slice(0, 4), ['KIND:       Pod', 'VERSION:    v1', '', 'DESCRIPTION:']);
      assert.equal(
        description(r.stdout),
        'A group of containers scheduled together onto one node, sharing network and storage.',
      );
      assert.ok(lines.includes('FIELDS:'));
      assert.deepEqual(fieldLines(r.stdout), [
        '  apiVersion\t<string>',
        '  kind\t<string>',
        '  metadata\t<ObjectMeta>',
        '  spec\t<PodSpec>',
        '  status\t<PodStatus>',
      ]);
      const spec = lines.indexOf('  spec\t<PodSpec>');
      assert.equal(lines[spec + 1], '    The desired state of the pod.');
    });

    it(`kubectl ${v} explain pods.spec.containers`, async () => {
      const r = await k[v]!.run(['explain', 'pods.spec.containers']);
      assert.equal(r.stderr, '');
      assert.equal(r.code, 0);
      const lines = r.stdout.split('\n');
      assert.deepEqual(lines.slice(0, 4), ['KIND:       Pod', 'VERSION:    v1', '', 'FIELD: containers <[]Container>']);
      assert.equal(
        description(r.stdout),
        'The containers of the pod. At least one is required and the list cannot change after creation. ' +
          'A single application container of a pod. Each container runs one image; superkube records containers but runs none.',
      );
      const fields = fieldLines(r.stdout);
      for (const f of [
        '  args\t<[]string>',
        '  env\t<[]EnvVar>',
        '  image\t<string>',
        '  imagePullPolicy\t<string>',
        '  livenessProbe\t<Probe>',
        '  name\t<string> -required-',
        '  ports\t<[]ContainerPort>',
        '  resources\t<ResourceRequirements>',
        '  securityContext\t<SecurityContext>',
        '  volumeMounts\t<[]VolumeMount>',
      ])
        assert.ok(fields.includes(f), `${f} in:\n${r.stdout}`);
      assert.deepEqual(
        fields,
        [...fields].sort((a, b) => (a.trim() < b.trim() ? -1 : 1)),
        'fields are sorted by name',
      );
    });

    it(`kubectl ${v} explain configmap --recursive`, async () => {
      const r = await k[v]!.run(['explain', 'configmap', '--recursive']);
      assert.equal(r.stderr, '');
      assert.equal(r.code, 0);
      assert.equal(r.stdout, CONFIGMAP_RECURSIVE);
    });
  }

  it('kubectl 1.33 explain of a field that does not exist', async () => {
    const r = await k['1.33']!.run(['explain', 'pods.spec.nosuch']);
    assert.equal(r.code, 1);
    assert.equal(r.stderr, 'error: field "nosuch" does not exist\n');
  });

  for (const v of ['1.27', '1.29', '1.33']) {
    it(`kubectl ${v} apply -f creates and then configures a ConfigMap with the default validation`, async () => {
      const name = `cm-${v.replace('.', '-')}`;
      const manifest = (data: string) => `apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: ${name}\ndata:\n${data}`;
      const created = await k[v]!.run(['apply', '-f', '-'], { input: manifest('  a: "1"\n') });
      assert.deepEqual(created, { code: 0, stdout: `configmap/${name} created\n`, stderr: '' });
      const configured = await k[v]!.run(['apply', '-f', '-'], { input: manifest('  b: "2"\n') });
      assert.deepEqual(configured, { code: 0, stdout: `configmap/${name} configured\n`, stderr: '' });
      const unchanged = await k[v]!.run(['apply', '-f', '-'], { input: manifest('  b: "2"\n') });
      assert.deepEqual(unchanged, { code: 0, stdout: `configmap/${name} unchanged\n`, stderr: '' });
      assert.equal(await k[v]!.ok(['get', 'configmap', name, '-o', 'jsonpath={.data}']), '{"b":"2"}');
    });
  }

  it('kubectl 1.33 apply computes a strategic merge patch of containers from the v3 schema', async () => {
    const pod = (image: string) => `apiVersion: v1
kind: Pod
metadata:
  name: web
spec:
  containers:
  - name: a
    image: ${image}
    ports: [{containerPort: 80}]
    env: [{name: X, value: "1"}]
  - name: b
    image: busybox:1
    command: [sleep, "3600"]
`;
    const c = k['1.33']!;
    assert.deepEqual(await c.run(['apply', '-f', '-'], { input: pod('nginx:1') }), {
      code: 0,
      stdout: 'pod/web created\n',
      stderr: '',
    });
    assert.deepEqual(await c.run(['apply', '-f', '-'], { input: pod('nginx:2') }), {
      code: 0,
      stdout: 'pod/web configured\n',
      stderr: '',
    });
    assert.equal(await c.ok(['get', 'pod', 'web', '-o', 'jsonpath={.spec.containers[*].image}']), 'nginx:2 busybox:1');
  });

  for (const v of ['1.27', '1.33']) {
    it(`kubectl ${v} apply leaves unknown fields to the server, which rejects them under Strict`, async () => {
      const r = await k[v]!.run(['apply', '-f', '-'], {
        input: 'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: strict\ndata:\n  a: "1"\nfoo: bar\n',
      });
      assert.equal(r.code, 1);
      assert.equal(r.stdout, '');
      assert.equal(
        r.stderr,
        'Error from server (BadRequest): error when creating "STDIN": ConfigMap in version "v1" cannot be handled as a ConfigMap: strict decoding error: unknown field "foo"\n',
      );
    });
  }
});
