import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { goStdIssuer, parseJsonChecked } from './json-scan.ts';

describe('parseJsonChecked', () => {
  it('finds duplicates at any depth, with or without escapes and whitespace', () => {
    assert.equal(parseJsonChecked('{"a":1,"b":{"c":1,"c":2}}')?.duplicateKey, 'c');
    assert.equal(parseJsonChecked('{"a":1, "\\u0061" : 2}')?.duplicateKey, 'a');
    assert.equal(parseJsonChecked('{"a":":\\"","b":[{"a":1},{"a":2}]}')?.duplicateKey, undefined);
    assert.equal(parseJsonChecked('{ "x" : ":", "y" : "\\"x\\":" }')?.duplicateKey, undefined);
    assert.equal(parseJsonChecked('{"1":1,"b":2,"1":3}')?.duplicateKey, '1');
  });

  it('refuses invalid JSON and nesting beyond Go limit', () => {
    assert.equal(parseJsonChecked('{"a":'), undefined);
    assert.equal(parseJsonChecked(`{"a":${'['.repeat(10001)}${']'.repeat(10001)}}`), undefined);
    assert.ok(parseJsonChecked(`{"a":${'['.repeat(100)}${']'.repeat(100)}}`));
  });
});

describe('goStdIssuer', () => {
  const iss = (text: string) => goStdIssuer(parseJsonChecked(text)!);
  it('matches iss case-insensitively, last one wins, null keeps the value', () => {
    assert.equal(iss('{"iss":"a"}'), 'a');
    assert.equal(iss('{"ISS":"a"}'), 'a');
    assert.equal(iss('{"iss":"a","Iss":"b"}'), 'b');
    assert.equal(iss('{"iss":"a","Iss":"b","iss":"c"}'), 'c');
    assert.equal(iss('{"iſs":"long-s"}'), 'long-s');
    assert.equal(iss('{"iss":"a","iss":null}'), 'a');
    assert.equal(iss('{"other":"a"}'), '');
    assert.equal(iss('null'), '');
  });

  it('fails like encoding/json on non-string iss or non-object documents', () => {
    assert.equal(iss('{"iss":1,"iss":"a"}'), undefined);
    assert.equal(iss('[{"iss":"a"}]'), undefined);
    assert.equal(iss('"a"'), undefined);
  });
});
