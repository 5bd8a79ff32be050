/**
 * The tokens controller (kube-controller-manager's, since 1.24): fills manually created
 * `kubernetes.io/service-account-token` Secrets with a never-expiring legacy token, the CA and the namespace, and
 * deletes such secrets when their service account is gone (so their tokens die with it).
 */
import {
  SA_NAME_ANNOTATION,
  SA_UID_ANNOTATION,
  SECRET_TYPE_SA_TOKEN,
  type Secret,
  type ServiceAccount,
} from '../api/core-v1.ts';
import { StatusError } from '../api/status.ts';
import { LEGACY_ISSUER } from '../auth/tokens/claims.ts';
import { createTokenSigner, issueLegacyServiceAccountToken } from '../auth/tokens/issuer.ts';
import type { SigningKey } from '../auth/tokens/keys.ts';
import { startInformer } from '../registry/informer.ts';
import type { Stores } from '../registry/stores.ts';
import type { Controller } from './controller.ts';
import { WorkQueue } from './work-queue.ts';

const b64 = (s: string) => Buffer.from(s, 'utf8').toString('base64');

/** Starts the tokens controller. */
export function tokensController(
  stores: Stores,
  signingKey: SigningKey,
  caPem: string,
  onError: (err: unknown) => void,
): Controller {
  const signer = createTokenSigner(LEGACY_ISSUER, signingKey);
  // Secrets of token type by namespace/name -> service account name, to find them when a service account goes.
  const tokenSecrets = new Map<string, string>();
  const queue = new WorkQueue(
    async (key) => {
      const [ns, name] = key.split('/') as [string, string];
      const secret = await stores.secrets.find(ns, name);
      if (!secret || secret.type !== SECRET_TYPE_SA_TOKEN || secret.metadata.deletionTimestamp) return 'done';
      const saName = secret.metadata.annotations?.[SA_NAME_ANNOTATION];
      if (!saName) return 'done';
      const sa = await stores.serviceAccounts.find(ns, saName);
      const wantUid = secret.metadata.annotations?.[SA_UID_ANNOTATION];
      if (!sa || (wantUid && wantUid !== sa.metadata.uid)) {
        await removeSecret(ns, name, secret);
        return 'done';
      }
      const data = secret.data ?? {};
      if (data['token'] && data['namespace'] && data['ca.crt'] === b64(caPem) && wantUid) return 'done';
      try {
        await stores.secrets.guaranteedUpdate(
          ns,
          name,
          (s) => {
            const annotations = { ...(s.metadata.annotations ?? {}), [SA_UID_ANNOTATION]: sa.metadata.uid! };
            const token =
              s.data?.['token'] ||
              b64(
                issueLegacyServiceAccountToken(
                  signer,
                  { namespace: ns, name: sa.metadata.name!, uid: sa.metadata.uid! },
                  name,
                ),
              );
            return {
              ...s,
              metadata: { ...s.metadata, annotations },
              data: { ...(s.data ?? {}), token, namespace: b64(ns), 'ca.crt': b64(caPem) },
            };
          },
          { trusted: true },
        );
      } catch (err) {
        if (err instanceof StatusError && (err.code === 404 || err.code === 409)) return 'done';
        throw err;
      }
      return 'done';
    },
    (_k, err) => onError(err),
  );

  async function removeSecret(ns: string, name: string, secret: Secret): Promise<void> {
    try {
      await stores.secrets.delete(ns, name, { preconditions: { uid: secret.metadata.uid } });
    } catch (err) {
      if (!(err instanceof StatusError && (err.code === 404 || err.code === 409))) throw err;
    }
  }

  const secretKey = (s: Secret) => `${s.metadata.namespace}/${s.metadata.name}`;
  const track = (s: Secret) => {
    if (s.type !== SECRET_TYPE_SA_TOKEN) return;
    tokenSecrets.set(secretKey(s), s.metadata.annotations?.[SA_NAME_ANNOTATION] ?? '');
    queue.add(secretKey(s));
  };
  const informers = [
    startInformer<Secret>(
      stores.secrets,
      {
        replace(items) {
          tokenSecrets.clear();
          for (const s of items) track(s);
        },
        upsert: track,
        remove: (s) => tokenSecrets.delete(secretKey(s)),
      },
      onError,
    ),
    startInformer<ServiceAccount>(
      stores.serviceAccounts,
      {
        replace: () => {},
        upsert: () => {},
        remove(sa) {
          const prefix = `${sa.metadata.namespace}/`;
          for (const [key, saName] of tokenSecrets)
            if (key.startsWith(prefix) && saName === sa.metadata.name) queue.add(key);
        },
      },
      onError,
    ),
  ];
  return {
    name: 'tokens',
    synced: Promise.all(informers.map((i) => i.synced)).then(() => undefined),
    idle: () => queue.idle(),
    stop: () => {
      for (const i of informers) i.stop();
      queue.stop();
    },
  };
}
