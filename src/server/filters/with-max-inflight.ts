/** --max-requests-inflight: beyond the limit, short requests get 429 with Retry-After; watches are not counted. */
import { tooManyRequests } from '../../api/status.ts';
import type { Handler } from '../http.ts';

/** The number of non-watch requests being served, kept by withMaxInflight (read by the metrics at scrape time). */
export interface InflightCount {
  current: number;
}

/** Limits concurrent non-watch requests to `limit` (0 disables), counting them in `count`. */
export function withMaxInflight(next: Handler, limit: number, count: InflightCount = { current: 0 }): Handler {
  if (limit <= 0) return next;
  return async (req) => {
    if (req.ctx.requestInfo?.verb === 'watch') return next(req);
    if (count.current >= limit) throw tooManyRequests('Too many requests, please try again later.', 1);
    count.current++;
    try {
      return await next(req);
    } finally {
      count.current--;
    }
  };
}
