/** authentication.k8s.io/v1 wire types: TokenRequest, TokenReview, SelfSubjectReview. */
import type { ObjectMeta } from './meta.ts';

export const AUTHENTICATION_GROUP = 'authentication.k8s.io';

/** authenticationv1.BoundObjectReference. */
export interface BoundObjectReference {
  kind?: string;
  apiVersion?: string;
  name?: string;
  uid?: string;
}

/** authenticationv1.TokenRequest. Nulls are serialized, as upstream does (spec tokens.md section 4.1). */
export interface TokenRequest {
  kind: 'TokenRequest';
  apiVersion: 'authentication.k8s.io/v1';
  metadata: ObjectMeta;
  spec: {
    audiences: string[] | null;
    expirationSeconds: number | null;
    boundObjectRef: BoundObjectReference | null;
  };
  status: { token: string; expirationTimestamp: string | null };
}

/** authenticationv1.UserInfo (as returned by reviews; all fields optional on the wire). */
export interface ReviewUserInfo {
  username?: string;
  uid?: string;
  groups?: string[];
  extra?: Record<string, string[]>;
}

/** authenticationv1.TokenReview. */
export interface TokenReview {
  kind: 'TokenReview';
  apiVersion: string;
  metadata: ObjectMeta;
  spec: { token?: string; audiences?: string[] };
  status?: {
    authenticated?: boolean;
    user?: ReviewUserInfo;
    audiences?: string[];
    error?: string;
  };
}

/** authenticationv1.SelfSubjectReview (v1 and v1beta1 share the shape). */
export interface SelfSubjectReview {
  kind: 'SelfSubjectReview';
  apiVersion: string;
  metadata: ObjectMeta;
  status: { userInfo: ReviewUserInfo };
}
