import assert from 'node:assert/strict';
import { test } from 'node:test';
import { FakeClock } from '../../util/clock.ts';
import type { AuthResponse, TokenAuthenticator } from './interfaces.ts';
import { AuthenticationError } from './interfaces.ts';
import { CachedTokenAuthenticator, jwtExpiryMs } from './token-cache.ts';

const resp = (name: string, audiences: string[] = []): AuthResponse => ({
  user: { username: name, uid: 'u', groups: ['g'], extra: { k: ['v'] } },
  audiences,
});

/** Counts calls; answers from `table` (token -> response, null, or an error). */
function counting(table: Record<string, AuthResponse | null | Error>): TokenAuthenticator & { calls: string[] } {
  const calls: string[] = [];
  return {
    calls,
    async authenticateToken(token, auds) {
      calls.push(`${token}|${auds === undefined ? '-' : auds.join(',')}`);
      const r = table[token];
      if (r instanceof Error) throw r;
      return r ?? null;
    },
  };
}

test('successes are reused for the TTL, then revalidated', async () => {
  const clock = new FakeClock();
  const inner = counting({ a: resp('alice') });
  const c = new CachedTokenAuthenticator(inner, { clock });
  assert.equal((await c.authenticateToken('a'))?.user.username, 'alice');
  clock.advance(9_999);
  assert.equal((await c.authenticateToken('a'))?.user.username, 'alice');
  assert.equal(inner.calls.length, 1);
  clock.advance(1);
  await c.authenticateToken('a');
  assert.equal(inner.calls.length, 2);
});

test('"not mine" and errors are not cached', async () => {
  const inner = counting({ bad: new AuthenticationError('nope') });
  const c = new CachedTokenAuthenticator(inner, { clock: new FakeClock() });
  assert.equal(await c.authenticateToken('x'), null);
  assert.equal(await c.authenticateToken('x'), null);
  await assert.rejects(c.authenticateToken('bad'), { message: 'nope' });
  await assert.rejects(c.authenticateToken('bad'), { message: 'nope' });
  assert.equal(inner.calls.length, 4);
  assert.equal(c.size, 0);
});

test('audiences are part of the key (undefined differs from [])', async () => {
  const inner = counting({ a: resp('alice') });
  const c = new CachedTokenAuthenticator(inner, { clock: new FakeClock() });
  for (const auds of [undefined, [], ['x'], ['x', 'y'], ['xy'], undefined, [], ['x'], ['x', 'y'], ['xy']]) {
    await c.authenticateToken('a', auds);
  }
  assert.deepEqual(inner.calls, ['a|-', 'a|', 'a|x', 'a|x,y', 'a|xy']);
});

test('concurrent identical lookups share one validation, including its error', async () => {
  let release!: () => void;
  const gate = new Promise<void>((r) => {
    release = r;
  });
  let calls = 0;
  const slow = (outcome: AuthResponse | Error): TokenAuthenticator => ({
    async authenticateToken() {
      calls++;
      await gate;
      if (outcome instanceof Error) throw outcome;
      return outcome;
    },
  });
  const c = new CachedTokenAuthenticator(slow(resp('alice')), { clock: new FakeClock() });
  const all = Promise.all([c.authenticateToken('a'), c.authenticateToken('a'), c.authenticateToken('a')]);
  const other = c.authenticateToken('a', ['other']);
  release();
  const results = await all;
  await other;
  assert.equal(calls, 2, 'one per distinct (token, audiences)');
  assert.ok(results.every((r) => r?.user.username === 'alice'));
  assert.throws(() => results[0]!.user.groups.push('mutated'), TypeError, 'callers share one immutable answer');
  assert.throws(() => {
    results[0]!.user.username = 'mallory';
  }, TypeError);
  assert.deepEqual(results[1]!.user.groups, ['g']);

  calls = 0;
  const e = new CachedTokenAuthenticator(slow(new AuthenticationError('bad')), { clock: new FakeClock() });
  const both = await Promise.allSettled([e.authenticateToken('a'), e.authenticateToken('a')]);
  assert.equal(calls, 1);
  assert.ok(both.every((r) => r.status === 'rejected'));
});

