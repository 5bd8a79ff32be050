import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { formatLocal, formatUtc, humanSpan, relativePhrase, timeInfo } from './format-time.ts';

const NOW = Date.UTC(2026, 0, 1, 10, 0, 0) / 1000;

describe('humanSpan', () => {
  it('uses at most two units and drops seconds from an hour on', () => {
    assert.equal(humanSpan(0), '0s');
    assert.equal(humanSpan(45), '45s');
    assert.equal(humanSpan(90), '1m30s');
    assert.equal(humanSpan(52 * 60), '52m');
    assert.equal(humanSpan(52 * 60 + 30), '52m30s');
    assert.equal(humanSpan(3600), '1h');
    assert.equal(humanSpan(3607), '1h');
    assert.equal(humanSpan(3 * 3600 + 5 * 60 + 9), '3h5m');
    assert.equal(humanSpan(2 * 86400 + 4 * 3600), '2d4h');
    assert.equal(humanSpan(365 * 86400), '365d');
    assert.equal(humanSpan(-8 * 60), '8m');
  });
});

describe('relativePhrase', () => {
  it('says when a token expires or expired', () => {
    assert.equal(relativePhrase('exp', NOW + 52 * 60, NOW), 'expires in 52m');
    assert.equal(relativePhrase('exp', NOW - 3 * 3600, NOW), 'expired 3h ago');
    assert.equal(relativePhrase('exp', NOW, NOW), 'expires now');
  });
  it('says when a token was issued and from when it is valid', () => {
    assert.equal(relativePhrase('iat', NOW - 8 * 60, NOW), 'issued 8m ago');
    assert.equal(relativePhrase('iat', NOW + 120, NOW), 'issued in the future (2m from now)');
    assert.equal(relativePhrase('nbf', NOW - 8 * 60, NOW), 'valid since 8m ago');
    assert.equal(relativePhrase('nbf', NOW + 300, NOW), 'not valid for another 5m');
    assert.equal(relativePhrase('warnafter', NOW + 3607, NOW), 'stale-token warnings start in 1h');
  });
});

describe('formatUtc / formatLocal', () => {
  it('renders UTC and a local wall clock with its offset', () => {
    assert.equal(formatUtc(NOW), '2026-01-01 10:00:00 UTC');
    assert.equal(formatLocal(NOW, 60), '2026-01-01 11:00:00 +01:00');
    assert.equal(formatLocal(NOW, -330), '2026-01-01 04:30:00 -05:30');
    assert.equal(formatLocal(NOW, 0), '2026-01-01 10:00:00 +00:00');
  });
  it('does not throw on dates JavaScript cannot represent', () => {
    assert.equal(formatUtc(-(2 ** 63)), `${-(2 ** 63)} (out of the representable date range)`);
    assert.equal(timeInfo('exp', 1e15, NOW, 0).utc, '1000000000000000');
  });
  it('timeInfo carries all renderings', () => {
    assert.deepEqual(timeInfo('exp', NOW + 3600, NOW, 120), {
      unix: NOW + 3600,
      utc: '2026-01-01T11:00:00Z',
      local: '2026-01-01 13:00:00 +02:00',
      relative: 'expires in 1h',
    });
  });
});
