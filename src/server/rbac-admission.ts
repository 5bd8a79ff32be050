/** RBAC escalation prevention as write admission: the request's user must hold what a role grants or a binding binds. */
import type { KubernetesObject } from '../api/meta.ts';
import type { ClusterRole, ClusterRoleBinding, Role, RoleBinding } from '../api/rbac-v1.ts';
import { checkBindingEscalation, checkRoleEscalation, type EscalationResolver } from '../auth/authz/escalation.ts';
import type { Authorizer } from '../auth/authz/interfaces.ts';
import type { ApiRequest } from './http.ts';
import type { RbacResource } from './resources.ts';

/** Builds the admission function of one RBAC resource. */
export function rbacAdmission(authorizer: Authorizer, resolver: EscalationResolver) {
  return (resource: RbacResource) => (req: ApiRequest, obj: KubernetesObject, old: KubernetesObject | undefined) => {
    const info = req.ctx.requestInfo!;
    const ctx = { user: req.ctx.user, namespace: info.namespace, name: info.name, authorizer, resolver };
    if (resource === 'roles' || resource === 'clusterroles')
      checkRoleEscalation(ctx, resource, obj as Role | ClusterRole, old as Role | ClusterRole | undefined);
    else
      checkBindingEscalation(
        ctx,
        resource,
        obj as RoleBinding | ClusterRoleBinding,
        old as RoleBinding | ClusterRoleBinding | undefined,
      );
  };
}
