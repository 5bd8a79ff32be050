import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { decodeProtobufObject, isProtobufContentType, ProtobufDecodeError } from './protobuf.ts';
import { bytes, cat, entry, envelope, freshMeta, int, msg, str, varint } from './testing/wire.ts';

/** spec/kubectl.md §9: the real bytes of `kubectl create ns x` (kubectl 1.32). */
const CREATE_NS_X = Buffer.from(
  '6b387300' +
    '0a0f0a0276311209' +
    '4e616d657370616365' +
    '1219' +
    '0a110a0178' +
    '12001a0022002a00320038004200' +
    '12001a020a00' +
    '1a002200',
  'hex',
);

/**
 * What JSON clients send minus the documented empty-field drops (spec §9 gotchas): `null` and `""`
 * properties go; array elements stay (apiGroups [""] is meaningful).
 */
function dropEmpties(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(dropEmpties);
  if (typeof value !== 'object' || value === null) return value;
  const out: Record<string, unknown> = {};
  for (const [key, v] of Object.entries(value)) {
    if (v === null || v === '') continue;
    out[key] = dropEmpties(v);
  }
  return out;
}

/** The JSON body kubectl 1.27 sent (spec §8/§13/§14), normalised for comparison. */
function sentAsJson(json: string): unknown {
  return dropEmpties(JSON.parse(json));
}

function assertDecodeError(body: Uint8Array, message?: RegExp): void {
  assert.throws(
    () => decodeProtobufObject(body),
    (err: unknown) => {
      assert.ok(err instanceof ProtobufDecodeError, `expected ProtobufDecodeError, got ${String(err)}`);
      if (message) assert.match(err.message, message);
      return true;
    },
  );
}

