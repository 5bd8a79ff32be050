/**
 * The default RBAC policy (plugin/pkg/auth/authorizer/rbac/bootstrappolicy) as Kubernetes 1.33 creates it:
 * the YAML in data/bootstrap-policy plus the two ClusterRoleBindings added after that binding file was captured.
 */
import { readFileSync } from 'node:fs';
import { parse } from 'yaml';
import type { ClusterRole, ClusterRoleBinding, Role, RoleBinding } from '../../api/rbac-v1.ts';
import { RBAC_GROUP } from '../../api/rbac-v1.ts';
import type { PolicySnapshot } from './policy-index.ts';

/** The annotation that, set to "false", stops startup reconciliation from touching an object. */
export const AUTOUPDATE_ANNOTATION = 'rbac.authorization.kubernetes.io/autoupdate';

const DEFAULT_DIR = new URL('../../../data/bootstrap-policy/', import.meta.url);

function readItems<T>(dir: URL, file: string): T[] {
  const doc = parse(readFileSync(new URL(file, dir), 'utf8')) as { items?: T[] };
  return doc.items ?? [];
}

/** metav1 `creationTimestamp: null` is an artefact of the test fixtures; objects to create carry none. */
function clean<T extends { metadata: { creationTimestamp?: string | null } }>(obj: T): T {
  const { creationTimestamp: _drop, ...metadata } = obj.metadata;
  return { ...obj, metadata };
}

function groupBinding(name: string, group: string): ClusterRoleBinding {
  return {
    apiVersion: `${RBAC_GROUP}/v1`,
    kind: 'ClusterRoleBinding',
    metadata: {
      name,
      labels: { 'kubernetes.io/bootstrapping': 'rbac-defaults' },
      annotations: { [AUTOUPDATE_ANNOTATION]: 'true' },
    },
    roleRef: { apiGroup: RBAC_GROUP, kind: 'ClusterRole', name },
    subjects: [{ apiGroup: RBAC_GROUP, kind: 'Group', name: group }],
  };
}

/** Bindings policy.go creates that the stored cluster-role-bindings.yaml predates. */
const MISSING_BINDINGS: ClusterRoleBinding[] = [
  groupBinding('system:monitoring', 'system:monitoring'),
  groupBinding('system:service-account-issuer-discovery', 'system:serviceaccounts'),
];

/**
 * Loads the default policy: ClusterRoles, ClusterRoleBindings (sorted by name, including system:monitoring and
 * system:service-account-issuer-discovery), and the kube-system/kube-public Roles and RoleBindings.
 * `dir` defaults to data/bootstrap-policy in the package. Throws on unreadable or malformed files.
 */
export function loadBootstrapPolicy(dir: URL = DEFAULT_DIR): PolicySnapshot {
  const clusterRoles = readItems<ClusterRole>(dir, 'cluster-roles.yaml').map(clean);
  const fileBindings = readItems<ClusterRoleBinding>(dir, 'cluster-role-bindings.yaml').map(clean);
  const have = new Set(fileBindings.map((b) => b.metadata.name));
  const clusterRoleBindings = [...fileBindings, ...MISSING_BINDINGS.filter((b) => !have.has(b.metadata.name))].sort(
    (a, b) => ((a.metadata.name ?? '') < (b.metadata.name ?? '') ? -1 : 1),
  );
  const roles = readItems<Role>(dir, 'namespace-roles.yaml').map(clean);
  const roleBindings = readItems<RoleBinding>(dir, 'namespace-role-bindings.yaml').map(clean);
  return { clusterRoles, clusterRoleBindings, roles, roleBindings };
}
