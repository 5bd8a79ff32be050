/** Who a request is from (k8s.io/apiserver/pkg/authentication/user.Info), and the well-known names. */

/** An authenticated (or anonymous) identity. `extra` values keep their order. */
export interface UserInfo {
  username: string;
  uid: string;
  groups: string[];
  extra: Record<string, string[]>;
}

export const SYSTEM_PRIVILEGED_GROUP = 'system:masters';
export const ALL_AUTHENTICATED = 'system:authenticated';
export const ALL_UNAUTHENTICATED = 'system:unauthenticated';
export const ANONYMOUS_USER = 'system:anonymous';
export const SERVICE_ACCOUNT_USERNAME_PREFIX = 'system:serviceaccount:';
export const ALL_SERVICE_ACCOUNTS_GROUP = 'system:serviceaccounts';
export const SERVICE_ACCOUNT_GROUP_PREFIX = 'system:serviceaccounts:';

/**
 * The user as authentication.k8s.io UserInfo serializes it (review statuses, audit events): uid, groups and extra
 * are omitempty.
 */
export function userInfoFields(u: UserInfo): Partial<UserInfo> & { username: string } {
  const out: Partial<UserInfo> & { username: string } = { username: u.username };
  if (u.uid) out.uid = u.uid;
  if (u.groups.length) out.groups = u.groups;
  if (Object.keys(u.extra).length) out.extra = u.extra;
  return out;
}