describe('decodeProtobufObject: kubectl vectors', () => {
  it('decodes the real bytes of `kubectl create ns x`', () => {
    const decoded = decodeProtobufObject(CREATE_NS_X);
    assert.deepEqual(decoded, { apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'x' }, spec: {}, status: {} });
    assert.deepEqual(
      decoded,
      sentAsJson(
        '{"kind":"Namespace","apiVersion":"v1","metadata":{"name":"x","creationTimestamp":null},"spec":{},"status":{}}',
      ),
    );
  });

  it('decodes a ServiceAccount the way 1.27 sent it as JSON', () => {
    const body = envelope('v1', 'ServiceAccount', freshMeta(1, 'sa1'));
    assert.deepEqual(
      decodeProtobufObject(body),
      sentAsJson('{"kind":"ServiceAccount","apiVersion":"v1","metadata":{"name":"sa1","creationTimestamp":null}}'),
    );
  });

  it('decodes Secret map<string,bytes> as base64 and drops the empty type', () => {
    // create secret generic s1 --from-literal=a=b: data{a: "b"}, type "" (gogo writes it).
    const body = envelope(
      'v1',
      'Secret',
      cat(freshMeta(1, 's1'), entry(2, 'a', bytes(2, Buffer.from('b'))), str(3, '')),
    );
    const decoded = decodeProtobufObject(body);
    assert.deepEqual(
      decoded,
      sentAsJson(
        '{"kind":"Secret","apiVersion":"v1","metadata":{"name":"s1","creationTimestamp":null},"data":{"a":"Yg=="}}',
      ),
    );
    assert.equal('type' in decoded, false);
  });

  it('decodes binary-safe Secret values and keeps stringData and immutable', () => {
    const binary = Buffer.from([0x00, 0xff, 0x80, 0x0a]);
    const body = envelope(
      'v1',
      'Secret',
      cat(
        freshMeta(1, 's2', 'ns1'),
        entry(2, 'bin', bytes(2, binary)),
        entry(2, 'empty', bytes(2, Buffer.alloc(0))),
        str(3, 'kubernetes.io/tls'),
        entry(4, 'plain', str(2, 'hunter2')),
        int(5, true),
      ),
    );
    assert.deepEqual(decodeProtobufObject(body), {
      apiVersion: 'v1',
      kind: 'Secret',
      metadata: { name: 's2', namespace: 'ns1' },
      data: { bin: binary.toString('base64'), empty: '' },
      type: 'kubernetes.io/tls',
      stringData: { plain: 'hunter2' },
      immutable: true,
    });
  });

  it('decodes ConfigMap data (keeping "" values) and binaryData as base64', () => {
    const body = envelope(
      'v1',
      'ConfigMap',
      cat(
        freshMeta(1, 'cm1'),
        entry(2, 'k1', str(2, 'v1')),
        entry(2, 'blank', str(2, '')),
        entry(3, 'b', bytes(2, Buffer.from('hi'))),
        int(4, false),
      ),
    );
    assert.deepEqual(decodeProtobufObject(body), {
      apiVersion: 'v1',
      kind: 'ConfigMap',
      metadata: { name: 'cm1' },
      data: { k1: 'v1', blank: '' },
      binaryData: { b: 'aGk=' },
      immutable: false,
    });
  });

  it('decodes Role rules (nested repeated) keeping the core group ""', () => {
    const rule = msg(2, str(1, 'get'), str(1, 'list'), str(2, ''), str(3, 'pods'), str(3, 'secrets'), str(4, 'x'));
    const body = envelope('rbac.authorization.k8s.io/v1', 'Role', cat(freshMeta(1, 'r'), rule));
    assert.deepEqual(
      decodeProtobufObject(body),
      sentAsJson(
        '{"kind":"Role","apiVersion":"rbac.authorization.k8s.io/v1","metadata":{"name":"r","creationTimestamp":null},"rules":[{"verbs":["get","list"],"apiGroups":[""],"resources":["pods","secrets"],"resourceNames":["x"]}]}',
      ),
    );
  });

  it('decodes RoleBinding subjects, dropping the "" apiGroup and namespace gogo writes', () => {
    const subject = (kind: string, apiGroup: string, name: string, namespace: string) =>
      msg(2, str(1, kind), str(2, apiGroup), str(3, name), str(4, namespace));
    const body = envelope(
      'rbac.authorization.k8s.io/v1',
      'RoleBinding',
      cat(
        freshMeta(1, 'rb'),
        subject('User', 'rbac.authorization.k8s.io', 'alice', ''),
        subject('Group', 'rbac.authorization.k8s.io', 'g1', ''),
        subject('ServiceAccount', '', 'default', 'default'),
        msg(3, str(1, 'rbac.authorization.k8s.io'), str(2, 'Role'), str(3, 'r')),
      ),
    );
    assert.deepEqual(
      decodeProtobufObject(body),
      sentAsJson(
        '{"kind":"RoleBinding","apiVersion":"rbac.authorization.k8s.io/v1","metadata":{"name":"rb","creationTimestamp":null},"subjects":[{"kind":"User","apiGroup":"rbac.authorization.k8s.io","name":"alice"},{"kind":"Group","apiGroup":"rbac.authorization.k8s.io","name":"g1"},{"kind":"ServiceAccount","name":"default","namespace":"default"}],"roleRef":{"apiGroup":"rbac.authorization.k8s.io","kind":"Role","name":"r"}}',
      ),
    );
  });

  it('decodes a ClusterRole with nonResourceURLs and an aggregationRule', () => {
    const selector = msg(
      1,
      entry(1, 'rbac.example.com/aggregate-to-view', str(2, 'true')),
      msg(2, str(1, 'tier'), str(2, 'In'), str(3, 'a'), str(3, 'b')),
    );
    const body = envelope(
      'rbac.authorization.k8s.io/v1',
      'ClusterRole',
      cat(freshMeta(1, 'cr'), msg(2, str(1, 'get'), str(5, '/healthz')), msg(3, selector)),
    );
    assert.deepEqual(decodeProtobufObject(body), {
      apiVersion: 'rbac.authorization.k8s.io/v1',
      kind: 'ClusterRole',
      metadata: { name: 'cr' },
      rules: [{ verbs: ['get'], nonResourceURLs: ['/healthz'] }],
      aggregationRule: {
        clusterRoleSelectors: [
          {
            matchLabels: { 'rbac.example.com/aggregate-to-view': 'true' },
            matchExpressions: [{ key: 'tier', operator: 'In', values: ['a', 'b'] }],
          },
        ],
      },
    });
  });

  it('decodes `create token --duration 10m --audience a --audience b --bound-object-kind Pod --bound-object-name p1`', () => {
    const spec = msg(
      2,
      str(1, 'a'),
      str(1, 'b'),
      msg(3, str(1, 'Pod'), str(2, 'v1'), str(3, 'p1'), str(4, '')),
      int(4, 600),
    );
    const status = msg(3, str(1, ''), msg(2));
    const body = envelope('authentication.k8s.io/v1', 'TokenRequest', cat(freshMeta(1, ''), spec, status));
    assert.deepEqual(
      decodeProtobufObject(body),
      sentAsJson(
        '{"kind":"TokenRequest","apiVersion":"authentication.k8s.io/v1","metadata":{"creationTimestamp":null},"spec":{"audiences":["a","b"],"expirationSeconds":600,"boundObjectRef":{"kind":"Pod","apiVersion":"v1","name":"p1"}},"status":{"token":"","expirationTimestamp":null}}',
      ),
    );
  });

  it('decodes a bare `create token` body to empty spec and status', () => {
    const body = envelope(
      'authentication.k8s.io/v1',
      'TokenRequest',
      cat(freshMeta(1, ''), msg(2), msg(3, str(1, ''), msg(2))),
    );
    assert.deepEqual(
      decodeProtobufObject(body),
      sentAsJson(
        '{"kind":"TokenRequest","apiVersion":"authentication.k8s.io/v1","metadata":{"creationTimestamp":null},"spec":{"audiences":null,"expirationSeconds":null,"boundObjectRef":null},"status":{"token":"","expirationTimestamp":null}}',
      ),
    );
  });

  it('decodes the `auth whoami` SelfSubjectReview body in v1 and v1beta1', () => {
    for (const apiVersion of ['authentication.k8s.io/v1', 'authentication.k8s.io/v1beta1']) {
      const body = envelope(
        apiVersion,
        'SelfSubjectReview',
        cat(freshMeta(1, ''), msg(2, msg(1, str(1, ''), str(2, '')))),
      );
      assert.deepEqual(
        decodeProtobufObject(body),
        sentAsJson(
          `{"kind":"SelfSubjectReview","apiVersion":"${apiVersion}","metadata":{"creationTimestamp":null},"status":{"userInfo":{}}}`,
        ),
      );
    }
  });

  it('decodes an `auth can-i -A` SelfSubjectAccessReview without the "" namespace', () => {
    const attrs = msg(1, str(1, ''), str(2, 'list'), str(3, ''), str(4, ''), str(5, 'pods'), str(6, ''), str(7, ''));
    const body = envelope(
      'authorization.k8s.io/v1',
      'SelfSubjectAccessReview',
      cat(freshMeta(1, ''), msg(2, attrs), msg(3, int(1, false), int(4, false), str(2, ''), str(3, ''))),
    );
    const decoded = decodeProtobufObject(body);
    assert.deepEqual(decoded, {
      apiVersion: 'authorization.k8s.io/v1',
      kind: 'SelfSubjectAccessReview',
      metadata: {},
      spec: { resourceAttributes: { verb: 'list', resource: 'pods' } },
      status: { allowed: false },
    });
  });

  it('decodes `auth can-i get pods/log --subresource=log` and `can-i get /healthz`', () => {
    const resource = msg(
      1,
      str(1, 'default'),
      str(2, 'get'),
      str(3, ''),
      str(4, ''),
      str(5, 'pods'),
      str(6, 'log'),
      str(7, 'log'),
    );
    assert.deepEqual(
      decodeProtobufObject(
        envelope(
          'authorization.k8s.io/v1',
          'SelfSubjectAccessReview',
          cat(freshMeta(1, ''), msg(2, resource), msg(3, int(1, false))),
        ),
      ),
      sentAsJson(
        '{"kind":"SelfSubjectAccessReview","apiVersion":"authorization.k8s.io/v1","metadata":{"creationTimestamp":null},"spec":{"resourceAttributes":{"namespace":"default","verb":"get","resource":"pods","subresource":"log","name":"log"}},"status":{"allowed":false}}',
      ),
    );
    const nonResource = msg(2, str(1, '/healthz'), str(2, 'get'));
    assert.deepEqual(
      decodeProtobufObject(
        envelope(
          'authorization.k8s.io/v1',
          'SelfSubjectAccessReview',
          cat(freshMeta(1, ''), msg(2, nonResource), msg(3, int(1, false))),
        ),
      ),
      sentAsJson(
        '{"kind":"SelfSubjectAccessReview","apiVersion":"authorization.k8s.io/v1","metadata":{"creationTimestamp":null},"spec":{"nonResourceAttributes":{"path":"/healthz","verb":"get"}},"status":{"allowed":false}}',
      ),
    );
  });

  it('decodes the `auth can-i --list` SelfSubjectRulesReview', () => {
    const body = envelope(
      'authorization.k8s.io/v1',
      'SelfSubjectRulesReview',
      cat(freshMeta(1, ''), msg(2, str(1, 'default')), msg(3, int(3, false), str(4, ''))),
    );
    assert.deepEqual(decodeProtobufObject(body), {
      apiVersion: 'authorization.k8s.io/v1',
      kind: 'SelfSubjectRulesReview',
      metadata: {},
      spec: { namespace: 'default' },
      status: { incomplete: false },
    });
  });
});

