import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { ClusterRole, ClusterRoleBinding, Role, RoleBinding } from '../api/rbac-v1.ts';
import { type FieldError, fieldErrorString } from '../api/status.ts';
import {
  validateClusterRole,
  validateClusterRoleBinding,
  validateClusterRoleBindingUpdate,
  validateClusterRoleUpdate,
  validateRole,
  validateRoleBinding,
  validateRoleBindingUpdate,
  validateRoleUpdate,
} from './rbac.ts';

const strs = (errs: FieldError[]) => errs.map(fieldErrorString);
const G = 'rbac.authorization.k8s.io';
const SUBDOMAIN_MSG =
  "a lowercase RFC 1123 subdomain must consist of lower case alphanumeric characters, '-' or '.', and must start and end with an alphanumeric character (e.g. 'example.com', regex used for validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*')";

describe('validateRole', () => {
  it('accepts resource rules and colon names', () => {
    const role: Role = {
      metadata: { name: 'system:pod-reader', namespace: 'ns' },
      rules: [{ verbs: ['get'], apiGroups: [''], resources: ['pods'], resourceNames: ['a', 'b'] }],
    };
    assert.deepEqual(validateRole(role), []);
    assert.deepEqual(validateRole({ metadata: { name: 'r', namespace: 'ns' }, rules: null }), []);
  });
  it('rejects path-unsafe names', () => {
    assert.deepEqual(strs(validateRole({ metadata: { name: '..', namespace: 'ns' }, rules: [] })), [
      `metadata.name: Invalid value: "..": may not be '..'`,
    ]);
    assert.deepEqual(strs(validateRole({ metadata: { name: 'a/b%', namespace: 'ns' }, rules: [] })), [
      `metadata.name: Invalid value: "a/b%": may not contain '/'`,
      `metadata.name: Invalid value: "a/b%": may not contain '%'`,
    ]);
  });
  it('requires verbs, api groups and resources', () => {
    const errs = validateRole({ metadata: { name: 'r', namespace: 'ns' }, rules: [{ verbs: [] }] });
    assert.deepEqual(strs(errs), [
      'rules[0].verbs: Required value: verbs must contain at least one value',
      'rules[0].apiGroups: Required value: resource rules must supply at least one api group',
      'rules[0].resources: Required value: resource rules must supply at least one resource',
    ]);
  });
  it('forbids non-resource URLs in namespaced rules', () => {
    const errs = validateRole({
      metadata: { name: 'r', namespace: 'ns' },
      rules: [{ verbs: ['get'], nonResourceURLs: ['/healthz'], resources: ['pods'] }],
    });
    assert.deepEqual(
      errs.map((e) => `${e.field}: ${e.type}: ${e.detail}`),
      [
        'rules[0].nonResourceURLs: FieldValueInvalid: namespaced rules cannot apply to non-resource URLs',
        'rules[0].nonResourceURLs: FieldValueInvalid: rules cannot apply to both regular resources and non-resource URLs',
      ],
    );
    assert.deepEqual(errs[0]?.value, ['/healthz']);
  });
  it('validates updates', () => {
    const old: Role = { metadata: { name: 'r', namespace: 'ns', uid: 'u', resourceVersion: '1' }, rules: [] };
    assert.deepEqual(
      validateRoleUpdate({ ...old, rules: [{ verbs: ['*'], apiGroups: ['*'], resources: ['*'] }] }, old),
      [],
    );
    assert.deepEqual(strs(validateRoleUpdate({ ...old, metadata: { ...old.metadata, namespace: 'other' } }, old)), [
      'metadata.namespace: Invalid value: "other": field is immutable',
    ]);
  });
});

describe('validateClusterRole', () => {
  it('allows non-resource URLs alone', () => {
    const role: ClusterRole = {
      metadata: { name: 'health' },
      rules: [{ verbs: ['get'], nonResourceURLs: ['/healthz', '/version/*'] }],
    };
    assert.deepEqual(validateClusterRole(role), []);
  });
  it('rejects mixing non-resource URLs with resources', () => {
    const role: ClusterRole = {
      metadata: { name: 'x' },
      rules: [{ verbs: ['get'], nonResourceURLs: ['/x'], apiGroups: [''] }],
    };
    assert.deepEqual(
      validateClusterRole(role).map((e) => e.detail),
      ['rules cannot apply to both regular resources and non-resource URLs'],
    );
  });
  it('requires a selector in a present aggregationRule', () => {
    const role: ClusterRole = { metadata: { name: 'agg' }, rules: null, aggregationRule: {} };
    assert.deepEqual(strs(validateClusterRole(role)), [
      'aggregationRule.clusterRoleSelectors: Required value: at least one clusterRoleSelector required if aggregationRule is non-nil',
    ]);
    const ok: ClusterRole = {
      metadata: { name: 'agg' },
      rules: null,
      aggregationRule: {
        clusterRoleSelectors: [{ matchLabels: { 'rbac.example.com/aggregate-to-monitoring': 'true' } }],
      },
    };
    assert.deepEqual(validateClusterRole(ok), []);
  });
  it('adds "invalid label selector." after the selector errors', () => {
    const role: ClusterRole = {
      metadata: { name: 'agg' },
      rules: null,
      aggregationRule: { clusterRoleSelectors: [{ matchExpressions: [{ key: 'k', operator: 'In' }] }] },
    };
    assert.deepEqual(strs(validateClusterRole(role)), [
      "aggregationRule.clusterRoleSelectors[0].matchExpressions[0].values: Required value: must be specified when `operator` is 'In' or 'NotIn'",
      'aggregationRule.clusterRoleSelectors[0]: Invalid value: null: invalid label selector.',
    ]);
  });
  it('forbids a namespace and validates updates', () => {
    assert.deepEqual(strs(validateClusterRole({ metadata: { name: 'c', namespace: 'ns' }, rules: [] })), [
      'metadata.namespace: Forbidden: not allowed on this type',
    ]);
    const old: ClusterRole = { metadata: { name: 'c', uid: 'u', resourceVersion: '1' }, rules: [] };
    assert.deepEqual(validateClusterRoleUpdate({ ...old }, old), []);
  });
});

