/**
 * The few pieces of Go's formatting that clients see byte for byte: encoding/json of a map (sorted keys, HTML-safe
 * escapes), fmt's %q, and utilerrors.NewAggregate's message.
 */

const HTML_UNSAFE = /[<>&\u2028\u2029]/g;

/** A string as Go's encoding/json writes it (`<`, `>`, `&`, U+2028 and U+2029 escaped). */
export function goJsonString(s: string): string {
  return JSON.stringify(s).replace(HTML_UNSAFE, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
}

/**
 * Compact JSON with object keys sorted at every level, as Go marshals a map[string]any. Keys whose value is
 * `undefined` are left out; numbers must be finite.
 */
export function goMarshalSorted(value: unknown): string {
  if (value === null) return 'null';
  switch (typeof value) {
    case 'string':
      return goJsonString(value);
    case 'number':
      if (!Number.isFinite(value)) throw new TypeError('cannot marshal a non-finite number');
      return String(value);
    case 'boolean':
      return value ? 'true' : 'false';
    case 'object': {
      if (Array.isArray(value)) return `[${value.map(goMarshalSorted).join(',')}]`;
      const obj = value as Record<string, unknown>;
      const keys = Object.keys(obj)
        .filter((k) => obj[k] !== undefined)
        .sort();
      return `{${keys.map((k) => `${goJsonString(k)}:${goMarshalSorted(obj[k])}`).join(',')}}`;
    }
    default:
      throw new TypeError(`cannot marshal ${typeof value}`);
  }
}

export { aggregateMessage, goQuote, goQuoteList } from '../../util/go-format.ts';
