/**
 * Go formatting that reaches clients verbatim: `%q` of a string and of a []string, and the text of an
 * apimachinery error aggregate. Authorization messages are compared byte for byte, so these live in one place.
 */

const SIMPLE_ESCAPES: Record<string, string> = {
  '\x07': '\\a',
  '\b': '\\b',
  '\f': '\\f',
  '\n': '\\n',
  '\r': '\\r',
  '\t': '\\t',
  '\v': '\\v',
  '"': '\\"',
  '\\': '\\\\',
};

/** Go's `%q` of a string (strconv.Quote): printable Unicode kept, control characters escaped. */
export function goQuote(s: string): string {
  let out = '"';
  for (const ch of s) {
    const simple = SIMPLE_ESCAPES[ch];
    if (simple) {
      out += simple;
      continue;
    }
    const cp = ch.codePointAt(0)!;
    if (cp < 0x20 || cp === 0x7f) out += `\\x${cp.toString(16).padStart(2, '0')}`;
    else if (cp >= 0x80 && cp < 0xa0) out += `\\u${cp.toString(16).padStart(4, '0')}`;
    else out += ch;
  }
  return `${out}"`;
}

/** Go's `%q` of a []string: `["a" "b"]`, or `[]` when empty. */
export function goQuoteList(list: readonly string[]): string {
  return `[${list.map(goQuote).join(' ')}]`;
}

/**
 * utilerrors.NewAggregate(errs).Error(): one error prints as itself, several as `[a, b]` with duplicate messages
 * dropped. Returns '' for an empty list.
 */
export function aggregateMessage(errors: readonly Error[]): string {
  if (errors.length === 0) return '';
  if (errors.length === 1) return errors[0]!.message;
  const seen = new Set<string>();
  for (const e of errors) seen.add(e.message);
  const msgs = [...seen];
  return msgs.length === 1 ? msgs[0]! : `[${msgs.join(', ')}]`;
}

/** An Error whose message is the aggregate of several (utilerrors.Aggregate); undefined for none. */
export function aggregateError(errors: readonly Error[]): Error | undefined {
  return errors.length === 0 ? undefined : new Error(aggregateMessage(errors));
}
