/**
 * Turning a key prefix into an index range. SQLite compares TEXT bytewise (UTF-8, BINARY collation), which orders
 * like code points; so every string starting with `prefix` sorts before `prefix` with its last code point
 * incremented, and an index range [prefix, end) is exactly the set of keys with that prefix.
 */

/** A BLOB sorts after every TEXT value in SQLite: the upper bound of a prefix that has none. */
const AFTER_ALL_TEXT = Buffer.from([0xff]);

/**
 * The exclusive upper bound of the keys starting with `prefix`: a string, or a BLOB when no string bounds them
 * (empty prefix, or one made only of U+10FFFF). Surrogates are skipped because they are not valid in UTF-8.
 */
export function prefixEnd(prefix: string): string | Buffer {
  const points = Array.from(prefix);
  while (points.length > 0) {
    const last = points.pop()!.codePointAt(0)!;
    if (last < 0x10ffff) {
      const next = last + 1 === 0xd800 ? 0xe000 : last + 1;
      return points.join('') + String.fromCodePoint(next);
    }
  }
  return AFTER_ALL_TEXT;
}
