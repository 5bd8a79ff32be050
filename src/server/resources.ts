/** What superkube serves under /api and /apis, in discovery order. */
import type { KubernetesObject } from '../api/meta.ts';
import type { Authorizer, RuleResolver } from '../auth/authz/interfaces.ts';
import type { ResourceDef } from '../registry/resource.ts';
import type { Store } from '../registry/store.ts';
import { anyStore, type Stores } from '../registry/stores.ts';
import type { Clock } from '../util/clock.ts';
import type { ApiResources, CreateHandler, ServedResource } from './api-resources.ts';
import { accessReviewHandler, rulesReviewHandler } from './handlers/authorization-reviews.ts';

/** The handlers of the create-only endpoints. */
export interface VirtualHandlers {
  tokenRequest: CreateHandler;
  tokenReview: CreateHandler;
  selfSubjectReview: (version: 'v1' | 'v1beta1') => CreateHandler;
  authorizer: Authorizer;
  ruleResolver: RuleResolver;
  /** Escalation prevention for writes of one RBAC resource. */
  rbacAdmission: (resource: RbacResource) => ServedResource['admit'];
  clock: Clock;
}

/** The four RBAC resources. */
export type RbacResource = 'roles' | 'clusterroles' | 'rolebindings' | 'clusterrolebindings';

function virtual(group: string, version: string, resource: string, kind: string, namespaced = false): ResourceDef {
  return { group, version, resource, kind, listKind: '', singular: kind.toLowerCase(), namespaced, verbs: ['create'] };
}

/** Registers every resource. */
export function registerResources(resources: ApiResources, stores: Stores, h: VirtualHandlers): void {
  const stored = <T extends KubernetesObject>(store: Store<T>) => ({ def: store.def, store: anyStore(store) });
  resources.add(stored(stores.namespaces));
  resources.add(stored(stores.pods));
  resources.add({ ...stored(stores.serviceAccounts), subresources: { token: h.tokenRequest } });
  resources.add(stored(stores.secrets));
  resources.add(stored(stores.configMaps));
  resources.add(stored(stores.nodes));
  resources.add(stored(stores.events));
  resources.add({ ...stored(stores.clusterRoleBindings), admit: h.rbacAdmission('clusterrolebindings') });
  resources.add({ ...stored(stores.clusterRoles), admit: h.rbacAdmission('clusterroles') });
  resources.add({ ...stored(stores.roleBindings), admit: h.rbacAdmission('rolebindings') });
  resources.add({ ...stored(stores.roles), admit: h.rbacAdmission('roles') });
  resources.add(stored(stores.leases));
  const authn = 'authentication.k8s.io';
  resources.add({
    def: virtual(authn, 'v1', 'selfsubjectreviews', 'SelfSubjectReview'),
    create: h.selfSubjectReview('v1'),
  });
  resources.add({ def: virtual(authn, 'v1', 'tokenreviews', 'TokenReview'), create: h.tokenReview });
  resources.add({
    def: virtual(authn, 'v1beta1', 'selfsubjectreviews', 'SelfSubjectReview'),
    create: h.selfSubjectReview('v1beta1'),
  });
  const authz = 'authorization.k8s.io';
  resources.add({
    def: virtual(authz, 'v1', 'localsubjectaccessreviews', 'LocalSubjectAccessReview', true),
    create: accessReviewHandler('LocalSubjectAccessReview', h.authorizer),
  });
  resources.add({
    def: virtual(authz, 'v1', 'selfsubjectaccessreviews', 'SelfSubjectAccessReview'),
    create: accessReviewHandler('SelfSubjectAccessReview', h.authorizer),
  });
  resources.add({
    def: virtual(authz, 'v1', 'selfsubjectrulesreviews', 'SelfSubjectRulesReview'),
    create: rulesReviewHandler(h.ruleResolver),
  });
  resources.add({
    def: virtual(authz, 'v1', 'subjectaccessreviews', 'SubjectAccessReview'),
    create: accessReviewHandler('SubjectAccessReview', h.authorizer),
  });
}
