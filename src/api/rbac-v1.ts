/** rbac.authorization.k8s.io/v1 wire types. */
import type { KubernetesObject, LabelSelector, ObjectMeta } from './meta.ts';

export const RBAC_GROUP = 'rbac.authorization.k8s.io';

/** rbacv1.PolicyRule. */
export interface PolicyRule {
  verbs: string[];
  apiGroups?: string[];
  resources?: string[];
  resourceNames?: string[];
  nonResourceURLs?: string[];
}

/** rbacv1.Subject. */
export interface Subject {
  kind: 'User' | 'Group' | 'ServiceAccount' | string;
  apiGroup?: string;
  name: string;
  namespace?: string;
}

/** rbacv1.RoleRef. */
export interface RoleRef {
  apiGroup: string;
  kind: 'Role' | 'ClusterRole' | string;
  name: string;
}

/** rbacv1.Role. */
export interface Role extends KubernetesObject {
  metadata: ObjectMeta;
  rules: PolicyRule[] | null;
}

/** rbacv1.AggregationRule. */
export interface AggregationRule {
  clusterRoleSelectors?: LabelSelector[];
}

/** rbacv1.ClusterRole. */
export interface ClusterRole extends KubernetesObject {
  metadata: ObjectMeta;
  rules: PolicyRule[] | null;
  aggregationRule?: AggregationRule;
}

/** rbacv1.RoleBinding. */
export interface RoleBinding extends KubernetesObject {
  metadata: ObjectMeta;
  subjects?: Subject[];
  roleRef: RoleRef;
}

/** rbacv1.ClusterRoleBinding. */
export interface ClusterRoleBinding extends KubernetesObject {
  metadata: ObjectMeta;
  subjects?: Subject[];
  roleRef: RoleRef;
}
