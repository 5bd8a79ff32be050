/**
 * The 403 a request gets when no authorizer allows it (responsewriters.ForbiddenStatusError and
 * apierrors.NewForbidden): `<group-resource> "<name>" is forbidden: User "<u>" cannot <verb> ...: <reason>`.
 */
import { type StatusDetails, type StatusError, statusFailure } from '../../api/status.ts';
import { goQuote } from './go-format.ts';
import type { Attributes } from './interfaces.ts';

/** Only the generated part is HTML-escaped, never the authorizer's reason. */
function sanitize(s: string): string {
  return s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}

/** `User "u" cannot get resource "pods/log" in API group "" in the namespace "ns"` (or `at the cluster scope`, or `path`). */
export function describeForbidden(attrs: Attributes): string {
  const username = attrs.user?.username ?? '';
  if (!attrs.resourceRequest) {
    return `User ${goQuote(username)} cannot ${attrs.verb} path ${goQuote(attrs.path)}`;
  }
  const resource = attrs.subresource ? `${attrs.resource}/${attrs.subresource}` : attrs.resource;
  const head = `User ${goQuote(username)} cannot ${attrs.verb} resource ${goQuote(resource)} in API group ${goQuote(attrs.apiGroup)}`;
  return attrs.namespace ? `${head} in the namespace ${goQuote(attrs.namespace)}` : `${head} at the cluster scope`;
}

/**
 * apierrors.NewForbidden(GroupResource, name, errors.New(why)) with Go's wording: `forbidden: ...` when group
 * and resource are empty, `<gr> is forbidden: ...` without a name, `<gr> "<name>" is forbidden: ...` otherwise.
 * Details carry name, group and kind (the resource) when non-empty.
 */
export function newForbidden(group: string, resource: string, name: string, why: string): StatusError {
  const gr = group ? `${resource}.${group}` : resource;
  let message: string;
  if (!group && !resource) message = `forbidden: ${why}`;
  else if (!name) message = `${gr} is forbidden: ${why}`;
  else message = `${gr} ${goQuote(name)} is forbidden: ${why}`;
  const details: StatusDetails = {};
  if (name) details.name = name;
  if (group) details.group = group;
  if (resource) details.kind = resource;
  return statusFailure(403, 'Forbidden', message, details);
}

/** The 403 StatusError for a request that was not allowed; `reason` (the union's) is appended after `: `. */
export function forbiddenStatusError(attrs: Attributes, reason: string): StatusError {
  const msg = sanitize(describeForbidden(attrs));
  const why = reason ? `${msg}: ${reason}` : msg;
  return newForbidden(attrs.apiGroup, attrs.resource, attrs.name, why);
}
