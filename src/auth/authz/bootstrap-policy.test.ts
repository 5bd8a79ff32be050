import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { loadBootstrapPolicy } from './bootstrap-policy.ts';
import { PolicyIndex } from './policy-index.ts';
import { RbacAuthorizer } from './rbac-authorizer.ts';
import { pathAttrs, resAttrs, user } from './testing/fixtures.ts';

describe('loadBootstrapPolicy', () => {
  const policy = loadBootstrapPolicy();

  it('has the 1.33 ClusterRoleBindings, sorted, including the two the file lacks', () => {
    assert.deepEqual(
      policy.clusterRoleBindings.map((b) => b.metadata.name),
      [
        'cluster-admin',
        'system:basic-user',
        'system:discovery',
        'system:kube-controller-manager',
        'system:kube-dns',
        'system:kube-scheduler',
        'system:monitoring',
        'system:node',
        'system:node-proxier',
        'system:public-info-viewer',
        'system:service-account-issuer-discovery',
        'system:volume-scheduler',
      ],
    );
    const issuer = policy.clusterRoleBindings.find(
      (b) => b.metadata.name === 'system:service-account-issuer-discovery',
    )!;
    assert.deepEqual(issuer.subjects, [
      { apiGroup: 'rbac.authorization.k8s.io', kind: 'Group', name: 'system:serviceaccounts' },
    ]);
    assert.equal(issuer.metadata.annotations?.['rbac.authorization.kubernetes.io/autoupdate'], 'true');
    assert.equal(issuer.metadata.labels?.['kubernetes.io/bootstrapping'], 'rbac-defaults');
    for (const b of policy.clusterRoleBindings)
      assert.ok(
        policy.clusterRoles.some((r) => r.metadata.name === b.roleRef.name),
        b.metadata.name,
      );
  });

  it('drops the fixtures creationTimestamp: null', () => {
    assert.ok(!('creationTimestamp' in policy.clusterRoles[0]!.metadata));
  });

  it('loads namespaced roles and bindings', () => {
    assert.ok(
      policy.roles.some(
        (r) =>
          r.metadata.namespace === 'kube-system' && r.metadata.name === 'extension-apiserver-authentication-reader',
      ),
    );
    assert.ok(policy.roleBindings.length > 0);
  });

  it('grants what section 10.1 says by default', () => {
    const index = new PolicyIndex();
    index.replaceAll(policy);
    const a = new RbacAuthorizer(index);
    const anon = user('system:anonymous', 'system:unauthenticated');
    const authd = user('jane', 'system:authenticated');
    const sa = user(
      'system:serviceaccount:default:x',
      'system:serviceaccounts',
      'system:serviceaccounts:default',
      'system:authenticated',
    );
    assert.equal(a.authorize(pathAttrs(anon, 'get', '/healthz')).decision, 'Allow');
    assert.equal(a.authorize(pathAttrs(anon, 'get', '/apis')).decision, 'NoOpinion');
    assert.equal(a.authorize(pathAttrs(authd, 'get', '/apis/apps/v1')).decision, 'Allow');
    assert.equal(a.authorize(pathAttrs(authd, 'head', '/healthz')).decision, 'NoOpinion');
    assert.equal(a.authorize(pathAttrs(sa, 'get', '/openid/v1/jwks')).decision, 'Allow');
    assert.equal(a.authorize(pathAttrs(authd, 'get', '/openid/v1/jwks')).decision, 'NoOpinion');
    assert.equal(a.authorize(pathAttrs(user('m', 'system:monitoring'), 'get', '/metrics')).decision, 'Allow');
    assert.equal(
      a.authorize(resAttrs(authd, 'create', 'selfsubjectaccessreviews', { group: 'authorization.k8s.io' })).reason,
      'RBAC: allowed by ClusterRoleBinding "system:basic-user" of ClusterRole "system:basic-user" to Group "system:authenticated"',
    );
    assert.equal(a.authorize(resAttrs(authd, 'list', 'pods', { namespace: 'default' })).decision, 'NoOpinion');
    assert.equal(a.authorize(resAttrs(user('root', 'system:masters'), 'delete', 'nodes')).decision, 'Allow');
  });
});
