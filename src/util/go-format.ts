/**
 * Go's printing of values that reach clients verbatim inside messages (strconv.Quote / `%q`, `%q` of a []string,
 * `%#v` of a []string, time.Time.String(), utilerrors aggregates). Messages are compared byte for byte with
 * upstream's, so there is one implementation.
 */

import { goQuote } from '../api/go-quote.ts';

// Re-exported so importers of util keep one import site; the implementation sits in api/ for status.ts.
export { goQuote } from '../api/go-quote.ts';

/** `%q` of a []string: `["a" "b"]`, or `[]` when empty. */
export function goQuoteList(items: readonly string[]): string {
  return `[${items.map(goQuote).join(' ')}]`;
}

/** `%#v` of a []string: `[]string{"a", "b"}`. */
export function goStringSlice(items: readonly string[]): string {
  return `[]string{${items.map(goQuote).join(', ')}}`;
}

/**
 * time.Time.String() of an RFC 3339 timestamp in UTC (`2024-01-02 03:04:05 +0000 UTC`); a missing or unparsable
 * time prints as Go's zero time.
 */
export function goTimeString(rfc3339: string | null | undefined): string {
  const ms = rfc3339 ? Date.parse(rfc3339) : Number.NaN;
  if (Number.isNaN(ms)) return '0001-01-01 00:00:00 +0000 UTC';
  const iso = new Date(ms).toISOString();
  const frac = iso.slice(20, 23).replace(/0+$/, '');
  return `${iso.slice(0, 10)} ${iso.slice(11, 19)}${frac ? `.${frac}` : ''} +0000 UTC`;
}

/**
 * utilerrors.NewAggregate(errs).Error(): one message prints as itself, several as `[a, b]` with duplicates dropped;
 * '' for none. Takes messages or errors.
 */
export function aggregateMessage(items: readonly (string | Error)[]): string {
  const seen = [...new Set(items.map((e) => (typeof e === 'string' ? e : e.message)))];
  if (seen.length === 0) return '';
  return seen.length === 1 ? seen[0]! : `[${seen.join(', ')}]`;
}

/** An Error whose message is the aggregate of several; undefined for none. */
export function aggregateError(errors: readonly Error[]): Error | undefined {
  return errors.length === 0 ? undefined : new Error(aggregateMessage(errors));
}
