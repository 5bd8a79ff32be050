/** --request-timeout: a non-watch request that has not produced a response in time gets 504. */
import { timeout } from '../../api/status.ts';
import type { Handler } from '../http.ts';

/** Bounds every non-watch request to `ms`. */
export function withTimeout(next: Handler, ms: number): Handler {
  if (ms <= 0) return next;
  return (req) => {
    if (req.ctx.requestInfo?.verb === 'watch') return next(req);
    // One promise settled by whichever comes first (Promise.race and finally would add three per request).
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => reject(timeout('request did not complete within the allotted timeout')), ms);
      next(req).then(
        (res) => {
          clearTimeout(timer);
          resolve(res);
        },
        (err: unknown) => {
          clearTimeout(timer);
          reject(err);
        },
      );
    });
  };
}
