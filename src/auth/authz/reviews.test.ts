import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { AccessReview } from '../../api/authorization-v1.ts';
import type { StatusError } from '../../api/status.ts';
import { PolicyIndex } from './policy-index.ts';
import { RbacAuthorizer } from './rbac-authorizer.ts';
import {
  localSubjectAccessReview,
  selfSubjectAccessReview,
  selfSubjectRulesReview,
  subjectAccessReview,
} from './reviews.ts';
import { privilegedGroupAuthorizer } from './superuser.ts';
import { clusterRole, clusterRoleBinding, roleBinding, rule, urlRule, user } from './testing/fixtures.ts';
import { unionAuthorizer } from './union.ts';

const index = new PolicyIndex();
index.upsertClusterRole(clusterRole('view', rule('get,list', '', 'pods')));
index.upsertClusterRole(clusterRole('disc', urlRule('get', '/api')));
index.upsertRoleBinding(roleBinding('default', 'jane-view', 'ClusterRole', 'view', 'User:jane'));
index.upsertRoleBinding(roleBinding('default', 'broken', 'ClusterRole', 'missing', 'User:jane'));
index.upsertClusterRoleBinding(clusterRoleBinding('disc', 'disc', 'Group:system:authenticated'));
const rbac = new RbacAuthorizer(index);
const authorizer = unionAuthorizer([privilegedGroupAuthorizer(), rbac]);

const review = (
  kind: AccessReview['kind'],
  spec: AccessReview['spec'],
  metadata: AccessReview['metadata'] = { creationTimestamp: null },
): AccessReview => ({
  kind,
  apiVersion: 'authorization.k8s.io/v1',
  metadata,
  spec,
});

function thrown(fn: () => unknown): StatusError {
  try {
    fn();
  } catch (e) {
    return e as StatusError;
  }
  assert.fail('expected a StatusError');
}

