/**
 * structured-merge-diff field sets (sigs.k8s.io/structured-merge-diff/fieldpath): path elements, the sorted
 * set tree, set algebra, and the managedFields `fieldsV1` encoding (`f:`, `k:`, `v:`, `i:` and `.` entries).
 */
import { goJson, isObject, type JsonObject, type JsonValue } from '../patch/json-value.ts';

/** One step of a path: a field name, a list-map key, a set value, or a list index. */
export type PathElement =
  | { readonly field: string }
  | { readonly key: ReadonlyArray<readonly [string, JsonValue]> }
  | { readonly value: JsonValue }
  | { readonly index: number };

/** A path from the object root. */
export type FieldPath = readonly PathElement[];

function rank(pe: PathElement): number {
  if ('field' in pe) return 0;
  if ('key' in pe) return 1;
  if ('value' in pe) return 2;
  return 3;
}

function cmpStr(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

function valueRank(v: JsonValue): number {
  if (typeof v === 'number') return 0;
  if (typeof v === 'string') return 1;
  if (typeof v === 'boolean') return 2;
  if (Array.isArray(v)) return 3;
  if (isObject(v)) return 4;
  return 5;
}

/** value.Compare: numbers < strings < bools < lists < maps < null, then within the type. */
export function compareValues(a: JsonValue, b: JsonValue): number {
  const ra = valueRank(a);
  const rb = valueRank(b);
  if (ra !== rb) return ra < rb ? -1 : 1;
  if (typeof a === 'number' && typeof b === 'number') return a < b ? -1 : a > b ? 1 : 0;
  if (typeof a === 'string' && typeof b === 'string') return cmpStr(a, b);
  if (typeof a === 'boolean' && typeof b === 'boolean') return a === b ? 0 : a ? 1 : -1;
  if (Array.isArray(a) && Array.isArray(b)) {
    for (let i = 0; i < Math.min(a.length, b.length); i++) {
      const c = compareValues(a[i] as JsonValue, b[i] as JsonValue);
      if (c !== 0) return c;
    }
    return a.length === b.length ? 0 : a.length < b.length ? -1 : 1;
  }
  if (isObject(a) && isObject(b)) {
    return compareFields(toFieldList(a), toFieldList(b));
  }
  return 0;
}

function toFieldList(o: JsonObject): Array<[string, JsonValue]> {
  return Object.keys(o)
    .sort(cmpStr)
    .map((k) => [k, o[k] as JsonValue]);
}

function compareFields(a: ReadonlyArray<readonly [string, JsonValue]>, b: ReadonlyArray<readonly [string, JsonValue]>) {
  for (let i = 0; ; i++) {
    if (i >= a.length && i >= b.length) return 0;
    if (i >= a.length) return -1;
    if (i >= b.length) return 1;
    const [an, av] = a[i] as readonly [string, JsonValue];
    const [bn, bv] = b[i] as readonly [string, JsonValue];
    const c = cmpStr(an, bn) || compareValues(av, bv);
    if (c !== 0) return c;
  }
}

/** PathElement.Compare: fields < keys < values < indexes. */
export function comparePathElements(a: PathElement, b: PathElement): number {
  const ra = rank(a);
  const rb = rank(b);
  if (ra !== rb) return ra < rb ? -1 : 1;
  if ('field' in a && 'field' in b) return cmpStr(a.field, b.field);
  if ('key' in a && 'key' in b) return compareFields(a.key, b.key);
  if ('value' in a && 'value' in b) return compareValues(a.value, b.value);
  if ('index' in a && 'index' in b) return a.index < b.index ? -1 : a.index > b.index ? 1 : 0;
  return 0;
}

/** A key element with its fields sorted by name, as KeyByFields builds it. */
export function keyElement(fields: Record<string, JsonValue>): PathElement {
  return { key: toFieldList(fields) };
}

function valueToString(v: JsonValue): string {
  if (v === null) return 'null';
  if (typeof v === 'string') return JSON.stringify(v);
  if (Array.isArray(v)) return `[${v.map(valueToString).join(',')}]`;
  if (isObject(v))
    return toFieldList(v)
      .map(([k, x]) => `${k}=${valueToString(x)}`)
      .join('');
  return String(v);
}

/** PathElement.String(): `.name`, `[name="a",x=1]`, `[="v"]`, `[0]`. */
export function pathElementString(pe: PathElement): string {
  if ('field' in pe) return `.${pe.field}`;
  if ('key' in pe) return `[${pe.key.map(([k, v]) => `${k}=${valueToString(v)}`).join(',')}]`;
  if ('value' in pe) return `[=${valueToString(pe.value)}]`;
  return `[${pe.index}]`;
}

/** Path.String(), as conflict messages print it: `.spec.containers[name="a"].image`. */
export function pathString(path: FieldPath): string {
  return path.map(pathElementString).join('');
}

/** The fieldsV1 key of an element: `f:name`, `k:{"name":"a"}`, `v:"x"`, `i:0`. */
export function serializePathElement(pe: PathElement): string {
  if ('field' in pe) return `f:${pe.field}`;
  if ('key' in pe) {
    const o: JsonObject = {};
    for (const [k, v] of pe.key) o[k] = v;
    return `k:${goJson(o)}`;
  }
  if ('value' in pe) return `v:${goJson(pe.value)}`;
  return `i:${pe.index}`;
}

/** Thrown for keys a fieldsV1 document cannot contain; unknown element types are skipped, not thrown. */
export class FieldsV1Error extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'FieldsV1Error';
  }
}

