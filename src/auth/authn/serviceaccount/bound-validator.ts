/**
 * Validation of bound (TokenRequest) tokens (SA/claims.go validator.Validate; spec tokens.md 5.3): time with 60 s
 * leeway, then the service account, then the bound secret, pod or node, in upstream's order and wording.
 */
import { numericDateClaim, objectClaim, type PublicClaims, stringClaim } from './claims-decode.ts';
import type { ServiceAccountTokenGetter } from './ports.ts';
import { credentialIdForJti, type ServiceAccountInfo } from './user-info.ts';
import { type ClaimsValidator, ServiceAccountAuthenticationError, type ValidationEffects } from './validator.ts';

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

function decodeRef(obj: Record<string, unknown>, key: string): Ref | undefined {
  const r = objectClaim(obj, key, 'serviceaccount.ref');
  return r ? { name: stringClaim(r, 'name'), uid: stringClaim(r, 'uid') } : undefined;
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

/** Builds the bound-token validator over the cluster lookups and a clock (Unix ms). */
export function newBoundTokenValidator(
  getter: ServiceAccountTokenGetter,
  now: () => number = Date.now,
): ClaimsValidator<BoundPrivateClaims> {
  return {
    decodePrivate(payload) {
      const k = objectClaim(payload, 'kubernetes.io', 'serviceaccount.kubernetes') ?? {};
      return {
        namespace: stringClaim(k, 'namespace'),
        serviceAccount: decodeRef(k, 'serviceaccount') ?? { name: '', uid: '' },
        pod: decodeRef(k, 'pod'),
        secret: decodeRef(k, 'secret'),
        node: decodeRef(k, 'node'),
        warnAfter: numericDateClaim(k, 'warnafter'),
      };
    },

    async validate(_token: string, claims: PublicClaims, priv: BoundPrivateClaims, effects: ValidationEffects) {
      const nowMs = now();
      if (claims.nbf !== undefined && nowMs + LEEWAY_MS < claims.nbf * 1000)
        fail('service account token is not valid yet', effects);
      if (claims.exp !== undefined && nowMs - LEEWAY_MS > claims.exp * 1000)
        fail('service account token has expired', effects);
      if (claims.iat !== undefined && nowMs + LEEWAY_MS < claims.iat * 1000) {
        fail('service account token is issued in the future', effects);
      }

      const cutoff = nowMs - LEEWAY_MS;
      const { namespace, serviceAccount: saRef, pod: podRef, secret: secretRef, node: nodeRef } = priv;
      let sa: Awaited<ReturnType<ServiceAccountTokenGetter['getServiceAccount']>>;
      try {
        sa = await getter.getServiceAccount(namespace, saRef.name);
      } catch (err) {
        return fail((err as Error).message, effects, err);
      }
      if (!sa) return fail(`serviceaccounts "${saRef.name}" not found`, effects);
      const saUID = sa.metadata.uid ?? '';
      if (saUID !== saRef.uid) fail(`service account UID (${saUID}) does not match claim (${saRef.uid})`, effects);
      if (deletedBefore(sa.metadata.deletionTimestamp, cutoff)) {
        fail(`service account ${namespace}/${saRef.name} has been deleted`, effects);
      }

      if (secretRef) {
        const secret = await orUndefined(getter.getSecret(namespace, secretRef.name));
        if (!secret) return fail(INVALIDATED, effects);
        const uid = secret.metadata.uid ?? '';
        if (uid !== secretRef.uid) {
          fail(`secret UID (${uid}) does not match service account secret ref claim (${secretRef.uid})`, effects);
        }
        if (deletedBefore(secret.metadata.deletionTimestamp, cutoff)) fail(INVALIDATED, effects);
      }

      const info: ServiceAccountInfo = { namespace, name: saRef.name, uid: saRef.uid };
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

      if (priv.warnAfter !== undefined && priv.warnAfter !== 0 && nowMs > priv.warnAfter * 1000) {
        const seconds = Math.floor(nowMs / 1000) - priv.warnAfter;
        effects.auditAnnotations['authentication.k8s.io/stale-token'] =
          `subject: ${claims.sub}, seconds after warning threshold: ${seconds}`;
      }
      info.credentialId = credentialIdForJti(claims.jti);
      return info;
    },
  };
}
