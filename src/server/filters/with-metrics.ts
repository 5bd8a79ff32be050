/** Counts and times every request by verb, group, resource and code. */
import type { Counter, Histogram } from 'prom-client';
import { StatusError } from '../../api/status.ts';
import type { Handler } from '../http.ts';
import type { Metrics } from '../metrics.ts';

type Labels = { verb: string; group: string; resource: string };

/** Records request metrics (after request info, so verb and resource are known). */
export function withMetrics(next: Handler, metrics: Metrics): Handler {
  // prom-client validates and hashes labels on every call; the label sets are few, so their children are kept.
  const latencies = new Map<string, Histogram.Internal<string>>();
  const counts = new Map<string, Counter.Internal>();
  const latencyFor = (key: string, labels: Labels) => {
    let h = latencies.get(key);
    if (!h) {
      h = metrics.latency.labels(labels);
      latencies.set(key, h);
    }
    return h;
  };
  const countFor = (key: string, labels: Labels, code: number) => {
    const k = `${key}|${code}`;
    let c = counts.get(k);
    if (!c) {
      c = metrics.requests.labels({ ...labels, code: String(code) });
      counts.set(k, c);
    }
    return c;
  };
  return async (req) => {
    const info = req.ctx.requestInfo;
    const labels = {
      verb: info?.verb ?? req.method.toLowerCase(),
      group: info?.apiGroup ?? '',
      resource: info?.resource ?? '',
    };
    const key = `${labels.verb}|${labels.group}|${labels.resource}`;
    const start = performance.now();
    let code = 500;
    try {
      const res = await next(req);
      code = res.status;
      return res;
    } catch (err) {
      if (err instanceof StatusError) code = err.code;
      throw err;
    } finally {
      latencyFor(key, labels).observe((performance.now() - start) / 1000);
      countFor(key, labels, code).inc();
    }
  };
}
