/**
 * Rule resolution over the policy index (pkg/registry/rbac/validation/rule.go DefaultRuleResolver): the rules
 * of every ClusterRoleBinding that applies to a user, then of every RoleBinding in the request namespace that
 * does, each with the binding and subject that granted it.
 */
import type { ClusterRoleBinding, PolicyRule, RoleBinding, RoleRef, Subject } from '../../api/rbac-v1.ts';
import { RBAC_GROUP } from '../../api/rbac-v1.ts';
import { notFound } from '../../api/status.ts';
import { SERVICE_ACCOUNT_USERNAME_PREFIX, type UserInfo } from '../user.ts';
import { goQuote } from './go-format.ts';
import type { PolicyIndex } from './policy-index.ts';

/**
 * How a missing role reads. `lister`: the authorizer's informer miss, `clusterrole.rbac.authorization.k8s.io "x"
 * not found` (singular). `registry`: the 404 StatusError the RBAC registry's own getters raise (plural), used by
 * escalation checks.
 */
export type NotFoundStyle = 'lister' | 'registry';

/** Rules granted to a user by one binding, or a resolution error in visit order. */
export type ResolvedItem =
  | {
      kind: 'ClusterRoleBinding' | 'RoleBinding';
      binding: RoleBinding | ClusterRoleBinding;
      subject: Subject;
      rules: PolicyRule[];
    }
  | { error: Error };

/** The rules RBAC grants a user in a namespace, with their sources, and the resolution errors met on the way. */
export interface RulesForResult {
  rules: PolicyRule[];
  errors: Error[];
}

/** appliesToUser: does one binding subject name this user? */
export function appliesToUser(user: UserInfo, subject: Subject, bindingNamespace: string): boolean {
  switch (subject.kind) {
    case 'User':
      return user.username === subject.name;
    case 'Group':
      return user.groups.includes(subject.name);
    case 'ServiceAccount': {
      const ns = subject.namespace || bindingNamespace;
      if (!ns) return false;
      return user.username === `${SERVICE_ACCOUNT_USERNAME_PREFIX}${ns}:${subject.name}`;
    }
    default:
      return false;
  }
}

/** The first subject of `subjects` that applies to `user`, as appliesTo returns it. */
export function firstApplyingSubject(
  user: UserInfo,
  subjects: readonly Subject[] | undefined,
  bindingNamespace: string,
): Subject | undefined {
  for (const s of subjects ?? []) if (appliesToUser(user, s, bindingNamespace)) return s;
  return undefined;
}

function describeSubject(s: Subject, bindingNamespace: string): string {
  if (s.kind === 'ServiceAccount') return `${s.kind} ${goQuote(`${s.name}/${s.namespace || bindingNamespace}`)}`;
  return `${s.kind} ${goQuote(s.name)}`;
}

/** The allow-reason source: `ClusterRoleBinding "n" of ClusterRole "r" to Group "g"` / `RoleBinding "n/ns" ...`. */
export function describeSource(item: Extract<ResolvedItem, { rules: PolicyRule[] }>): string {
  const b = item.binding;
  const ns = b.metadata.namespace ?? '';
  const name = item.kind === 'RoleBinding' ? `${b.metadata.name ?? ''}/${ns}` : (b.metadata.name ?? '');
  const bindingNs = item.kind === 'RoleBinding' ? ns : '';
  return `${item.kind} ${goQuote(name)} of ${b.roleRef.kind} ${goQuote(b.roleRef.name)} to ${describeSubject(item.subject, bindingNs)}`;
}

const CACHE_LIMIT = 4096;

/** Resolves rules for users from a PolicyIndex, caching per (user, namespace) until the index changes. */
export class RuleResolverOverIndex {
  readonly #index: PolicyIndex;
  readonly #style: NotFoundStyle;
  #cache = new Map<string, ResolvedItem[]>();
  #cacheGeneration = -1;

  constructor(index: PolicyIndex, style: NotFoundStyle = 'lister') {
    this.#index = index;
    this.#style = style;
  }

  /** GetRoleReferenceRules: the rules of the role a binding refers to; throws when it cannot be resolved. */
  getRoleReferenceRules(ref: RoleRef, bindingNamespace: string): PolicyRule[] {
    switch (ref.kind) {
      case 'Role': {
        const role = this.#index.getRole(bindingNamespace, ref.name);
        if (!role) throw this.#notFound('role', ref.name);
        return role.rules ?? [];
      }
      case 'ClusterRole': {
        const role = this.#index.getClusterRole(ref.name);
        if (!role) throw this.#notFound('clusterrole', ref.name);
        return role.rules ?? [];
      }
      default:
        throw new Error(`unsupported role reference kind: ${goQuote(ref.kind)}`);
    }
  }

  #notFound(singular: 'role' | 'clusterrole', name: string): Error {
    if (this.#style === 'registry') return notFound({ group: RBAC_GROUP, resource: `${singular}s` }, name);
    return new Error(`${singular}.${RBAC_GROUP} ${goQuote(name)} not found`);
  }

  /**
   * VisitRulesFor, materialized: ClusterRoleBinding grants first, then RoleBinding grants in `namespace`
   * (skipped when it is ""), with resolution errors in place. The returned array is shared; do not mutate it.
   */
  resolve(user: UserInfo, namespace: string): ResolvedItem[] {
    if (this.#cacheGeneration !== this.#index.generation) {
      this.#cache = new Map();
      this.#cacheGeneration = this.#index.generation;
    }
    const key = `${namespace}\0${user.username}\0${user.groups.join('\0')}`;
    const hit = this.#cache.get(key);
    if (hit) return hit;
    const items: ResolvedItem[] = [];
    for (const b of this.#index.clusterRoleBindingsFor(user)) this.#add(items, user, 'ClusterRoleBinding', b, '');
    if (namespace) {
      for (const b of this.#index.roleBindingsFor(user, namespace)) this.#add(items, user, 'RoleBinding', b, namespace);
    }
    if (this.#cache.size >= CACHE_LIMIT) this.#cache.clear();
    this.#cache.set(key, items);
    return items;
  }

  #add(
    items: ResolvedItem[],
    user: UserInfo,
    kind: 'ClusterRoleBinding' | 'RoleBinding',
    binding: RoleBinding | ClusterRoleBinding,
    bindingNamespace: string,
  ): void {
    const subject = firstApplyingSubject(user, binding.subjects, bindingNamespace);
    if (!subject) return;
    try {
      items.push({ kind, binding, subject, rules: this.getRoleReferenceRules(binding.roleRef, bindingNamespace) });
    } catch (err) {
      items.push({ error: err as Error });
    }
  }

  /** RulesFor: every rule granted to `user` in `namespace` plus the resolution errors (non-fatal). */
  rulesFor(user: UserInfo, namespace: string): RulesForResult {
    const rules: PolicyRule[] = [];
    const errors: Error[] = [];
    for (const item of this.resolve(user, namespace)) {
      if ('error' in item) errors.push(item.error);
      else rules.push(...item.rules);
    }
    return { rules, errors };
  }
}
