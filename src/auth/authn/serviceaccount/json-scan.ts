/**
 * JSON parsing with the two Go behaviours the token pre-check and go-jose differ on (spec tokens.md 1.4):
 * go-jose rejects duplicate member names, Go's encoding/json keeps the last one and matches struct fields
 * case-insensitively. JSON.parse hides duplicates, so they are detected here.
 */

/** A parsed JSON text. `duplicateKey` is the first repeated member name (at any depth), if any. */
export interface CheckedJson {
  value: unknown;
  duplicateKey?: string;
  /**
   * Values of the top-level members whose name folds to "iss" (what Go's case-insensitive field matching sees),
   * in textual order, duplicates included. Undefined when the document is not an object.
   */
  issMembers?: unknown[];
}

/** Go's encoding/json nesting limit. */
const MAX_DEPTH = 10000;

/**
 * Parses `text`, or returns undefined when it is not JSON Go would accept. Text without backslashes (every token
 * issuer's output) is checked by a quick structural pass over the already-validated JSON; anything else is
 * scanned in full.
 */
export function parseJsonChecked(text: string): CheckedJson | undefined {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    return undefined;
  }
  if (!isPlainObject(value)) {
    // Only objects matter: Go's pre-check and go-jose both refuse other top-level values before looking inside.
    return { value };
  }
  if (text.indexOf('\\') < 0) {
    // Without escapes every quote delimits a string, so the members written can be counted cheaply; if JSON.parse
    // kept as many, none was a duplicate. (The compact-text count can run high, by the strings that begin with a
    // colon: that only sends the text to the full scan.)
    const written = hasJsonSpace(text) ? countMembersWritten(text) : countColonsAfterQuote(text);
    const issMembers: unknown[] = [];
    if (countKeptMembers(value, 1, issMembers) === written) return { value, issMembers };
  }
  return scan(text, value);
}

/** Deeper documents skip the quick check (the full scan handles any depth Go accepts), so recursion stays shallow. */
const QUICK_CHECK_DEPTH = 64;

const hasOwn = Object.prototype.hasOwnProperty;

function isJsonSpace(c: number): boolean {
  return c === 0x20 || c === 0x0a || c === 0x0d || c === 0x09;
}

/** Whether `text` holds any JSON whitespace (each probe is a fast single-character search). */
function hasJsonSpace(text: string): boolean {
  return text.indexOf(' ') >= 0 || text.indexOf('\n') >= 0 || text.indexOf('\r') >= 0 || text.indexOf('\t') >= 0;
}

/**
 * For `text` that is valid JSON without backslashes or whitespace: the member names written, plus the strings
 * that begin with a colon. A colon right after a quote either ends a member name (with no whitespace allowed in
 * between, every name is followed so) or is a string's first character.
 */
export function countColonsAfterQuote(text: string): number {
  let count = 0;
  for (let colon = text.indexOf(':'); colon >= 0; colon = text.indexOf(':', colon + 1)) {
    if (text.charCodeAt(colon - 1) === 0x22) count++;
  }
  return count;
}

/**
 * The member names written in `text`, which must be valid JSON without backslashes: every quote then delimits a
 * string, and a string is a member name exactly when the next non-whitespace character is a colon.
 */
export function countMembersWritten(text: string): number {
  let count = 0;
  let open = text.indexOf('"');
  while (open >= 0) {
    let after = text.indexOf('"', open + 1) + 1;
    let c = text.charCodeAt(after);
    while (isJsonSpace(c)) c = text.charCodeAt(++after);
    if (c === 0x3a) count++;
    open = text.indexOf('"', after);
  }
  return count;
}

/**
 * The members JSON.parse kept in the tree under `node` (at nesting `depth`, the root being 1), or -1 when the tree
 * is deeper than QUICK_CHECK_DEPTH. With `issMembers`, the values of the node's own `iss`-like members are appended
 * in textual order. Walks with for-in, which unlike Object.keys/values allocates nothing; inherited keys are skipped,
 * or a polluted Object.prototype could make up for a duplicate.
 */
export function countKeptMembers(node: object, depth: number, issMembers?: unknown[]): number {
  if (depth > QUICK_CHECK_DEPTH) return -1;
  let count = 0;
  if (Array.isArray(node)) {
    for (const child of node) {
      const n = countKeptBelow(child, depth);
      if (n < 0) return -1;
      count += n;
    }
    return count;
  }
  const obj = node as Record<string, unknown>;
  for (const key in obj) {
    if (!hasOwn.call(obj, key)) continue;
    const child = obj[key];
    if (issMembers && isIssName(key)) issMembers.push(child);
    const n = countKeptBelow(child, depth);
    if (n < 0) return -1;
    count += n + 1;
  }
  return count;
}

