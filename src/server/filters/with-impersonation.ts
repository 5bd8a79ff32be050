/** Impersonation: Impersonate-* headers replace the requester's identity, when the requester may impersonate. */

import { impersonate } from '../../auth/authz/impersonation.ts';
import type { Authorizer } from '../../auth/authz/interfaces.ts';
import type { Handler } from '../http.ts';
import { headerValues } from '../http.ts';

/** Applies impersonation headers (checked by `authorizer`), keeping the real user as ctx.impersonator. */
export function withImpersonation(next: Handler, authorizer: Authorizer): Handler {
  return (req) => {
    const headers = {
      getAll: (name: string) => headerValues(req, name.toLowerCase()),
      names: () => Object.keys(req.headers),
    };
    const as = impersonate(headers, req.ctx.user, authorizer);
    if (as) {
      req.ctx.impersonator = req.ctx.user;
      req.ctx.user = as;
      for (const name of Object.keys(req.headers)) if (name.startsWith('impersonate-')) delete req.headers[name];
    }
    return next(req);
  };
}
