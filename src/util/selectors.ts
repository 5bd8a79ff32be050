/**
 * Label and field selectors as query strings (k8s.io/apimachinery/pkg/labels and pkg/fields).
 * A parsed selector is a list of requirements, all of which must hold.
 */

/** One requirement of a selector. */
export interface Requirement {
  key: string;
  op: '=' | '!=' | 'in' | 'notin' | 'exists' | '!';
  values: string[];
}

/** Thrown for a selector that does not parse; the message is meant for a 400 BadRequest. */
export class SelectorError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'SelectorError';
  }
}

/** Parses a label selector (`a=b,c!=d,e in (x,y),!f,g`). Empty or absent string selects everything. */
export function parseLabelSelector(input: string): Requirement[] {
  const s = input.trim();
  if (s === '') return [];
  const reqs: Requirement[] = [];
  let i = 0;
  const skipWs = () => {
    while (i < s.length && /\s/.test(s[i]!)) i++;
  };
  const readKey = (): string => {
    skipWs();
    const start = i;
    while (i < s.length && /[A-Za-z0-9._\-/]/.test(s[i]!)) i++;
    return s.slice(start, i);
  };
  while (i < s.length) {
    skipWs();
    let negated = false;
    if (s[i] === '!') {
      negated = true;
      i++;
    }
    const key = readKey();
    if (!key) throw new SelectorError(`unable to parse requirement: found '${s[i] ?? ''}', expected: identifier`);
    skipWs();
    if (negated) {
      reqs.push({ key, op: '!', values: [] });
    } else if (i >= s.length || s[i] === ',') {
      reqs.push({ key, op: 'exists', values: [] });
    } else if (s.startsWith('==', i) || s.startsWith('!=', i) || s[i] === '=') {
      const op = s.startsWith('!=', i) ? '!=' : '=';
      i += s.startsWith('==', i) || s.startsWith('!=', i) ? 2 : 1;
      skipWs();
      const start = i;
      while (i < s.length && s[i] !== ',' && !/\s/.test(s[i]!)) i++;
      const value = s.slice(start, i);
      if (!/^(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?$/.test(value))
        throw new SelectorError(`unable to parse requirement: invalid label value: "${value}"`);
      reqs.push({ key, op, values: [value] });
    } else {
      const word = /^(in|notin)\s*\(/i.exec(s.slice(i));
      if (!word)
        throw new SelectorError(`unable to parse requirement: found '${s[i]}', expected: in, notin, =, ==, !=, gt, lt`);
      i += word[0].length;
      const close = s.indexOf(')', i);
      if (close < 0) throw new SelectorError("unable to parse requirement: found '', expected: ')'");
      const values = s
        .slice(i, close)
        .split(',')
        .map((v) => v.trim());
      i = close + 1;
      reqs.push({ key, op: word[1]!.toLowerCase() as 'in' | 'notin', values });
    }
    skipWs();
    if (i < s.length) {
      if (s[i] !== ',') throw new SelectorError(`unable to parse requirement: found '${s[i]}', expected: ','`);
      i++;
    }
  }
  return reqs;
}

/** True when `labels` satisfy every requirement. */
export function matchesLabels(reqs: Requirement[], labels: Record<string, string> | undefined): boolean {
  for (const r of reqs) {
    const has = labels !== undefined && Object.hasOwn(labels, r.key);
    const v = has ? labels![r.key] : undefined;
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
    }
  }
  return true;
}

/** Parses a field selector (`metadata.name=x,status.phase!=Running`); only =, == and != exist for fields. */
export function parseFieldSelector(input: string): Requirement[] {
  const s = input.trim();
  if (s === '') return [];
  return s.split(',').map((part) => {
    const m = /^([^=!]+)(==|=|!=)(.*)$/.exec(part.trim());
    if (!m) throw new SelectorError(`invalid selector: '${input}'; can't understand '${part}'`);
    return { key: m[1]!.trim(), op: m[2] === '!=' ? '!=' : '=', values: [m[3]!.trim()] };
  });
}

/** True when `fields` satisfy every field requirement (a missing field reads as ""). */
export function matchesFields(reqs: Requirement[], fields: Record<string, string>): boolean {
  for (const r of reqs) {
    const v = fields[r.key] ?? '';
    if (r.op === '=' ? v !== r.values[0] : v === r.values[0]) return false;
  }
  return true;
}
