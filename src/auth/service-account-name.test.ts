import assert from 'node:assert/strict';
import { test } from 'node:test';
import { INVALID_USERNAME, splitUsername } from './authn/serviceaccount/user-info.ts';
import { serviceAccountGroups, serviceAccountUsername, splitServiceAccountUsername } from './service-account-name.ts';

const label = (n: number) => 'a'.repeat(n);

test("SplitUsername accepts what Go's validation accepts, and nothing else", () => {
  const ok: [string, string][] = [
    ['default', 'builder'],
    [label(63), 'x'],
    // IsDNS1123Subdomain limits the whole name to 253 characters, not each label to 63.
    ['ns', `${label(64)}.example`],
    ['ns', [label(63), label(63), label(63), label(61)].join('.')],
  ];
  for (const [namespace, name] of ok) {
    const username = serviceAccountUsername(namespace, name);
    assert.deepEqual(splitServiceAccountUsername(username), { namespace, name }, username);
    assert.deepEqual(splitUsername(username), { namespace, name }, username);
  }
  const bad = [
    'system:serviceaccount:default',
    'system:serviceaccount:default:a:b',
    'system:serviceaccounts:default:a',
    `system:serviceaccount:${label(64)}:x`,
    `system:serviceaccount:ns:${[label(63), label(63), label(63), label(62)].join('.')}`,
    'system:serviceaccount:Default:x',
    'system:serviceaccount:ns.dotted:x',
    'system:serviceaccount:ns:-x',
    'system:serviceaccount::x',
    'system:serviceaccount:ns:',
  ];
  for (const username of bad) {
    assert.equal(splitServiceAccountUsername(username), undefined, username);
    assert.throws(() => splitUsername(username), { message: INVALID_USERNAME }, username);
  }
});

test('MakeGroupNames', () => {
  assert.deepEqual(serviceAccountGroups('apps'), ['system:serviceaccounts', 'system:serviceaccounts:apps']);
});
