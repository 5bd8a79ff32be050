/**
 * Go's printing of values that upstream embeds inside error details (fmt's %q, %#v of []string, time.Time.String()).
 * Only used where the text is part of a detail string we build; field values are printed by api/status.ts.
 */

/** strconv.Quote for the characters that occur in names and keys (ASCII-safe; JSON escapes match for them). */
export function goQuote(s: string): string {
  return JSON.stringify(s);
}

/** `%#v` of a []string: `[]string{"a", "b"}`. */
export function goStringSlice(items: readonly string[]): string {
  return `[]string{${items.map(goQuote).join(', ')}}`;
}

/**
 * time.Time.String() of an RFC 3339 timestamp in UTC, as `metav1.Time` prints in immutable-field errors:
 * `2024-01-02 03:04:05 +0000 UTC`. A missing or unparsable time prints as Go's zero time.
 */
export function goTimeString(rfc3339: string | null | undefined): string {
  const ms = rfc3339 ? Date.parse(rfc3339) : Number.NaN;
  if (Number.isNaN(ms)) return '0001-01-01 00:00:00 +0000 UTC';
  const iso = new Date(ms).toISOString(); // 2024-01-02T03:04:05.678Z
  const frac = iso.slice(20, 23).replace(/0+$/, '');
  return `${iso.slice(0, 10)} ${iso.slice(11, 19)}${frac ? `.${frac}` : ''} +0000 UTC`;
}
