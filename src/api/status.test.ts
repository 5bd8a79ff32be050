import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { type FieldError, fieldErrorBody, fieldErrorString, goPrinted, invalid } from './status.ts';

const bad = (value: unknown, detail = 'why'): FieldError => ({ type: 'FieldValueInvalid', field: 'f', value, detail });

describe('fieldErrorBody (field.Error.ErrorBody)', () => {
  it('prints strings with strconv.Quote', () => {
    assert.equal(fieldErrorBody(bad('a\x01"\u00e9')), 'Invalid value: "a\\x01\\"\u00e9": why');
  });
  it('prints numbers and booleans bare', () => {
    assert.equal(fieldErrorBody(bad(-3)), 'Invalid value: -3: why');
    assert.equal(fieldErrorBody(bad(false)), 'Invalid value: false: why');
  });
  it('prints a nil value as the quoted string "null"', () => {
    assert.equal(fieldErrorBody(bad(null)), 'Invalid value: "null": why');
  });
  it('prints a Go-printed value verbatim', () => {
    assert.equal(fieldErrorBody(bad(goPrinted('[]string{"/x"}'))), 'Invalid value: []string{"/x"}: why');
  });
  it('does not take a look-alike plain object for a Go-printed value', () => {
    assert.equal(fieldErrorBody(bad({ goPrinted: 'x' })), 'Invalid value: {"goPrinted":"x"}: why');
  });
  it('omits an undefined value and an empty detail', () => {
    assert.equal(fieldErrorBody(bad(undefined)), 'Invalid value: why');
    assert.equal(fieldErrorBody({ type: 'FieldValueDuplicate', field: 'f', value: 'x' }), 'Duplicate value: "x"');
  });
  it('never prints the value of Required, Forbidden, TooLong and Internal errors', () => {
    for (const type of ['FieldValueRequired', 'FieldValueForbidden', 'FieldValueTooLong', 'InternalError'] as const) {
      assert.equal(fieldErrorBody({ type, field: 'f', value: 'secret', detail: 'd' }).includes('secret'), false);
    }
  });
  it('quotes supported values with strconv.Quote', () => {
    const e: FieldError = { type: 'FieldValueNotSupported', field: 'f', value: 'x', supported: ['a\tb', 'c'] };
    assert.equal(fieldErrorBody(e), 'Unsupported value: "x": supported values: "a\\tb", "c"');
    assert.equal(fieldErrorString({ ...e, value: null, supported: [] }), 'f: Unsupported value: "null"');
  });
});

describe('invalid (errors.NewInvalid)', () => {
  const dup: FieldError = { type: 'FieldValueRequired', field: 'a' };
  const other: FieldError = { type: 'FieldValueRequired', field: 'b' };

  it('dedupes identical messages but keeps every cause', () => {
    const err = invalid('Pod', '', 'p', [dup, other, dup]);
    assert.equal(err.message, 'Pod "p" is invalid: [a: Required value, b: Required value]');
    assert.equal(err.status.details?.causes?.length, 3);
  });
  it('prints a single distinct error without brackets', () => {
    assert.equal(invalid('Pod', '', 'p', [dup, dup]).message, 'Pod "p" is invalid: a: Required value');
  });
  it('quotes the name with %q and qualifies the kind with its group', () => {
    const err = invalid('Role', 'rbac.authorization.k8s.io', 'a"\x01', [dup]);
    assert.equal(err.message, 'Role.rbac.authorization.k8s.io "a\\"\\x01" is invalid: a: Required value');
  });
  it('has no ": <errors>" and no causes when there are no errors', () => {
    const err = invalid('Namespace', '', 'a', []);
    assert.equal(err.message, 'Namespace "a" is invalid');
    assert.deepEqual(err.status.details, { name: 'a', kind: 'Namespace' });
  });
});
