/** The privileged-group authorizer (authorizerfactory.NewPrivilegedGroups): always first in the chain. */
import { SYSTEM_PRIVILEGED_GROUP } from '../user.ts';
import type { Attributes, AuthorizationResult, Authorizer } from './interfaces.ts';

/** Allows, with reason "", any request from a member of one of `groups` (default `system:masters`). */
export function privilegedGroupAuthorizer(groups: readonly string[] = [SYSTEM_PRIVILEGED_GROUP]): Authorizer {
  return {
    authorize(attrs: Attributes): AuthorizationResult {
      if (!attrs.user) return { decision: 'NoOpinion', reason: 'Error', error: new Error('no user on request.') };
      for (const g of attrs.user.groups) if (groups.includes(g)) return { decision: 'Allow', reason: '' };
      return { decision: 'NoOpinion', reason: '' };
    },
  };
}
