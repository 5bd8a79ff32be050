/**
 * Bad input over raw HTTPS (and kubectl where natural): every malformed request gets the Status a real
 * kube-apiserver returns, and afterwards the server still serves and holds nothing half-written.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { eventually, Kubectl, rawRequest, startServer, type TestServer } from './harness.ts';

/** The real bytes kubectl 1.32 sends for `kubectl create ns x` (spec/kubectl.md §9). */
const CREATE_NS_X_PROTOBUF = Buffer.from(
  '6b387300' +
    '0a0f0a0276311209' +
    Buffer.from('Namespace').toString('hex') +
    '12190a110a017812001a0022002a0032003800420012001a020a00' +
    '1a002200',
  'hex',
);

/** upstream's summarizeData (apiserver endpoints/handlers/rest.go): JSON-looking bodies as text, others as hex. */
function summarizeData(data: Buffer, maxLength: number): string {
  if (data.length === 0) return '<empty>';
  const cut = data.length > maxLength;
  const head = cut ? data.subarray(0, maxLength) : data;
  const text = data[0] === 0x7b ? head.toString() : head.toString('hex');
  return cut ? `${text} ...` : text;
}

const RFC1123_LABEL =
  "a lowercase RFC 1123 label must consist of lower case alphanumeric characters or '-', and must start and end with an alphanumeric character (e.g. 'my-name',  or '123-abc', regex used for validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?')";

interface Status {
  kind: string;
  apiVersion: string;
  metadata: Record<string, unknown>;
  status: string;
  message: string;
  reason: string;
  code: number;
  details?: Record<string, unknown>;
}

