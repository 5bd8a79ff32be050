import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  countColonsAfterQuote,
  countKeptMembers,
  countMembersWritten,
  goStdIssuer,
  parseJsonChecked,
} from './json-scan.ts';

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

describe('parseJsonChecked quick check', () => {
  it('catches duplicates whatever the spacing, and strings that look like members do not hide them', () => {
    assert.equal(parseJsonChecked('{"a" :1,"a":2}')?.duplicateKey, 'a');
    assert.equal(parseJsonChecked('{"a":":","a":1}')?.duplicateKey, 'a');
    assert.equal(parseJsonChecked('{"a":[":x",{"b":":"}],"c":{"d":1,"d":2}}')?.duplicateKey, 'd');
    assert.equal(parseJsonChecked('{"a":":x","b":" :"}')?.duplicateKey, undefined);
  });

  it('falls back to the full scan past its depth and still finds duplicates there', () => {
    const deep = (inner: string) => `{"iss":"x","a":${'['.repeat(80)}${inner}${']'.repeat(80)}}`;
    assert.equal(parseJsonChecked(deep('{"k":1,"k":2}'))?.duplicateKey, 'k');
    const ok = parseJsonChecked(deep('{"k":1}'));
    assert.equal(ok?.duplicateKey, undefined);
    assert.deepEqual(ok?.issMembers, ['x']);
  });

  it('counts only own members when Object.prototype is polluted', () => {
    const proto = Object.prototype as Record<string, unknown>;
    proto.polluted = 1;
    try {
      assert.equal(parseJsonChecked('{"a":{"b":1},"a":{"c":1,"d":1}}')?.duplicateKey, 'a');
      assert.deepEqual(parseJsonChecked('{"iss":"x","b":{}}')?.issMembers, ['x']);
    } finally {
      delete proto.polluted;
    }
  });
});

describe('member counting', () => {
  it('countMembersWritten counts names, not colons in strings, across whitespace', () => {
    assert.equal(countMembersWritten('{"a":"x:y","b" :\n[{"c"\t: ":"}]}'), 3);
    assert.equal(countMembersWritten('{}'), 0);
    assert.equal(countMembersWritten('["a:b"]'), 0);
  });

  it('countColonsAfterQuote counts names plus strings that start with a colon', () => {
    assert.equal(countColonsAfterQuote('{"a":"x:y","b":[{"c":1}]}'), 3);
    assert.equal(countColonsAfterQuote('{"a":":x"}'), 2);
    assert.equal(countColonsAfterQuote('{}'), 0);
  });

  it('countKeptMembers counts members at any depth, collects root iss members and gives up when too deep', () => {
    const iss: unknown[] = [];
    assert.equal(countKeptMembers({ iss: 'a', x: [{ y: 1 }, [{ z: null }]], ISS: null }, 1, iss), 5);
    assert.deepEqual(iss, ['a', null]);
    assert.equal(countKeptMembers(JSON.parse(`${'['.repeat(70)}${']'.repeat(70)}`), 1), -1);
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
