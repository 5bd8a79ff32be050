/** Counts and times every request by verb, group, resource and code. */
import { StatusError } from '../../api/status.ts';
import type { Handler } from '../http.ts';
import type { Metrics } from '../metrics.ts';

/** Records request metrics (after request info, so verb and resource are known). */
export function withMetrics(next: Handler, metrics: Metrics): Handler {
  return async (req) => {
    const info = req.ctx.requestInfo;
    const labels = {
      verb: info?.verb ?? req.method.toLowerCase(),
      group: info?.apiGroup ?? '',
      resource: info?.resource ?? '',
    };
    const end = metrics.latency.startTimer(labels);
    let code = 500;
    try {
      const res = await next(req);
      code = res.status;
      return res;
    } catch (err) {
      if (err instanceof StatusError) code = err.code;
      throw err;
    } finally {
      end();
      metrics.requests.inc({ ...labels, code: String(code) });
    }
  };
}
