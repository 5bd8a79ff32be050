import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { ConfigMap, Event, Namespace, Pod, Secret, ServiceAccount } from '../api/core-v1.ts';
import { type FieldError, fieldErrorString } from '../api/status.ts';
import {
  POD_SPEC_IMMUTABLE_MSG,
  validateConfigMap,
  validateConfigMapUpdate,
  validateEvent,
  validateNamespace,
  validateNamespaceUpdate,
  validatePod,
  validatePodUpdate,
  validateSecret,
  validateSecretUpdate,
  validateServiceAccount,
  validateServiceAccountUpdate,
} from './core.ts';

const strs = (errs: FieldError[]) => errs.map(fieldErrorString);
const b64 = (s: string) => Buffer.from(s).toString('base64');

const LABEL_MSG =
  "a lowercase RFC 1123 label must consist of lower case alphanumeric characters or '-', and must start and end with an alphanumeric character (e.g. 'my-name',  or '123-abc', regex used for validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?')";
const SUBDOMAIN_MSG =
  "a lowercase RFC 1123 subdomain must consist of lower case alphanumeric characters, '-' or '.', and must start and end with an alphanumeric character (e.g. 'example.com', regex used for validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*')";
const CONFIG_KEY_MSG =
  "a valid config key must consist of alphanumeric characters, '-', '_' or '.' (e.g. 'key.name',  or 'KEY_NAME',  or 'key-name', regex used for validation is '[-._a-zA-Z0-9]+')";
const IMMUTABLE = 'field is immutable when `immutable` is set';

describe('validateNamespace', () => {
  it('accepts a DNS label name', () => {
    assert.deepEqual(validateNamespace({ metadata: { name: 'team-a' } }), []);
  });
  it('rejects uppercase, dots and length', () => {
    assert.deepEqual(strs(validateNamespace({ metadata: { name: 'Bad_Name' } })), [
      `metadata.name: Invalid value: "Bad_Name": ${LABEL_MSG}`,
    ]);
    assert.deepEqual(strs(validateNamespace({ metadata: { name: 'a.b' } })), [
      'metadata.name: Invalid value: "a.b": must not contain dots',
    ]);
    assert.deepEqual(strs(validateNamespace({ metadata: { name: 'n'.repeat(64) } })), [
      `metadata.name: Invalid value: "${'n'.repeat(64)}": must be no more than 63 characters`,
    ]);
  });
  it('checks spec.finalizers on the list path', () => {
    assert.deepEqual(validateNamespace({ metadata: { name: 'a' }, spec: { finalizers: ['kubernetes'] } }), []);
    assert.deepEqual(strs(validateNamespace({ metadata: { name: 'a' }, spec: { finalizers: ['custom'] } })), [
      'spec.finalizers: Invalid value: "custom": name is neither a standard finalizer name nor is it fully qualified',
    ]);
  });
  it('keeps the name on update', () => {
    const old: Namespace = { metadata: { name: 'a', uid: 'u', resourceVersion: '1' } };
    assert.deepEqual(validateNamespaceUpdate({ metadata: { ...old.metadata, labels: { x: 'y' } } }, old), []);
    assert.deepEqual(strs(validateNamespaceUpdate({ metadata: { ...old.metadata, name: 'b' } }, old)), [
      'metadata.name: Invalid value: "b": field is immutable',
    ]);
  });
});

describe('validateServiceAccount', () => {
  it('needs a namespace and a subdomain name', () => {
    assert.deepEqual(validateServiceAccount({ metadata: { name: 'build.bot', namespace: 'ci' } }), []);
    assert.deepEqual(strs(validateServiceAccount({ metadata: { name: 'Build' } })), [
      `metadata.name: Invalid value: "Build": ${SUBDOMAIN_MSG}`,
      'metadata.namespace: Required value',
    ]);
  });
  it('validates updates', () => {
    const old: ServiceAccount = { metadata: { name: 'sa', namespace: 'ns', uid: 'u', resourceVersion: '3' } };
    assert.deepEqual(validateServiceAccountUpdate({ ...old, automountServiceAccountToken: false }, old), []);
    assert.deepEqual(strs(validateServiceAccountUpdate({ metadata: { ...old.metadata, uid: 'v' } }, old)), [
      'metadata.uid: Invalid value: "v": field is immutable',
    ]);
  });
});

