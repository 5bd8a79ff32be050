/**
 * Claim sets of service-account tokens, laid out as upstream's go-jose builder emits them (spec tokens.md 2-3):
 * private claims, then public claims, then `iss`, merged into one map and marshalled with sorted keys.
 */
import { serviceAccountUsername } from '../service-account-name.ts';

/** Issuer of legacy secret-based tokens. */
export const LEGACY_ISSUER = 'kubernetes/serviceaccount';
/** Requested expiration (seconds) that the ServiceAccount admission plugin uses and that triggers extension. */
export const WARN_ONLY_BOUND_TOKEN_EXPIRATION_SECONDS = 3607;
/** How long an extended token really lives (one year). */
export const EXPIRATION_EXTENSION_SECONDS = 365 * 24 * 60 * 60;

/** A bound object's name and uid, as embedded in `kubernetes.io`. */
export interface ObjectRef {
  name: string;
  uid?: string;
}

/** Identity of the service account a token is issued for. */
export interface ServiceAccountRef {
  namespace: string;
  name: string;
  uid: string;
}

/** Inputs of Claims() (SA/claims.go). Times are Unix milliseconds; seconds fields are whole seconds. */
export interface BoundClaimsInput {
  serviceAccount: ServiceAccountRef;
  pod?: ObjectRef;
  secret?: ObjectRef;
  node?: ObjectRef;
  expirationSeconds: number;
  /** Non-zero only when the extended expiration applies. */
  warnAfterSeconds?: number;
  audiences: readonly string[] | null;
  nowMs: number;
  jti: string;
}

function ref(r: ObjectRef): Record<string, string | undefined> {
  return { name: r.name || undefined, uid: r.uid || undefined };
}

/**
 * The claims of a bound token, without `iss` (the signer adds it). Throws upstream's internal error when a token
 * would be bound to a secret and also to a pod or node.
 */
export function buildBoundClaims(input: BoundClaimsInput): Record<string, unknown> {
  if (input.secret && (input.node || input.pod)) {
    throw new Error('internal error, token can only be bound to one object type');
  }
  const now = Math.floor(input.nowMs / 1000);
  const { serviceAccount: sa } = input;
  const k8s: Record<string, unknown> = {
    namespace: sa.namespace || undefined,
    serviceaccount: ref({ name: sa.name, uid: sa.uid }),
  };
  if (input.pod) {
    k8s.pod = ref(input.pod);
    if (input.node) k8s.node = ref(input.node);
  } else if (input.secret) {
    k8s.secret = ref(input.secret);
  } else if (input.node) {
    k8s.node = ref(input.node);
  }
  if (input.warnAfterSeconds) k8s.warnafter = now + input.warnAfterSeconds;
  return {
    'kubernetes.io': k8s,
    sub: serviceAccountUsername(sa.namespace, sa.name),
    aud: input.audiences && input.audiences.length > 0 ? [...input.audiences] : undefined,
    exp: now + input.expirationSeconds,
    nbf: now,
    iat: now,
    jti: input.jti || undefined,
  };
}

/** The claims of a legacy secret-based token (SA/legacy.go LegacyClaims), without `iss`. No time claims at all. */
export function buildLegacyClaims(serviceAccount: ServiceAccountRef, secretName: string): Record<string, unknown> {
  return {
    sub: serviceAccountUsername(serviceAccount.namespace, serviceAccount.name),
    'kubernetes.io/serviceaccount/namespace': serviceAccount.namespace,
    'kubernetes.io/serviceaccount/secret.name': secretName,
    'kubernetes.io/serviceaccount/service-account.name': serviceAccount.name,
    'kubernetes.io/serviceaccount/service-account.uid': serviceAccount.uid,
  };
}
