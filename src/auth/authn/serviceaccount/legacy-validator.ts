/**
 * Validation of legacy secret-based tokens (SA/legacy.go legacyValidator; spec tokens.md 5.4). No time checks:
 * these tokens live as long as their Secret. Note the capitalised error texts, which differ from the bound ones.
 */
import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import type { Secret } from '../../../api/core-v1.ts';
import { stringClaim } from './claims-decode.ts';
import type { LegacyTokenUsageRecorder, SecretGetter, ServiceAccountGetter } from './ports.ts';
import { splitUsername } from './user-info.ts';
import { type ClaimsValidator, ServiceAccountAuthenticationError, type ValidationEffects } from './validator.ts';

/** Label the cleaner sets to invalidate an auto-generated token. */
export const INVALID_SINCE_LABEL = 'kubernetes.io/legacy-token-invalid-since';
/** Label recording the last day a legacy token was used. */
export const LAST_USED_LABEL = 'kubernetes.io/legacy-token-last-used';

/** The legacy private claims (no omitempty upstream, so all four are always written). */
export interface LegacyPrivateClaims {
  serviceAccountName: string;
  serviceAccountUID: string;
  secretName: string;
  namespace: string;
}

/** Options of the legacy validator. `lookup` is --service-account-lookup (default true). */
export interface LegacyValidatorOptions {
  lookup?: boolean;
  getter: ServiceAccountGetter & SecretGetter;
  usageRecorder?: LegacyTokenUsageRecorder;
  now?: () => number;
}

// Comparing HMACs under a per-process key makes the comparison constant-time whatever the lengths.
const COMPARE_KEY = randomBytes(32);

function sameToken(stored: Buffer, presented: string): boolean {
  const a = createHmac('sha256', COMPARE_KEY).update(stored).digest();
  const b = createHmac('sha256', COMPARE_KEY).update(presented, 'utf8').digest();
  return timingSafeEqual(a, b);
}

function utcDate(ms: number): string {
  return new Date(ms).toISOString().slice(0, 10);
}

function fail(message: string, effects: ValidationEffects, cause?: unknown): never {
  throw new ServiceAccountAuthenticationError(message, effects, cause === undefined ? undefined : { cause });
}

/** Builds the legacy-token validator. */
export function newLegacyTokenValidator(options: LegacyValidatorOptions): ClaimsValidator<LegacyPrivateClaims> {
  const { getter, usageRecorder } = options;
  const lookup = options.lookup ?? true;
  const now = options.now ?? Date.now;

  const recordLastUsed = (secret: Secret): void => {
    if (!usageRecorder) return;
    const nowMs = now();
    const today = utcDate(nowMs);
    const tomorrow = utcDate(nowMs + 86_400_000);
    const lastUsed = secret.metadata.labels?.[LAST_USED_LABEL] ?? '';
    if (lastUsed === today || lastUsed === tomorrow) return;
    // Upstream only logs patch failures; authentication must not wait for or fail on the write.
    usageRecorder.recordLastUsed(secret, today).catch(() => undefined);
  };

  return {
    decodePrivate(payload) {
      return {
        serviceAccountName: stringClaim(payload, 'kubernetes.io/serviceaccount/service-account.name'),
        serviceAccountUID: stringClaim(payload, 'kubernetes.io/serviceaccount/service-account.uid'),
        secretName: stringClaim(payload, 'kubernetes.io/serviceaccount/secret.name'),
        namespace: stringClaim(payload, 'kubernetes.io/serviceaccount/namespace'),
      };
    },

    async validate(token, claims, priv, effects) {
      if (!claims.sub) fail('sub claim is missing', effects);
      const { namespace, secretName, serviceAccountName, serviceAccountUID } = priv;
      if (!namespace) fail('namespace claim is missing', effects);
      if (!secretName) fail('secretName claim is missing', effects);
      if (!serviceAccountName) fail('serviceAccountName claim is missing', effects);
      if (!serviceAccountUID) fail('serviceAccountUID claim is missing', effects);
      let subject: { namespace: string; name: string } | undefined;
      try {
        subject = splitUsername(claims.sub);
      } catch {
        subject = undefined;
      }
      if (!subject || subject.namespace !== namespace || subject.name !== serviceAccountName) {
        fail('sub claim is invalid', effects);
      }
      const info = { namespace, name: serviceAccountName, uid: serviceAccountUID };
      if (!lookup) return info;

      let secret: Secret | undefined;
      try {
        secret = await getter.getSecret(namespace, secretName);
      } catch {
        secret = undefined;
      }
      if (!secret || secret.metadata.deletionTimestamp) return fail('Token has been invalidated', effects);
      const stored = Buffer.from(secret.data?.token ?? '', 'base64');
      if (!sameToken(stored, token)) fail("Token does not match server's copy", effects);

      let sa: Awaited<ReturnType<ServiceAccountGetter['getServiceAccount']>>;
      try {
        sa = await getter.getServiceAccount(namespace, serviceAccountName);
      } catch (err) {
        return fail((err as Error).message, effects, err);
      }
      if (!sa) return fail(`serviceaccounts "${serviceAccountName}" not found`, effects);
      if (sa.metadata.deletionTimestamp)
        fail(`ServiceAccount ${namespace}/${serviceAccountName} has been deleted`, effects);
      const saUID = sa.metadata.uid ?? '';
      if (saUID !== serviceAccountUID) {
        fail(`ServiceAccount UID (${saUID}) does not match claim (${serviceAccountUID})`, effects);
      }

      const secretMetaName = secret.metadata.name ?? secretName;
      const secretMetaNamespace = secret.metadata.namespace ?? namespace;
      if (secret.metadata.labels?.[INVALID_SINCE_LABEL]) {
        effects.auditAnnotations['authentication.k8s.io/legacy-token-invalidated'] =
          `${secretMetaName}/${secretMetaNamespace}`;
        recordLastUsed(secret);
        fail(
          `the token in secret ${namespace}/${secretName} for service account ${namespace}/${serviceAccountName} has been marked invalid. Use tokens from the TokenRequest API or manually created secret-based tokens, or remove the '${INVALID_SINCE_LABEL}' label from the secret to temporarily allow use of this token`,
          effects,
        );
      }
      if ((sa.secrets ?? []).some((ref) => ref.name === secretMetaName)) {
        effects.warnings.push(
          'Use tokens from the TokenRequest API or manually created secret-based tokens instead of auto-generated secret-based tokens.',
        );
        effects.auditAnnotations['authentication.k8s.io/legacy-token-autogenerated-secret'] = secretMetaName;
      } else {
        effects.auditAnnotations['authentication.k8s.io/legacy-token-manual-secret'] = secretMetaName;
      }
      recordLastUsed(secret);
      return info;
    },
  };
}
