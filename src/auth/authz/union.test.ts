import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { Authorizer } from './interfaces.ts';
import { privilegedGroupAuthorizer } from './superuser.ts';
import { resAttrs, user } from './testing/fixtures.ts';
import { unionAuthorizer } from './union.ts';

const fixed = (decision: 'Allow' | 'Deny' | 'NoOpinion', reason: string, error?: Error): Authorizer => ({
  authorize: () => (error ? { decision, reason, error } : { decision, reason }),
});

describe('privilegedGroupAuthorizer', () => {
  const a = privilegedGroupAuthorizer();
  it('allows system:masters with an empty reason', () => {
    assert.deepEqual(a.authorize(resAttrs(user('x', 'system:masters'), 'delete', 'nodes')), {
      decision: 'Allow',
      reason: '',
    });
  });
  it('has no opinion on anyone else', () => {
    assert.deepEqual(a.authorize(resAttrs(user('x', 'devs'), 'get', 'pods')), { decision: 'NoOpinion', reason: '' });
  });
  it('reports a missing user as an error', () => {
    const attrs = { ...resAttrs(user('x'), 'get', 'pods'), user: undefined } as unknown as Parameters<
      Authorizer['authorize']
    >[0];
    const r = a.authorize(attrs);
    assert.equal(r.decision, 'NoOpinion');
    assert.equal(r.reason, 'Error');
    assert.equal(r.error?.message, 'no user on request.');
  });
});

describe('unionAuthorizer', () => {
  const attrs = resAttrs(user('x'), 'get', 'pods');
  it('returns the first Allow or Deny with its own reason and error', () => {
    const e = new Error('boom');
    assert.deepEqual(
      unionAuthorizer([fixed('NoOpinion', 'a'), fixed('Deny', 'no', e), fixed('Allow', 'yes')]).authorize(attrs),
      {
        decision: 'Deny',
        reason: 'no',
        error: e,
      },
    );
    assert.equal(unionAuthorizer([fixed('Allow', 'y'), fixed('Deny', 'n')]).authorize(attrs).decision, 'Allow');
  });
  it('joins NoOpinion reasons with newlines and aggregates errors', () => {
    const r = unionAuthorizer([
      fixed('NoOpinion', 'r1', new Error('e1')),
      fixed('NoOpinion', ''),
      fixed('NoOpinion', 'r2', new Error('e2')),
    ]).authorize(attrs);
    assert.equal(r.decision, 'NoOpinion');
    assert.equal(r.reason, 'r1\nr2');
    assert.equal(r.error?.message, '[e1, e2]');
  });
  it('has no error when none occurred', () => {
    assert.deepEqual(unionAuthorizer([fixed('NoOpinion', '')]).authorize(attrs), { decision: 'NoOpinion', reason: '' });
  });
});