/** DeserializePathElement; returns undefined for element types this version does not know (upstream skips them). */
export function deserializePathElement(s: string): PathElement | undefined {
  if (s.length < 2) throw new FieldsV1Error('key must be 2 characters long:');
  if (s[1] !== ':') throw new FieldsV1Error(`missing colon: ${s}`);
  const body = s.slice(2);
  switch (s[0]) {
    case 'f':
      return { field: body };
    case 'v':
      return { value: parseJson(body) };
    case 'k': {
      const o = parseJson(body);
      if (!isObject(o)) throw new FieldsV1Error(`expected object: ${s}`);
      return keyElement(o);
    }
    case 'i': {
      if (!/^[+-]?\d+$/.test(body))
        throw new FieldsV1Error(`strconv.Atoi: parsing ${JSON.stringify(body)}: invalid syntax`);
      return { index: Number(body) };
    }
    default:
      return undefined;
  }
}

function parseJson(text: string): JsonValue {
  try {
    return JSON.parse(text) as JsonValue;
  } catch (e) {
    throw new FieldsV1Error((e as Error).message);
  }
}

interface Child {
  pe: PathElement;
  set: FieldSet;
}

function search<T>(list: readonly T[], pe: PathElement, get: (t: T) => PathElement): number {
  let lo = 0;
  let hi = list.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (comparePathElements(get(list[mid] as T), pe) < 0) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

const self = (pe: PathElement): PathElement => pe;
const childPe = (c: Child): PathElement => c.pe;

/**
 * fieldpath.Set: the paths a manager owns. `members` are paths ending at this level; `children` hold deeper
 * paths. Both stay sorted, which fixes the serialization order. Operations return new sets.
 */
export class FieldSet {
  readonly members: PathElement[] = [];
  readonly children: Child[] = [];

  /** A set holding the given paths. */
  static of(...paths: FieldPath[]): FieldSet {
    const s = new FieldSet();
    for (const p of paths) s.insert(p);
    return s;
  }

  /** Adds a path (mutates; for building). */
  insert(path: FieldPath): void {
    if (path.length === 0) return;
    const [head, ...rest] = path as [PathElement, ...PathElement[]];
    if (rest.length === 0) {
      const i = search(this.members, head, self);
      const at = this.members[i];
      if (at === undefined || comparePathElements(at, head) !== 0) this.members.splice(i, 0, head);
      return;
    }
    this.descend(head).insert(rest);
  }

  /** The child set under `pe`, created when missing (mutates). */
  descend(pe: PathElement): FieldSet {
    const i = search(this.children, pe, childPe);
    const at = this.children[i];
    if (at !== undefined && comparePathElements(at.pe, pe) === 0) return at.set;
    const set = new FieldSet();
    this.children.splice(i, 0, { pe, set });
    return set;
  }

  /** The child set under `pe`, if any. */
  child(pe: PathElement): FieldSet | undefined {
    const at = this.children[search(this.children, pe, childPe)];
    return at !== undefined && comparePathElements(at.pe, pe) === 0 ? at.set : undefined;
  }

  /** True if `pe` is a member at this level. */
  hasMember(pe: PathElement): boolean {
    const at = this.members[search(this.members, pe, self)];
    return at !== undefined && comparePathElements(at, pe) === 0;
  }

  /** True if the path is in the set. */
  has(path: FieldPath): boolean {
    if (path.length === 0) return false;
    const [head, ...rest] = path as [PathElement, ...PathElement[]];
    if (rest.length === 0) return this.hasMember(head);
    return this.child(head)?.has(rest) ?? false;
  }

  /** True when no path is in the set. */
  empty(): boolean {
    return this.members.length === 0 && this.children.every((c) => c.set.empty());
  }

  /** Every path, members of a level before its children (Set.Iterate order). */
  paths(): FieldPath[] {
    const out: FieldPath[] = [];
    const walk = (s: FieldSet, prefix: PathElement[]): void => {
      for (const m of s.members) out.push([...prefix, m]);
      for (const c of s.children) walk(c.set, [...prefix, c.pe]);
    };
    walk(this, []);
    return out;
  }

  /** Paths in either set. */
  union(other: FieldSet): FieldSet {
    const out = new FieldSet();
    out.members.push(...mergeSorted(this.members, other.members, self, 'union'));
    for (const c of mergeChildren(this.children, other.children, 'union')) out.children.push(c);
    return out;
  }

  /** Paths in both sets. */
  intersection(other: FieldSet): FieldSet {
    const out = new FieldSet();
    out.members.push(...mergeSorted(this.members, other.members, self, 'intersection'));
    for (const c of mergeChildren(this.children, other.children, 'intersection')) out.children.push(c);
    return out;
  }

  /** Paths of this set not in `other` (a member of `other` does not remove this set's deeper paths). */
  difference(other: FieldSet): FieldSet {
    const out = new FieldSet();
    out.members.push(...mergeSorted(this.members, other.members, self, 'difference'));
    for (const c of mergeChildren(this.children, other.children, 'difference')) out.children.push(c);
    return out;
  }

  /** Like difference, but a member of `other` also removes every path below it. */
  recursiveDifference(other: FieldSet): FieldSet {
    const out = new FieldSet();
    out.members.push(...mergeSorted(this.members, other.members, self, 'difference'));
    for (const c of this.children) {
      if (other.hasMember(c.pe)) continue;
      const o = other.child(c.pe);
      const set = o ? c.set.recursiveDifference(o) : c.set;
      if (!set.empty()) out.children.push({ pe: c.pe, set });
    }
    return out;
  }

  /** Structural equality. */
  equals(other: FieldSet): boolean {
    return this.difference(other).empty() && other.difference(this).empty();
  }
}

type Op = 'union' | 'intersection' | 'difference';

function mergeSorted<T>(a: readonly T[], b: readonly T[], pe: (t: T) => PathElement, op: Op): T[] {
  const out: T[] = [];
  let i = 0;
  let j = 0;
  while (i < a.length && j < b.length) {
    const c = comparePathElements(pe(a[i] as T), pe(b[j] as T));
    if (c < 0) {
      if (op !== 'intersection') out.push(a[i] as T);
      i++;
    } else if (c > 0) {
      if (op === 'union') out.push(b[j] as T);
      j++;
    } else {
      if (op !== 'difference') out.push(a[i] as T);
      i++;
      j++;
    }
  }
  if (op !== 'intersection') out.push(...a.slice(i));
  if (op === 'union') out.push(...b.slice(j));
  return out;
}

function mergeChildren(a: readonly Child[], b: readonly Child[], op: Op): Child[] {
  const out: Child[] = [];
  let i = 0;
  let j = 0;
  const keep = (c: Child): void => {
    if (!c.set.empty()) out.push(c);
  };
  while (i < a.length && j < b.length) {
    const x = a[i] as Child;
    const y = b[j] as Child;
    const c = comparePathElements(x.pe, y.pe);
    if (c < 0) {
      if (op !== 'intersection') keep(x);
      i++;
    } else if (c > 0) {
      if (op === 'union') keep(y);
      j++;
    } else {
      const set =
        op === 'union'
          ? x.set.union(y.set)
          : op === 'intersection'
            ? x.set.intersection(y.set)
            : x.set.difference(y.set);
      keep({ pe: x.pe, set });
      i++;
      j++;
    }
  }
  if (op !== 'intersection') for (const c of a.slice(i)) keep(c);
  if (op === 'union') for (const c of b.slice(j)) keep(c);
  return out;
}

/**
 * Set.ToJSON: one key per element in sorted order, `{}` for members, nested objects for children, and a leading
 * `.` entry in a child that is also a member. Key insertion order is the wire order (JSON.stringify keeps it).
 */
export function toFieldsV1(set: FieldSet): JsonObject {
  return emit(set, false);
}

function emit(s: FieldSet, includeSelf: boolean): JsonObject {
  const out: JsonObject = {};
  // `.` sorts before every `f:`/`k:`/`v:`/`i:` key and upstream writes it first.
  if (includeSelf && !s.empty()) out['.'] = {};
  let mi = 0;
  let ci = 0;
  while (mi < s.members.length || ci < s.children.length) {
    const m = s.members[mi];
    const c = s.children[ci];
    const cmp = m === undefined ? 1 : c === undefined ? -1 : comparePathElements(m, c.pe);
    if (cmp < 0 && m !== undefined) {
      out[serializePathElement(m)] = {};
      mi++;
    } else if (cmp > 0 && c !== undefined) {
      if (!c.set.empty()) out[serializePathElement(c.pe)] = emit(c.set, false);
      ci++;
    } else if (c !== undefined) {
      out[serializePathElement(c.pe)] = c.set.empty() ? {} : emit(c.set, true);
      mi++;
      ci++;
    }
  }
  return out;
}

/** Set.FromJSON: a fieldsV1 object back to a set. Throws FieldsV1Error for malformed keys. */
export function fromFieldsV1(doc: unknown): FieldSet {
  const set = new FieldSet();
  if (doc === null || doc === undefined) return set;
  if (!isObject(doc)) throw new FieldsV1Error('expected object');
  read(doc, set);
  return set;
}

/** Reads the children of `doc` into `into`; returns whether `doc` itself is a member. */
function read(doc: JsonObject, into: FieldSet): boolean {
  let isMember = false;
  let hasChildren = false;
  for (const [k, v] of Object.entries(doc)) {
    if (k === '.') {
      isMember = true;
      continue;
    }
    const pe = deserializePathElement(k);
    if (pe === undefined) continue;
    hasChildren = true;
    const sub = new FieldSet();
    const childIsMember = isObject(v) ? read(v, sub) : true;
    if (childIsMember) into.insert([pe]);
    if (!sub.empty()) {
      const target = into.descend(pe);
      const merged = target.union(sub);
      target.members.splice(0, target.members.length, ...merged.members);
      target.children.splice(0, target.children.length, ...merged.children);
    }
  }
  return isMember || !hasChildren;
}
