/** Small pure helpers: time formatting, JWT decoding for display, reading tokens out of a kubeconfig. */

/** `2026-01-01 10:00:00 (local)` style: the local time, with the zone the browser reports. */
export function localTime(d: Date): string {
  return d.toLocaleString(undefined, { dateStyle: 'medium', timeStyle: 'long' });
}

/** ISO 8601 in UTC, without milliseconds. */
export function utcTime(d: Date): string {
  return `${d.toISOString().replace(/\.\d{3}Z$/, 'Z')}`;
}

/** Both forms, as the dashboard always shows times. */
export function bothTimes(d: Date): string {
  return `${localTime(d)} (${utcTime(d)} UTC)`;
}

/** `1h 02m 03s` for a positive number of milliseconds. */
export function duration(ms: number): string {
  const s = Math.max(0, Math.floor(ms / 1000));
  const h = Math.floor(s / 3600);
  const m = Math.floor((s % 3600) / 60);
  const sec = s % 60;
  const pad = (n: number) => String(n).padStart(2, '0');
  if (h > 0) return `${h}h ${pad(m)}m ${pad(sec)}s`;
  if (m > 0) return `${m}m ${pad(sec)}s`;
  return `${sec}s`;
}

/** Age of an object like kubectl prints it (`5m`, `3h`, `2d`). */
export function age(timestamp: string | undefined, now: number): string {
  if (!timestamp) return '';
  const s = Math.max(0, Math.floor((now - Date.parse(timestamp)) / 1000));
  if (s < 120) return `${s}s`;
  if (s < 7200) return `${Math.floor(s / 60)}m`;
  if (s < 172800) return `${Math.floor(s / 3600)}h`;
  return `${Math.floor(s / 86400)}d`;
}

function b64urlJson(part: string): unknown {
  const b64 = part.replace(/-/g, '+').replace(/_/g, '/');
  const bin = atob(b64 + '='.repeat((4 - (b64.length % 4)) % 4));
  const bytes = Uint8Array.from(bin, (c) => c.charCodeAt(0));
  return JSON.parse(new TextDecoder().decode(bytes));
}

/** The claims of a JWT, decoded WITHOUT verification: only for hints (e.g. "this token expired at"). */
export function unverifiedClaims(token: string): Record<string, unknown> | undefined {
  const parts = token.split('.');
  if (parts.length !== 3) return undefined;
  try {
    const c = b64urlJson(parts[1]!);
    return c && typeof c === 'object' && !Array.isArray(c) ? (c as Record<string, unknown>) : undefined;
  } catch {
    return undefined;
  }
}

/** Decodes base64 (a Secret value) to text; bytes that are not UTF-8 show as replacement characters. */
export function decodeBase64(value: string): string {
  const bin = atob(value);
  return new TextDecoder().decode(Uint8Array.from(bin, (c) => c.charCodeAt(0)));
}

/** A user of a kubeconfig that carries a token. */
export interface KubeconfigUser {
  name: string;
  token: string;
  current: boolean;
}

function unquote(v: string): string {
  const t = v.trim();
  if ((t.startsWith('"') && t.endsWith('"')) || (t.startsWith("'") && t.endsWith("'"))) return t.slice(1, -1);
  return t;
}

/**
 * The token users of a kubeconfig (YAML as kubectl writes it, or JSON). Read in the browser only; a deliberately
 * small reader instead of a YAML library: it understands the `users:` list with `name:` and `user: token:`.
 */
export function kubeconfigTokens(text: string): KubeconfigUser[] {
  let users: { name: string; token: string }[] = [];
  let currentContext = '';
  const contextUser = new Map<string, string>();
  try {
    const cfg = JSON.parse(text) as {
      users?: { name?: string; user?: { token?: string } }[];
      contexts?: { name?: string; context?: { user?: string } }[];
      'current-context'?: string;
    };
    users = (cfg.users ?? []).map((u) => ({ name: u.name ?? '', token: u.user?.token ?? '' }));
    for (const c of cfg.contexts ?? []) contextUser.set(c.name ?? '', c.context?.user ?? '');
    currentContext = cfg['current-context'] ?? '';
  } catch {
    let section = '';
    let item: { name: string; token: string; user: string } | undefined;
    const flush = () => {
      if (!item) return;
      if (section === 'users') users.push({ name: item.name, token: item.token });
      if (section === 'contexts') contextUser.set(item.name, item.user);
      item = undefined;
    };
    for (const raw of text.split(/\r?\n/)) {
      const line = raw.replace(/\s+#.*$/, '');
      if (!line.trim()) continue;
      const top = /^([A-Za-z-]+):\s*(.*)$/.exec(line);
      if (top) {
        flush();
        section = top[1]!;
        if (section === 'current-context') currentContext = unquote(top[2]!);
        continue;
      }
      const start = /^\s*-\s+(.*)$/.exec(line);
      const body = start ? start[1]! : line.trim();
      if (start && /^-\s/.test(line.trimStart())) {
        // A new list item begins only at the list's own indentation.
        if (/^\s{0,2}-\s/.test(line)) {
          flush();
          item = { name: '', token: '', user: '' };
        }
      }
      const kv = /^([A-Za-z-]+):\s*(.*)$/.exec(body);
      if (!kv || !item) continue;
      if (kv[1] === 'name' && !item.name) item.name = unquote(kv[2]!);
      if (kv[1] === 'token') item.token = unquote(kv[2]!);
      if (kv[1] === 'user' && kv[2]) item.user = unquote(kv[2]);
    }
    flush();
  }
  const currentUser = contextUser.get(currentContext);
  return users.filter((u) => u.token).map((u) => ({ ...u, current: u.name === currentUser }));
}
