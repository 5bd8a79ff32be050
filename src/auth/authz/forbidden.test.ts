import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { forbiddenStatusError } from './forbidden.ts';
import { pathAttrs, resAttrs, user } from './testing/fixtures.ts';

describe('forbiddenStatusError', () => {
  it('errors_test.go examples', () => {
    const u = user('NAME');
    assert.equal(
      forbiddenStatusError(resAttrs(u, 'get', 'pod', { group: 'v2', subresource: 'quota', namespace: 'test' }), '')
        .status.message,
      'pod.v2 is forbidden: User "NAME" cannot get resource "pod/quota" in API group "v2" in the namespace "test"',
    );
    assert.equal(
      forbiddenStatusError(resAttrs(u, 'get', 'pod', { name: 'mypod' }), '').status.message,
      'pod "mypod" is forbidden: User "NAME" cannot get resource "pod" in API group "" at the cluster scope',
    );
    assert.equal(
      forbiddenStatusError(pathAttrs(u, 'GET', '/whatever'), '').status.message,
      'forbidden: User "NAME" cannot GET path "/whatever"',
    );
  });

  it('kubectl.md section 7 messages', () => {
    const bob = user('bob');
    assert.equal(
      forbiddenStatusError(resAttrs(bob, 'list', 'pods', { namespace: 'default' }), '').status.message,
      'pods is forbidden: User "bob" cannot list resource "pods" in API group "" in the namespace "default"',
    );
    assert.equal(
      forbiddenStatusError(resAttrs(bob, 'get', 'pods', { namespace: 'default', name: 'p1' }), '').status.message,
      'pods "p1" is forbidden: User "bob" cannot get resource "pods" in API group "" in the namespace "default"',
    );
    assert.equal(
      forbiddenStatusError(resAttrs(bob, 'create', 'namespaces'), '').status.message,
      'namespaces is forbidden: User "bob" cannot create resource "namespaces" in API group "" at the cluster scope',
    );
    assert.equal(
      forbiddenStatusError(pathAttrs(user('system:anonymous'), 'get', '/apis'), '').status.message,
      'forbidden: User "system:anonymous" cannot get path "/apis"',
    );
  });

  it('builds the Status with details name, group, kind and code 403', () => {
    const err = forbiddenStatusError(
      resAttrs(user('u'), 'get', 'deployments', { group: 'apps', name: 'd', namespace: 'n' }),
      '',
    );
    assert.deepEqual(err.status, {
      kind: 'Status',
      apiVersion: 'v1',
      metadata: {},
      status: 'Failure',
      message:
        'deployments.apps "d" is forbidden: User "u" cannot get resource "deployments" in API group "apps" in the namespace "n"',
      reason: 'Forbidden',
      details: { name: 'd', group: 'apps', kind: 'deployments' },
      code: 403,
    });
    assert.deepEqual(forbiddenStatusError(pathAttrs(user('u'), 'get', '/x'), '').status.details, {});
  });

  it('appends the reason unescaped and escapes only the generated part', () => {
    const err = forbiddenStatusError(
      pathAttrs(user('a<b>&c'), 'get', '/x'),
      'RBAC: clusterrole.rbac.authorization.k8s.io "<x>" not found',
    );
    assert.equal(
      err.status.message,
      'forbidden: User "a&lt;b&gt;&amp;c" cannot get path "/x": RBAC: clusterrole.rbac.authorization.k8s.io "<x>" not found',
    );
  });

  it('quotes like Go %q', () => {
    const err = forbiddenStatusError(resAttrs(user('we"ird\n'), 'get', 'pods'), '');
    assert.match(err.status.message!, /User "we\\"ird\\n" cannot/);
  });
});
