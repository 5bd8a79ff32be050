import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { StatusError } from '../../api/status.ts';
import type { JsonValue } from './json-value.ts';
import { applyMergePatch } from './merge-patch.ts';

// RFC 7386 appendix A, plus evanphx's null pruning inside added values.
const cases: Array<[JsonValue, JsonValue, JsonValue]> = [
  [{ a: 'b' }, { a: 'c' }, { a: 'c' }],
  [{ a: 'b' }, { b: 'c' }, { a: 'b', b: 'c' }],
  [{ a: 'b' }, { a: null }, {}],
  [{ a: 'b', b: 'c' }, { a: null }, { b: 'c' }],
  [{ a: ['b'] }, { a: 'c' }, { a: 'c' }],
  [{ a: 'c' }, { a: ['b'] }, { a: ['b'] }],
  [{ a: { b: 'c' } }, { a: { b: 'd', c: null } }, { a: { b: 'd' } }],
  [{ a: [{ b: 'c' }] }, { a: [1] }, { a: [1] }],
  [{ e: null }, { a: 1 }, { e: null, a: 1 }],
  [{}, { a: { bb: { ccc: null } } }, { a: { bb: {} } }],
  [{ a: 1 }, { b: [1, null, { c: null, d: 2 }] }, { a: 1, b: [1, { d: 2 }] }],
  [{ a: 'foo' }, ['c'], ['c']],
];

describe('applyMergePatch', () => {
  cases.forEach(([doc, patch, want], i) => {
    it(`case ${i}`, () => assert.deepEqual(applyMergePatch(doc, patch), want));
  });
  it('labels: null removes, value sets (the kubectl label case)', () => {
    const live = { metadata: { name: 'p', labels: { app: 'nginx', quarantine: 'true' } } };
    assert.deepEqual(applyMergePatch(live, { metadata: { labels: { quarantine: null } } }), {
      metadata: { name: 'p', labels: { app: 'nginx' } },
    });
    assert.deepEqual(live.metadata.labels, { app: 'nginx', quarantine: 'true' });
  });
  it('rejects a null or scalar patch with 400 Invalid JSON Patch', () => {
    for (const p of [null, 'x', 3]) {
      assert.throws(
        () => applyMergePatch({}, p),
        (e: unknown) => e instanceof StatusError && e.code === 400 && e.status.message === 'Invalid JSON Patch',
      );
    }
  });
});
