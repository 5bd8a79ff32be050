import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { StatusError } from '../api/status.ts';
import { decodeContinue, encodeContinue } from './continue-token.ts';

const BAD = 'continue key is not valid: incorrect encoded start resourceVersion (version meta.k8s.io/v1)';
const token = (o: unknown) => Buffer.from(JSON.stringify(o)).toString('base64url');

function rejects(t: string): void {
  assert.throws(
    () => decodeContinue(t),
    (err: unknown) =>
      err instanceof StatusError && err.code === 400 && err.reason === 'BadRequest' && err.message === BAD,
  );
}

describe('continue token', () => {
  it("encodes Kubernetes' layout: {v, rv, start: <key>\\u0000}", () => {
    const t = encodeContinue(42, 'ns/name');
    assert.match(t, /^[A-Za-z0-9_-]+$/, 'base64url, safe in a query string');
    assert.deepEqual(JSON.parse(Buffer.from(t, 'base64url').toString('utf8')), {
      v: 'meta.k8s.io/v1',
      rv: 42,
      start: 'ns/name\u0000',
    });
  });

  it('round-trips revision and key', () => {
    for (const [rv, key] of [
      [1, 'a'],
      [123456789, 'kube-system/coredns'],
      [7, 'name-with.dots_and-dashes'],
    ] as const)
      assert.deepEqual(decodeContinue(encodeContinue(rv, key)), { revision: rv, startAfter: key });
  });

  it('accepts standard base64 as clients may re-encode it', () => {
    const std = Buffer.from(JSON.stringify({ v: 'meta.k8s.io/v1', rv: 5, start: 'x\u0000' })).toString('base64');
    assert.deepEqual(decodeContinue(std), { revision: 5, startAfter: 'x' });
  });

  it('refuses malformed tokens with a 400', () => {
    rejects('');
    rejects('!!!');
    rejects(Buffer.from('not json').toString('base64url'));
    rejects(token({ v: 'meta.k8s.io/v2', rv: 1, start: 'a' }));
    rejects(token({ v: 'meta.k8s.io/v1', rv: '1', start: 'a' }));
    rejects(token({ v: 'meta.k8s.io/v1', rv: 0, start: 'a' }));
    rejects(token({ v: 'meta.k8s.io/v1', rv: 1 }));
  });

  it('refuses keys that would escape the list prefix', () => {
    rejects(token({ v: 'meta.k8s.io/v1', rv: 1, start: '/registry/secrets/x\u0000' }));
    rejects(token({ v: 'meta.k8s.io/v1', rv: 1, start: '../secrets/x\u0000' }));
    rejects(token({ v: 'meta.k8s.io/v1', rv: 1, start: 'a/../../b' }));
  });
});
