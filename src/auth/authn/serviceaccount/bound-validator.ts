/**
 * Validation of bound (TokenRequest) tokens (SA/claims.go validator.Validate; spec tokens.md 5.3): time with 60 s
 * leeway, then the service account, then the bound secret, pod or node, in upstream's order and wording.
 */
import type { ServiceAccount } from '../../../api/core-v1.ts';
import { asNumericDate, asObject, asString, type PublicClaims } from './claims-decode.ts';
import type { ServiceAccountTokenGetter } from './ports.ts';
import { credentialIdForJti, type ServiceAccountInfo } from './user-info.ts';
import {
  type ClaimsValidator,
  isPromiseLike,
  ServiceAccountAuthenticationError,
  type ValidationEffects,
} from './validator.ts';

/** go-jose's DefaultLeeway, also used for deletion timestamps. */
export const LEEWAY_MS = 60_000;

const INVALIDATED = 'service account token has been invalidated';

interface Ref {
  name: string;
  uid: string;
}

/** The `kubernetes.io` private claim. */
export interface BoundPrivateClaims {
  namespace: string;
  serviceAccount: Ref;
  pod?: Ref;
  secret?: Ref;
  node?: Ref;
  warnAfter?: number;
}

function decodeRef(v: unknown): Ref | undefined {
  const r = asObject(v, 'serviceaccount.ref');
  return r ? { name: asString(r.name), uid: asString(r.uid) } : undefined;
}

/** True when the object was deleted more than the leeway ago (terminating objects stay valid for 60 s). */
function deletedBefore(deletionTimestamp: string | undefined, cutoffMs: number): boolean {
  return deletionTimestamp !== undefined && Date.parse(deletionTimestamp) < cutoffMs;
}

/** A lookup whose failure upstream reports as plain invalidation (the cause is only logged). */
async function orUndefined<T>(p: Promise<T | undefined>): Promise<T | undefined> {
  try {
    return await p;
  } catch {
    return undefined;
  }
}

function fail(message: string, effects: ValidationEffects, cause?: unknown): never {
  throw new ServiceAccountAuthenticationError(message, effects, cause === undefined ? undefined : { cause });
}

/** Expiry, not-before and issued-at, each with the leeway. */
function checkTimes(claims: PublicClaims, nowMs: number, effects: ValidationEffects): void {
  if (claims.nbf !== undefined && nowMs + LEEWAY_MS < claims.nbf * 1000) {
    fail('service account token is not valid yet', effects);
  }
  if (claims.exp !== undefined && nowMs - LEEWAY_MS > claims.exp * 1000) {
    fail('service account token has expired', effects);
  }
  if (claims.iat !== undefined && nowMs + LEEWAY_MS < claims.iat * 1000) {
    fail('service account token is issued in the future', effects);
  }
}

/** The token's service account: synchronous when the getter is, a lookup failure becomes the token's failure. */
function lookUpServiceAccount(
  getter: ServiceAccountTokenGetter,
  priv: BoundPrivateClaims,
  effects: ValidationEffects,
): ServiceAccount | undefined | PromiseLike<ServiceAccount | undefined> {
  let found: ReturnType<ServiceAccountTokenGetter['getServiceAccount']>;
  try {
    found = getter.getServiceAccount(priv.namespace, priv.serviceAccount.name);
  } catch (err) {
    return lookupFailed(err, effects);
  }
  return isPromiseLike(found) ? found.then(undefined, (err) => lookupFailed(err, effects)) : found;
}

/** Upstream reports a failed service-account lookup with the lookup's own message. */
function lookupFailed(err: unknown, effects: ValidationEffects): never {
  return fail((err as Error).message, effects, err);
}

/** The service account must exist, carry the claimed UID and not be deleted beyond the leeway. */
function checkServiceAccount(
  sa: ServiceAccount | undefined,
  priv: BoundPrivateClaims,
  cutoff: number,
  effects: ValidationEffects,
): void {
  const { namespace, serviceAccount: saRef } = priv;
  if (!sa) fail(`serviceaccounts "${saRef.name}" not found`, effects);
  const saUID = sa.metadata.uid ?? '';
  if (saUID !== saRef.uid) fail(`service account UID (${saUID}) does not match claim (${saRef.uid})`, effects);
  if (deletedBefore(sa.metadata.deletionTimestamp, cutoff)) {
    fail(`service account ${namespace}/${saRef.name} has been deleted`, effects);
  }
}