describe('validateRoleBinding', () => {
  const good: RoleBinding = {
    metadata: { name: 'rb', namespace: 'ns' },
    roleRef: { apiGroup: G, kind: 'Role', name: 'r' },
    subjects: [
      { kind: 'User', apiGroup: G, name: 'alice' },
      { kind: 'Group', apiGroup: G, name: 'system:authenticated' },
      { kind: 'ServiceAccount', name: 'default' },
    ],
  };
  it('accepts Role and ClusterRole refs and namespace-less SA subjects', () => {
    assert.deepEqual(validateRoleBinding(good), []);
    assert.deepEqual(validateRoleBinding({ ...good, roleRef: { apiGroup: G, kind: 'ClusterRole', name: 'view' } }), []);
  });
  it('rejects bad roleRef fields', () => {
    const errs = validateRoleBinding({ ...good, roleRef: { apiGroup: 'rbac', kind: 'User', name: '' } });
    assert.deepEqual(strs(errs), [
      'roleRef.apiGroup: Unsupported value: "rbac": supported values: "rbac.authorization.k8s.io"',
      'roleRef.kind: Unsupported value: "User": supported values: "Role", "ClusterRole"',
      'roleRef.name: Required value',
    ]);
  });
  it('rejects bad subjects', () => {
    const errs = validateRoleBinding({
      ...good,
      subjects: [
        { kind: 'ServiceAccount', apiGroup: G, name: 'Bad' },
        { kind: 'User', name: '' },
        { kind: 'Robot', name: 'r2' },
      ],
    });
    assert.deepEqual(strs(errs), [
      `subjects[0].name: Invalid value: "Bad": ${SUBDOMAIN_MSG}`,
      'subjects[0].apiGroup: Unsupported value: "rbac.authorization.k8s.io": supported values: ""',
      'subjects[1].name: Required value',
      'subjects[1].apiGroup: Unsupported value: "": supported values: "rbac.authorization.k8s.io"',
      'subjects[2].kind: Unsupported value: "Robot": supported values: "ServiceAccount", "User", "Group"',
    ]);
  });
  it('keeps roleRef immutable on update', () => {
    const old: RoleBinding = { ...good, metadata: { ...good.metadata, uid: 'u', resourceVersion: '2' } };
    assert.deepEqual(validateRoleBindingUpdate({ ...old, subjects: [] }, old), []);
    const errs = validateRoleBindingUpdate({ ...old, roleRef: { apiGroup: G, kind: 'Role', name: 'other' } }, old);
    assert.equal(errs.length, 1);
    assert.equal(errs[0]?.field, 'roleRef');
    assert.equal(errs[0]?.type, 'FieldValueInvalid');
    assert.equal(errs[0]?.detail, 'cannot change roleRef');
    assert.deepEqual(errs[0]?.value, { apiGroup: G, kind: 'Role', name: 'other' });
  });
});

describe('validateClusterRoleBinding', () => {
  const good: ClusterRoleBinding = {
    metadata: { name: 'system:basic-user' },
    roleRef: { apiGroup: G, kind: 'ClusterRole', name: 'system:basic-user' },
    subjects: [{ kind: 'ServiceAccount', name: 'default', namespace: 'kube-system' }],
  };
  it('accepts a ClusterRole ref', () => {
    assert.deepEqual(validateClusterRoleBinding(good), []);
  });
  it('allows only ClusterRole refs and needs SA namespaces', () => {
    const errs = validateClusterRoleBinding({
      ...good,
      roleRef: { apiGroup: G, kind: 'Role', name: 'r' },
      subjects: [{ kind: 'ServiceAccount', name: 'default' }],
    });
    assert.deepEqual(strs(errs), [
      'roleRef.kind: Unsupported value: "Role": supported values: "ClusterRole"',
      'subjects[0].namespace: Required value',
    ]);
  });
  it('keeps roleRef immutable on update', () => {
    const old: ClusterRoleBinding = { ...good, metadata: { ...good.metadata, uid: 'u', resourceVersion: '2' } };
    const errs = validateClusterRoleBindingUpdate({ ...old, roleRef: { ...old.roleRef, name: 'admin' } }, old);
    assert.deepEqual(
      errs.map((e) => `${e.field}: ${e.detail}`),
      ['roleRef: cannot change roleRef'],
    );
  });
});
