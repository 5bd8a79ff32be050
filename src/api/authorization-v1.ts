/** authorization.k8s.io/v1 wire types: the access and rules reviews. */
import type { ObjectMeta } from './meta.ts';

export const AUTHORIZATION_GROUP = 'authorization.k8s.io';

/** authorizationv1.ResourceAttributes. */
export interface ResourceAttributes {
  namespace?: string;
  verb?: string;
  group?: string;
  version?: string;
  resource?: string;
  subresource?: string;
  name?: string;
  fieldSelector?: unknown;
  labelSelector?: unknown;
}

/** authorizationv1.NonResourceAttributes. */
export interface NonResourceAttributes {
  path?: string;
  verb?: string;
}

/** authorizationv1.SubjectAccessReviewStatus. */
export interface SubjectAccessReviewStatus {
  allowed: boolean;
  denied?: boolean;
  reason?: string;
  evaluationError?: string;
}

/** SubjectAccessReview, LocalSubjectAccessReview and SelfSubjectAccessReview (spec fields differ per kind). */
export interface AccessReview {
  kind: 'SubjectAccessReview' | 'LocalSubjectAccessReview' | 'SelfSubjectAccessReview';
  apiVersion: string;
  metadata: ObjectMeta;
  spec: {
    resourceAttributes?: ResourceAttributes;
    nonResourceAttributes?: NonResourceAttributes;
    user?: string;
    groups?: string[];
    extra?: Record<string, string[]>;
    uid?: string;
  };
  status?: SubjectAccessReviewStatus;
}

/** authorizationv1.ResourceRule. */
export interface ResourceRule {
  verbs: string[];
  apiGroups?: string[];
  resources?: string[];
  resourceNames?: string[];
}

/** authorizationv1.NonResourceRule. */
export interface NonResourceRule {
  verbs: string[];
  nonResourceURLs?: string[];
}

/** authorizationv1.SelfSubjectRulesReview. */
export interface SelfSubjectRulesReview {
  kind: 'SelfSubjectRulesReview';
  apiVersion: string;
  metadata: ObjectMeta;
  spec: { namespace?: string };
  status?: {
    resourceRules: ResourceRule[];
    nonResourceRules: NonResourceRule[];
    incomplete: boolean;
    evaluationError?: string;
  };
}
