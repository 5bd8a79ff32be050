/**
 * Label and field selectors (k8s.io/apimachinery/pkg/labels and pkg/fields): the query-string forms requests carry,
 * parsed as upstream parses them, and the structured metav1.LabelSelector of aggregation rules. One implementation
 * serves the registry (filtering lists and watches), request info and the authorization reviews.
 */
import type { LabelSelector } from '../api/meta.ts';
import { isQualifiedName, isValidLabelValue as labelValueErrors } from './names.ts';

/** Thrown for a selector that does not parse; the message is meant for a 400 BadRequest. */
export class SelectorError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'SelectorError';
  }
}

/** validation.IsQualifiedName, as labels.NewRequirement applies it to keys. */
export function isValidLabelKey(key: string): boolean {
  return isQualifiedName(key).length === 0;
}

/** validation.IsValidLabelValue. */
export function isValidLabelValue(value: string): boolean {
  return labelValueErrors(value).length === 0;
}

/** One requirement of a parsed label selector; all of them must hold. */
export interface Requirement {
  key: string;
  op: '=' | '!=' | 'in' | 'notin' | 'exists' | '!' | 'gt' | 'lt';
  values: string[];
}

/**
 * Whether `labels` satisfy `selector` (metav1.LabelSelectorAsSelector + Matches). An empty selector matches
 * everything. Throws Error for a selector LabelSelectorAsSelector rejects (bad operator, key, value or arity).
 */
export function labelSelectorMatches(selector: LabelSelector, labels: Record<string, string> | undefined): boolean {
  return matchesLabels(labelSelectorRequirements(selector), labels);
}

/** metav1.LabelSelectorAsSelector: the selector's requirements; throws SelectorError where upstream errs. */
function labelSelectorRequirements(selector: LabelSelector): Requirement[] {
  const reqs: Requirement[] = [];
  for (const [k, v] of Object.entries(selector.matchLabels ?? {})) {
    if (!isValidLabelKey(k)) throw new SelectorError(`invalid label key ${JSON.stringify(k)}`);
    if (!isValidLabelValue(v)) throw new SelectorError(`invalid label value: ${JSON.stringify(v)}`);
    reqs.push({ key: k, op: '=', values: [v] });
  }
  for (const expr of selector.matchExpressions ?? []) {
    const values = expr.values ?? [];
    if (!isValidLabelKey(expr.key)) throw new SelectorError(`invalid label key ${JSON.stringify(expr.key)}`);
    for (const v of values)
      if (!isValidLabelValue(v)) throw new SelectorError(`invalid label value: ${JSON.stringify(v)}`);
    switch (expr.operator) {
      case 'In':
      case 'NotIn':
        if (values.length === 0) throw new SelectorError("for 'in', 'notin' operators, values set can't be empty");
        reqs.push({ key: expr.key, op: expr.operator === 'In' ? 'in' : 'notin', values });
        break;
      case 'Exists':
      case 'DoesNotExist':
        if (values.length !== 0) throw new SelectorError('values set must be empty for exists and does not exist');
        reqs.push({ key: expr.key, op: expr.operator === 'Exists' ? 'exists' : '!', values: [] });
        break;
      default:
        throw new SelectorError(`${JSON.stringify(expr.operator)} is not a valid label selector operator`);
    }
  }
  return reqs;
}

type Tok = { kind: 'id' | 'op' | 'eos'; text: string };

const SPECIAL = '!=(),<>';

function lex(s: string): Tok[] {
  const toks: Tok[] = [];
  let i = 0;
  while (i < s.length) {
    const c = s[i]!;
    if (c === ' ' || c === '\t' || c === '\n' || c === '\r' || c === '\f' || c === '\v') {
      i++;
    } else if (SPECIAL.includes(c)) {
      const two = s.slice(i, i + 2);
      if (two === '!=' || two === '==') {
        toks.push({ kind: 'op', text: two });
        i += 2;
      } else {
        toks.push({ kind: 'op', text: c });
        i++;
      }
    } else {
      let j = i;
      while (j < s.length && !SPECIAL.includes(s[j]!) && !/\s/.test(s[j]!)) j++;
      const text = s.slice(i, j);
      toks.push(text === 'in' || text === 'notin' ? { kind: 'op', text } : { kind: 'id', text });
      i = j;
    }
  }
  toks.push({ kind: 'eos', text: '' });
  return toks;
}

