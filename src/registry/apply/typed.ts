/**
 * The schema-aware walks of structured-merge-diff's typed package over plain JSON: ToFieldSet, Compare, Merge
 * (the apply merge, right-hand side wins), RemoveItems and EnsureNamedFieldsAreMembers. Types come from the
 * value's shape plus the kind's table in ../patch/schema.ts (lists are atomic unless listed; maps are granular).
 */
import { deepEqual, isObject, type JsonObject, type JsonValue } from '../patch/json-value.ts';
import type { FieldMeta, KindSchema } from '../patch/schema.ts';
import { FieldSet, keyElement, type PathElement, pathString } from './fieldpath.ts';

/** A malformed value for the schema (e.g. a list-map item without its key); upstream fails the request with it. */
export class TypedValueError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'TypedValueError';
  }
}

interface Loc {
  path: PathElement[];
  schemaPath: string;
}

const childLoc = (loc: Loc, field: string): Loc => ({
  path: [...loc.path, { field }],
  schemaPath: loc.schemaPath ? `${loc.schemaPath}.${field}` : field,
});
const itemLoc = (loc: Loc, pe: PathElement): Loc => ({ path: [...loc.path, pe], schemaPath: loc.schemaPath });

function metaOf(schema: KindSchema, loc: Loc): FieldMeta | undefined {
  return schema[loc.schemaPath];
}

type Shape = 'map' | 'list' | 'scalar';

function shapeOf(v: JsonValue | undefined): Shape | undefined {
  if (v === undefined || v === null) return undefined;
  if (Array.isArray(v)) return 'list';
  return isObject(v) ? 'map' : 'scalar';
}

function isAtomic(meta: FieldMeta | undefined, shape: Shape): boolean {
  if (shape === 'list') return (meta?.listType ?? 'atomic') === 'atomic';
  if (shape === 'map') return meta?.mapType === 'atomic';
  return true;
}

/** listItemToPathElement: `k:{...}` for list-maps (key defaults applied), `v:` for sets. */
function itemElement(meta: FieldMeta | undefined, index: number, item: JsonValue, loc: Loc): PathElement {
  if (meta?.listType === 'set') {
    if (Array.isArray(item) || isObject(item)) {
      throw new TypedValueError(`${pathString(loc.path)}: element ${index}: sets may only contain scalars`);
    }
    return { value: item };
  }
  if (meta?.listType === 'map') {
    if (!isObject(item)) {
      throw new TypedValueError(
        `${pathString(loc.path)}: element ${index}: associative list with keys has an element that's not a map type`,
      );
    }
    const fields: Record<string, JsonValue> = {};
    for (const k of meta.listMapKeys ?? []) {
      const v = Object.hasOwn(item, k) ? item[k] : meta.keyDefaults?.[k];
      if (v === undefined) {
        throw new TypedValueError(
          `${pathString(loc.path)}: element ${index}: associative list with keys has an element that omits key field ${JSON.stringify(k)} (and doesn't have default value)`,
        );
      }
      fields[k] = v;
    }
    return keyElement(fields);
  }
  return { index };
}

/** ToFieldSet: every leaf and every list-map/set item of `obj`; empty maps and nulls are leaves. */
export function toFieldSet(obj: JsonValue, schema: KindSchema): FieldSet {
  const set = new FieldSet();
  const walk = (v: JsonValue, loc: Loc): void => {
    const shape = shapeOf(v);
    const meta = metaOf(schema, loc);
    if (shape === undefined || shape === 'scalar' || isAtomic(meta, shape)) {
      set.insert(loc.path);
      return;
    }
    if (shape === 'list') {
      (v as JsonValue[]).forEach((item, i) => {
        const il = itemLoc(loc, itemElement(meta, i, item, loc));
        walkItem(item, il);
        set.insert(il.path);
      });
      return;
    }
    const o = v as JsonObject;
    const keys = Object.keys(o);
    if (keys.length === 0) {
      set.insert(loc.path);
      return;
    }
    for (const k of keys) walk(o[k] as JsonValue, childLoc(loc, k));
  };
  // An item's own fields are walked like a map's, but the item itself is recorded by the caller.
  const walkItem = (item: JsonValue, loc: Loc): void => {
    if (isObject(item)) for (const k of Object.keys(item)) walk(item[k] as JsonValue, childLoc(loc, k));
  };
  if (isObject(obj))
    for (const k of Object.keys(obj)) walk(obj[k] as JsonValue, childLoc({ path: [], schemaPath: '' }, k));
  return set;
}

/** Added/Modified/Removed between two objects, as typed.Compare reports them. */
export interface Comparison {
  added: FieldSet;
  modified: FieldSet;
  removed: FieldSet;
}