describe('validateSecret', () => {
  const meta = { name: 's', namespace: 'ns' };
  it('accepts opaque data with config keys', () => {
    assert.deepEqual(validateSecret({ metadata: meta, type: 'Opaque', data: { 'a.b_c-D': b64('x') } }), []);
  });
  it('rejects bad keys on data[key]', () => {
    assert.deepEqual(strs(validateSecret({ metadata: meta, data: { 'bad key': b64('x'), '..x': b64('y') } })), [
      `data[bad key]: Invalid value: "bad key": ${CONFIG_KEY_MSG}`,
      `data[..x]: Invalid value: "..x": must not start with '..'`,
    ]);
  });
  it('limits decoded data to 1 MiB without echoing it', () => {
    const exactly = { metadata: meta, data: { a: Buffer.alloc(1024 * 1024).toString('base64') } };
    assert.deepEqual(validateSecret(exactly), []);
    const over = { metadata: meta, data: { a: Buffer.alloc(1024 * 1024).toString('base64'), b: b64('!') } };
    const errs = validateSecret(over);
    assert.deepEqual(strs(errs), ['data: Too long: may not be more than 1048576 bytes']);
    assert.equal(errs[0]?.value, undefined);
  });
  it('requires the service-account name annotation on token secrets', () => {
    const type = 'kubernetes.io/service-account-token';
    assert.deepEqual(strs(validateSecret({ metadata: meta, type })), [
      'metadata.annotations[kubernetes.io/service-account.name]: Required value',
    ]);
    const ok = { metadata: { ...meta, annotations: { 'kubernetes.io/service-account.name': 'default' } }, type };
    assert.deepEqual(validateSecret(ok), []);
  });
  it('applies the other built-in type rules', () => {
    assert.deepEqual(strs(validateSecret({ metadata: meta, type: 'kubernetes.io/tls', data: { 'tls.crt': '' } })), [
      'data[tls.key]: Required value',
    ]);
    assert.deepEqual(strs(validateSecret({ metadata: meta, type: 'kubernetes.io/basic-auth' })), [
      'data[username]: Required value',
      'data[password]: Required value',
    ]);
    assert.deepEqual(validateSecret({ metadata: meta, type: 'kubernetes.io/basic-auth', data: { password: '' } }), []);
    assert.deepEqual(strs(validateSecret({ metadata: meta, type: 'kubernetes.io/ssh-auth', data: {} })), [
      'data[ssh-privatekey]: Required value',
    ]);
    assert.deepEqual(strs(validateSecret({ metadata: meta, type: 'kubernetes.io/dockerconfigjson', data: {} })), [
      'data[.dockerconfigjson]: Required value',
    ]);
    const notJSON = validateSecret({
      metadata: meta,
      type: 'kubernetes.io/dockerconfigjson',
      data: { '.dockerconfigjson': b64('hunter2') },
    });
    assert.equal(notJSON.length, 1);
    assert.equal(notJSON[0]?.value, '<secret contents redacted>');
    assert.ok(!fieldErrorString(notJSON[0] as FieldError).includes('hunter2'));
    assert.deepEqual(
      strs(validateSecret({ metadata: meta, type: 'kubernetes.io/dockercfg', data: { '.dockercfg': b64('[]') } })),
      [
        'data[.dockercfg]: Invalid value: "<secret contents redacted>": json: cannot unmarshal array into Go value of type map[string]interface {}',
      ],
    );
    assert.deepEqual(validateSecret({ metadata: meta, type: 'example.com/custom', data: {} }), []);
  });
  it('enforces type and immutable on update', () => {
    const old: Secret = {
      metadata: { ...meta, uid: 'u', resourceVersion: '1' },
      type: 'Opaque',
      data: { a: b64('1') },
      immutable: true,
    };
    assert.deepEqual(validateSecretUpdate({ ...old, metadata: { ...old.metadata, labels: { x: 'y' } } }, old), []);
    assert.deepEqual(
      strs(validateSecretUpdate({ ...old, type: 'kubernetes.io/tls', data: { a: b64('2') }, immutable: false }, old)),
      [
        'type: Invalid value: "kubernetes.io/tls": field is immutable',
        `immutable: Forbidden: ${IMMUTABLE}`,
        `data: Forbidden: ${IMMUTABLE}`,
        'data[tls.crt]: Required value',
        'data[tls.key]: Required value',
      ],
    );
    const mutable = { ...old, immutable: undefined };
    assert.deepEqual(validateSecretUpdate({ ...mutable, data: { a: b64('2') }, immutable: true }, mutable), []);
  });
});

