/**
 * Acceptance of issue 3, metrics: GET /metrics serves Prometheus text with the API server's request, authentication,
 * authorization and storage metrics; the counters grow as requests are served; a user bound to nothing gets 403 and
 * a user in group system:monitoring (added to the hot-reloaded known_tokens.csv) may read it, also through kubectl.
 */
import assert from 'node:assert/strict';
import { appendFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { eventually, Kubectl, rawRequest, startServer, type TestServer } from './harness.ts';

const suffix = Date.now().toString(36);
const NOBODY = `nobody-${suffix}-token`;
const MONITOR = `monitor-${suffix}-token`;
const SSR_BODY = '{"apiVersion":"authentication.k8s.io/v1","kind":"SelfSubjectReview"}';

/** Metric name -> the Prometheus type the exposition must declare. */
const EXPECTED_TYPES: Record<string, string> = {
  apiserver_request_total: 'counter',
  apiserver_request_duration_seconds: 'histogram',
  apiserver_current_inflight_requests: 'gauge',
  authentication_attempts: 'counter',
  apiserver_authorization_decisions_total: 'counter',
  superkube_storage_operation_duration_seconds: 'histogram',
};

/** One parsed sample line: `name{labels} value`. */
interface Sample {
  name: string;
  labels: string;
  value: number;
}

/** Parses the sample lines of a Prometheus text exposition (comments skipped). */
function samples(text: string): Sample[] {
  const out: Sample[] = [];
  for (const line of text.split('\n')) {
    if (!line || line.startsWith('#')) continue;
    const m = /^([a-zA-Z_:][a-zA-Z0-9_:]*)(\{.*\})? (\S+)$/.exec(line);
    assert.ok(m, `not a sample line: ${JSON.stringify(line)}`);
    out.push({ name: m[1]!, labels: m[2] ?? '', value: Number(m[3]) });
  }
  return out;
}

/** The sum of all samples of `name` whose label set matches every pattern. */
function total(text: string, name: string, ...labelPatterns: RegExp[]): number {
  return samples(text)
    .filter((s) => s.name === name && labelPatterns.every((p) => p.test(s.labels)))
    .reduce((sum, s) => sum + s.value, 0);
}

describe('GET /metrics', () => {
  let server: TestServer;
  let k: Kubectl;
  const scrape = async (token: string) => {
    const r = await rawRequest(server, 'GET', '/metrics', { token });
    assert.equal(r.status, 200, r.body);
    return r;
  };

  before(async () => {
    server = await startServer();
    k = new Kubectl('1.33', server);
  });
  after(async () => {
    k?.cleanup();
    await server?.stop();
  });

  it('returns Prometheus text with the API server metrics to the admin', async () => {
    // Some traffic first, so every metric has samples.
    await k.ok(['get', 'namespaces']);
    const r = await scrape(server.adminToken);
    assert.match(String(r.headers['content-type']), /^text\/plain; version=0\.0\.4/);
    for (const [name, type] of Object.entries(EXPECTED_TYPES)) {
      assert.match(r.body, new RegExp(`^# HELP ${name} \\S`, 'm'), name);
      assert.match(r.body, new RegExp(`^# TYPE ${name} ${type}$`, 'm'), name);
    }
    const all = samples(r.body);
    const names = new Set(all.map((s) => s.name));
    for (const name of [
      'apiserver_request_total',
      'apiserver_request_duration_seconds_bucket',
      'apiserver_request_duration_seconds_sum',
      'apiserver_request_duration_seconds_count',
      'apiserver_current_inflight_requests',
      'authentication_attempts',
      'apiserver_authorization_decisions_total',
      'superkube_storage_operation_duration_seconds_bucket',
      'superkube_storage_operation_duration_seconds_count',
    ])
      assert.ok(names.has(name), `no samples of ${name}`);
    // kubectl's list of namespaces was counted with the upstream label names.
    assert.ok(total(r.body, 'apiserver_request_total', /resource="namespaces"/, /code="200"/) >= 1);
    // Histogram buckets end with +Inf, which equals the count.
    const inf = total(r.body, 'apiserver_request_duration_seconds_bucket', /le="\+Inf"/);
    assert.equal(inf, total(r.body, 'apiserver_request_duration_seconds_count'));
    const inflight = all.find((s) => s.name === 'apiserver_current_inflight_requests');
    assert.ok(inflight && inflight.value >= 0, JSON.stringify(inflight));
  });

  it('counters grow after requests', async () => {
    const before = (await scrape(server.adminToken)).body;
    const N = 5;
    for (let i = 0; i < N; i++) {
      const r = await rawRequest(server, 'GET', '/api/v1/namespaces', { token: server.adminToken });
      assert.equal(r.status, 200);
    }
    await k.ok(['create', 'configmap', 'counted', '--from-literal=a=b']);
    const bad = await rawRequest(server, 'GET', '/api/v1/namespaces', { token: 'not-a-token' });
    assert.equal(bad.status, 401);
    const afterText = (await scrape(server.adminToken)).body;

    const grew = (name: string, by: number, ...labels: RegExp[]) => {
      const b = total(before, name, ...labels);
      const a = total(afterText, name, ...labels);
      assert.ok(a - b >= by, `${name}${labels.join('')} went from ${b} to ${a}, expected +${by}`);
    };
    grew('apiserver_request_total', N, /resource="namespaces"/, /code="200"/);
    grew('apiserver_request_total', 1, /resource="configmaps"/, /code="201"/);
    grew('apiserver_request_total', 1, /code="401"/);
    grew('apiserver_request_duration_seconds_count', N + 1);
    grew('authentication_attempts', N + 1);
    grew('authentication_attempts', 1, /error|fail/);
    grew('apiserver_authorization_decisions_total', N + 1, /allow/i);
    grew('superkube_storage_operation_duration_seconds_count', 1);
  });

  it('a user bound to nothing gets 403; anonymous gets 403', async () => {
    appendFileSync(join(server.dataDir, 'known_tokens.csv'), `${NOBODY},nobody,nobody-uid\n`);
    await eventually(
      async () =>
        (
          await rawRequest(server, 'POST', '/apis/authentication.k8s.io/v1/selfsubjectreviews', {
            token: NOBODY,
            body: SSR_BODY,
          })
        ).status === 201,
      15_000,
      'the token file to reload',
    );
    const r = await rawRequest(server, 'GET', '/metrics', { token: NOBODY });
    assert.equal(r.status, 403);
    assert.deepEqual(JSON.parse(r.body), {
      kind: 'Status',
      apiVersion: 'v1',
      metadata: {},
      status: 'Failure',
      message: 'forbidden: User "nobody" cannot get path "/metrics"',
      reason: 'Forbidden',
      details: {},
      code: 403,
    });
    const kr = await k.run([`--token=${NOBODY}`, 'get', '--raw', '/metrics']);
    assert.deepEqual(
      { code: kr.code, stdout: kr.stdout, stderr: kr.stderr },
      {
        code: 1,
        stdout: '',
        stderr: 'Error from server (Forbidden): forbidden: User "nobody" cannot get path "/metrics"\n',
      },
    );
    const anon = await rawRequest(server, 'GET', '/metrics');
    assert.equal(anon.status, 403);
    assert.equal(
      (JSON.parse(anon.body) as { message: string }).message,
      'forbidden: User "system:anonymous" cannot get path "/metrics"',
    );
  });

  it('a user in group system:monitoring can read it', async () => {
    appendFileSync(join(server.dataDir, 'known_tokens.csv'), `${MONITOR},prometheus,prom-uid,"system:monitoring"\n`);
    const r = await eventually(
      async () => {
        const res = await rawRequest(server, 'GET', '/metrics', { token: MONITOR });
        return res.status === 200 && res;
      },
      15_000,
      'the monitoring token to read /metrics',
    );
    assert.match(r.body, /^# TYPE apiserver_request_total counter$/m);
    const out = await k.ok([`--token=${MONITOR}`, 'get', '--raw', '/metrics']);
    assert.match(out, /^# TYPE apiserver_authorization_decisions_total counter$/m);
    // The group grants the monitoring paths only, not the API.
    const denied = await k.run([`--token=${MONITOR}`, 'get', 'pods']);
    assert.deepEqual(
      { code: denied.code, stderr: denied.stderr },
      {
        code: 1,
        stderr:
          'Error from server (Forbidden): pods is forbidden: User "prometheus" cannot list resource "pods" in API group "" in the namespace "default"\n',
      },
    );
  });
});