describe('decodeProtobufObject: conversion rules', () => {
  it('formats Time as RFC 3339 seconds and drops empty or Go-zero times', () => {
    const meta = (time: Uint8Array) => msg(1, str(1, 'n'), time);
    const decode = (time: Uint8Array) =>
      (decodeProtobufObject(envelope('v1', 'Namespace', meta(time))).metadata as Record<string, unknown>)
        .creationTimestamp;
    assert.equal(decode(msg(8, int(1, 1700000000), int(2, 999999999))), '2023-11-14T22:13:20Z');
    assert.equal(decode(msg(8)), undefined);
    assert.equal(decode(msg(8, int(1, -62135596800), int(2, 0))), undefined);
    assert.equal(decode(msg(8, int(1, 0), int(2, 0))), '1970-01-01T00:00:00Z');
    assert.equal(decode(msg(8, int(1, -1))), '1969-12-31T23:59:59Z');
    assert.throws(() => decode(msg(8, int(1, 253402300800))), ProtobufDecodeError);
    assert.throws(() => decode(msg(8, int(1, -62167219201))), ProtobufDecodeError);
  });

  it('keeps a TokenRequest status.expirationTimestamp that is set', () => {
    const body = envelope(
      'authentication.k8s.io/v1',
      'TokenRequest',
      cat(freshMeta(1, ''), msg(3, str(1, 'tok'), msg(2, int(1, 1700000000)))),
    );
    assert.deepEqual(decodeProtobufObject(body).status, { token: 'tok', expirationTimestamp: '2023-11-14T22:13:20Z' });
  });

  it('decodes ExtraValue maps as string arrays (SelfSubjectReview and SubjectAccessReview)', () => {
    const userInfo = msg(
      1,
      str(1, 'alice'),
      str(2, 'uid-alice'),
      str(3, 'devs'),
      str(3, 'system:authenticated'),
      entry(4, 'scopes.example.com', msg(2, str(1, 'a'), str(1, 'b'))),
      entry(4, 'empty', msg(2)),
    );
    const review = decodeProtobufObject(
      envelope('authentication.k8s.io/v1', 'SelfSubjectReview', cat(freshMeta(1, ''), msg(2, userInfo))),
    );
    assert.deepEqual(review.status, {
      userInfo: {
        username: 'alice',
        uid: 'uid-alice',
        groups: ['devs', 'system:authenticated'],
        extra: { 'scopes.example.com': ['a', 'b'], empty: [] },
      },
    });

    const spec = msg(
      2,
      msg(1, str(1, 'ns1'), str(2, 'get'), str(5, 'pods')),
      str(3, 'bob'),
      str(4, 'g1'),
      entry(5, 'reason', msg(2, str(1, 'ticket 1'))),
      str(6, 'u-1'),
    );
    const sar = decodeProtobufObject(
      envelope('authorization.k8s.io/v1', 'SubjectAccessReview', cat(freshMeta(1, ''), spec)),
    );
    assert.deepEqual(sar.spec, {
      resourceAttributes: { namespace: 'ns1', verb: 'get', resource: 'pods' },
      user: 'bob',
      groups: ['g1'],
      extra: { reason: ['ticket 1'] },
      uid: 'u-1',
    });
  });

  it('decodes LocalSubjectAccessReview and TokenReview', () => {
    const lsar = decodeProtobufObject(
      envelope(
        'authorization.k8s.io/v1',
        'LocalSubjectAccessReview',
        cat(
          freshMeta(1, '', 'ns1'),
          msg(2, msg(1, str(1, 'ns1'), str(2, 'create'), str(5, 'secrets')), str(3, 'carol')),
        ),
      ),
    );
    assert.deepEqual(lsar.metadata, { namespace: 'ns1' });
    assert.deepEqual(lsar.spec, {
      resourceAttributes: { namespace: 'ns1', verb: 'create', resource: 'secrets' },
      user: 'carol',
    });

    const tokenReview = decodeProtobufObject(
      envelope(
        'authentication.k8s.io/v1',
        'TokenReview',
        cat(
          freshMeta(1, ''),
          msg(2, str(1, 'opaque-token'), str(2, 'api')),
          msg(3, int(1, false), msg(2, str(1, '')), str(3, '')),
        ),
      ),
    );
    assert.deepEqual(tokenReview.spec, { token: 'opaque-token', audiences: ['api'] });
    assert.deepEqual(tokenReview.status, { user: {} });
  });

  it('decodes ObjectMeta labels, annotations, ownerReferences, finalizers, generation and managedFields', () => {
    const fields = Buffer.from('{"f:data":{"f:k1":{}}}');
    const meta = msg(
      1,
      str(1, 'cm1'),
      str(3, 'default'),
      str(5, 'uid-1'),
      str(6, '42'),
      int(7, 3),
      msg(8, int(1, 1700000000)),
      entry(11, 'app', str(2, 'web')),
      entry(11, 'empty', str(2, '')),
      entry(12, 'note', str(2, 'hello')),
      msg(13, str(1, 'Deployment'), str(3, 'd1'), str(4, 'uid-d1'), str(5, 'apps/v1'), int(6, true), int(7, false)),
      str(14, 'example.com/finalizer'),
      msg(
        17,
        str(1, 'kubectl'),
        str(2, 'Update'),
        str(3, 'v1'),
        msg(4, int(1, 1700000000)),
        str(6, 'FieldsV1'),
        msg(7, bytes(1, fields)),
        str(8, ''),
      ),
    );
    assert.deepEqual(decodeProtobufObject(envelope('v1', 'ConfigMap', meta)).metadata, {
      name: 'cm1',
      namespace: 'default',
      uid: 'uid-1',
      resourceVersion: '42',
      generation: 3,
      creationTimestamp: '2023-11-14T22:13:20Z',
      labels: { app: 'web', empty: '' },
      annotations: { note: 'hello' },
      ownerReferences: [
        {
          apiVersion: 'apps/v1',
          kind: 'Deployment',
          name: 'd1',
          uid: 'uid-d1',
          controller: true,
          blockOwnerDeletion: false,
        },
      ],
      finalizers: ['example.com/finalizer'],
      managedFields: [
        {
          manager: 'kubectl',
          operation: 'Update',
          apiVersion: 'v1',
          time: '2023-11-14T22:13:20Z',
          fieldsType: 'FieldsV1',
          fieldsV1: { 'f:data': { 'f:k1': {} } },
        },
      ],
    });
  });

  it('rejects fieldsV1 that is not JSON without echoing it', () => {
    const meta = msg(1, str(1, 'x'), msg(17, str(1, 'm'), msg(7, bytes(1, Buffer.from('{"secret-ish')))));
    assertDecodeError(envelope('v1', 'ConfigMap', meta), /^metadata\.managedFields: fieldsV1 is not valid JSON$/);
    const deep = Buffer.from(`${'['.repeat(10001)}${']'.repeat(10001)}`);
    assertDecodeError(envelope('v1', 'ConfigMap', msg(1, msg(17, msg(7, bytes(1, deep))))), /max depth/);
  });

  it('keeps a "__proto__" map key as data, never as the prototype', () => {
    const decoded = decodeProtobufObject(
      envelope('v1', 'ConfigMap', cat(freshMeta(1, 'p'), entry(2, '__proto__', str(2, 'x')))),
    );
    const data = decoded.data as Record<string, unknown>;
    assert.equal(Object.getPrototypeOf(data), Object.prototype);
    assert.deepEqual(Object.keys(data), ['__proto__']);
    assert.equal(JSON.stringify(data), '{"__proto__":"x"}');
  });

  it('skips unknown fields of every wire type', () => {
    const unknown = cat(
      int(99, 7),
      str(98, 'ignored'),
      Buffer.from([0xa5, 0x06, 1, 2, 3, 4]),
      Buffer.from([0xa1, 0x06, 1, 2, 3, 4, 5, 6, 7, 8]),
    );
    const body = envelope(
      'v1',
      'Namespace',
      cat(freshMeta(1, 'x', '', unknown), unknown, msg(2, unknown), msg(3, str(1, 'Active'))),
    );
    assert.deepEqual(decodeProtobufObject(body), {
      apiVersion: 'v1',
      kind: 'Namespace',
      metadata: { name: 'x' },
      spec: {},
      status: { phase: 'Active' },
    });
  });

  it('decodes a Pod: containers, ports, env (with inlined selector names), serviceAccountName, nodeName', () => {
    const container = msg(
      2,
      str(1, 'web'),
      str(2, 'nginx:1'),
      str(3, 'sh'),
      str(3, '-c'),
      str(4, 'echo hi'),
      str(5, ''),
      msg(6, str(1, 'http'), int(2, 0), int(3, 80), str(4, 'TCP'), str(5, '')),
      msg(7, str(1, 'A'), str(2, '1')),
      msg(7, str(1, 'EMPTY'), str(2, '')),
      msg(7, str(1, 'PW'), str(2, ''), msg(3, msg(4, msg(1, str(1, 's1')), str(2, 'password'), int(3, true)))),
      msg(8, entry(1, 'cpu', msg(2, str(1, '500m'))), entry(2, 'memory', msg(2, str(1, '64Mi')))),
      msg(9, str(1, 'data'), int(2, false), str(3, '/data')),
      str(14, 'IfNotPresent'),
      int(16, false),
      int(18, false),
    );
    const volume = msg(1, str(1, 'data'), msg(2, msg(2, str(1, ''))));
    const spec = msg(
      2,
      volume,
      container,
      str(3, 'Always'),
      int(4, 30),
      str(8, 'builder'),
      str(10, 'node1'),
      int(11, false),
      int(21, false),
    );
    const status = msg(3, str(1, ''));
    const decoded = decodeProtobufObject(envelope('v1', 'Pod', cat(freshMeta(1, 'p1', 'default'), spec, status)));
    assert.deepEqual(decoded, {
      apiVersion: 'v1',
      kind: 'Pod',
      metadata: { name: 'p1', namespace: 'default' },
      spec: {
        volumes: [{ name: 'data', emptyDir: {} }],
        containers: [
          {
            name: 'web',
            image: 'nginx:1',
            command: ['sh', '-c'],
            args: ['echo hi'],
            ports: [{ name: 'http', containerPort: 80, protocol: 'TCP' }],
            env: [
              { name: 'A', value: '1' },
              { name: 'EMPTY' },
              { name: 'PW', valueFrom: { secretKeyRef: { name: 's1', key: 'password', optional: true } } },
            ],
            resources: { limits: { cpu: '500m' }, requests: { memory: '64Mi' } },
            volumeMounts: [{ name: 'data', mountPath: '/data' }],
            imagePullPolicy: 'IfNotPresent',
          },
        ],
        restartPolicy: 'Always',
        terminationGracePeriodSeconds: 30,
        serviceAccountName: 'builder',
        automountServiceAccountToken: false,
        nodeName: 'node1',
      },
      status: {},
    });
  });

  it('decodes DeleteOptions like the JSON kubectl sends on delete', () => {
    const body = envelope(
      'v1',
      'DeleteOptions',
      cat(int(1, 0), str(4, 'Background'), str(5, 'All'), msg(2, str(1, 'uid-1'))),
    );
    assert.deepEqual(decodeProtobufObject(body), {
      apiVersion: 'v1',
      kind: 'DeleteOptions',
      gracePeriodSeconds: 0,
      preconditions: { uid: 'uid-1' },
      propagationPolicy: 'Background',
      dryRun: ['All'],
    });
    const meta = decodeProtobufObject(envelope('meta.k8s.io/v1', 'DeleteOptions', cat(int(3, true), str(4, ''))));
    assert.deepEqual(meta, {
      apiVersion: 'meta.k8s.io/v1',
      kind: 'DeleteOptions',
      orphanDependents: true,
      propagationPolicy: '',
    });
  });

  it('keeps large int64 values and negative ones as numbers', () => {
    const body = envelope('v1', 'DeleteOptions', int(1, -5));
    assert.equal(decodeProtobufObject(body).gracePeriodSeconds, -5);
    const big = envelope('authentication.k8s.io/v1', 'TokenRequest', msg(2, int(4, 2 ** 40)));
    assert.deepEqual(decodeProtobufObject(big).spec, { expirationSeconds: 2 ** 40 });
  });
});

