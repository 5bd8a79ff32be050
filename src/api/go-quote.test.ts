import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { goQuote } from './go-quote.ts';

describe('goQuote (strconv.Quote)', () => {
  it('uses Go short escapes, not JSON ones', () => {
    assert.equal(goQuote('a"b\\c\n\t\x07\b\f\r\v'), '"a\\"b\\\\c\\n\\t\\a\\b\\f\\r\\v"');
  });
  it('escapes other control bytes as \\x and keeps printable Unicode', () => {
    assert.equal(goQuote('\x01\x7f'), '"\\x01\\x7f"');
    assert.equal(goQuote('héllo ✓ 日本 😀'), '"héllo ✓ 日本 😀"');
  });
  it('escapes non-printable runes as \\u or \\U', () => {
    assert.equal(goQuote('\u0085\u200b'), '"\\u0085\\u200b"');
    assert.equal(goQuote('\u{e0001}'), '"\\U000e0001"');
  });
  it('quotes the empty string', () => {
    assert.equal(goQuote(''), '""');
  });
});
