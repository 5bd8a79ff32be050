/**
 * Talking to superkube from the browser. Every call goes to the normal API paths with the HttpOnly session cookie
 * (sent by the browser, never visible here) and the X-Superkube-Dashboard header the server requires with it.
 */

/** What GET/POST /dashboard/api/session answer for a live session (the token itself never comes back). */
export interface SessionInfo {
  expiresAt: string | null;
  idleTimeoutSeconds: number;
  token: { kind: 'jwt'; header: Record<string, unknown>; claims: Record<string, unknown> } | { kind: 'static' };
}

/** Why a session is gone (401 of GET /dashboard/api/session). */
export interface SessionEnded {
  ended: 'none' | 'expired' | 'idle' | 'invalid';
  message: string;
  expiredAt?: string;
}

/** A Kubernetes Status as errors carry it. */
export interface Status {
  kind?: string;
  code?: number;
  reason?: string;
  message?: string;
}

/** A failed API call: HTTP status and, when the server sent one, Kubernetes' Status. */
export class ApiError extends Error {
  readonly status: number;
  readonly k8s: Status | undefined;
  constructor(status: number, k8s: Status | undefined, message: string) {
    super(message);
    this.name = 'ApiError';
    this.status = status;
    this.k8s = k8s;
  }
}

const HEADERS = { 'X-Superkube-Dashboard': '1', Accept: 'application/json' };

let onUnauthorized: () => void = () => {};

/** Registers what happens when the API answers 401 (the session ended): the app goes back to login. */
export function setUnauthorizedHandler(fn: () => void): void {
  onUnauthorized = fn;
}

async function readJson(res: Response): Promise<unknown> {
  const text = await res.text();
  if (!text) return undefined;
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return undefined;
  }
}

/** Calls the API; resolves with the JSON body, rejects with ApiError (401 also triggers the unauthorized handler). */
export async function api<T>(method: string, path: string, body?: unknown, signal?: AbortSignal): Promise<T> {
  const res = await fetch(path, {
    method,
    credentials: 'same-origin',
    headers: body === undefined ? HEADERS : { ...HEADERS, 'Content-Type': 'application/json' },
    body: body === undefined ? undefined : JSON.stringify(body),
    signal,
  });
  const data = await readJson(res);
  if (!res.ok) {
    if (res.status === 401) onUnauthorized();
    const status = data && typeof data === 'object' ? (data as Status) : undefined;
    throw new ApiError(res.status, status, status?.message ?? `${res.status} ${res.statusText}`);
  }
  return data as T;
}

/** Logs in with a token; resolves with the session, or rejects with the server's message. */
export async function login(token: string): Promise<SessionInfo> {
  const res = await fetch('/dashboard/api/session', {
    method: 'POST',
    credentials: 'same-origin',
    headers: { ...HEADERS, 'Content-Type': 'application/json' },
    body: JSON.stringify({ token }),
  });
  const data = (await readJson(res)) as (SessionInfo & { message?: string }) | undefined;
  if (!res.ok) throw new ApiError(res.status, undefined, data?.message ?? `login failed (${res.status})`);
  return data as SessionInfo;
}

/** The current session, or why there is none. */
export async function currentSession(): Promise<
  { ok: true; session: SessionInfo } | { ok: false; ended: SessionEnded }
> {
  const res = await fetch('/dashboard/api/session', { method: 'GET', credentials: 'same-origin', headers: HEADERS });
  const data = await readJson(res);
  if (res.ok) return { ok: true, session: data as SessionInfo };
  const ended = (data as SessionEnded | undefined) ?? { ended: 'none', message: 'There is no session; log in.' };
  return { ok: false, ended };
}

/** Ends the session on the server (the cookie stops working at once). */
export async function logout(): Promise<void> {
  await fetch('/dashboard/api/session', { method: 'DELETE', credentials: 'same-origin', headers: HEADERS });
}

/** One watch event. */
export interface WatchEvent<T> {
  type: 'ADDED' | 'MODIFIED' | 'DELETED' | 'BOOKMARK' | 'ERROR';
  object: T;
}

/**
 * Streams watch events of `path` from `resourceVersion` until the server ends the watch or `signal` aborts.
 * Resolves with the last resourceVersion seen; rejects with ApiError (410 Gone: relist).
 */
export async function watch<T extends { metadata?: { resourceVersion?: string } }>(
  path: string,
  resourceVersion: string,
  onEvent: (e: WatchEvent<T>) => void,
  signal: AbortSignal,
): Promise<string> {
  const sep = path.includes('?') ? '&' : '?';
  const url = `${path}${sep}watch=1&allowWatchBookmarks=true&resourceVersion=${encodeURIComponent(resourceVersion)}`;
  const res = await fetch(url, { credentials: 'same-origin', headers: HEADERS, signal });
  if (!res.ok || !res.body) {
    const data = await readJson(res);
    if (res.status === 401) onUnauthorized();
    throw new ApiError(
      res.status,
      data as Status | undefined,
      (data as Status | undefined)?.message ?? String(res.status),
    );
  }
  let rv = resourceVersion;
  const reader = res.body.pipeThrough(new TextDecoderStream()).getReader();
  let buf = '';
  for (;;) {
    const { value, done } = await reader.read();
    if (done) break;
    buf += value;
    let nl = buf.indexOf('\n');
    while (nl >= 0) {
      const line = buf.slice(0, nl).trim();
      buf = buf.slice(nl + 1);
      nl = buf.indexOf('\n');
      if (!line) continue;
      const ev = JSON.parse(line) as WatchEvent<T>;
      if (ev.type === 'ERROR') {
        const st = ev.object as unknown as Status;
        throw new ApiError(st.code ?? 500, st, st.message ?? 'watch error');
      }
      rv = ev.object.metadata?.resourceVersion ?? rv;
      onEvent(ev);
    }
  }
  return rv;
}