describe('validateConfigMap', () => {
  const meta = { name: 'cm', namespace: 'ns' };
  it('accepts data and binaryData', () => {
    assert.deepEqual(
      validateConfigMap({ metadata: meta, data: { 'app.conf': 'x' }, binaryData: { bin: b64('y') } }),
      [],
    );
  });
  it('rejects bad keys and keys in both bags', () => {
    assert.deepEqual(
      strs(validateConfigMap({ metadata: meta, data: { 'a b': 'x', k: 'v' }, binaryData: { k: '', '.': '' } })),
      [
        `data[a b]: Invalid value: "a b": ${CONFIG_KEY_MSG}`,
        'data[k]: Invalid value: "k": duplicate of key present in binaryData',
        `binaryData[.]: Invalid value: ".": must not be '.'`,
      ],
    );
  });
  it('reports the size limit on the whole object path []', () => {
    const big: ConfigMap = { metadata: meta, data: { a: 'x'.repeat(1024 * 1024) }, binaryData: { b: b64('z') } };
    assert.deepEqual(strs(validateConfigMap(big)), ['[]: Too long: may not be more than 1048576 bytes']);
    assert.deepEqual(validateConfigMap({ metadata: meta, data: { a: 'é'.repeat(512 * 1024) } }), []);
    assert.equal(validateConfigMap({ metadata: meta, data: { a: 'é'.repeat(512 * 1024 + 1) } }).length, 1);
  });
  it('freezes immutable config maps', () => {
    const old: ConfigMap = { metadata: { ...meta, uid: 'u', resourceVersion: '1' }, data: { a: '1' }, immutable: true };
    assert.deepEqual(validateConfigMapUpdate({ ...old }, old), []);
    assert.deepEqual(strs(validateConfigMapUpdate({ ...old, binaryData: { b: '' }, immutable: undefined }, old)), [
      `immutable: Forbidden: ${IMMUTABLE}`,
      `binaryData: Forbidden: ${IMMUTABLE}`,
    ]);
  });
});

const pod = (spec: Pod['spec'], name = 'web'): Pod => ({ metadata: { name, namespace: 'ns' }, spec });

describe('validatePod', () => {
  it('accepts a minimal pod', () => {
    assert.deepEqual(validatePod(pod({ containers: [{ name: 'app', image: 'nginx' }] })), []);
  });
  it('requires at least one container', () => {
    assert.deepEqual(strs(validatePod(pod({ containers: [] }))), ['spec.containers: Required value']);
    assert.deepEqual(strs(validatePod(pod(undefined))), ['spec.containers: Required value']);
  });
  it('checks the pod name as a subdomain', () => {
    assert.deepEqual(strs(validatePod(pod({ containers: [{ name: 'a', image: 'i' }] }, 'Web'))), [
      `metadata.name: Invalid value: "Web": ${SUBDOMAIN_MSG}`,
    ]);
  });
  it('checks container names, images and uniqueness', () => {
    const errs = validatePod(
      pod({
        containers: [
          { name: 'App', image: 'i' },
          { name: '', image: '' },
          { name: 'dup', image: 'i' },
          { name: 'dup', image: ' padded' },
        ],
        initContainers: [{ name: 'dup', image: 'i' }],
      }),
    );
    assert.deepEqual(strs(errs), [
      `spec.containers[0].name: Invalid value: "App": ${LABEL_MSG}`,
      'spec.containers[1].name: Required value',
      'spec.containers[1].image: Required value',
      'spec.containers[3].name: Duplicate value: "dup"',
      'spec.initContainers[0].name: Duplicate value: "dup"',
      'spec.containers[3].image: Invalid value: " padded": must not have leading or trailing whitespace',
    ]);
  });
  it('checks names referenced from the spec', () => {
    const errs = validatePod(
      pod({
        containers: [{ name: 'a', image: 'i' }],
        serviceAccountName: 'Bad',
        nodeName: 'node_1',
        hostname: 'h.x',
        restartPolicy: 'Sometimes',
        activeDeadlineSeconds: 0,
        ephemeralContainers: [{ name: 'debug' }],
      }),
    );
    assert.deepEqual(strs(errs), [
      'spec.restartPolicy: Unsupported value: "Sometimes": supported values: "Always", "OnFailure", "Never"',
      `spec.serviceAccountName: Invalid value: "Bad": ${SUBDOMAIN_MSG}`,
      `spec.nodeName: Invalid value: "node_1": ${SUBDOMAIN_MSG}`,
      'spec.activeDeadlineSeconds: Invalid value: 0: must be between 1 and 2147483647, inclusive',
      'spec.hostname: Invalid value: "h.x": must not contain dots',
      'spec.ephemeralContainers: Forbidden: cannot be set on create',
    ]);
  });
});

