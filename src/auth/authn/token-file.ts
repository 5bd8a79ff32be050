/**
 * Static bearer tokens from a `--token-auth-file` CSV, parsed with kube-apiserver's exact semantics
 * (upstream `k8s.io/apiserver/pkg/authentication/token/tokenfile/tokenfile.go`, spec tokens.md §7):
 * `token,user,uid[,groups[,ignored...]]`, Go encoding/csv defaults, no comments, no trimming, empty tokens skipped,
 * duplicate tokens last-wins, fewer than 3 columns fatal.
 *
 * Raw tokens are never kept: the set is keyed by HMAC-SHA256 under a random per-process key, so neither a map
 * probe nor a memory dump reveals a token, and lookup time does not depend on how much of a token matched.
 */
import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import type { UserInfo } from '../user.ts';
import { CsvParseError, readGoCsv } from './go-csv.ts';
import type { AuthResponse, TokenAuthenticator } from './interfaces.ts';

const TOKEN_MAC_KEY = randomBytes(32);

const tokenMac = (token: string): Buffer => createHmac('sha256', TOKEN_MAC_KEY).update(token, 'utf8').digest();

/** A token file that cannot be loaded. `message` is upstream's text; `line` is the offending record's first line. */
export class TokenFileError extends Error {
  readonly path: string;
  readonly line: number | undefined;
  constructor(message: string, path: string, line?: number, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'TokenFileError';
    this.path = path;
    this.line = line;
  }
}

interface Entry {
  mac: Buffer;
  user: Readonly<UserInfo>;
}

/** An immutable set of static tokens, keyed by HMAC; `lookup` compares in constant time. */
export class StaticTokenSet {
  readonly #entries: Map<string, Entry>;

  /** Builds a set from (token, user) pairs; later duplicates win. Prefer `parseTokenFile`. */
  constructor(pairs: Iterable<readonly [token: string, user: UserInfo]> = []) {
    this.#entries = new Map();
    for (const [token, user] of pairs) this.#put(token, user);
  }

  #put(token: string, user: UserInfo): boolean {
    const mac = tokenMac(token);
    const key = mac.toString('base64');
    const existed = this.#entries.has(key);
    this.#entries.set(key, { mac, user: freezeUser(user) });
    return existed;
  }

  /**
   * Fills a new set through `put`, which reports whether the token was already present (for the duplicate
   * warning) without the caller ever holding a token-keyed map.
   */
  static build(fill: (put: (token: string, user: UserInfo) => boolean) => void): StaticTokenSet {
    const set = new StaticTokenSet();
    fill((token, user) => set.#put(token, user));
    return set;
  }

  /** Number of distinct tokens. */
  get size(): number {
    return this.#entries.size;
  }

  /** The user for an exact, case-sensitive token match, as a fresh copy; undefined on a miss. */
  lookup(token: string): UserInfo | undefined {
    const mac = tokenMac(token);
    const entry = this.#entries.get(mac.toString('base64'));
    if (entry === undefined || !timingSafeEqual(entry.mac, mac)) return undefined;
    return copyUser(entry.user);
  }
}

function freezeUser(u: UserInfo): Readonly<UserInfo> {
  return Object.freeze({
    username: u.username,
    uid: u.uid,
    groups: Object.freeze([...u.groups]) as string[],
    extra: Object.freeze(Object.fromEntries(Object.entries(u.extra).map(([k, v]) => [k, [...v]]))),
  });
}

function copyUser(u: Readonly<UserInfo>): UserInfo {
  return {
    username: u.username,
    uid: u.uid,
    groups: [...u.groups],
    extra: Object.fromEntries(Object.entries(u.extra).map(([k, v]) => [k, [...v]])),
  };
}

/** A parsed token file: the token set and upstream's warnings (empty and duplicate tokens) for the caller to log. */
export interface ParsedTokenFile {
  tokens: StaticTokenSet;
  warnings: string[];
}

/**
 * Parses token-file bytes. `path` only appears in messages. Throws TokenFileError: a CSV syntax error (Go's text,
 * e.g. `parse error on line 1, column 12: bare " in non-quoted-field`) or a record with fewer than 3 columns.
 * A missing groups column gives no groups (upstream: null); an empty one gives `[""]`, as upstream.
 */
