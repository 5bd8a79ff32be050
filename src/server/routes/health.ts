/** /healthz, /livez and /readyz with their per-check sub-paths and `?verbose`, as kube-apiserver serves them. */
import { notFoundPath } from '../../api/status.ts';
import type { ApiRequest, ApiResponse } from '../http.ts';

/** A named health check; resolves when healthy, rejects with the reason otherwise. */
export interface HealthCheck {
  name: string;
  check(): Promise<void>;
}

/** Answers a health path, or undefined when `req` is not one. `checks` are per endpoint. */
export async function healthResponse(
  req: ApiRequest,
  checks: { healthz: HealthCheck[]; livez: HealthCheck[]; readyz: HealthCheck[] },
): Promise<ApiResponse | undefined> {
  const m = /^\/(healthz|livez|readyz)(?:\/([^/]+))?\/?$/.exec(req.path);
  if (!m) return undefined;
  const endpoint = m[1] as 'healthz' | 'livez' | 'readyz';
  const only = m[2];
  let list = [{ name: 'ping', check: async () => {} }, ...checks[endpoint]];
  if (only) {
    list = list.filter((c) => c.name === only);
    if (list.length === 0) throw notFoundPath();
  }
  const exclude = new Set(req.query.getAll('exclude'));
  const results = await Promise.all(
    list
      .filter((c) => !exclude.has(c.name))
      .map(async (c) => {
        try {
          await c.check();
          return { name: c.name, ok: true, reason: '' };
        } catch (err) {
          return { name: c.name, ok: false, reason: (err as Error).message };
        }
      }),
  );
  const healthy = results.every((r) => r.ok);
  const verbose = req.query.has('verbose') || !healthy;
  let body: string;
  if (only) body = healthy ? 'ok' : `internal server error: ${results[0]?.reason}`;
  else if (!verbose) body = 'ok';
  else {
    body = results.map((r) => (r.ok ? `[+]${r.name} ok` : `[-]${r.name} failed: reason withheld`)).join('\n');
    body += healthy ? `\n${endpoint} check passed\n` : `\n${endpoint} check failed\n`;
  }
  return {
    status: healthy ? 200 : 500,
    headers: {
      'content-type': 'text/plain; charset=utf-8',
      'x-content-type-options': 'nosniff',
      'cache-control': 'no-cache, private',
    },
    body,
  };
}
