import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { StatusError } from '../../api/status.ts';
import { applyJsonPatch, JsonPatchError, patchWithJsonPatch } from './json-patch.ts';
import type { JsonValue } from './json-value.ts';

// Cases modelled on evanphx/json-patch v4 patch_test.go (Cases and MutationTestCases) and RFC 6902 appendix A.
const ok: Array<[string, JsonValue, JsonValue[], JsonValue]> = [
  ['add a key', { foo: 'bar' }, [{ op: 'add', path: '/baz', value: 'qux' }], { foo: 'bar', baz: 'qux' }],
  [
    'add into array',
    { foo: ['bar', 'baz'] },
    [{ op: 'add', path: '/foo/1', value: 'qux' }],
    { foo: ['bar', 'qux', 'baz'] },
  ],
  ['append with -', { foo: [1] }, [{ op: 'add', path: '/foo/-', value: 2 }], { foo: [1, 2] }],
  // -1 counts from the end of the grown array, so it appends.
  ['negative index insert', { foo: [1, 2] }, [{ op: 'add', path: '/foo/-1', value: 9 }], { foo: [1, 2, 9] }],
  ['remove', { baz: 'qux', foo: 'bar' }, [{ op: 'remove', path: '/baz' }], { foo: 'bar' }],
  ['remove array item', { foo: ['bar', 'qux', 'baz'] }, [{ op: 'remove', path: '/foo/1' }], { foo: ['bar', 'baz'] }],
  ['replace', { baz: 'qux', foo: 'bar' }, [{ op: 'replace', path: '/baz', value: 'boo' }], { baz: 'boo', foo: 'bar' }],
  // v4 replace on a missing object key behaves like add (partialDoc.get never fails).
  ['replace missing key adds', { foo: 'bar' }, [{ op: 'replace', path: '/baz', value: 1 }], { foo: 'bar', baz: 1 }],
  ['replace whole doc', { a: 1 }, [{ op: 'replace', path: '', value: { b: 2 } }], { b: 2 }],
  [
    'move',
    { foo: { bar: 'baz', waldo: 'fred' }, qux: { corge: 'grault' } },
    [{ op: 'move', from: '/foo/waldo', path: '/qux/thud' }],
    { foo: { bar: 'baz' }, qux: { corge: 'grault', thud: 'fred' } },
  ],
  [
    'move array element',
    { foo: ['all', 'grass', 'cows', 'eat'] },
    [{ op: 'move', from: '/foo/1', path: '/foo/3' }],
    { foo: ['all', 'cows', 'eat', 'grass'] },
  ],
  ['copy', { foo: { a: 1 } }, [{ op: 'copy', from: '/foo', path: '/bar' }], { foo: { a: 1 }, bar: { a: 1 } }],
  [
    'test passes',
    { baz: 'qux', foo: ['a', 2, 'c'] },
    [
      { op: 'test', path: '/baz', value: 'qux' },
      { op: 'test', path: '/foo/1', value: 2 },
    ],
    { baz: 'qux', foo: ['a', 2, 'c'] },
  ],
  ['test null on missing key passes', { foo: 1 }, [{ op: 'test', path: '/bar', value: null }], { foo: 1 }],
  [
    'escaped keys',
    { 'a/b': 1, 'm~n': 2 },
    [
      { op: 'replace', path: '/a~1b', value: 3 },
      { op: 'remove', path: '/m~0n' },
    ],
    { 'a/b': 3 },
  ],
  [
    'metadata label with slash',
    { metadata: { labels: { 'app.kubernetes.io/name': 'x' } } },
    [{ op: 'remove', path: '/metadata/labels/app.kubernetes.io~1name' }],
    { metadata: { labels: {} } },
  ],
];

