/** Counts and times every request by verb, group, resource and code. */
import type { Counter, Histogram } from 'prom-client';
import { StatusError } from '../../api/status.ts';
import type { ApiRequest, Handler } from '../http.ts';
import type { Metrics } from '../metrics.ts';

/** The metric children of one (verb, group, resource): prom-client validates and hashes label objects per call. */
interface Series {
  latency: Histogram.Internal<string>;
  countByCode: Map<number, Counter.Internal>;
  labels: { verb: string; group: string; resource: string };
}

/** Records request metrics (after request info, so verb and resource are known). */
export function withMetrics(next: Handler, metrics: Metrics): Handler {
  const series = new Map<string, Series>();
  const seriesOf = (req: ApiRequest): Series => {
    const info = req.ctx.requestInfo;
    const verb = info?.verb ?? req.method.toLowerCase();
    const group = info?.apiGroup ?? '';
    const resource = info?.resource ?? '';
    const key = `${verb}|${group}|${resource}`;
    let s = series.get(key);
    if (!s) {
      const labels = { verb, group, resource };
      s = { latency: metrics.latency.labels(labels), countByCode: new Map(), labels };
      series.set(key, s);
    }
    return s;
  };
  const record = (s: Series, code: number, start: number) => {
    s.latency.observe((performance.now() - start) / 1000);
    let count = s.countByCode.get(code);
    if (!count) {
      count = metrics.requests.labels({ ...s.labels, code: String(code) });
      s.countByCode.set(code, count);
    }
    count.inc();
  };
  return async (req) => {
    const s = seriesOf(req);
    const start = performance.now();
    try {
      const res = await next(req);
      record(s, res.status, start);
      return res;
    } catch (err) {
      record(s, err instanceof StatusError ? err.code : 500, start);
      throw err;
    }
  };
}
