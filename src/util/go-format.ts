/**
 * Go's printing of values that reach clients verbatim inside messages (strconv.Quote / `%q`, `%q` of a []string,
 * `%#v` of a []string, utilerrors aggregates). Messages are compared byte for byte with
 * upstream's, so there is one implementation.
 */

const PRINTABLE = /[\p{L}\p{M}\p{N}\p{P}\p{S} ]/u;
const SHORT_ESCAPES: Record<string, string> = {
  '\x07': '\\a',
  '\b': '\\b',
  '\f': '\\f',
  '\n': '\\n',
  '\r': '\\r',
  '\t': '\\t',
  '\v': '\\v',
  '\\': '\\\\',
  '"': '\\"',
};

/** strconv.Quote: printable Unicode kept, everything else escaped as Go does. */
export function goQuote(s: string): string {
  let out = '"';
  for (const ch of s) {
    const short = SHORT_ESCAPES[ch];
    if (short) {
      out += short;
      continue;
    }
    if (PRINTABLE.test(ch)) {
      out += ch;
      continue;
    }
    const cp = ch.codePointAt(0)!;
    if (cp < 0x80) out += `\\x${cp.toString(16).padStart(2, '0')}`;
    else if (cp < 0x10000) out += `\\u${cp.toString(16).padStart(4, '0')}`;
    else out += `\\U${cp.toString(16).padStart(8, '0')}`;
  }
  return `${out}"`;
}

/** `%q` of a []string: `["a" "b"]`, or `[]` when empty. */
export function goQuoteList(items: readonly string[]): string {
  return `[${items.map(goQuote).join(' ')}]`;
}

/** `%#v` of a []string: `[]string{"a", "b"}`. */
export function goStringSlice(items: readonly string[]): string {
  return `[]string{${items.map(goQuote).join(', ')}}`;
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