describe('decodeProtobufObject: errors', () => {
  it('rejects empty bodies, a wrong magic, JSON and the bare magic', () => {
    assertDecodeError(Buffer.alloc(0), /^empty data$/);
    assertDecodeError(Buffer.from('{"kind":"Namespace"}'), /does not appear to be a protobuf message/);
    assertDecodeError(Buffer.from([0x6b, 0x38, 0x73]), /does not appear to be a protobuf message/);
    assertDecodeError(Buffer.from([0x6b, 0x38, 0x73, 0x01, 0x0a, 0x00]), /does not appear to be a protobuf message/);
    assertDecodeError(Buffer.from([0x6b, 0x38, 0x73, 0x00]), /^empty body$/);
  });

  it('rejects the create-ns body truncated inside a field', () => {
    // Cuts inside typeMeta, inside raw's length-delimited payload, and inside the name string.
    for (const length of [6, 12, 20, 22, 26, 30, 44]) {
      assertDecodeError(CREATE_NS_X.subarray(0, length), /unexpected EOF|proto:/);
    }
  });

  it('rejects corrupt and random bodies with a ProtobufDecodeError, never anything else', () => {
    let seed = 42;
    const next = () => {
      seed = (seed * 1103515245 + 12345) & 0x7fffffff;
      return seed & 0xff;
    };
    for (let n = 0; n < 300; n++) {
      const body = Buffer.alloc(4 + (n % 48));
      for (let i = 4; i < body.length; i++) body[i] = next();
      body.set([0x6b, 0x38, 0x73, 0x00]);
      try {
        const decoded = decodeProtobufObject(body);
        assert.equal(typeof decoded.kind, 'string');
      } catch (err) {
        assert.ok(err instanceof ProtobufDecodeError, String(err));
      }
    }
    // An invalid wire type (7) in the object and a nested-group bomb in the envelope.
    assertDecodeError(envelope('v1', 'Namespace', Buffer.from([0x0f, 0x00])), /^proto: /);
    assertDecodeError(
      cat(Buffer.from([0x6b, 0x38, 0x73, 0x00]), Buffer.alloc(10_000, 0x0b)),
      /^proto: |unexpected EOF/,
    );
  });

  it('rejects unknown groups nested deeper than the recursion limit, accepts shallow ones', () => {
    // Our schema has no recursive message, so nesting can only come from skipped (unknown) groups.
    const groups = (depth: number) =>
      cat(...Array<Buffer>(depth).fill(varint(99 * 8 + 3)), ...Array<Buffer>(depth).fill(varint(99 * 8 + 4)));
    assertDecodeError(envelope('v1', 'Namespace', groups(150)), /max depth/);
    assert.deepEqual(decodeProtobufObject(envelope('v1', 'Namespace', groups(10))), {
      apiVersion: 'v1',
      kind: 'Namespace',
    });
  });

  it('rejects unknown kinds, kinds in the wrong group and missing kind or version', () => {
    assertDecodeError(
      envelope('v1', 'Frobnicator', Buffer.alloc(0)),
      /^no kind "Frobnicator" is registered for version "v1"$/,
    );
    assertDecodeError(envelope('v1', 'Role', Buffer.alloc(0)), /^no kind "Role" is registered for version "v1"$/);
    assertDecodeError(envelope('rbac.authorization.k8s.io/v1', 'Namespace', Buffer.alloc(0)), /no kind "Namespace"/);
    assertDecodeError(
      envelope('v1', '', Buffer.alloc(0)),
      /^Object 'Kind' is missing in 'runtime.TypeMeta\{APIVersion:"v1", Kind:""\}'$/,
    );
    assertDecodeError(envelope('', 'Namespace', Buffer.alloc(0)), /^Object 'apiVersion' is missing in/);
    assertDecodeError(envelope('v1', 'X'.repeat(100_000), Buffer.alloc(0)), /^no kind "X{128}\.\.\." is registered/);
  });

  it('fills an empty typeMeta from the caller defaults only', () => {
    const body = envelope('', '', freshMeta(1, 'x'));
    assert.deepEqual(decodeProtobufObject(body, { apiVersion: 'v1', kind: 'Namespace' }), {
      apiVersion: 'v1',
      kind: 'Namespace',
      metadata: { name: 'x' },
    });
    assert.equal(decodeProtobufObject(CREATE_NS_X, { apiVersion: 'v2', kind: 'Secret' }).kind, 'Namespace');
  });
});

describe('isProtobufContentType', () => {
  it('matches the Kubernetes protobuf media type with or without parameters', () => {
    assert.equal(isProtobufContentType('application/vnd.kubernetes.protobuf'), true);
    assert.equal(isProtobufContentType('Application/VND.Kubernetes.Protobuf ; charset=binary'), true);
    assert.equal(isProtobufContentType('application/json'), false);
    assert.equal(isProtobufContentType('application/vnd.kubernetes.protobuf+json'), false);
    assert.equal(isProtobufContentType(''), false);
  });
});
