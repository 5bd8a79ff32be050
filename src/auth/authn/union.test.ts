import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { AuthResponse, TokenAuthenticator } from './interfaces.ts';
import { AuthenticationError } from './interfaces.ts';
import { AggregateAuthenticationError, unionTokenAuthenticators } from './union.ts';

const ok = (name: string): AuthResponse => ({
  user: { username: name, uid: '', groups: [], extra: {} },
  audiences: [],
});

function fake(outcome: AuthResponse | null | Error, calls: string[], id: string): TokenAuthenticator {
  return {
    async authenticateToken() {
      calls.push(id);
      if (outcome instanceof Error) throw outcome;
      return outcome;
    },
  };
}

test('first success wins; null moves on', async () => {
  const calls: string[] = [];
  const u = unionTokenAuthenticators([fake(null, calls, 'a'), fake(ok('b'), calls, 'b'), fake(ok('c'), calls, 'c')]);
  assert.equal((await u.authenticateToken('t'))?.user.username, 'b');
  assert.deepEqual(calls, ['a', 'b']);
});

test('errors do not stop the chain; a later success wins over an earlier error', async () => {
  const calls: string[] = [];
  const u = unionTokenAuthenticators([fake(new AuthenticationError('bad sig'), calls, 'a'), fake(ok('b'), calls, 'b')]);
  assert.equal((await u.authenticateToken('t'))?.user.username, 'b');
  assert.deepEqual(calls, ['a', 'b']);
});

test('all fail: errors aggregated like utilerrors.Aggregate; no errors: null', async () => {
  const calls: string[] = [];
  const one = unionTokenAuthenticators([fake(new AuthenticationError('x'), calls, 'a'), fake(null, calls, 'b')]);
  await assert.rejects(one.authenticateToken('t'), (e: unknown) => {
    assert.ok(e instanceof AggregateAuthenticationError);
    assert.ok(e instanceof AuthenticationError);
    assert.equal(e.message, 'x');
    return true;
  });
  const two = unionTokenAuthenticators([
    fake(new AuthenticationError('x'), calls, 'a'),
    fake(new AuthenticationError('y'), calls, 'b'),
    fake(new AuthenticationError('x'), calls, 'c'),
  ]);
  await assert.rejects(two.authenticateToken('t'), { message: '[x, y]' });
  const same = unionTokenAuthenticators([fake(new Error('x'), calls, 'a'), fake(new Error('x'), calls, 'b')]);
  await assert.rejects(same.authenticateToken('t'), { message: 'x' });
  const none = unionTokenAuthenticators([fake(null, calls, 'a'), fake(null, calls, 'b')]);
  assert.equal(await none.authenticateToken('t'), null);
  assert.equal(await unionTokenAuthenticators([]).authenticateToken('t'), null);
});

test('failOnError stops at the first error', async () => {
  const calls: string[] = [];
  const u = unionTokenAuthenticators([fake(new AuthenticationError('x'), calls, 'a'), fake(ok('b'), calls, 'b')], {
    failOnError: true,
  });
  await assert.rejects(u.authenticateToken('t'), { message: 'x' });
  assert.deepEqual(calls, ['a']);
});

test('audiences are passed to every member; a single member is used as is', async () => {
  const seen: (string[] | undefined)[] = [];
  const rec: TokenAuthenticator = {
    async authenticateToken(_t, auds) {
      seen.push(auds);
      return null;
    },
  };
  await unionTokenAuthenticators([rec, rec]).authenticateToken('t', ['a']);
  assert.deepEqual(seen, [['a'], ['a']]);
  assert.equal(unionTokenAuthenticators([rec]), rec);
});
