import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { goQuote as apiGoQuote } from '../api/go-quote.ts';
import { aggregateMessage, goQuote, goQuoteList, goStringSlice, goTimeString } from './go-format.ts';

describe('util/go-format', () => {
  it('re-exports the one strconv.Quote implementation', () => {
    assert.equal(goQuote, apiGoQuote);
  });
  it('prints []string with %q and %#v', () => {
    assert.equal(goQuoteList(['a', 'b\n']), '["a" "b\\n"]');
    assert.equal(goQuoteList([]), '[]');
    assert.equal(goStringSlice(['/healthz', 'x"y']), '[]string{"/healthz", "x\\"y"}');
  });
  it('prints time.Time.String() in UTC, the zero time for a missing one', () => {
    assert.equal(goTimeString('2025-01-01T00:00:00Z'), '2025-01-01 00:00:00 +0000 UTC');
    assert.equal(goTimeString('2025-01-01T02:00:00.120+02:00'), '2025-01-01 00:00:00.12 +0000 UTC');
    assert.equal(goTimeString(undefined), '0001-01-01 00:00:00 +0000 UTC');
  });
  it('aggregates messages as utilerrors does', () => {
    assert.equal(aggregateMessage([]), '');
    assert.equal(aggregateMessage(['a', 'a']), 'a');
    assert.equal(aggregateMessage(['a', new Error('b'), 'a']), '[a, b]');
  });
});