describe('subjectAccessReview', () => {
  it('allows with the RBAC reason and echoes the spec', () => {
    const got = subjectAccessReview(
      review('SubjectAccessReview', {
        resourceAttributes: { namespace: 'default', verb: 'list', resource: 'pods' },
        user: 'jane',
      }),
      authorizer,
    );
    assert.deepEqual(got, {
      kind: 'SubjectAccessReview',
      apiVersion: 'authorization.k8s.io/v1',
      metadata: { creationTimestamp: null },
      spec: { resourceAttributes: { namespace: 'default', verb: 'list', resource: 'pods' }, user: 'jane' },
      status: {
        allowed: true,
        reason: 'RBAC: allowed by RoleBinding "jane-view/default" of ClusterRole "view" to User "jane"',
      },
    });
  });
  it('denies with resolution errors in the reason', () => {
    const got = subjectAccessReview(
      review('SubjectAccessReview', {
        resourceAttributes: { namespace: 'default', verb: 'delete', resource: 'pods' },
        user: 'jane',
      }),
      authorizer,
    );
    assert.deepEqual(got.status, {
      allowed: false,
      reason: 'RBAC: clusterrole.rbac.authorization.k8s.io "missing" not found',
    });
  });
  it('system:masters in spec.groups is allowed with no reason', () => {
    const got = subjectAccessReview(
      review('SubjectAccessReview', { nonResourceAttributes: { path: '/x', verb: 'get' }, groups: ['system:masters'] }),
      authorizer,
    );
    assert.deepEqual(got.status, { allowed: true });
  });
  it('validation: neither attributes nor a subject', () => {
    const err = thrown(() => subjectAccessReview(review('SubjectAccessReview', {}), authorizer));
    assert.equal(err.code, 422);
    assert.equal(
      err.status.message,
      '.authorization.k8s.io "" is invalid: [spec.resourceAttributes: Invalid value: null: exactly one of nonResourceAttributes or resourceAttributes must be specified, spec.user: Invalid value: "": at least one of user or group must be specified]',
    );
    assert.deepEqual(err.status.details?.causes?.[1], {
      reason: 'FieldValueInvalid',
      message: 'Invalid value: "": at least one of user or group must be specified',
      field: 'spec.user',
    });
  });
  it('validation: both attribute kinds, non-empty metadata', () => {
    const err = thrown(() =>
      subjectAccessReview(
        review(
          'SubjectAccessReview',
          { resourceAttributes: { verb: 'get' }, nonResourceAttributes: { path: '/x', verb: 'get' }, user: 'u' },
          { name: 'n' },
        ),
        authorizer,
      ),
    );
    assert.match(
      err.status.message!,
      /^\.authorization\.k8s\.io "" is invalid: \[spec\.nonResourceAttributes: Invalid value: authorization\.NonResourceAttributes\{Path:"\/x", Verb:"get"\}: cannot be specified in combination with resourceAttributes, metadata: Invalid value: &ObjectMeta\{Name:n,.*: must be empty\]$/,
    );
  });
  it('selector validation and evaluation notes', () => {
    const err = thrown(() =>
      subjectAccessReview(
        review('SubjectAccessReview', {
          resourceAttributes: { verb: 'list', resource: 'pods', fieldSelector: {} },
          user: 'u',
        }),
        authorizer,
      ),
    );
    assert.equal(
      err.status.message,
      '.authorization.k8s.io "" is invalid: spec.resourceAttributes.fieldSelector.requirements: Required value: when spec.resourceAttributes.fieldSelector is specified, requirements or rawSelector is required',
    );
    const got = subjectAccessReview(
      review('SubjectAccessReview', {
        resourceAttributes: { verb: 'list', resource: 'pods', labelSelector: { rawSelector: 'a in (' } },
        user: 'u',
      }),
      authorizer,
    );
    assert.equal(got.status?.evaluationError, 'spec.resourceAttributes.labelSelector ignored due to parse error');
  });
});

describe('selfSubjectAccessReview', () => {
  it('evaluates the requestor; version empty means "*"', () => {
    let seenVersion = '';
    const got = selfSubjectAccessReview(
      review('SelfSubjectAccessReview', {
        resourceAttributes: { namespace: 'default', verb: 'get', resource: 'pods' },
      }),
      user('jane', 'system:authenticated'),
      {
        authorize: (a) => {
          seenVersion = a.apiVersion;
          return authorizer.authorize(a);
        },
      },
    );
    assert.equal(got.status?.allowed, true);
    assert.equal(seenVersion, '*');
    assert.deepEqual(
      selfSubjectAccessReview(
        review('SelfSubjectAccessReview', { nonResourceAttributes: { path: '/api', verb: 'get' } }),
        user('x', 'system:authenticated'),
        authorizer,
      ).status,
      {
        allowed: true,
        reason: 'RBAC: allowed by ClusterRoleBinding "disc" of ClusterRole "disc" to Group "system:authenticated"',
      },
    );
  });
  it('rejects user fields only for SAR (SSAR has none)', () => {
    assert.doesNotThrow(() =>
      selfSubjectAccessReview(
        review('SelfSubjectAccessReview', { nonResourceAttributes: { path: '/', verb: 'get' } }),
        user('x'),
        authorizer,
      ),
    );
    assert.equal(
      thrown(() =>
        selfSubjectAccessReview(
          review('SelfSubjectAccessReview', { nonResourceAttributes: {} }),
          undefined,
          authorizer,
        ),
      ).code,
      400,
    );
  });
});

describe('localSubjectAccessReview', () => {
  it('takes the URL namespace and evaluates', () => {
    const got = localSubjectAccessReview(
      review('LocalSubjectAccessReview', {
        resourceAttributes: { namespace: 'default', verb: 'get', resource: 'pods' },
        user: 'jane',
      }),
      'default',
      authorizer,
    );
    assert.deepEqual(got.metadata, { namespace: 'default', creationTimestamp: null });
    assert.equal(got.status?.allowed, true);
  });
  it('rejects a different metadata namespace, a spec mismatch and non-resource attributes', () => {
    const err = thrown(() =>
      localSubjectAccessReview(
        review('LocalSubjectAccessReview', { resourceAttributes: { verb: 'get' }, user: 'u' }, { namespace: 'other' }),
        'default',
        authorizer,
      ),
    );
    assert.equal(
      err.status.message,
      'the namespace of the provided object does not match the namespace sent on the request',
    );
    const err2 = thrown(() =>
      localSubjectAccessReview(
        review('LocalSubjectAccessReview', { resourceAttributes: { namespace: 'x', verb: 'get' }, user: 'u' }),
        'default',
        authorizer,
      ),
    );
    assert.equal(
      err2.status.message,
      '.authorization.k8s.io "" is invalid: spec.resourceAttributes.namespace: Invalid value: "x": must match metadata.namespace',
    );
    const err3 = thrown(() =>
      localSubjectAccessReview(
        review('LocalSubjectAccessReview', { nonResourceAttributes: { path: '/x', verb: 'get' }, user: 'u' }),
        'default',
        authorizer,
      ),
    );
    assert.equal(
      err3.status.message,
      '.authorization.k8s.io "" is invalid: spec.nonResourceAttributes: Invalid value: authorization.NonResourceAttributes{Path:"/x", Verb:"get"}: disallowed on this kind of request',
    );
  });
});

describe('selfSubjectRulesReview', () => {
  const resolver = rbac;
  it('lists rules with evaluationError and does not echo the spec', () => {
    const got = selfSubjectRulesReview(
      {
        kind: 'SelfSubjectRulesReview',
        apiVersion: 'authorization.k8s.io/v1',
        metadata: {},
        spec: { namespace: 'default' },
      },
      user('jane', 'system:authenticated'),
      resolver,
    );
    assert.deepEqual(got, {
      kind: 'SelfSubjectRulesReview',
      apiVersion: 'authorization.k8s.io/v1',
      metadata: { creationTimestamp: null },
      spec: {},
      status: {
        resourceRules: [{ verbs: ['get', 'list'], apiGroups: [''], resources: ['pods'] }],
        nonResourceRules: [{ verbs: ['get'], nonResourceURLs: ['/api'] }],
        incomplete: false,
        evaluationError: 'clusterrole.rbac.authorization.k8s.io "missing" not found',
      },
    });
  });
  it('400 without a namespace', () => {
    const err = thrown(() =>
      selfSubjectRulesReview(
        { kind: 'SelfSubjectRulesReview', apiVersion: 'authorization.k8s.io/v1', metadata: {}, spec: {} },
        user('x'),
        resolver,
      ),
    );
    assert.equal(err.code, 400);
    assert.equal(err.status.message, 'no namespace on request');
  });
});
