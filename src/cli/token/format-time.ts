/**
 * Time formatting for `superkube token inspect`: NumericDate claims in UTC and local time, and the relative phrases
 * ("expires in 52m", "expired 3h ago", "issued 8m ago") people otherwise compute by hand with `date -d @...`.
 * Everything takes `now` and the local UTC offset as arguments so tests pin them.
 */

/** Which claim a relative phrase describes. */
export type TimeClaim = 'iat' | 'nbf' | 'exp' | 'warnafter';

const UNITS: [string, number][] = [
  ['d', 86_400],
  ['h', 3_600],
  ['m', 60],
  ['s', 1],
];

/**
 * A span of whole seconds in at most two units, coarse enough to read at a glance: `45s`, `1m30s`, `52m`,
 * `3h5m`, `2d4h`, `364d`. Seconds are dropped once the span reaches an hour. Negative spans use their magnitude.
 */
export function humanSpan(seconds: number): string {
  let rest = Math.floor(Math.abs(seconds));
  if (rest === 0) return '0s';
  const parts: string[] = [];
  for (const [unit, size] of UNITS) {
    const n = Math.floor(rest / size);
    rest -= n * size;
    if (parts.length === 0) {
      if (n > 0) parts.push(`${n}${unit}`);
      continue;
    }
    if (n > 0 && !(unit === 's' && Math.abs(seconds) >= 3600)) parts.push(`${n}${unit}`);
    break;
  }
  return parts.join('');
}

// JavaScript dates end at +-8.64e15 ms; a hostile NumericDate may lie beyond.
const MAX_DATE_SECONDS = 8.64e12;

function inRange(unixSeconds: number): boolean {
  return Math.abs(unixSeconds) <= MAX_DATE_SECONDS - 86_400;
}

/** `2026-01-01 10:00:00 UTC`. */
export function formatUtc(unixSeconds: number): string {
  if (!inRange(unixSeconds)) return `${unixSeconds} (out of the representable date range)`;
  const iso = new Date(unixSeconds * 1000).toISOString();
  return `${iso.slice(0, 10)} ${iso.slice(11, 19)} UTC`;
}

/** The local wall-clock time for a UTC offset in minutes east of UTC: `2026-01-01 11:00:00 +01:00`. */
export function formatLocal(unixSeconds: number, offsetMinutes: number): string {
  if (!inRange(unixSeconds)) return `${unixSeconds} (out of the representable date range)`;
  const shifted = new Date((unixSeconds + offsetMinutes * 60) * 1000).toISOString();
  const sign = offsetMinutes < 0 ? '-' : '+';
  const abs = Math.abs(offsetMinutes);
  const hh = String(Math.floor(abs / 60)).padStart(2, '0');
  const mm = String(abs % 60).padStart(2, '0');
  return `${shifted.slice(0, 10)} ${shifted.slice(11, 19)} ${sign}${hh}:${mm}`;
}

/** This machine's UTC offset (minutes east of UTC) at the given instant, daylight saving included. */
export function localOffsetMinutes(unixSeconds: number): number {
  if (!inRange(unixSeconds)) return 0;
  // getTimezoneOffset is minutes *west* of UTC; `|| 0` turns -0 into 0.
  return -new Date(unixSeconds * 1000).getTimezoneOffset() || 0;
}

/** The phrase for one time claim relative to `nowSeconds`, e.g. `expires in 52m` or `issued 8m ago`. */
export function relativePhrase(claim: TimeClaim, atSeconds: number, nowSeconds: number): string {
  const delta = atSeconds - nowSeconds;
  const span = humanSpan(delta);
  const future = delta > 0;
  switch (claim) {
    case 'exp':
      if (delta === 0) return 'expires now';
      return future ? `expires in ${span}` : `expired ${span} ago`;
    case 'iat':
      if (delta === 0) return 'issued just now';
      return future ? `issued in the future (${span} from now)` : `issued ${span} ago`;
    case 'nbf':
      if (delta === 0) return 'valid from now';
      return future ? `not valid for another ${span}` : `valid since ${span} ago`;
    case 'warnafter':
      if (delta === 0) return 'stale-token warnings start now';
      return future ? `stale-token warnings start in ${span}` : `stale-token warnings since ${span} ago`;
  }
}

/** Both renderings and the phrase, as `-o json` reports a time claim. */
export interface TimeInfo {
  unix: number;
  /** RFC 3339 UTC, e.g. `2026-01-01T10:00:00Z`. */
  utc: string;
  /** Local wall clock with its offset, e.g. `2026-01-01 11:00:00 +01:00`. */
  local: string;
  relative: string;
}

/** TimeInfo for a claim. */
export function timeInfo(
  claim: TimeClaim,
  unixSeconds: number,
  nowSeconds: number,
  offsetMinutes = localOffsetMinutes(unixSeconds),
): TimeInfo {
  return {
    unix: unixSeconds,
    utc: inRange(unixSeconds) ? new Date(unixSeconds * 1000).toISOString().replace('.000Z', 'Z') : String(unixSeconds),
    local: formatLocal(unixSeconds, offsetMinutes),
    relative: relativePhrase(claim, unixSeconds, nowSeconds),
  };
}
