/**
 * Startup reconciliation of the default policy in union mode (component-helpers/auth/rbac/reconciliation):
 * missing objects are created; missing rules, subjects, labels, annotations and aggregation selectors are added;
 * nothing is removed; a binding whose roleRef changed is recreated. Objects annotated autoupdate=false are left
 * alone. Pure functions: the caller writes what they return.
 */
import type { KubernetesObject, LabelSelector } from '../../api/meta.ts';
import type { ClusterRole, ClusterRoleBinding, PolicyRule, Role, RoleBinding, Subject } from '../../api/rbac-v1.ts';
import { semanticDeepEqual } from '../../validation/deep-equal.ts';
import { AUTOUPDATE_ANNOTATION } from './bootstrap-policy.ts';
import { covers } from './policy-comparator.ts';

/** What to write: create a missing object, update an existing one, or delete and create (roleRef changed). */
export interface ReconcileAction<T> {
  op: 'create' | 'update' | 'recreate';
  object: T;
}

function isProtected(existing: { metadata: { annotations?: Record<string, string> } }): boolean {
  return existing.metadata.annotations?.[AUTOUPDATE_ANNOTATION] === 'false';
}

/** Later maps win, as reconciliation's merge(expected, existing) keeps existing values. */
function merge(
  a: Record<string, string> | undefined,
  b: Record<string, string> | undefined,
): Record<string, string> | undefined {
  if (!a && !b) return undefined;
  return { ...a, ...b };
}

function missingSelectors(
  existing: LabelSelector[] | undefined,
  expected: LabelSelector[] | undefined,
): LabelSelector[] {
  return (expected ?? []).filter((s) => !(existing ?? []).some((e) => semanticDeepEqual(e, s)));
}

/** Union of labels and annotations into `result` (a copy of `existing`); true when anything was added. */
function mergeMetadata(result: KubernetesObject, existing: KubernetesObject, desired: KubernetesObject): boolean {
  let changed = false;
  const annotations = merge(desired.metadata.annotations, existing.metadata.annotations);
  if (!semanticDeepEqual(annotations, existing.metadata.annotations)) {
    result.metadata.annotations = annotations;
    changed = true;
  }
  const labels = merge(desired.metadata.labels, existing.metadata.labels);
  if (!semanticDeepEqual(labels, existing.metadata.labels)) {
    result.metadata.labels = labels;
    changed = true;
  }
  return changed;
}

/**
 * Union-mode reconcile of a Role or ClusterRole against its default. `existing` undefined → create. Returns
 * undefined when nothing changes or the existing object is protected (autoupdate "false").
 */
export function reconcileRole<T extends Role | ClusterRole>(
  existing: T | undefined,
  desired: T,
): ReconcileAction<T> | undefined {
  if (!existing) return { op: 'create', object: structuredClone(desired) };
  const result = structuredClone(existing) as T;
  let changed = mergeMetadata(result, existing, desired);
  const missing: PolicyRule[] = covers(existing.rules ?? [], desired.rules ?? []).missing;
  if (missing.length) {
    result.rules = [...(existing.rules ?? []), ...missing];
    changed = true;
  }
  const wanted = 'aggregationRule' in desired ? desired.aggregationRule : undefined;
  const had = 'aggregationRule' in existing ? existing.aggregationRule : undefined;
  if (!wanted && had) {
    delete (result as ClusterRole).aggregationRule;
    changed = true;
  } else if (wanted) {
    const add = missingSelectors(had?.clusterRoleSelectors, wanted.clusterRoleSelectors);
    if (add.length) {
      (result as ClusterRole).aggregationRule = {
        clusterRoleSelectors: [...(had?.clusterRoleSelectors ?? []), ...structuredClone(add)],
      };
      changed = true;
    }
  }
  if (!changed || isProtected(existing)) return undefined;
  return { op: 'update', object: result };
}

function sameSubject(a: Subject, b: Subject): boolean {
  return (
    a.kind === b.kind &&
    (a.apiGroup ?? '') === (b.apiGroup ?? '') &&
    a.name === b.name &&
    (a.namespace ?? '') === (b.namespace ?? '')
  );
}

/**
 * Union-mode reconcile of a RoleBinding or ClusterRoleBinding. A different roleRef (immutable) means
 * delete-and-create of the desired binding. Returns undefined when nothing changes or the existing object is
 * protected.
 */
export function reconcileBinding<T extends RoleBinding | ClusterRoleBinding>(
  existing: T | undefined,
  desired: T,
): ReconcileAction<T> | undefined {
  if (!existing) return { op: 'create', object: structuredClone(desired) };
  const a = existing.roleRef;
  const b = desired.roleRef;
  if (a.apiGroup !== b.apiGroup || a.kind !== b.kind || a.name !== b.name) {
    return isProtected(existing) ? undefined : { op: 'recreate', object: structuredClone(desired) };
  }
  const result = structuredClone(existing) as T;
  let changed = mergeMetadata(result, existing, desired);
  const have = existing.subjects ?? [];
  const missing: Subject[] = [];
  for (const s of desired.subjects ?? []) {
    if (!have.some((h) => sameSubject(h, s)) && !missing.some((m) => sameSubject(m, s))) missing.push(s);
  }
  if (missing.length) {
    result.subjects = [...have, ...structuredClone(missing)];
    changed = true;
  }
  if (!changed || isProtected(existing)) return undefined;
  return { op: 'update', object: result };
}
