/**
 * Field selector strings (k8s.io/apimachinery/pkg/fields.ParseSelector), parsed only as far as authorization
 * needs: whether the string parses, and which value an exact `metadata.name=` term requires.
 */

/** One parsed term: `field=value`, `field==value` or `field!=value`. */
export interface FieldTerm {
  field: string;
  op: '=' | '==' | '!=';
  value: string;
}

const TERM_OPERATORS = ['!=', '==', '='] as const;

function splitTerms(selector: string): string[] {
  if (selector === '') return [];
  const terms: string[] = [];
  let start = 0;
  let inSlash = false;
  for (let i = 0; i < selector.length; i++) {
    const c = selector[i];
    if (inSlash) inSlash = false;
    else if (c === '\\') inSlash = true;
    else if (c === ',') {
      terms.push(selector.slice(start, i));
      start = i + 1;
    }
  }
  terms.push(selector.slice(start));
  return terms;
}

function unescapeValue(s: string): string {
  let out = '';
  let inSlash = false;
  for (const c of s) {
    if (inSlash) {
      if (c !== '\\' && c !== ',' && c !== '=')
        throw new Error(`invalid field selector: invalid escape sequence: \\${c}`);
      out += c;
      inSlash = false;
      continue;
    }
    if (c === '\\') inSlash = true;
    else if (c === ',' || c === '=') throw new Error(`invalid field selector: unescaped rune: ${c}`);
    else out += c;
  }
  if (inSlash) throw new Error('invalid field selector: invalid escape sequence: \\');
  return out;
}

/**
 * Parses a field selector; throws Error on a malformed one. Terms come back sorted by their raw text, the order
 * in which fields.ParseSelector keeps them (it decides which of two `metadata.name` terms wins).
 */
export function parseFieldSelector(selector: string): FieldTerm[] {
  const parts = splitTerms(selector).sort();
  const terms: FieldTerm[] = [];
  for (const part of parts) {
    if (part === '') continue;
    let found: FieldTerm | undefined;
    for (let i = 0; i < part.length && !found; i++) {
      for (const op of TERM_OPERATORS) {
        if (part.startsWith(op, i)) {
          found = { field: part.slice(0, i), op, value: unescapeValue(part.slice(i + op.length)) };
          break;
        }
      }
    }
    if (!found) throw new Error(`invalid selector: '${selector}'; can't understand '${part}'`);
    terms.push(found);
  }
  return terms;
}

/** Selector.RequiresExactMatch(field): the value of the first equality term on `field`, if any. */
export function requiresExactMatch(terms: readonly FieldTerm[], field: string): string | undefined {
  for (const t of terms) if (t.field === field && t.op !== '!=') return t.value;
  return undefined;
}
