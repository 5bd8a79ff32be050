/**
 * End to end through api/status.ts invalid(): the 422 Status a client sees for our field errors, compared with
 * the text kube-apiserver 1.33 sends. `todo` cases document where status.ts still differs from upstream.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { invalid } from '../api/status.ts';
import {
  validateConfigMap,
  validateNamespace,
  validatePod,
  validatePodUpdate,
  validateSecret,
  validateServiceAccount,
} from './core.ts';
import { validateObjectMetaUpdate } from './object-meta.ts';
import { validateClusterRoleBinding, validateRole } from './rbac.ts';

const G = 'rbac.authorization.k8s.io';
const LABEL_MSG =
  "a lowercase RFC 1123 label must consist of lower case alphanumeric characters or '-', and must start and end with an alphanumeric character (e.g. 'my-name',  or '123-abc', regex used for validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?')";
const SUBDOMAIN_MSG =
  "a lowercase RFC 1123 subdomain must consist of lower case alphanumeric characters, '-' or '.', and must start and end with an alphanumeric character (e.g. 'example.com', regex used for validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*')";

describe('422 Status text', () => {
  it('Namespace with an invalid name', () => {
    const err = invalid('Namespace', '', 'Bad_Name', validateNamespace({ metadata: { name: 'Bad_Name' } }));
    assert.equal(err.code, 422);
    assert.deepEqual(err.status, {
      kind: 'Status',
      apiVersion: 'v1',
      metadata: {},
      status: 'Failure',
      message: `Namespace "Bad_Name" is invalid: metadata.name: Invalid value: "Bad_Name": ${LABEL_MSG}`,
      reason: 'Invalid',
      details: {
        name: 'Bad_Name',
        kind: 'Namespace',
        causes: [
          { reason: 'FieldValueInvalid', message: `Invalid value: "Bad_Name": ${LABEL_MSG}`, field: 'metadata.name' },
        ],
      },
      code: 422,
    });
  });

  it('several errors are bracketed and comma-joined', () => {
    const errs = validateServiceAccount({ metadata: { name: 'Build' } });
    assert.equal(
      invalid('ServiceAccount', '', 'Build', errs).message,
      `ServiceAccount "Build" is invalid: [metadata.name: Invalid value: "Build": ${SUBDOMAIN_MSG}, metadata.namespace: Required value]`,
    );
  });

  it('Pod without containers', () => {
    const errs = validatePod({ metadata: { name: 'web', namespace: 'ns' }, spec: { containers: [] } });
    assert.equal(invalid('Pod', '', 'web', errs).message, 'Pod "web" is invalid: spec.containers: Required value');
  });

  it('ConfigMap over 1 MiB', () => {
    const errs = validateConfigMap({
      metadata: { name: 'cm', namespace: 'ns' },
      data: { a: 'x'.repeat(1024 * 1024 + 1) },
    });
    const err = invalid('ConfigMap', '', 'cm', errs);
    assert.equal(err.message, 'ConfigMap "cm" is invalid: []: Too long: may not be more than 1048576 bytes');
    assert.deepEqual(err.status.details?.causes, [
      { reason: 'FieldValueTooLong', message: 'Too long: may not be more than 1048576 bytes', field: '[]' },
    ]);
  });

  it('service-account token Secret without its annotation', () => {
    const errs = validateSecret({
      metadata: { name: 's', namespace: 'ns' },
      type: 'kubernetes.io/service-account-token',
    });
    assert.equal(
      invalid('Secret', '', 's', errs).message,
      'Secret "s" is invalid: metadata.annotations[kubernetes.io/service-account.name]: Required value',
    );
  });

  it('ClusterRoleBinding to a Role (group-qualified kind)', () => {
    const errs = validateClusterRoleBinding({
      metadata: { name: 'x' },
      roleRef: { apiGroup: G, kind: 'Role', name: 'r' },
    });
    const err = invalid('ClusterRoleBinding', G, 'x', errs);
    assert.equal(
      err.message,
      'ClusterRoleBinding.rbac.authorization.k8s.io "x" is invalid: roleRef.kind: Unsupported value: "Role": supported values: "ClusterRole"',
    );
    assert.equal(err.status.details?.group, G);
  });
});

describe('422 Status text: aggregation, name quoting and value printing', () => {
  it('dedupes identical errors in the message (field.ErrorList.ToAggregate) but keeps every cause', () => {
    const old = {
      metadata: { name: 'web', namespace: 'ns', uid: 'u', resourceVersion: '1' },
      spec: { containers: [{ name: 'app', image: 'nginx' }] },
    };
    const errs = validatePodUpdate({ ...old, spec: { containers: [{ name: 'app', image: '' }] } }, old);
    assert.equal(errs.length, 2);
    const err = invalid('Pod', '', 'web', errs);
    assert.equal(err.message, 'Pod "web" is invalid: spec.containers[0].image: Required value');
    assert.equal(err.status.details?.causes?.length, 2);
  });

  it('quotes the object name with %q', () => {
    const errs = validateRole({ metadata: { name: 'a"b/c', namespace: 'ns' }, rules: [] });
    assert.match(
      invalid('Role', G, 'a"b/c', errs).message ?? '',
      /^Role\.rbac\.authorization\.k8s\.io "a\\"b\/c" is invalid: /,
    );
  });

  it('omits ": <errors>", the empty name and the empty causes when there are none', () => {
    const err = invalid('Namespace', '', 'a', []);
    assert.equal(err.message, 'Namespace "a" is invalid');
    assert.deepEqual(err.status.details, { name: 'a', kind: 'Namespace' });
    assert.deepEqual(invalid('TokenRequest', 'authentication.k8s.io', '', []).status.details, {
      group: 'authentication.k8s.io',
      kind: 'TokenRequest',
    });
  });

  // Current kube-apiserver prints a time as metav1.Time's JSON and an unset one as null (its ObjectMeta tests:
  // `Invalid value: "1970-01-01T00:16:40Z": field is immutable`, `Invalid value: null: field is immutable`).
  it('prints timestamps as RFC 3339 JSON and an unset one as null', () => {
    const old = { name: 'a', uid: 'u', resourceVersion: '1', creationTimestamp: '2024-01-02T03:04:05Z' };
    const changed = validateObjectMetaUpdate({ ...old, creationTimestamp: '2025-01-01T00:00:00.000Z' }, old);
    assert.equal(
      invalid('Namespace', '', 'a', changed).message,
      'Namespace "a" is invalid: metadata.creationTimestamp: Invalid value: "2025-01-01T00:00:00Z": field is immutable',
    );
    const deleting = { ...old, deletionTimestamp: '2024-05-06T07:08:09Z' };
    const cleared = validateObjectMetaUpdate({ ...old }, deleting);
    assert.equal(
      invalid('Namespace', '', 'a', cleared).message,
      'Namespace "a" is invalid: metadata.deletionTimestamp: Invalid value: null: field is immutable',
    );
  });
});