describe('bad input', () => {
  let server: TestServer;
  let work: string;
  const kubectls: Kubectl[] = [];
  let token: string;

  before(async () => {
    server = await startServer();
    token = server.adminToken;
    work = mkdtempSync(join(tmpdir(), 'bad-input-'));
  });
  after(async () => {
    for (const k of kubectls) k.cleanup();
    if (work) rmSync(work, { recursive: true, force: true });
    if (server && server.process.exitCode !== null) console.error(`server had exited: ${server.logs()}`);
    await server?.stop();
  });

  function kubectl(version: string): Kubectl {
    const k = new Kubectl(version, server);
    kubectls.push(k);
    return k;
  }

  /** Sends a request and returns the Status it answered with, checking the status line matches the body. */
  async function statusFor(
    method: string,
    path: string,
    opts: Parameters<typeof rawRequest>[3] = {},
  ): Promise<{ http: number; status: Status; raw: string; contentType: string }> {
    const res = await rawRequest(server, method, path, opts);
    const status = JSON.parse(res.body) as Status;
    assert.equal(status.kind, 'Status', res.body);
    assert.equal(status.apiVersion, 'v1', res.body);
    assert.equal(status.status, 'Failure', res.body);
    assert.equal(status.code, res.status, res.body);
    return { http: res.status, status, raw: res.body, contentType: String(res.headers['content-type']) };
  }

  it('malformed JSON -> 400 BadRequest', async () => {
    const body = '{"kind":';
    const { http, status, contentType } = await statusFor('POST', '/api/v1/namespaces', { token, body });
    assert.equal(http, 400);
    assert.equal(contentType, 'application/json');
    assert.equal(status.reason, 'BadRequest');
    assert.equal(
      status.message,
      'the object provided is unrecognized (must be of type Namespace): couldn\'t get version/kind; json parse error: unexpected end of JSON input ({"kind":)',
    );
  });

  it('a truncated protobuf body -> 400 BadRequest', async () => {
    // Cut inside Unknown.raw: the length prefix promises 25 bytes, only 3 follow.
    const truncated = CREATE_NS_X_PROTOBUF.subarray(0, 28);
    const { http, status } = await statusFor('POST', '/api/v1/namespaces', {
      token,
      body: truncated,
      headers: { 'content-type': 'application/vnd.kubernetes.protobuf', accept: 'application/json' },
    });
    assert.equal(http, 400);
    assert.equal(status.reason, 'BadRequest');
    assert.equal(
      status.message,
      `the object provided is unrecognized (must be of type Namespace): unexpected EOF (${summarizeData(truncated, 30)})`,
    );
    // The whole message is accepted (this is what kubectl 1.32 sends), so the cut is what failed.
    const ok = await rawRequest(server, 'POST', '/api/v1/namespaces', {
      token,
      body: CREATE_NS_X_PROTOBUF,
      headers: { 'content-type': 'application/vnd.kubernetes.protobuf', accept: 'application/json' },
    });
    assert.equal(ok.status, 201, ok.body);
    const del = await rawRequest(server, 'DELETE', '/api/v1/namespaces/x', { token });
    assert.equal(del.status, 200, del.body);
    await eventually(
      async () => (await rawRequest(server, 'GET', '/api/v1/namespaces/x', { token })).status === 404,
      30_000,
      'namespace x to be deleted',
    );
  });

  it('an unknown kind posted to a collection -> 400 BadRequest', async () => {
    const body = JSON.stringify({ apiVersion: 'v1', kind: 'Foo', metadata: { name: 'foo-kind' } });
    const { http, status } = await statusFor('POST', '/api/v1/namespaces', { token, body });
    assert.equal(http, 400);
    assert.equal(status.reason, 'BadRequest');
    assert.match(
      status.message,
      /^Foo in version "v1" cannot be handled as a Namespace: no kind "Foo" is registered for version "v1" in scheme "[^"]+"$/,
    );
  });

  it('kubectl create -f of an unknown kind fails client-side with "no matches for kind"', async () => {
    const file = join(work, 'foo.yaml');
    writeFileSync(file, 'apiVersion: example.com/v1\nkind: Foo\nmetadata:\n  name: x\n');
    for (const version of ['1.27', '1.33']) {
      const r = await kubectl(version).run(['create', '-f', file]);
      assert.equal(r.code, 1, version);
      assert.equal(r.stdout, '', version);
      assert.deepEqual(
        r.stderr.split('\n'),
        [
          `error: resource mapping not found for name: "x" namespace: "" from "${file}": no matches for kind "Foo" in version "example.com/v1"`,
          'ensure CRDs are installed first',
          '',
        ],
        version,
      );
    }
  });

  it('a 10 MiB body -> 413 RequestEntityTooLarge', async () => {
    const big = JSON.stringify({
      apiVersion: 'v1',
      kind: 'ConfigMap',
      metadata: { name: 'huge' },
      data: { big: 'x'.repeat(10 * 1024 * 1024) },
    });
    const { http, status } = await statusFor('POST', '/api/v1/namespaces/default/configmaps', { token, body: big });
    assert.equal(http, 413);
    assert.equal(status.reason, 'RequestEntityTooLarge');
    assert.equal(status.message, 'Request entity too large: limit is 3145728');
  });

  it('an invalid name -> 422 Invalid with upstream message, and kubectl prints it verbatim', async () => {
    const body = JSON.stringify({ apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'Bad_Name' } });
    const { http, status } = await statusFor('POST', '/api/v1/namespaces', { token, body });
    assert.equal(http, 422);
    assert.equal(status.reason, 'Invalid');
    assert.equal(
      status.message,
      `Namespace "Bad_Name" is invalid: metadata.name: Invalid value: "Bad_Name": ${RFC1123_LABEL}`,
    );
    assert.deepEqual(status.details, {
      name: 'Bad_Name',
      kind: 'Namespace',
      causes: [
        { reason: 'FieldValueInvalid', message: `Invalid value: "Bad_Name": ${RFC1123_LABEL}`, field: 'metadata.name' },
      ],
    });
    // 1.27 sends JSON, 1.33 protobuf; both print the same line.
    for (const version of ['1.27', '1.33']) {
      const r = await kubectl(version).run(['create', 'namespace', 'Bad_Name']);
      assert.deepEqual(
        [r.code, r.stdout, r.stderr],
        [1, '', `The Namespace "Bad_Name" is invalid: metadata.name: Invalid value: "Bad_Name": ${RFC1123_LABEL}\n`],
        version,
      );
    }
  });

  it('a stale resourceVersion on PUT -> 409 Conflict, and the object is unchanged', async () => {
    const created = await rawRequest(server, 'POST', '/api/v1/namespaces/default/configmaps', {
      token,
      body: JSON.stringify({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'c1' }, data: { a: 'b' } }),
    });
    assert.equal(created.status, 201, created.body);
    const rv = (JSON.parse(created.body) as { metadata: { resourceVersion: string } }).metadata.resourceVersion;
    const updated = await rawRequest(server, 'PUT', '/api/v1/namespaces/default/configmaps/c1', {
      token,
      body: JSON.stringify({
        apiVersion: 'v1',
        kind: 'ConfigMap',
        metadata: { name: 'c1', resourceVersion: rv },
        data: { a: 'c' },
      }),
    });
    assert.equal(updated.status, 200, updated.body);

    const { http, status, raw } = await statusFor('PUT', '/api/v1/namespaces/default/configmaps/c1', {
      token,
      body: JSON.stringify({
        apiVersion: 'v1',
        kind: 'ConfigMap',
        metadata: { name: 'c1', resourceVersion: rv },
        data: { a: 'stale' },
      }),
    });
    assert.equal(http, 409);
    assert.equal(status.reason, 'Conflict');
    assert.equal(
      status.message,
      'Operation cannot be fulfilled on configmaps "c1": the object has been modified; please apply your changes to the latest version and try again',
    );
    assert.deepEqual(status.details, { name: 'c1', kind: 'configmaps' });
    // Byte for byte as metav1.Status marshals: details come before code.
    assert.equal(
      raw,
      '{"kind":"Status","apiVersion":"v1","metadata":{},"status":"Failure","message":"Operation cannot be fulfilled on configmaps \\"c1\\": the object has been modified; please apply your changes to the latest version and try again","reason":"Conflict","details":{"name":"c1","kind":"configmaps"},"code":409}',
    );
    const now = await rawRequest(server, 'GET', '/api/v1/namespaces/default/configmaps/c1', { token });
    assert.deepEqual((JSON.parse(now.body) as { data: unknown }).data, { a: 'c' });
  });

  it('no token -> anonymous is Forbidden; a bad token -> 401 with the exact upstream body', async () => {
    const anon = await statusFor('GET', '/api/v1/namespaces');
    assert.equal(anon.http, 403);
    assert.equal(anon.status.reason, 'Forbidden');
    assert.equal(
      anon.status.message,
      'namespaces is forbidden: User "system:anonymous" cannot list resource "namespaces" in API group "" at the cluster scope',
    );
    assert.deepEqual(anon.status.details, { kind: 'namespaces' });

    const bad = await rawRequest(server, 'GET', '/api/v1/namespaces', { token: 'not-a-token' });
    assert.equal(bad.status, 401);
    assert.equal(
      bad.body,
      '{"kind":"Status","apiVersion":"v1","metadata":{},"status":"Failure","message":"Unauthorized","reason":"Unauthorized","code":401}',
    );

    // kubectl with a warm discovery cache reaches the GET itself and prints the 401 its own way.
    const k = kubectl('1.33');
    await k.ok(['get', 'ns', 'default', '-o', 'name']);
    const r = await k.run(['get', 'ns', 'default', '--token=not-a-token']);
    assert.deepEqual(
      [r.code, r.stdout, r.stderr],
      [1, '', 'error: You must be logged in to the server (Unauthorized)\n'],
    );
  });

  it('an unknown path -> 404; an unknown resource under a served group version -> 404 NotFound Status', async () => {
    // Outside every API prefix upstream falls through to Go's http.NotFound, so only the code is asserted there.
    const res = await rawRequest(server, 'GET', '/no/such/path', { token });
    assert.equal(res.status, 404);
    for (const path of ['/api/v1/namespaces/default/foos', '/apis/rbac.authorization.k8s.io/v1/foos']) {
      const { http, status } = await statusFor('GET', path, { token });
      assert.equal(http, 404, path);
      assert.equal(status.reason, 'NotFound', path);
      assert.equal(status.message, 'the server could not find the requested resource', path);
    }
  });

  it('afterwards the server still serves and nothing half-written remains', async () => {
    const ready = await rawRequest(server, 'GET', '/readyz', { token });
    assert.deepEqual([ready.status, ready.body], [200, 'ok']);
    const list = await rawRequest(server, 'GET', '/api/v1/namespaces', { token });
    assert.equal(list.status, 200, list.body);
    const names = (JSON.parse(list.body) as { items: { metadata: { name: string } }[] }).items.map(
      (n) => n.metadata.name,
    );
    assert.deepEqual(names.sort(), ['default', 'kube-node-lease', 'kube-public', 'kube-system']);
    for (const path of [
      '/api/v1/namespaces/foo-kind',
      '/api/v1/namespaces/Bad_Name',
      '/api/v1/namespaces/x',
      '/api/v1/namespaces/default/configmaps/huge',
    ]) {
      const res = await rawRequest(server, 'GET', path, { token });
      assert.equal(res.status, 404, `${path}: ${res.body}`);
    }
    const cms = await rawRequest(server, 'GET', '/api/v1/namespaces/default/configmaps', { token });
    const cmNames = (JSON.parse(cms.body) as { items: { metadata: { name: string } }[] }).items.map(
      (c) => c.metadata.name,
    );
    assert.deepEqual(cmNames.sort(), ['c1', 'kube-root-ca.crt']);
    assert.equal(await kubectl('1.33').ok(['get', 'ns', 'default', '-o', 'jsonpath={.status.phase}']), 'Active');
  });
});
