/** Derives the request's attributes (verb, group, resource, namespace, name) once, for every later filter. */
import { badRequest } from '../../api/status.ts';
import type { Handler } from '../http.ts';
import { getRequestInfo } from '../request-info.ts';

/** Fills ctx.requestInfo. */
export function withRequestInfo(next: Handler): Handler {
  return (req) => {
    try {
      req.ctx.requestInfo = getRequestInfo(req.method, req.path, req.query);
    } catch (err) {
      throw badRequest(`unable to determine the request's attributes: ${(err as Error).message}`);
    }
    return next(req);
  };
}