describe('validatePodUpdate', () => {
  const old: Pod = {
    metadata: { name: 'web', namespace: 'ns', uid: 'u', resourceVersion: '7' },
    spec: {
      containers: [{ name: 'app', image: 'nginx:1', ports: [{ containerPort: 80 }] }],
      activeDeadlineSeconds: 100,
      tolerations: [{ key: 'k', operator: 'Exists', effect: 'NoExecute', tolerationSeconds: 10 }],
      schedulingGates: [{ name: 'example.com/gate' }],
    },
  };
  const withSpec = (spec: Partial<NonNullable<Pod['spec']>>): Pod => ({ ...old, spec: { ...old.spec, ...spec } });

  it('allows image, deadline, toleration and gate changes', () => {
    const updated = withSpec({
      containers: [{ name: 'app', image: 'nginx:2', ports: [{ containerPort: 80 }] }],
      activeDeadlineSeconds: 50,
      tolerations: [
        { key: 'k', operator: 'Exists', effect: 'NoExecute', tolerationSeconds: 5 },
        { key: 'new', operator: 'Exists' },
      ],
      schedulingGates: [],
    });
    assert.deepEqual(validatePodUpdate(updated, old), []);
  });
  it('rejects other spec changes with the short upstream message', () => {
    const errs = validatePodUpdate(withSpec({ nodeName: 'node-1' }), old);
    assert.deepEqual(strs(errs), [
      'spec: Forbidden: pod updates may not change fields other than `spec.containers[*].image`,`spec.initContainers[*].image`,`spec.activeDeadlineSeconds`,`spec.tolerations` (only additions to existing tolerations),`spec.terminationGracePeriodSeconds` (allow it to be set to 1 if it was previously negative)',
    ]);
    assert.equal(errs[0]?.detail, POD_SPEC_IMMUTABLE_MSG);
  });
  it('rejects adding containers and stops there', () => {
    const errs = validatePodUpdate(
      withSpec({ containers: [...(old.spec?.containers ?? []), { name: 'b', image: 'x' }], nodeName: 'n' }),
      old,
    );
    assert.deepEqual(strs(errs), ['spec.containers: Forbidden: pod updates may not add or remove containers']);
  });
  it('checks the deadline, tolerations and gates', () => {
    assert.deepEqual(strs(validatePodUpdate(withSpec({ activeDeadlineSeconds: 200 }), old)), [
      'spec.activeDeadlineSeconds: Invalid value: 200: must be less than or equal to previous value',
    ]);
    assert.deepEqual(strs(validatePodUpdate(withSpec({ activeDeadlineSeconds: undefined }), old)), [
      'spec.activeDeadlineSeconds: Invalid value: null: must not update from a positive integer to nil value',
    ]);
    assert.deepEqual(strs(validatePodUpdate(withSpec({ tolerations: [] }), old)), [
      'spec.tolerations: Forbidden: existing toleration can not be modified except its tolerationSeconds',
    ]);
    assert.deepEqual(
      strs(validatePodUpdate(withSpec({ schedulingGates: [{ name: 'example.com/gate' }, { name: 'b.io/x' }] }), old)),
      ["spec.schedulingGates[1].name: Forbidden: only deletion is allowed, but found new scheduling gate 'b.io/x'"],
    );
  });
  it('also checks metadata immutability and the new pod', () => {
    const renamed: Pod = { ...old, metadata: { ...old.metadata, name: 'other' } };
    assert.deepEqual(strs(validatePodUpdate(renamed, old)), [
      'metadata.name: Invalid value: "other": field is immutable',
    ]);
    assert.deepEqual(
      strs(
        validatePodUpdate(withSpec({ containers: [{ name: 'app', image: '', ports: [{ containerPort: 80 }] }] }), old),
      ),
      ['spec.containers[0].image: Required value', 'spec.containers[0].image: Required value'],
    );
  });
});

describe('validateEvent', () => {
  const base: Event = {
    metadata: { name: 'web.17a', namespace: 'ns' },
    involvedObject: { kind: 'Pod', namespace: 'ns', name: 'web' },
    reason: 'Started',
  };
  it('accepts a legacy event in its object namespace', () => {
    assert.deepEqual(validateEvent(base), []);
    assert.deepEqual(
      validateEvent({ ...base, metadata: { namespace: 'default' }, involvedObject: { kind: 'Node' } }),
      [],
    );
  });
  it('rejects a namespace mismatch', () => {
    assert.deepEqual(strs(validateEvent({ ...base, metadata: { namespace: 'other' } })), [
      'involvedObject.namespace: Invalid value: "ns": does not match event.namespace',
    ]);
  });
  it('requires reporting fields on new-style events', () => {
    const errs = validateEvent({ ...base, eventTime: '2024-01-01T00:00:00.000000Z', reason: '' });
    assert.deepEqual(
      errs.map((e) => `${e.field}: ${e.type}`),
      [
        'reportingController: FieldValueRequired',
        'reportingController: FieldValueInvalid',
        'reportingController: FieldValueInvalid',
        'reportingInstance: FieldValueRequired',
        'action: FieldValueRequired',
        'reason: FieldValueRequired',
      ],
    );
    const ok = {
      ...base,
      eventTime: '2024-01-01T00:00:00.000000Z',
      reportingComponent: 'kubelet',
      reportingInstance: 'n1',
      action: 'Start',
    };
    assert.deepEqual(validateEvent(ok as Event), []);
  });
});