/** Parses a label selector string as labels.Parse does; throws SelectorError when it does not parse. */
export function parseLabelSelector(selector: string): Requirement[] {
  const toks = lex(selector);
  const reqs: Requirement[] = [];
  let pos = 0;
  const peek = () => toks[pos]!;
  const next = () => toks[pos++]!;
  const fail = (t: Tok, expected: string): never => {
    throw new SelectorError(`unable to parse requirement: found '${t.text}', expected: ${expected}`);
  };
  const requirement = () => {
    let t = next();
    let negated = false;
    if (t.kind === 'op' && t.text === '!') {
      negated = true;
      t = next();
    }
    if (t.kind !== 'id') fail(t, 'identifier');
    const key = t.text;
    if (!isValidLabelKey(key)) throw new SelectorError(`invalid label key ${JSON.stringify(key)}`);
    const after = peek();
    if (after.kind === 'eos' || (after.kind === 'op' && after.text === ',')) {
      reqs.push({ key, op: negated ? '!' : 'exists', values: [] });
      return;
    }
    if (negated) fail(after, "',' or 'end of string'");
    const op = next();
    const values: string[] = [];
    let kind: Requirement['op'];
    if (op.kind === 'op' && (op.text === 'in' || op.text === 'notin')) {
      kind = op.text;
      const open = next();
      if (open.text !== '(') fail(open, "'('");
      for (;;) {
        const v = next();
        if (v.kind === 'id') values.push(v.text);
        else if (v.text === ')') break;
        else if (v.text !== ',') fail(v, "identifier or ')'");
      }
    } else if (op.kind === 'op' && ['=', '==', '!=', '>', '<'].includes(op.text)) {
      kind = op.text === '!=' ? '!=' : op.text === '>' ? 'gt' : op.text === '<' ? 'lt' : '=';
      const v = peek();
      if (v.kind === 'id') values.push(next().text);
      else if (!(v.kind === 'eos' || v.text === ',')) fail(v, 'identifier');
      else values.push('');
      if ((kind === 'gt' || kind === 'lt') && !/^-?\d+$/.test(values[0] ?? '')) {
        throw new SelectorError(`for 'Gt', 'Lt' operators, the value must be an integer`);
      }
    } else return fail(op, 'operator');
    for (const v of values) {
      if (kind !== 'gt' && kind !== 'lt' && !isValidLabelValue(v)) {
        throw new SelectorError(`invalid label value: ${JSON.stringify(v)}`);
      }
    }
    reqs.push({ key, op: kind, values });
  };
  for (;;) {
    const t = peek();
    if (t.kind === 'eos') return reqs;
    if (t.kind !== 'id' && t.text !== '!') fail(t, "!, identifier, or 'end of string'");
    requirement();
    const sep = next();
    if (sep.kind === 'eos') return reqs;
    if (sep.text !== ',') fail(sep, "',' or 'end of string'");
    const n = peek();
    if (n.kind !== 'id' && n.text !== '!') fail(n, "identifier after ','");
  }
}

/** True when `labels` satisfy every requirement. */
export function matchesLabels(reqs: readonly Requirement[], labels: Record<string, string> | undefined): boolean {
  for (const r of reqs) {
    const has = labels !== undefined && Object.hasOwn(labels, r.key);
    const v = has ? labels![r.key]! : undefined;
    switch (r.op) {
      case '=':
        if (v !== r.values[0]) return false;
        break;
      case '!=':
        if (v === r.values[0]) return false;
        break;
      case 'in':
        if (!has || !r.values.includes(v!)) return false;
        break;
      case 'notin':
        if (has && r.values.includes(v!)) return false;
        break;
      case 'exists':
        if (!has) return false;
        break;
      case '!':
        if (has) return false;
        break;
      case 'gt':
      case 'lt': {
        if (!has || !/^-?\d+$/.test(v!)) return false;
        const n = Number(v);
        const bound = Number(r.values[0]);
        if (r.op === 'gt' ? !(n > bound) : !(n < bound)) return false;
        break;
      }
    }
  }
  return true;
}

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
        throw new SelectorError(`invalid field selector: invalid escape sequence: \\${c}`);
      out += c;
      inSlash = false;
      continue;
    }
    if (c === '\\') inSlash = true;
    else if (c === ',' || c === '=') throw new SelectorError(`invalid field selector: unescaped rune: ${c}`);
    else out += c;
  }
  if (inSlash) throw new SelectorError('invalid field selector: invalid escape sequence: \\');
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
    if (!found) throw new SelectorError(`invalid selector: '${selector}'; can't understand '${part}'`);
    terms.push(found);
  }
  return terms;
}

/** Selector.RequiresExactMatch(field): the value of the first equality term on `field`, if any. */
export function requiresExactMatch(terms: readonly FieldTerm[], field: string): string | undefined {
  for (const t of terms) if (t.field === field && t.op !== '!=') return t.value;
  return undefined;
}

/** True when `fields` satisfy every term (a missing field reads as ""). */
export function matchesFields(terms: readonly FieldTerm[], fields: Record<string, string>): boolean {
  for (const t of terms) {
    const v = fields[t.field] ?? '';
    if (t.op === '!=' ? v === t.value : v !== t.value) return false;
  }
  return true;
}
