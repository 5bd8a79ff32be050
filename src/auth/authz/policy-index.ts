/**
 * The in-memory RBAC policy the authorizer decides from: Roles, ClusterRoles and their bindings, fed by
 * upsert/delete calls from a list+watch of the store. Bindings are indexed by subject (user, group, service
 * account) and namespace, so finding the bindings that apply to a user touches only the bindings that name the
 * user, one of their groups or their service account, however large the policy is.
 */
import type { ClusterRole, ClusterRoleBinding, Role, RoleBinding, Subject } from '../../api/rbac-v1.ts';
import { SERVICE_ACCOUNT_USERNAME_PREFIX, type UserInfo } from '../user.ts';

/** Everything the index holds, for an initial load. */
export interface PolicySnapshot {
  roles: Role[];
  clusterRoles: ClusterRole[];
  roleBindings: RoleBinding[];
  clusterRoleBindings: ClusterRoleBinding[];
}

type Binding = RoleBinding | ClusterRoleBinding;

/**
 * The index key of a subject, or undefined when it can never match a user. Service accounts are keyed by the full
 * username they match, so namespaces or names containing `:` keep serviceaccount.MatchesUsername's semantics.
 */
function subjectKey(s: Subject, bindingNamespace: string): string | undefined {
  switch (s.kind) {
    case 'User':
      return `u:${s.name}`;
    case 'Group':
      return `g:${s.name}`;
    case 'ServiceAccount': {
      const ns = s.namespace || bindingNamespace;
      return ns ? `s:${SERVICE_ACCOUNT_USERNAME_PREFIX}${ns}:${s.name}` : undefined;
    }
    default:
      return undefined;
  }
}

/** The keys under which bindings that could apply to `user` are filed. */
function userKeys(user: UserInfo): string[] {
  const keys = [`u:${user.username}`];
  for (const g of user.groups) keys.push(`g:${g}`);
  if (user.username.startsWith(SERVICE_ACCOUNT_USERNAME_PREFIX)) keys.push(`s:${user.username}`);
  return keys;
}

class SubjectIndex<B extends Binding> {
  readonly byName = new Map<string, B>();
  readonly #bySubject = new Map<string, Set<string>>();

  put(name: string, binding: B, bindingNamespace: string): void {
    this.remove(name, bindingNamespace);
    this.byName.set(name, binding);
    for (const s of binding.subjects ?? []) {
      const key = subjectKey(s, bindingNamespace);
      if (key === undefined) continue;
      let set = this.#bySubject.get(key);
      if (!set) {
        set = new Set();
        this.#bySubject.set(key, set);
      }
      set.add(name);
    }
  }

  remove(name: string, bindingNamespace: string): boolean {
    const old = this.byName.get(name);
    if (!old) return false;
    this.byName.delete(name);
    for (const s of old.subjects ?? []) {
      const key = subjectKey(s, bindingNamespace);
      if (key === undefined) continue;
      const set = this.#bySubject.get(key);
      set?.delete(name);
      if (set?.size === 0) this.#bySubject.delete(key);
    }
    return true;
  }

  candidates(keys: readonly string[]): B[] {
    const names = new Set<string>();
    for (const k of keys) for (const n of this.#bySubject.get(k) ?? []) names.add(n);
    // Sorted by name: the order a store list returns, so decisions and reasons are deterministic.
    return [...names].sort().map((n) => this.byName.get(n)!);
  }
}

/**
 * RBAC policy held in memory. Every mutation bumps `generation`, which caches built on top of the index compare
 * to know when to drop what they computed.
 */
export class PolicyIndex {
  #roles = new Map<string, Role>();
  #clusterRoles = new Map<string, ClusterRole>();
  #clusterRoleBindings = new SubjectIndex<ClusterRoleBinding>();
  #roleBindings = new Map<string, SubjectIndex<RoleBinding>>();
  #generation = 0;

  /** Increases on every change of any object in the index. */
  get generation(): number {
    return this.#generation;
  }