export function parseTokenFile(data: Buffer | string, path: string): ParsedTokenFile {
  const bytes = typeof data === 'string' ? Buffer.from(data, 'utf8') : data;
  const warnings: string[] = [];
  let recordNum = 0;
  const tokens = StaticTokenSet.build((put) => {
    try {
      // Records are checked as they are read, so the first problem in file order is the one reported, as in Go.
      for (const { fields, line } of readGoCsv(bytes)) {
        if (fields.length < 3) {
          throw new TokenFileError(
            `token file '${path}' must have at least 3 columns (token, user name, user uid), found ${fields.length}`,
            path,
            line,
          );
        }
        recordNum++;
        const [token, username, uid, groups] = fields as [string, string, string, string | undefined];
        if (token === '') {
          warnings.push(`empty token has been found in token file '${path}', record number '${recordNum}'`);
          continue;
        }
        const user: UserInfo = { username, uid, groups: groups === undefined ? [] : groups.split(','), extra: {} };
        if (put(token, user)) {
          warnings.push(`duplicate token has been found in token file '${path}', record number '${recordNum}'`);
        }
      }
    } catch (err) {
      if (err instanceof CsvParseError) throw new TokenFileError(err.message, path, err.line, { cause: err });
      throw err;
    }
  });
  return { tokens, warnings };
}

/** Go's wording for the common file errors; anything else keeps Node's message. */
export function goFileErrorMessage(path: string, err: unknown): string {
  const code = (err as NodeJS.ErrnoException).code;
  if (code === 'ENOENT') return `open ${path}: no such file or directory`;
  if (code === 'EACCES') return `open ${path}: permission denied`;
  if (code === 'EISDIR') return `read ${path}: is a directory`;
  return (err as Error).message;
}

/** Options for StaticTokenAuthenticator. */
export interface StaticTokenAuthenticatorOptions {
  /** The API server's audiences (`--api-audiences`): the implicit audiences of the audience-agnostic wrapper. */
  apiAudiences: readonly string[];
}

/**
 * TokenAuthenticator over a StaticTokenSet, wrapped as upstream's WrapAudienceAgnosticToken (spec §8.5): with no
 * requested audiences (undefined resolves to the API audiences; an empty list means none) it answers with no
 * audiences; otherwise it answers only for the requested audiences that are API audiences, and says "not mine"
 * (null) when there are none. A miss is null, never an error. `replace` swaps the set atomically (hot reload).
 */
export class StaticTokenAuthenticator implements TokenAuthenticator {
  #tokens: StaticTokenSet;
  readonly #implicit: readonly string[];

  constructor(tokens: StaticTokenSet, opts: StaticTokenAuthenticatorOptions) {
    this.#tokens = tokens;
    this.#implicit = [...opts.apiAudiences];
  }

  /** Swaps in a new token set; lookups already running finish against the old one. */
  replace(tokens: StaticTokenSet): void {
    this.#tokens = tokens;
  }

  /** Number of tokens currently loaded. */
  get size(): number {
    return this.#tokens.size;
  }

  async authenticateToken(token: string, audiences?: string[]): Promise<AuthResponse | null> {
    const target = audiences ?? this.#implicit;
    let granted: string[] = [];
    if (target.length > 0) {
      granted = target.filter((a) => this.#implicit.includes(a));
      if (granted.length === 0) return null;
    }
    const user = this.#tokens.lookup(token);
    if (user === undefined) return null;
    return { user, audiences: granted };
  }
}

// Go csv.Writer's fieldNeedsQuotes for Comma ','.
const needsQuotes = (f: string): boolean =>
  f !== '' &&
  (f === '\\.' ||
    /[",]/.test(f) ||
    /^[\t\n\v\f\r \u0085\u00a0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000]/.test(f));
const quote = (f: string): string => `"${f.replaceAll('"', '""')}"`;

/**
 * One token-file line (no trailing newline) that parses back to exactly these values: token, user and uid quoted
 * as Go's csv.Writer would, the groups column always quoted as microk8s writes it (`"system:masters"`) and left
 * out when there are no groups. Throws TypeError for an empty token, a line break in any value, or a comma in a
 * group name (the groups column is split on commas).
 */
export function formatTokenFileLine(token: string, user: string, uid: string, groups: readonly string[]): string {
  if (token === '') throw new TypeError('formatTokenFileLine: the token must not be empty');
  for (const v of [token, user, uid, ...groups]) {
    if (/[\r\n]/.test(v)) throw new TypeError('formatTokenFileLine: values must not contain line breaks');
  }
  if (groups.some((g) => g.includes(','))) throw new TypeError('formatTokenFileLine: group names must not contain ","');
  const cols = [token, user, uid].map((f) => (needsQuotes(f) ? quote(f) : f));
  if (groups.length > 0) cols.push(quote(groups.join(',')));
  return cols.join(',');
}
