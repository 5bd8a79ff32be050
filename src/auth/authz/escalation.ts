/**
 * Privilege-escalation prevention for writes of Roles, ClusterRoles and their bindings
 * (pkg/registry/rbac: escalation_check.go, validation/rule.go and each kind's policybased/storage.go): a user may only grant
 * permissions they already hold through RBAC, unless they are a superuser or hold `escalate` / `bind`.
 */
import type { KubernetesObject } from '../../api/meta.ts';
import type { ClusterRole, ClusterRoleBinding, PolicyRule, Role, RoleBinding, RoleRef } from '../../api/rbac-v1.ts';
import { RBAC_GROUP } from '../../api/rbac-v1.ts';
import { badRequest, internalError, StatusError } from '../../api/status.ts';
import { SYSTEM_PRIVILEGED_GROUP, type UserInfo } from '../user.ts';
import { compactRules, compactString } from './compact-rules.ts';
import { newForbidden } from './forbidden.ts';
import { aggregateMessage, goQuote, goQuoteList } from './go-format.ts';
import type { Authorizer } from './interfaces.ts';
import { covers } from './policy-comparator.ts';
import type { RulesForResult } from './rule-resolver.ts';

/** What escalation checks need from rule resolution (RuleResolverOverIndex in `registry` style fits). */
export interface EscalationResolver {
  /** Rules RBAC grants `user` in `namespace` ("" = ClusterRoleBindings only), with non-fatal errors. */
  rulesFor(user: UserInfo, namespace: string): RulesForResult;
  /** The rules of a referenced role; throws (a 404 StatusError when it does not exist). */
  getRoleReferenceRules(ref: RoleRef, bindingNamespace: string): PolicyRule[];
}

/** The request an escalation check runs for. */
export interface EscalationContext {
  /** The requesting user after impersonation; undefined when the request has none. */
  user: UserInfo | undefined;
  /** The request (URL) namespace; "" for cluster-scoped kinds. */
  namespace: string;
  /** The request-info name: "" on create, the object name on update. */
  name: string;
  /** The whole authorizer chain, for the `escalate` and `bind` checks. */
  authorizer: Authorizer;
  resolver: EscalationResolver;
}

const FULL_AUTHORITY: PolicyRule[] = [
  { verbs: ['*'], apiGroups: ['*'], resources: ['*'] },
  { verbs: ['*'], nonResourceURLs: ['*'] },
];

/** EscalationAllowed: members of system:masters skip every escalation check; no user never does. */
export function escalationAllowed(user: UserInfo | undefined): boolean {
  return !!user && user.groups.includes(SYSTEM_PRIVILEGED_GROUP);
}

/**
 * ConfirmNoEscalation: undefined when the user's RBAC rules in `namespace` cover `rules`, else the error text
 * (`user "u" (groups=[...]) is attempting to grant RBAC permissions not currently held:\n...`).
 */
export function confirmNoEscalation(
  user: UserInfo | undefined,
  namespace: string,
  rules: readonly PolicyRule[],
  resolver: EscalationResolver,
): string | undefined {
  if (!user) return 'no user on request';
  const owner = resolver.rulesFor(user, namespace);
  const { covered, missing } = covers(owner.rules, rules);
  if (covered) return undefined;
  const descriptions = [...new Set(compactRules(missing).map(compactString))].sort();
  let msg =
    `user ${goQuote(user.username)} (groups=${goQuoteList(user.groups)}) is attempting to grant RBAC permissions ` +
    `not currently held:\n${descriptions.join('\n')}`;
  // Go prints the []error holding the one aggregate with %v
  if (owner.errors.length) msg += `; resolution errors: [${aggregateMessage(owner.errors)}]`;
  return msg;
}

function stripZero(v: unknown): unknown {
  if (Array.isArray(v)) return v.length ? v.map(stripZero) : undefined;
  if (v && typeof v === 'object') {
    const out: Record<string, unknown> = {};
    for (const [k, x] of Object.entries(v)) {
      const s = stripZero(x);
      if (s !== undefined) out[k] = s;
    }
    return Object.keys(out).length ? out : undefined;
  }
  return v === null || v === '' || v === 0 || v === false ? undefined : v;
}

function canonical(v: unknown): string {
  return JSON.stringify(v, (_k, x) =>
    x && typeof x === 'object' && !Array.isArray(x)
      ? Object.fromEntries(Object.entries(x).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)))
      : x,
  );
}