interface Pair {
  pe: PathElement;
  lhs: JsonValue | undefined;
  rhs: JsonValue | undefined;
}

/** The merged item order of compare/merge visitListItems: shared items follow rhs order, lhs-only stay put. */
function pairItems(meta: FieldMeta | undefined, lhs: JsonValue[], rhs: JsonValue[], loc: Loc): Pair[] {
  const index = (list: JsonValue[]): { order: PathElement[]; byKey: Map<string, JsonValue> } => {
    const order: PathElement[] = [];
    const byKey = new Map<string, JsonValue>();
    list.forEach((item, i) => {
      const pe = itemElement(meta, i, item, loc);
      const id = JSON.stringify(pe);
      if (byKey.has(id)) return;
      byKey.set(id, item);
      order.push(pe);
    });
    return { order, byKey };
  };
  const L = index(lhs);
  const R = index(rhs);
  const id = (pe: PathElement): string => JSON.stringify(pe);
  const shared = R.order.filter((pe) => L.byKey.has(id(pe)));
  let next = shared.shift();
  const out: Pair[] = [];
  let li = 0;
  let ri = 0;
  while (li < L.order.length || ri < R.order.length) {
    if (li < L.order.length && ri < R.order.length) {
      const pe = L.order[li] as PathElement;
      if (id(pe) === id(R.order[ri] as PathElement)) {
        out.push({ pe, lhs: L.byKey.get(id(pe)), rhs: R.byKey.get(id(pe)) });
        li++;
        ri++;
        next = shared.shift();
        continue;
      }
      if (R.byKey.has(id(pe)) && next !== undefined && id(next) !== id(pe)) {
        li++;
        continue;
      }
    }
    if (li < L.order.length) {
      const pe = L.order[li] as PathElement;
      if (!R.byKey.has(id(pe))) {
        out.push({ pe, lhs: L.byKey.get(id(pe)), rhs: undefined });
        li++;
        continue;
      }
    }
    if (ri < R.order.length) {
      const pe = R.order[ri] as PathElement;
      out.push({ pe, lhs: L.byKey.get(id(pe)), rhs: R.byKey.get(id(pe)) });
      ri++;
      if (next !== undefined && id(next) === id(pe)) next = shared.shift();
    }
  }
  return out;
}

/** typed.Compare(lhs, rhs). Item paths of added/removed list items and maps are reported as well as leaves. */
export function compare(lhs: JsonObject, rhs: JsonObject, schema: KindSchema): Comparison {
  const c: Comparison = { added: new FieldSet(), modified: new FieldSet(), removed: new FieldSet() };
  const leaf = (l: JsonValue | undefined, r: JsonValue | undefined, loc: Loc): void => {
    if (l === undefined) c.added.insert(loc.path);
    else if (r === undefined) c.removed.insert(loc.path);
    else if (!deepEqual(l, r)) c.modified.insert(loc.path);
  };
  const walk = (l: JsonValue | undefined, r: JsonValue | undefined, loc: Loc): void => {
    const ls = shapeOf(l);
    const rs = shapeOf(r);
    const shape = rs ?? ls;
    const meta = metaOf(schema, loc);
    if (shape === undefined || shape === 'scalar' || (ls && rs && ls !== rs) || isAtomic(meta, shape)) {
      leaf(l, r, loc);
      return;
    }
    if (shape === 'list') {
      const la = Array.isArray(l) ? l : [];
      const ra = Array.isArray(r) ? r : [];
      if (la.length === 0 && ra.length === 0) {
        leaf(l, r, loc);
        return;
      }
      for (const p of pairItems(meta, la, ra, loc)) walkItem(p.lhs, p.rhs, itemLoc(loc, p.pe));
    } else {
      const lo = isObject(l) ? l : {};
      const ro = isObject(r) ? r : {};
      if (Object.keys(lo).length === 0 && Object.keys(ro).length === 0) {
        leaf(l, r, loc);
        return;
      }
      walkMap(lo, ro, loc);
    }
    // postItemHook: a non-leaf node (map, list) appearing or disappearing is itself added or removed.
    post(l, r, loc);
  };
  const walkMap = (lo: JsonObject, ro: JsonObject, loc: Loc): void => {
    const keys = new Set([...Object.keys(lo), ...Object.keys(ro)]);
    for (const k of keys) walk(lo[k], ro[k], childLoc(loc, k));
  };
  // A list item is a non-leaf node of its own: its fields are compared and the item itself is added/removed.
  const walkItem = (l: JsonValue | undefined, r: JsonValue | undefined, loc: Loc): void => {
    if (isObject(l) || isObject(r)) {
      const lo = isObject(l) ? l : {};
      const ro = isObject(r) ? r : {};
      if (Object.keys(lo).length === 0 && Object.keys(ro).length === 0) {
        leaf(l, r, loc);
        return;
      }
      walkMap(lo, ro, loc);
      post(l, r, loc);
      return;
    }
    leaf(l, r, loc);
  };
  const post = (l: JsonValue | undefined, r: JsonValue | undefined, loc: Loc): void => {
    if (l === undefined) c.added.insert(loc.path);
    else if (r === undefined) c.removed.insert(loc.path);
  };
  walkMap(lhs, rhs, { path: [], schemaPath: '' });
  return c;
}

