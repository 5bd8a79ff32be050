/** --request-timeout: a non-watch request that has not produced a response in time gets 504. */
import { timeout } from '../../api/status.ts';
import type { Handler } from '../http.ts';

/** Bounds every non-watch request to `ms`. */
export function withTimeout(next: Handler, ms: number): Handler {
  if (ms <= 0) return next;
  return (req) => {
    if (req.ctx.requestInfo?.verb === 'watch') return next(req);
    let timer: NodeJS.Timeout | undefined;
    const expired = new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(timeout('request did not complete within the allotted timeout')), ms);
    });
    // The loser of the race must not become an unhandled rejection.
    expired.catch(() => {});
    const work = next(req);
    work.catch(() => {});
    return Promise.race([work, expired]).finally(() => clearTimeout(timer));
  };
}