/**
 * IsOnlyMutatingGCFields: `obj` equals `old` (semantically: nil and empty alike) once ownerReferences,
 * finalizers, selfLink and managedFields are taken from `old`.
 */
export function isOnlyMutatingGCFields(obj: KubernetesObject, old: KubernetesObject | undefined): boolean {
  if (!old) return false;
  const copy = structuredClone(obj);
  const { ownerReferences, finalizers, selfLink, managedFields } = old.metadata;
  copy.metadata = { ...copy.metadata, ownerReferences, finalizers, selfLink, managedFields };
  return canonical(stripZero(copy)) === canonical(stripZero(old));
}

function authorizedFor(
  ctx: EscalationContext,
  verb: string,
  resource: string,
  name: string,
  namespace: string,
  group: string,
): boolean {
  if (!ctx.user) return false;
  const r = ctx.authorizer.authorize({
    user: ctx.user,
    verb,
    resourceRequest: true,
    path: '',
    namespace,
    apiGroup: group,
    apiVersion: '*',
    resource,
    subresource: '',
    name,
  });
  return r.decision === 'Allow';
}

function hasAggregationRule(role: ClusterRole | Role | undefined): boolean {
  return !!role && 'aggregationRule' in role && (role.aggregationRule?.clusterRoleSelectors?.length ?? 0) > 0;
}

/**
 * The create/update check of a Role (`resource` "roles") or ClusterRole ("clusterroles"); `old` is the stored
 * object on update. Throws a 403 StatusError when the write would escalate.
 */
export function checkRoleEscalation(
  ctx: EscalationContext,
  resource: 'roles' | 'clusterroles',
  obj: Role | ClusterRole,
  old?: Role | ClusterRole,
): void {
  if (escalationAllowed(ctx.user)) return;
  // On create the request name is "", so an escalate grant limited by resourceNames cannot authorize it.
  if (authorizedFor(ctx, 'escalate', resource, ctx.name, ctx.namespace, RBAC_GROUP)) return;
  if (old && isOnlyMutatingGCFields(obj, old)) return;
  const name = obj.metadata.name ?? '';
  const err = confirmNoEscalation(ctx.user, ctx.namespace, obj.rules ?? [], ctx.resolver);
  if (err) throw newForbidden(RBAC_GROUP, resource, name, err);
  if (resource === 'clusterroles' && (hasAggregationRule(obj) || hasAggregationRule(old))) {
    if (confirmNoEscalation(ctx.user, ctx.namespace, FULL_AUTHORITY, ctx.resolver)) {
      throw newForbidden(RBAC_GROUP, resource, name, 'must have cluster-admin privileges to use the aggregationRule');
    }
  }
}

/**
 * The create/update check of a RoleBinding (`resource` "rolebindings", namespace from the URL) or
 * ClusterRoleBinding. Allowed for superusers, GC-only updates and holders of `bind` on the referenced role;
 * otherwise the referenced role is resolved (404 when missing) and must not escalate (403).
 */
export function checkBindingEscalation(
  ctx: EscalationContext,
  resource: 'rolebindings' | 'clusterrolebindings',
  obj: RoleBinding | ClusterRoleBinding,
  old?: RoleBinding | ClusterRoleBinding,
): void {
  if (escalationAllowed(ctx.user)) return;
  const namespaced = resource === 'rolebindings';
  if (namespaced && !ctx.namespace) throw badRequest('namespace is required');
  const bindingNamespace = namespaced ? ctx.namespace : '';
  if (old && isOnlyMutatingGCFields(obj, old)) return;
  const ref = obj.roleRef;
  const refResource = ref.kind === 'ClusterRole' ? 'clusterroles' : ref.kind === 'Role' ? 'roles' : undefined;
  if (refResource && authorizedFor(ctx, 'bind', refResource, ref.name, bindingNamespace, ref.apiGroup)) return;
  let rules: PolicyRule[];
  try {
    rules = ctx.resolver.getRoleReferenceRules(ref, bindingNamespace);
  } catch (err) {
    if (err instanceof StatusError) throw err;
    throw internalError((err as Error).message);
  }
  const msg = confirmNoEscalation(ctx.user, bindingNamespace, rules, ctx.resolver);
  if (msg) throw newForbidden(RBAC_GROUP, resource, obj.metadata.name ?? '', msg);
}