/** typed.Merge with ruleKeepRHS: the applied configuration `rhs` wins every leaf it sets; list-maps merge by key. */
export function merge(lhs: JsonObject, rhs: JsonObject, schema: KindSchema): JsonObject {
  const walk = (l: JsonValue | undefined, r: JsonValue | undefined, loc: Loc): JsonValue | undefined => {
    const ls = shapeOf(l);
    const rs = shapeOf(r);
    const shape = rs ?? ls;
    const meta = metaOf(schema, loc);
    if (shape === undefined || shape === 'scalar' || (ls && rs && ls !== rs) || isAtomic(meta, shape)) {
      return r !== undefined ? r : l;
    }
    if (shape === 'list') {
      const la = Array.isArray(l) ? l : [];
      const ra = Array.isArray(r) ? r : [];
      if (la.length === 0 && ra.length === 0) return r !== undefined ? r : l;
      const out: JsonValue[] = [];
      for (const p of pairItems(meta, la, ra, loc)) {
        const v = mergeItem(p.lhs, p.rhs, itemLoc(loc, p.pe));
        if (v !== undefined) out.push(v);
      }
      return out;
    }
    const lo = isObject(l) ? l : {};
    const ro = isObject(r) ? r : {};
    if (Object.keys(lo).length === 0 && Object.keys(ro).length === 0) return r !== undefined ? r : l;
    return mergeMaps(lo, ro, loc);
  };
  const mergeItem = (l: JsonValue | undefined, r: JsonValue | undefined, loc: Loc): JsonValue | undefined => {
    if (isObject(l) && isObject(r)) return mergeMaps(l, r, loc);
    return r !== undefined ? r : l;
  };
  const mergeMaps = (lo: JsonObject, ro: JsonObject, loc: Loc): JsonObject => {
    const out: JsonObject = {};
    for (const k of new Set([...Object.keys(lo), ...Object.keys(ro)])) {
      const v = walk(lo[k], ro[k], childLoc(loc, k));
      // A null the configuration sets clears the field, as decoding into the typed object would.
      if (v === undefined || (v === null && ro[k] === null)) continue;
      out[k] = v;
    }
    return out;
  };
  return mergeMaps(lhs, rhs, { path: [], schemaPath: '' });
}

/** RemoveItems: drops every field, list-map item and set value that is a member of `set` (with its subtree). */
export function removeItems(obj: JsonObject, set: FieldSet, schema: KindSchema): JsonObject {
  const walkMap = (o: JsonObject, s: FieldSet, loc: Loc): JsonObject => {
    const out: JsonObject = {};
    for (const [k, v] of Object.entries(o)) {
      const pe: PathElement = { field: k };
      if (s.hasMember(pe)) continue;
      const sub = s.child(pe);
      out[k] = sub ? walkValue(v, sub, childLoc(loc, k)) : v;
    }
    return out;
  };
  const walkValue = (v: JsonValue, s: FieldSet, loc: Loc): JsonValue => {
    const meta = metaOf(schema, loc);
    if (Array.isArray(v)) {
      if (isAtomic(meta, 'list')) return v;
      const out: JsonValue[] = [];
      v.forEach((item, i) => {
        const pe = itemElement(meta, i, item, loc);
        if (s.hasMember(pe)) return;
        const sub = s.child(pe);
        out.push(sub && isObject(item) ? walkMap(item, sub, itemLoc(loc, pe)) : item);
      });
      return out;
    }
    if (isObject(v) && !isAtomic(meta, 'map')) return walkMap(v, s, loc);
    return v;
  };
  return walkMap(obj, set, { path: [], schemaPath: '' });
}

/**
 * EnsureNamedFieldsAreMembers: every field-name node with children also counts as a member, so pruning can
 * remove a whole struct field. Without a full schema every object key is treated as a named field.
 */
export function ensureNamedFieldsAreMembers(set: FieldSet): FieldSet {
  const out = new FieldSet();
  const walk = (s: FieldSet, prefix: PathElement[]): void => {
    for (const m of s.members) out.insert([...prefix, m]);
    for (const c of s.children) {
      if ('field' in c.pe && !c.set.empty()) out.insert([...prefix, c.pe]);
      walk(c.set, [...prefix, c.pe]);
    }
  };
  walk(set, []);
  return out;
}
