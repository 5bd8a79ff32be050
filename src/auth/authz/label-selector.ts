/**
 * Label selectors: matching a structured metav1.LabelSelector against labels (ClusterRole aggregation), and
 * validating the string form (labels.Parse) where a request's list options are decoded.
 */
import type { LabelSelector } from '../../api/meta.ts';

const QUALIFIED_NAME = /^([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]$/;
const DNS1123_SUBDOMAIN = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/;

/** validation.IsQualifiedName, as labels.NewRequirement applies it to keys. */
export function isValidLabelKey(key: string): boolean {
  const parts = key.split('/');
  let name = key;
  if (parts.length === 2) {
    const prefix = parts[0]!;
    if (prefix.length === 0 || prefix.length > 253 || !DNS1123_SUBDOMAIN.test(prefix)) return false;
    name = parts[1]!;
  } else if (parts.length !== 1) return false;
  return name.length > 0 && name.length <= 63 && QUALIFIED_NAME.test(name);
}

/** validation.IsValidLabelValue: empty, or at most 63 characters of the qualified-name alphabet. */
export function isValidLabelValue(value: string): boolean {
  return value === '' || (value.length <= 63 && QUALIFIED_NAME.test(value));
}

/**
 * Whether `labels` satisfy `selector` (metav1.LabelSelectorAsSelector + Matches). An empty selector matches
 * everything. Throws Error for a selector LabelSelectorAsSelector rejects (bad operator, key, value or arity).
 */
export function labelSelectorMatches(selector: LabelSelector, labels: Record<string, string> | undefined): boolean {
  const have = labels ?? {};
  let ok = true;
  for (const [k, v] of Object.entries(selector.matchLabels ?? {})) {
    if (!isValidLabelKey(k)) throw new Error(`invalid label key ${JSON.stringify(k)}`);
    if (!isValidLabelValue(v)) throw new Error(`invalid label value: ${JSON.stringify(v)}`);
    if (have[k] !== v) ok = false;
  }
  for (const expr of selector.matchExpressions ?? []) {
    const values = expr.values ?? [];
    if (!isValidLabelKey(expr.key)) throw new Error(`invalid label key ${JSON.stringify(expr.key)}`);
    for (const v of values) if (!isValidLabelValue(v)) throw new Error(`invalid label value: ${JSON.stringify(v)}`);
    const present = Object.hasOwn(have, expr.key);
    switch (expr.operator) {
      case 'In':
        if (values.length === 0) throw new Error("for 'in', 'notin' operators, values set can't be empty");
        if (!present || !values.includes(have[expr.key]!)) ok = false;
        break;
      case 'NotIn':
        if (values.length === 0) throw new Error("for 'in', 'notin' operators, values set can't be empty");
        if (present && values.includes(have[expr.key]!)) ok = false;
        break;
      case 'Exists':
        if (values.length !== 0) throw new Error('values set must be empty for exists and does not exist');
        if (!present) ok = false;
        break;
      case 'DoesNotExist':
        if (values.length !== 0) throw new Error('values set must be empty for exists and does not exist');
        if (present) ok = false;
        break;
      default:
        throw new Error(`${JSON.stringify(expr.operator)} is not a valid label selector operator`);
    }
  }
  return ok;
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

/**
 * Validates a label selector string as labels.Parse does; throws Error when it would not parse. An empty string
 * selects everything.
 */
export function validateLabelSelectorString(selector: string): void {
  const toks = lex(selector);
  let pos = 0;
  const peek = () => toks[pos]!;
  const next = () => toks[pos++]!;
  const fail = (t: Tok, expected: string): never => {
    throw new Error(`unable to parse requirement: found '${t.text}', expected: ${expected}`);
  };
  const requirement = () => {
    let t = next();
    let negated = false;
    if (t.kind === 'op' && t.text === '!') {
      negated = true;
      t = next();
    }
    if (t.kind !== 'id') fail(t, 'identifier');
    if (!isValidLabelKey(t.text)) throw new Error(`invalid label key ${JSON.stringify(t.text)}`);
    const after = peek();
    if (after.kind === 'eos' || (after.kind === 'op' && after.text === ',')) return;
    if (negated) fail(after, "',' or 'end of string'");
    const op = next();
    const values: string[] = [];
    if (op.kind === 'op' && (op.text === 'in' || op.text === 'notin')) {
      const open = next();
      if (open.text !== '(') fail(open, "'('");
      for (;;) {
        const v = next();
        if (v.kind === 'id') values.push(v.text);
        else if (v.text === ')') break;
        else if (v.text !== ',') fail(v, "identifier or ')'");
      }
    } else if (op.kind === 'op' && ['=', '==', '!=', '>', '<'].includes(op.text)) {
      const v = peek();
      if (v.kind === 'id') values.push(next().text);
      else if (!(v.kind === 'eos' || v.text === ',')) fail(v, 'identifier');
      if ((op.text === '>' || op.text === '<') && !/^-?\d+$/.test(values[0] ?? '')) {
        throw new Error(`for 'Gt', 'Lt' operators, the value must be an integer`);
      }
    } else fail(op, 'operator');
    for (const v of values) {
      if (op.text !== '>' && op.text !== '<' && !isValidLabelValue(v)) {
        throw new Error(`invalid label value: ${JSON.stringify(v)}`);
      }
    }
  };
  for (;;) {
    const t = peek();
    if (t.kind === 'eos') return;
    if (t.kind !== 'id' && t.text !== '!') fail(t, "!, identifier, or 'end of string'");
    requirement();
    const sep = next();
    if (sep.kind === 'eos') return;
    if (sep.text !== ',') fail(sep, "',' or 'end of string'");
    const n = peek();
    if (n.kind !== 'id' && n.text !== '!') fail(n, "identifier after ','");
  }
}
