/** --max-requests-inflight: beyond the limit, short requests get 429 with Retry-After; watches are not counted. */
import { tooManyRequests } from '../../api/status.ts';
import type { Handler } from '../http.ts';

/** Limits concurrent non-watch requests to `limit` (0 disables). */
export function withMaxInflight(next: Handler, limit: number, onChange?: (inflight: number) => void): Handler {
  if (limit <= 0) return next;
  let inflight = 0;
  return async (req) => {
    if (req.ctx.requestInfo?.verb === 'watch') return next(req);
    if (inflight >= limit) throw tooManyRequests('Too many requests, please try again later.', 1);
    inflight++;
    onChange?.(inflight);
    try {
      return await next(req);
    } finally {
      inflight--;
      onChange?.(inflight);
    }
  };
}