/** The bound secret, pod and node checks (live lookups), adding the pod and node to `info`. */
async function checkBoundObjects(
  getter: ServiceAccountTokenGetter,
  priv: BoundPrivateClaims,
  cutoff: number,
  effects: ValidationEffects,
  info: ServiceAccountInfo,
): Promise<void> {
  const { namespace, pod: podRef, secret: secretRef, node: nodeRef } = priv;
  if (secretRef) {
    const secret = await orUndefined(getter.getSecret(namespace, secretRef.name));
    if (!secret) return fail(INVALIDATED, effects);
    const uid = secret.metadata.uid ?? '';
    if (uid !== secretRef.uid) {
      fail(`secret UID (${uid}) does not match service account secret ref claim (${secretRef.uid})`, effects);
    }
    if (deletedBefore(secret.metadata.deletionTimestamp, cutoff)) fail(INVALIDATED, effects);
  }

  if (podRef) {
    const pod = await orUndefined(getter.getPod(namespace, podRef.name));
    if (!pod) return fail(INVALIDATED, effects);
    const uid = pod.metadata.uid ?? '';
    if (uid !== podRef.uid)
      fail(`pod UID (${uid}) does not match service account pod ref claim (${podRef.uid})`, effects);
    if (deletedBefore(pod.metadata.deletionTimestamp, cutoff)) fail(INVALIDATED, effects);
    info.podName = podRef.name;
    info.podUID = podRef.uid;
  }

  if (nodeRef) {
    if (!podRef) {
      // Node-bound: the node must still exist; pod-bound tokens only carry node info and are not looked up.
      const node = await orUndefined(getter.getNode(nodeRef.name));
      if (!node) return fail(INVALIDATED, effects);
      const uid = node.metadata.uid ?? '';
      if (uid !== nodeRef.uid) {
        fail(`node UID (${uid}) does not match service account node ref claim (${nodeRef.uid})`, effects);
      }
      if (deletedBefore(node.metadata.deletionTimestamp, cutoff)) fail(INVALIDATED, effects);
    }
    info.nodeName = nodeRef.name;
    info.nodeUID = nodeRef.uid;
  }
}

/** The stale-token annotation and the credential id, once every check passed. */
function finish(
  info: ServiceAccountInfo,
  claims: PublicClaims,
  priv: BoundPrivateClaims,
  nowMs: number,
  effects: ValidationEffects,
): ServiceAccountInfo {
  if (priv.warnAfter !== undefined && priv.warnAfter !== 0 && nowMs > priv.warnAfter * 1000) {
    const seconds = Math.floor(nowMs / 1000) - priv.warnAfter;
    effects.auditAnnotations['authentication.k8s.io/stale-token'] =
      `subject: ${claims.sub}, seconds after warning threshold: ${seconds}`;
  }
  info.credentialId = credentialIdForJti(claims.jti);
  return info;
}

/** Builds the bound-token validator over the cluster lookups and a clock (Unix ms). */
export function newBoundTokenValidator(
  getter: ServiceAccountTokenGetter,
  now: () => number = Date.now,
): ClaimsValidator<BoundPrivateClaims> {
  /** Everything after the service-account lookup; synchronous unless a bound object must be looked up. */
  const afterLookup = (
    sa: ServiceAccount | undefined,
    claims: PublicClaims,
    priv: BoundPrivateClaims,
    nowMs: number,
    effects: ValidationEffects,
  ): ServiceAccountInfo | Promise<ServiceAccountInfo> => {
    const cutoff = nowMs - LEEWAY_MS;
    checkServiceAccount(sa, priv, cutoff, effects);
    const info: ServiceAccountInfo = {
      namespace: priv.namespace,
      name: priv.serviceAccount.name,
      uid: priv.serviceAccount.uid,
    };
    if (!priv.secret && !priv.pod && !priv.node) return finish(info, claims, priv, nowMs, effects);
    return checkBoundObjects(getter, priv, cutoff, effects, info).then(() =>
      finish(info, claims, priv, nowMs, effects),
    );
  };

  return {
    decodePrivate(payload) {
      // Members read by name, as in decodePublicClaims; the order decides which bad claim is reported.
      const k = asObject(payload['kubernetes.io'], 'serviceaccount.kubernetes') ?? {};
      return {
        namespace: asString(k.namespace),
        serviceAccount: decodeRef(k.serviceaccount) ?? { name: '', uid: '' },
        pod: decodeRef(k.pod),
        secret: decodeRef(k.secret),
        node: decodeRef(k.node),
        warnAfter: asNumericDate(k.warnafter),
      };
    },

    // Synchronous when the service account comes from the getter's cache and nothing else is bound: the usual
    // validation then costs no promise and no microtask turn.
    validate(_token, claims, priv, effects) {
      const nowMs = now();
      checkTimes(claims, nowMs, effects);
      const sa = lookUpServiceAccount(getter, priv, effects);
      if (!isPromiseLike(sa)) return afterLookup(sa, claims, priv, nowMs, effects);
      return Promise.resolve(sa).then((found) => afterLookup(found, claims, priv, nowMs, effects));
    },
  };
}
