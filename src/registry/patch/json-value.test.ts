import assert from 'node:assert/strict';
import { test } from 'node:test';
import { deepEqual, jsonEqual } from './json-value.ts';

test('jsonEqual: key order ignored, undefined members absent, toJSON values by their JSON form', () => {
  assert.equal(jsonEqual({ a: 1, b: { c: [1, 2] } }, { b: { c: [1, 2] }, a: 1 }), true);
  assert.equal(jsonEqual({ a: 1, b: undefined }, { a: 1 }), true);
  assert.equal(deepEqual({ a: 1, b: undefined }, { a: 1 }), false, 'where deepEqual differs');
  assert.equal(jsonEqual({ a: [1, 2] }, { a: [2, 1] }), false);
  assert.equal(jsonEqual({ a: null }, { a: {} }), false);
  assert.equal(jsonEqual({ t: new Date(0) }, { t: new Date(0) }), true);
  assert.equal(jsonEqual({ t: new Date(0) }, { t: new Date(1000) }), false);
});
