import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { StatusError } from '../../api/status.ts';
import { type HeaderAccessor, hasImpersonationHeaders, impersonate } from './impersonation.ts';
import type { Attributes, Authorizer } from './interfaces.ts';
import { user } from './testing/fixtures.ts';

function headers(pairs: [string, string][]): HeaderAccessor {
  return {
    getAll: (name) => pairs.filter(([k]) => k.toLowerCase() === name.toLowerCase()).map(([, v]) => v),
    names: () => [...new Set(pairs.map(([k]) => k.toLowerCase()))],
  };
}

/** Records checks; allows unless the check's resource/name is in `deny`. */
function recorder(deny: string[] = []) {
  const seen: Attributes[] = [];
  const authorizer: Authorizer = {
    authorize(a) {
      seen.push(a);
      const key = `${a.resource}${a.subresource ? `/${a.subresource}` : ''}:${a.name}`;
      return deny.includes(key) ? { decision: 'NoOpinion', reason: '' } : { decision: 'Allow', reason: '' };
    },
  };
  return { seen, authorizer };
}

function thrown(fn: () => unknown): StatusError {
  try {
    fn();
  } catch (e) {
    return e as StatusError;
  }
  assert.fail('expected a StatusError');
}

const bob = user('bob', 'devs', 'system:authenticated');

describe('impersonate (legacy, 1.33)', () => {
  it('returns undefined without impersonation headers', () => {
    const h = headers([['Authorization', 'Bearer x']]);
    assert.equal(hasImpersonationHeaders(h), false);
    assert.equal(impersonate(h, bob, recorder().authorizer), undefined);
  });

  it('impersonates a user with groups, uid and extras; keeps nothing of the requestor', () => {
    const { seen, authorizer } = recorder();
    const got = impersonate(
      headers([
        ['Impersonate-User', 'carol'],
        ['Impersonate-Group', 'gx'],
        ['Impersonate-Group', ',,,chameleon'],
        ['Impersonate-Uid', 'u-77'],
        ['Impersonate-Extra-Reason', 'ticket 1'],
        ['Impersonate-Extra-Reason', 'b'],
        ['Impersonate-Extra-Scopes.example.com%2fx', 'v1'],
      ]),
      bob,
      authorizer,
    );
    assert.deepEqual(got, {
      username: 'carol',
      uid: 'u-77',
      groups: ['gx', ',,,chameleon', 'system:authenticated'],
      extra: { reason: ['ticket 1', 'b'], 'scopes.example.com/x': ['v1'] },
    });
    assert.deepEqual(
      seen.map((a) => [a.verb, a.apiGroup, a.resource, a.subresource, a.name]),
      [
        ['impersonate', '', 'users', '', 'carol'],
        ['impersonate', '', 'groups', '', 'gx'],
        ['impersonate', '', 'groups', '', ',,,chameleon'],
        ['impersonate', 'authentication.k8s.io', 'userextras', 'reason', 'ticket 1'],
        ['impersonate', 'authentication.k8s.io', 'userextras', 'reason', 'b'],
        ['impersonate', 'authentication.k8s.io', 'userextras', 'scopes.example.com/x', 'v1'],
        ['impersonate', 'authentication.k8s.io', 'uids', '', 'u-77'],
      ],
    );
    assert.ok(seen.every((a) => a.user === bob && a.resourceRequest));
  });

  it('checks serviceaccounts in the SA namespace and defaults SA groups', () => {
    const { seen, authorizer } = recorder();
    const got = impersonate(headers([['Impersonate-User', 'system:serviceaccount:ns1:builder']]), bob, authorizer);
    assert.deepEqual(got?.groups, ['system:serviceaccounts', 'system:serviceaccounts:ns1', 'system:authenticated']);
    assert.deepEqual([seen[0]!.resource, seen[0]!.namespace, seen[0]!.name], ['serviceaccounts', 'ns1', 'builder']);
    const explicit = impersonate(
      headers([
        ['Impersonate-User', 'system:serviceaccount:ns1:builder'],
        ['Impersonate-Group', 'g'],
      ]),
      bob,
      authorizer,
    );
    assert.deepEqual(explicit?.groups, ['g', 'system:authenticated']);
    // not a valid SA name: a plain user
    impersonate(headers([['Impersonate-User', 'system:serviceaccount:Bad:x']]), bob, authorizer);
    assert.equal(seen.at(-1)!.resource, 'users');
  });

  it('anonymous gets system:unauthenticated; explicit unauthenticated suppresses authenticated', () => {
    const { authorizer } = recorder();
    assert.deepEqual(impersonate(headers([['Impersonate-User', 'system:anonymous']]), bob, authorizer)?.groups, [
      'system:unauthenticated',
    ]);
    assert.deepEqual(
      impersonate(
        headers([
          ['Impersonate-User', 'x'],
          ['Impersonate-Group', 'system:unauthenticated'],
        ]),
        bob,
        authorizer,
      )?.groups,
      ['system:unauthenticated'],
    );
    assert.deepEqual(
      impersonate(
        headers([
          ['Impersonate-User', 'x'],
          ['Impersonate-Group', 'system:authenticated'],
        ]),
        bob,
        authorizer,
      )?.groups,
      ['system:authenticated'],
    );
  });

  it('400 for groups without a user', () => {
    const err = thrown(() => impersonate(headers([['Impersonate-Group', 'g1']]), bob, recorder().authorizer));
    assert.equal(err.code, 400);
    assert.equal(err.status.message, 'requested [{Group  g1    }] without impersonating a user');
    const err2 = thrown(() => impersonate(headers([['Impersonate-Uid', 'u']]), bob, recorder().authorizer));
    assert.equal(err2.status.message, 'requested [{UID  u  authentication.k8s.io/v1  }] without impersonating a user');
  });

  it('403 with the failing check in the message', () => {
    const err = thrown(() =>
      impersonate(headers([['Impersonate-User', 'jane']]), bob, recorder(['users:jane']).authorizer),
    );
    assert.equal(err.code, 403);
    assert.equal(
      err.status.message,
      'users "jane" is forbidden: User "bob" cannot impersonate resource "users" in API group "" at the cluster scope',
    );
    const err2 = thrown(() =>
      impersonate(
        headers([
          ['Impersonate-User', 'jane'],
          ['Impersonate-Extra-Scopes', 'a'],
        ]),
        bob,
        recorder(['userextras/scopes:a']).authorizer,
      ),
    );
    assert.equal(
      err2.status.message,
      'userextras.authentication.k8s.io "a" is forbidden: User "bob" cannot impersonate resource "userextras/scopes" in API group "authentication.k8s.io" at the cluster scope',
    );
    const err3 = thrown(() =>
      impersonate(
        headers([['Impersonate-User', 'system:serviceaccount:ns:sa']]),
        bob,
        recorder(['serviceaccounts:sa']).authorizer,
      ),
    );
    assert.equal(
      err3.status.message,
      'serviceaccounts "sa" is forbidden: User "bob" cannot impersonate resource "serviceaccounts" in API group "" in the namespace "ns"',
    );
  });

  it('500 without a requestor', () => {
    assert.equal(
      thrown(() => impersonate(headers([['Impersonate-User', 'x']]), undefined, recorder().authorizer)).code,
      500,
    );
  });
});
