/**
 * Go's strconv.Quote, which `%q` uses. It lives in api/ because status.ts prints field-error values and object
 * names with it and api/ imports no other layer; util/go-format.ts re-exports it for everyone else.
 */

/** strconv.IsPrint: Unicode letters, marks, numbers, punctuation and symbols, plus the ASCII space. */
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

/** Go's escape for a non-printable rune without a short form: `\x` below 0x80, `\u` in the BMP, `\U` above. */
function hexEscape(cp: number): string {
  if (cp < 0x80) return `\\x${cp.toString(16).padStart(2, '0')}`;
  if (cp < 0x10000) return `\\u${cp.toString(16).padStart(4, '0')}`;
  return `\\U${cp.toString(16).padStart(8, '0')}`;
}

/** strconv.Quote: printable Unicode kept, everything else escaped as Go does (so not JSON's `\u0001`). */
export function goQuote(s: string): string {
  let out = '"';
  for (const ch of s) {
    const short = SHORT_ESCAPES[ch];
    if (short) out += short;
    else if (PRINTABLE.test(ch)) out += ch;
    else out += hexEscape(ch.codePointAt(0)!);
  }
  return `${out}"`;
}