const fail: Array<[string, JsonValue, JsonValue[], string]> = [
  [
    'add under a missing parent',
    { foo: 1 },
    [{ op: 'add', path: '/a/b', value: 1 }],
    'add operation does not apply: doc is missing path: "/a/b": missing value',
  ],
  [
    'remove a missing key',
    { foo: 1 },
    [{ op: 'remove', path: '/bar' }],
    "error in remove for path: '/bar': Unable to remove nonexistent key: bar: missing value",
  ],
  [
    'remove out of range',
    { foo: [1] },
    [{ op: 'remove', path: '/foo/3' }],
    "error in remove for path: '/foo/3': Unable to access invalid index: 3: invalid index referenced",
  ],
  [
    'add out of range',
    { foo: [1] },
    [{ op: 'add', path: '/foo/5', value: 1 }],
    "error in add for path: '/foo/5': Unable to access invalid index: 5: invalid index referenced",
  ],
  [
    'add bad index',
    { foo: [1] },
    [{ op: 'add', path: '/foo/x', value: 1 }],
    `error in add for path: '/foo/x': value was not a proper array index: 'x': strconv.Atoi: parsing "x": invalid syntax`,
  ],
  [
    'replace missing index',
    { foo: [1] },
    [{ op: 'replace', path: '/foo/1', value: 1 }],
    'replace operation does not apply: doc is missing key: /foo/1: missing value',
  ],
  [
    'test fails',
    { baz: 'qux' },
    [{ op: 'test', path: '/baz', value: 'bar' }],
    'testing value /baz failed: test failed',
  ],
  [
    'test missing value on present key',
    { baz: 'qux' },
    [{ op: 'test', path: '/baz' }],
    'testing value /baz failed: test failed',
  ],
  [
    'move missing from',
    { a: 1 },
    [{ op: 'move', from: '/x', path: '/y' }],
    "error in move for path: 'x': Unable to remove nonexistent key: x: missing value",
  ],
  ['unknown op', { a: 1 }, [{ op: 'frob', path: '/a' }], 'Unexpected kind: frob'],
  ['missing op', { a: 1 }, [{ path: '/a' }], 'Unexpected kind: unknown'],
  [
    'missing path',
    { a: 1 },
    [{ op: 'replace', value: 1 }],
    'replace operation failed to decode path: operation missing path field: missing value',
  ],
  [
    'copy missing destination parent',
    { a: 1 },
    [{ op: 'copy', from: '/a', path: '/x/y' }],
    'copy operation does not apply: doc is missing destination path: /x/y: missing value',
  ],
];

describe('applyJsonPatch', () => {
  for (const [name, doc, ops, want] of ok) {
    it(name, () => assert.deepEqual(applyJsonPatch(doc, ops as never), want));
  }
  for (const [name, doc, ops, message] of fail) {
    it(`fails: ${name}`, () => {
      assert.throws(
        () => applyJsonPatch(doc, ops as never),
        (e: unknown) => e instanceof JsonPatchError && e.message === message,
      );
    });
  }
  it('does not modify its input', () => {
    const doc = { a: { b: 1 } };
    applyJsonPatch(doc, [{ op: 'replace', path: '/a/b', value: 2 }]);
    assert.deepEqual(doc, { a: { b: 1 } });
  });
});

describe('patchWithJsonPatch', () => {
  it('turns an apply failure into 422 Invalid with the generic message', () => {
    assert.throws(
      () => patchWithJsonPatch({ a: 1 }, [{ op: 'test', path: '/a', value: 2 }]),
      (e: unknown) =>
        e instanceof StatusError &&
        e.code === 422 &&
        e.reason === 'Invalid' &&
        e.status.message === 'the server rejected our request due to an error in our request' &&
        JSON.stringify(e.status.details) === '{}',
    );
  });
  it('rejects a non-array body with 400 and Go decoding text', () => {
    assert.throws(
      () => patchWithJsonPatch({}, { op: 'add' }),
      (e: unknown) =>
        e instanceof StatusError &&
        e.code === 400 &&
        e.status.message === 'json: cannot unmarshal object into Go value of type jsonpatch.Patch',
    );
  });
  it('caps the number of operations with 413', () => {
    const ops = Array.from({ length: 10001 }, () => ({ op: 'test', path: '/a', value: 1 }));
    assert.throws(
      () => patchWithJsonPatch({ a: 1 }, ops),
      (e: unknown) =>
        e instanceof StatusError &&
        e.code === 413 &&
        e.status.message ===
          'Request entity too large: The allowed maximum operations in a JSON patch is 10000, got 10001',
    );
  });
});
