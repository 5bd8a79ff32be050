/**
 * Legacy impersonation (k8s.io/apiserver/pkg/endpoints/filters/impersonation, Kubernetes 1.33): the
 * Impersonate-* headers name another identity; each part must be allowed with verb `impersonate`, and the request
 * then runs as exactly that identity (nothing of the requestor is kept).
 */
import { badRequest, internalError } from '../../api/status.ts';
import { serviceAccountGroups, splitServiceAccountUsername } from '../service-account-name.ts';
import { ALL_AUTHENTICATED, ALL_UNAUTHENTICATED, ANONYMOUS_USER, type UserInfo } from '../user.ts';
import { forbiddenStatusError } from './forbidden.ts';
import type { Attributes, Authorizer } from './interfaces.ts';

/** Read access to request headers. Names are matched case-insensitively; repeated headers keep their order. */
export interface HeaderAccessor {
  /** Every value of header `name`, one entry per header line (never split on commas); [] when absent. */
  getAll(name: string): string[];
  /** The distinct header names present (any case). */
  names(): Iterable<string>;
}

export const IMPERSONATE_USER_HEADER = 'Impersonate-User';
export const IMPERSONATE_GROUP_HEADER = 'Impersonate-Group';
export const IMPERSONATE_UID_HEADER = 'Impersonate-Uid';
export const IMPERSONATE_EXTRA_PREFIX = 'Impersonate-Extra-';

/** One thing to impersonate, as the filter's ObjectReference list holds it. */
interface ImpersonationRequest {
  kind: 'User' | 'ServiceAccount' | 'Group' | 'UserExtra' | 'UID';
  namespace: string;
  name: string;
  apiVersion: string;
  fieldPath: string;
}

/** Go's %v of a v1.ObjectReference value: its seven string fields in order, space-separated, in braces. */
function formatRef(r: ImpersonationRequest): string {
  return `{${[r.kind, r.namespace, r.name, '', r.apiVersion, '', r.fieldPath].join(' ')}}`;
}

function unescapeExtraKey(encoded: string): string {
  try {
    return decodeURIComponent(encoded);
  } catch {
    // malformed escapes: the key is recorded as sent
    return encoded;
  }
}

/** True when any impersonation header is present (the filter's fast path check). */
export function hasImpersonationHeaders(headers: HeaderAccessor): boolean {
  for (const n of headers.names()) if (n.toLowerCase().startsWith('impersonate-')) return true;
  return false;
}

function buildRequests(headers: HeaderAccessor): ImpersonationRequest[] {
  const reqs: ImpersonationRequest[] = [];
  const base = { namespace: '', apiVersion: '', fieldPath: '' };
  const user = headers.getAll(IMPERSONATE_USER_HEADER)[0] ?? '';
  if (user) {
    const sa = splitServiceAccountUsername(user);
    reqs.push(
      sa
        ? { ...base, kind: 'ServiceAccount', namespace: sa.namespace, name: sa.name }
        : { ...base, kind: 'User', name: user },
    );
  }
  const groups = headers.getAll(IMPERSONATE_GROUP_HEADER);
  for (const g of groups) reqs.push({ ...base, kind: 'Group', name: g });
  let hasExtra = false;
  const prefix = IMPERSONATE_EXTRA_PREFIX.toLowerCase();
  for (const headerName of headers.names()) {
    if (!headerName.toLowerCase().startsWith(prefix)) continue;
    hasExtra = true;
    const key = unescapeExtraKey(headerName.slice(prefix.length).toLowerCase());
    for (const value of headers.getAll(headerName)) {
      reqs.push({ ...base, kind: 'UserExtra', name: value, apiVersion: 'authentication.k8s.io/v1', fieldPath: key });
    }
  }
  const uid = headers.getAll(IMPERSONATE_UID_HEADER)[0] ?? '';
  if (uid) reqs.push({ ...base, kind: 'UID', name: uid, apiVersion: 'authentication.k8s.io/v1' });
  if ((groups.length || hasExtra || uid) && !user) {
    throw badRequest(`requested [${reqs.map(formatRef).join(' ')}] without impersonating a user`);
  }
  return reqs;
}

/**
 * Applies the Impersonate-* headers of a request from `requestor`. Returns undefined when there are none, else
 * the identity to continue as. Throws StatusError: 400 for groups/uid/extra without a user, 403 (with the
 * failing check's attributes and the authorizer's reason) for the first part not allowed, 500 with no requestor.
 * Checks run in header order: user, groups, extras, uid.
 */
export function impersonate(
  headers: HeaderAccessor,
  requestor: UserInfo | undefined,
  authorizer: Authorizer,
): UserInfo | undefined {
  // Almost no request impersonates: one pass over the header names settles it before any parsing.
  if (!hasImpersonationHeaders(headers)) return undefined;
  const requests = buildRequests(headers);
  if (requests.length === 0) return undefined;
  if (!requestor) throw internalError('no user found for request');
  const groupsSpecified = headers.getAll(IMPERSONATE_GROUP_HEADER).length > 0;
  let username = '';
  let groups: string[] = [];
  const extra: Record<string, string[]> = {};
  let uid = '';
  for (const r of requests) {
    const attrs: Attributes = {
      user: requestor,
      verb: 'impersonate',
      resourceRequest: true,
      path: '',
      namespace: r.namespace,
      apiGroup: r.apiVersion ? 'authentication.k8s.io' : '',
      apiVersion: r.apiVersion ? 'v1' : '',
      resource: '',
      subresource: '',
      name: r.name,
    };
    switch (r.kind) {
      case 'ServiceAccount':
        attrs.resource = 'serviceaccounts';
        username = `system:serviceaccount:${r.namespace}:${r.name}`;
        if (!groupsSpecified) groups = serviceAccountGroups(r.namespace);
        break;
      case 'User':
        attrs.resource = 'users';
        username = r.name;
        break;
      case 'Group':
        attrs.resource = 'groups';
        groups.push(r.name);
        break;
      case 'UserExtra':
        attrs.resource = 'userextras';
        attrs.subresource = r.fieldPath;
        extra[r.fieldPath] = [...(extra[r.fieldPath] ?? []), r.name];
        break;
      case 'UID':
        attrs.resource = 'uids';
        uid = r.name;
        break;
    }
    const decision = authorizer.authorize(attrs);
    if (decision.error || decision.decision !== 'Allow') throw forbiddenStatusError(attrs, decision.reason);
  }
  if (username !== ANONYMOUS_USER) {
    if (!groups.some((g) => g === ALL_AUTHENTICATED || g === ALL_UNAUTHENTICATED)) groups.push(ALL_AUTHENTICATED);
  } else if (!groups.includes(ALL_UNAUTHENTICATED)) {
    groups.push(ALL_UNAUTHENTICATED);
  }
  return { username, uid, groups, extra };
}
