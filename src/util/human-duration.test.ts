import assert from 'node:assert/strict';
import { test } from 'node:test';
import { humanDuration } from './human-duration.ts';

test('humanDuration matches apimachinery duration.HumanDuration', () => {
  const s = 1000;
  const cases: [number, string][] = [
    [0, '0s'],
    [59 * s, '59s'],
    [119 * s, '119s'],
    [120 * s, '2m'],
    [200 * s, '3m20s'],
    [600 * s, '10m'],
    [179 * 60 * s, '179m'],
    [3 * 3600 * s, '3h'],
    [(3 * 3600 + 120) * s, '3h2m'],
    [8 * 3600 * s, '8h'],
    [47 * 3600 * s, '47h'],
    [(2 * 24 + 3) * 3600 * s, '2d3h'],
    [9 * 24 * 3600 * s, '9d'],
    [(2 * 365 + 3) * 24 * 3600 * s, '2y3d'],
    [10 * 365 * 24 * 3600 * s, '10y'],
  ];
  for (const [ms, want] of cases) assert.equal(humanDuration(ms), want, `${ms}ms`);
});