function countKeptBelow(child: unknown, depth: number): number {
  return typeof child === 'object' && child !== null ? countKeptMembers(child, depth + 1) : 0;
}

/** Whether Go's case-insensitive field matching maps `key` to "iss" (ASCII case, and U+017F long s for s). */
function isIssName(key: string): boolean {
  if (key.length !== 3) return false;
  const c0 = key.charCodeAt(0);
  if (c0 !== 0x69 && c0 !== 0x49) return false;
  for (let k = 1; k < 3; k++) {
    const c = key.charCodeAt(k);
    if (c !== 0x73 && c !== 0x53 && c !== 0x17f) return false;
  }
  return true;
}

function isPlainObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

const WS = new Set([0x20, 0x09, 0x0a, 0x0d]);

/** Walks already-validated JSON iteratively (hostile nesting cannot overflow the stack). */
function scan(text: string, value: unknown): CheckedJson | undefined {
  const n = text.length;
  let i = 0;
  let duplicateKey: string | undefined;
  const members: unknown[] = [];
  // One frame per open container: the keys seen so far (objects) or null (arrays).
  const stack: (Set<string> | null)[] = [];
  const skipWs = () => {
    while (i < n && WS.has(text.charCodeAt(i))) i++;
  };
  const stringEnd = (start: number): number => {
    let j = start + 1;
    while (j < n) {
      const c = text.charCodeAt(j);
      if (c === 0x5c) j += 2;
      else if (c === 0x22) return j + 1;
      else j++;
    }
    return j;
  };
  const scalarEnd = (start: number): number => {
    let j = start;
    while (j < n) {
      const c = text.charCodeAt(j);
      if (c === 0x2c || c === 0x7d || c === 0x5d || WS.has(c)) break;
      j++;
    }
    return j;
  };
  let pendingTopKey: string | undefined;
  let valueStart = 0;
  // After a value ends at depth 1 inside the top-level object, record it.
  const valueDone = () => {
    if (stack.length === 1 && pendingTopKey !== undefined) {
      if (isIssName(pendingTopKey)) {
        members.push(JSON.parse(text.slice(valueStart, i)));
      }
      pendingTopKey = undefined;
    }
  };
  skipWs();
  for (;;) {
    // Expect a value at position i.
    skipWs();
    if (stack.length === 1 && stack[0] !== null) valueStart = i;
    const c = text.charCodeAt(i);
    if (c === 0x7b || c === 0x5b) {
      if (stack.length >= MAX_DEPTH) return undefined;
      stack.push(c === 0x7b ? new Set() : null);
      i++;
      skipWs();
      const close = text.charCodeAt(i);
      if (close === 0x7d || close === 0x5d) {
        i++;
        stack.pop();
        valueDone();
      } else if (c === 0x7b) {
        if (!readKey()) continue;
        continue;
      } else {
        continue;
      }
    } else {
      i = c === 0x22 ? stringEnd(i) : scalarEnd(i);
      valueDone();
    }
    // After a value: close containers or move to the next element.
    for (;;) {
      if (stack.length === 0) return { value, duplicateKey, issMembers: isPlainObject(value) ? members : undefined };
      skipWs();
      const d = text.charCodeAt(i);
      i++;
      if (d === 0x2c) {
        if (stack[stack.length - 1] !== null) readKey();
        break;
      }
      stack.pop();
      valueDone();
    }
  }

  function readKey(): boolean {
    skipWs();
    const start = i;
    i = stringEnd(i);
    const key = JSON.parse(text.slice(start, i)) as string;
    const keys = stack[stack.length - 1]!;
    if (keys.has(key) && duplicateKey === undefined) duplicateKey = key;
    keys.add(key);
    if (stack.length === 1) pendingTopKey = key;
    skipWs();
    i++; // ':'
    return true;
  }
}

/**
 * The `iss` Go's encoding/json would decode into a struct with an `iss`-tagged string: every member whose name
 * equals "iss" case-insensitively assigns in textual order (null leaves it unchanged). Returns undefined when that
 * unmarshal would fail (a non-object document, or a non-string value).
 */
export function goStdIssuer(doc: CheckedJson): string | undefined {
  if (doc.value === null) return '';
  if (!doc.issMembers) return undefined;
  let iss = '';
  for (const v of doc.issMembers) {
    if (v === null) continue;
    if (typeof v !== 'string') return undefined;
    iss = v;
  }
  return iss;
}
