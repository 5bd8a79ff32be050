/**
 * What the service-account authenticators read from the cluster, as small ports the lead implements over the store
 * (informer cache first, live read second, like upstream's tokengetter). `undefined` means not found; a rejected
 * promise means the lookup itself failed.
 */
import type { Node, Pod, Secret, ServiceAccount } from '../../../api/core-v1.ts';

/** Reads ServiceAccounts. */
export interface ServiceAccountGetter {
  /** May answer synchronously (a cache hit) or with a promise (a live read); a throw is a failed lookup too. */
  getServiceAccount(namespace: string, name: string): ServiceAccount | undefined | Promise<ServiceAccount | undefined>;
}

/** Reads Secrets. */
export interface SecretGetter {
  getSecret(namespace: string, name: string): Promise<Secret | undefined>;
}

/** Reads Pods. */
export interface PodGetter {
  getPod(namespace: string, name: string): Promise<Pod | undefined>;
}

/** Reads Nodes. */
export interface NodeGetter {
  getNode(name: string): Promise<Node | undefined>;
}

/** Everything the bound-token validator looks up (ServiceAccountTokenGetter). */
export interface ServiceAccountTokenGetter extends ServiceAccountGetter, SecretGetter, PodGetter, NodeGetter {}

/**
 * Records the `kubernetes.io/legacy-token-last-used: <YYYY-MM-DD>` label on a legacy token Secret (upstream sends a
 * JSON merge patch `{"metadata":{"labels":{...}}}` guarded by the secret's uid). Failures are only logged upstream.
 */
export interface LegacyTokenUsageRecorder {
  recordLastUsed(secret: Secret, date: string): Promise<void>;
}