  /** Drops everything and loads `snapshot` (the initial list). */
  replaceAll(snapshot: PolicySnapshot): void {
    this.#roles.clear();
    this.#clusterRoles.clear();
    this.#clusterRoleBindings = new SubjectIndex();
    this.#roleBindings.clear();
    for (const r of snapshot.roles) this.upsertRole(r);
    for (const r of snapshot.clusterRoles) this.upsertClusterRole(r);
    for (const b of snapshot.roleBindings) this.upsertRoleBinding(b);
    for (const b of snapshot.clusterRoleBindings) this.upsertClusterRoleBinding(b);
    this.#generation++;
  }

  /** Adds or replaces a Role (keyed by metadata.namespace/name). */
  upsertRole(role: Role): void {
    this.#roles.set(`${role.metadata.namespace ?? ''}/${role.metadata.name ?? ''}`, role);
    this.#generation++;
  }

  /** Removes a Role; no-op when absent. */
  deleteRole(namespace: string, name: string): void {
    if (this.#roles.delete(`${namespace}/${name}`)) this.#generation++;
  }

  /** Adds or replaces a ClusterRole. */
  upsertClusterRole(role: ClusterRole): void {
    this.#clusterRoles.set(role.metadata.name ?? '', role);
    this.#generation++;
  }

  /** Removes a ClusterRole; no-op when absent. */
  deleteClusterRole(name: string): void {
    if (this.#clusterRoles.delete(name)) this.#generation++;
  }

  /** Adds or replaces a RoleBinding (keyed by metadata.namespace/name). */
  upsertRoleBinding(binding: RoleBinding): void {
    const ns = binding.metadata.namespace ?? '';
    let idx = this.#roleBindings.get(ns);
    if (!idx) {
      idx = new SubjectIndex();
      this.#roleBindings.set(ns, idx);
    }
    idx.put(binding.metadata.name ?? '', binding, ns);
    this.#generation++;
  }

  /** Removes a RoleBinding; no-op when absent. */
  deleteRoleBinding(namespace: string, name: string): void {
    const idx = this.#roleBindings.get(namespace);
    if (idx?.remove(name, namespace)) {
      if (idx.byName.size === 0) this.#roleBindings.delete(namespace);
      this.#generation++;
    }
  }

  /** Adds or replaces a ClusterRoleBinding. */
  upsertClusterRoleBinding(binding: ClusterRoleBinding): void {
    this.#clusterRoleBindings.put(binding.metadata.name ?? '', binding, '');
    this.#generation++;
  }

  /** Removes a ClusterRoleBinding; no-op when absent. */
  deleteClusterRoleBinding(name: string): void {
    if (this.#clusterRoleBindings.remove(name, '')) this.#generation++;
  }

  /** The Role `namespace/name`, if present. */
  getRole(namespace: string, name: string): Role | undefined {
    return this.#roles.get(`${namespace}/${name}`);
  }

  /** The ClusterRole `name`, if present. */
  getClusterRole(name: string): ClusterRole | undefined {
    return this.#clusterRoles.get(name);
  }

  /**
   * ClusterRoleBindings with a subject that may apply to `user` (a superset of the ones that do; callers run the
   * exact subject match), sorted by name.
   */
  clusterRoleBindingsFor(user: UserInfo): ClusterRoleBinding[] {
    return this.#clusterRoleBindings.candidates(userKeys(user));
  }

  /** RoleBindings in `namespace` with a subject that may apply to `user`, sorted by name. */
  roleBindingsFor(user: UserInfo, namespace: string): RoleBinding[] {
    return this.#roleBindings.get(namespace)?.candidates(userKeys(user)) ?? [];
  }

  /** Counts, for metrics and tests. */
  size(): { roles: number; clusterRoles: number; roleBindings: number; clusterRoleBindings: number } {
    let roleBindings = 0;
    for (const idx of this.#roleBindings.values()) roleBindings += idx.byName.size;
    return {
      roles: this.#roles.size,
      clusterRoles: this.#clusterRoles.size,
      roleBindings,
      clusterRoleBindings: this.#clusterRoleBindings.byName.size,
    };
  }
}
