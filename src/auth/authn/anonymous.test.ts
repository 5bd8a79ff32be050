import assert from 'node:assert/strict';
import { test } from 'node:test';
import { anonymousResponse, anonymousUser, isAnonymous } from './anonymous.ts';

test('anonymous identity', () => {
  assert.deepEqual(anonymousUser(), {
    username: 'system:anonymous',
    uid: '',
    groups: ['system:unauthenticated'],
    extra: {},
  });
  const a = anonymousUser();
  a.groups.push('x');
  assert.deepEqual(anonymousUser().groups, ['system:unauthenticated'], 'each call is a fresh object');
  assert.deepEqual(anonymousResponse(['api']).audiences, ['api']);
  assert.deepEqual(anonymousResponse([]).audiences, []);
});

test('isAnonymous', () => {
  assert.equal(isAnonymous(anonymousUser()), true);
  assert.equal(isAnonymous({ username: 'x', uid: '', groups: ['system:unauthenticated'], extra: {} }), true);
  assert.equal(isAnonymous({ username: 'admin', uid: '', groups: ['system:authenticated'], extra: {} }), false);
});
