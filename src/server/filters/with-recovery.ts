/** Outermost filter: any error becomes a Status response; unexpected ones are logged without request content. */
import { StatusError } from '../../api/status.ts';
import type { Handler } from '../http.ts';
import type { Logger } from '../logger.ts';
import { chooseOutput } from '../negotiation.ts';
import { errorResponse, withWarnings } from '../respond.ts';

/** Turns thrown errors into Status responses and attaches Warning headers. */
export function withRecovery(next: Handler, log: Logger): Handler {
  return async (req) => {
    try {
      return withWarnings(req, await next(req));
    } catch (err) {
      // Only the error's kind and stack are logged: messages of unexpected errors may quote request content.
      if (!(err instanceof StatusError))
        log.error(
          {
            error: err instanceof Error ? err.name : typeof err,
            stack: err instanceof Error ? err.stack?.split('\n').slice(1).join('\n') : undefined,
            auditID: req.ctx.auditId,
            path: req.path,
          },
          'request failed',
        );
      let format: 'json' | 'yaml' = 'json';
      try {
        format = chooseOutput(req.headers.accept as string | undefined).format;
      } catch {
        // an unacceptable Accept still gets a JSON Status
      }
      return withWarnings(req, errorResponse(err, format));
    }
  };
}