test('flush forgets everything, including lookups in flight', async () => {
  const clock = new FakeClock();
  const inner = counting({ a: resp('alice'), b: resp('bob') });
  const c = new CachedTokenAuthenticator(inner, { clock });
  await c.authenticateToken('a');
  await c.authenticateToken('b');
  c.flush();
  assert.equal(c.size, 0);
  await c.authenticateToken('a');
  assert.equal(inner.calls.length, 3);

  let release!: () => void;
  const gate = new Promise<void>((r) => {
    release = r;
  });
  const slow = new CachedTokenAuthenticator(
    {
      async authenticateToken() {
        await gate;
        return resp('alice');
      },
    },
    { clock },
  );
  const p = slow.authenticateToken('a');
  slow.flush();
  release();
  assert.ok(await p);
  assert.equal(slow.size, 0, 'a result computed before the flush is not cached');
});

test('bounded: least recently used entries are evicted', async () => {
  const inner = counting({ a: resp('a'), b: resp('b'), c: resp('c') });
  const cache = new CachedTokenAuthenticator(inner, { clock: new FakeClock(), maxEntries: 2 });
  await cache.authenticateToken('a');
  await cache.authenticateToken('b');
  await cache.authenticateToken('a'); // a is now the most recently used
  await cache.authenticateToken('c'); // evicts b
  assert.equal(cache.size, 2);
  inner.calls.length = 0;
  await cache.authenticateToken('a');
  await cache.authenticateToken('c');
  await cache.authenticateToken('b');
  assert.deepEqual(inner.calls, ['b|-']);
});

test("never cached beyond the credential's own expiry", async () => {
  const clock = new FakeClock(Date.UTC(2026, 0, 1));
  const nowSec = Math.floor(clock.now().getTime() / 1000);
  const jwt = (exp: number) =>
    `${Buffer.from('{"alg":"RS256"}').toString('base64url')}.${Buffer.from(JSON.stringify({ exp })).toString('base64url')}.sig`;
  const soon = jwt(nowSec + 3);
  const past = jwt(nowSec - 1);
  const inner = counting({ [soon]: resp('sa'), [past]: resp('sa') });
  const c = new CachedTokenAuthenticator(inner, { clock });
  await c.authenticateToken(soon);
  clock.advance(2_999);
  await c.authenticateToken(soon);
  assert.equal(inner.calls.length, 1);
  clock.advance(1);
  await c.authenticateToken(soon);
  assert.equal(inner.calls.length, 2, 'expired with the JWT, not after 10 s');
  await c.authenticateToken(past);
  await c.authenticateToken(past);
  assert.equal(inner.calls.length, 4, 'an already-expired credential is never cached');

  const customInner = counting({ a: resp('a') });
  const custom = new CachedTokenAuthenticator(customInner, {
    clock,
    credentialExpiry: () => clock.now().getTime() + 100,
  });
  await custom.authenticateToken('a');
  clock.advance(99);
  await custom.authenticateToken('a');
  assert.equal(customInner.calls.length, 1, 'reused before the custom expiry');
  clock.advance(1);
  assert.equal(custom.size, 1);
  await custom.authenticateToken('a');
  assert.equal(customInner.calls.length, 2, 'revalidated at the custom expiry, not after the 10 s TTL');
  assert.equal(custom.size, 1);
});

test('successTtlMs 0 disables caching', async () => {
  const inner = counting({ a: resp('a') });
  const c = new CachedTokenAuthenticator(inner, { clock: new FakeClock(), successTtlMs: 0 });
  await c.authenticateToken('a');
  await c.authenticateToken('a');
  assert.equal(inner.calls.length, 2);
});

test('jwtExpiryMs', () => {
  const b = (o: unknown) => Buffer.from(JSON.stringify(o)).toString('base64url');
  assert.equal(jwtExpiryMs(`x.${b({ exp: 10 })}.y`), 10_000);
  assert.equal(jwtExpiryMs(`x.${b({ exp: '10' })}.y`), undefined);
  assert.equal(jwtExpiryMs(`x.${b(null)}.y`), undefined);
  assert.equal(jwtExpiryMs('static-token'), undefined);
  assert.equal(jwtExpiryMs('a.!!!.c'), undefined);
});

test("a hit replays the validation's audit annotations and warnings (upstream's cache record does)", async () => {
  const inner = counting({
    a: { ...resp('alice'), auditAnnotations: { 'authentication.k8s.io/stale-token': 'x' }, warnings: ['w'] },
  });
  const c = new CachedTokenAuthenticator(inner, { clock: new FakeClock() });
  for (let i = 0; i < 2; i++) {
    const r = await c.authenticateToken('a');
    assert.deepEqual(r?.auditAnnotations, { 'authentication.k8s.io/stale-token': 'x' });
    assert.deepEqual(r?.warnings, ['w']);
  }
  assert.equal(inner.calls.length, 1);
});
