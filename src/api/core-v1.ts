/** core/v1 wire types for the kinds superkube serves. Only the fields we use or validate are named; others pass through. */
import type { KubernetesObject, ObjectMeta } from './meta.ts';

/** core/v1 ObjectReference. */
export interface ObjectReference {
  kind?: string;
  namespace?: string;
  name?: string;
  uid?: string;
  apiVersion?: string;
  resourceVersion?: string;
  fieldPath?: string;
}

/** core/v1 Namespace. */
export interface Namespace extends KubernetesObject {
  metadata: ObjectMeta;
  spec?: { finalizers?: string[] };
  status?: { phase?: 'Active' | 'Terminating'; conditions?: unknown[] };
}

/** core/v1 ServiceAccount. */
export interface ServiceAccount extends KubernetesObject {
  metadata: ObjectMeta;
  secrets?: ObjectReference[];
  imagePullSecrets?: { name?: string }[];
  automountServiceAccountToken?: boolean;
}

/** core/v1 Secret. `data` values are base64; `stringData` is write-only and merged into data on write. */
export interface Secret extends KubernetesObject {
  metadata: ObjectMeta;
  type?: string;
  data?: Record<string, string>;
  stringData?: Record<string, string>;
  immutable?: boolean;
}

/** core/v1 ConfigMap. */
export interface ConfigMap extends KubernetesObject {
  metadata: ObjectMeta;
  data?: Record<string, string>;
  binaryData?: Record<string, string>;
  immutable?: boolean;
}

/** core/v1 Container (the fields we validate and print). */
export interface Container {
  name: string;
  image?: string;
  [field: string]: unknown;
}

/** core/v1 Pod. */
export interface Pod extends KubernetesObject {
  metadata: ObjectMeta;
  spec?: {
    containers?: Container[];
    initContainers?: Container[];
    serviceAccountName?: string;
    serviceAccount?: string;
    nodeName?: string;
    [field: string]: unknown;
  };
  status?: {
    phase?: string;
    podIP?: string;
    podIPs?: { ip: string }[];
    hostIP?: string;
    startTime?: string;
    conditions?: { type: string; status: string; lastTransitionTime?: string | null; lastProbeTime?: string | null }[];
    containerStatuses?: {
      name: string;
      ready: boolean;
      restartCount: number;
      image?: string;
      imageID?: string;
      started?: boolean;
      state?: Record<string, unknown>;
    }[];
    nominatedNodeName?: string;
    [field: string]: unknown;
  };
}

/** core/v1 Node. */
export interface Node extends KubernetesObject {
  metadata: ObjectMeta;
  spec?: Record<string, unknown>;
  status?: Record<string, unknown>;
}

/** core/v1 Event (the subset describe reads). */
export interface Event extends KubernetesObject {
  metadata: ObjectMeta;
  involvedObject: ObjectReference;
  reason?: string;
  message?: string;
  source?: { component?: string; host?: string };
  firstTimestamp?: string | null;
  lastTimestamp?: string | null;
  count?: number;
  type?: 'Normal' | 'Warning';
  eventTime?: string | null;
  reportingComponent?: string;
  reportingInstance?: string;
}

/** The secret type of a legacy service-account token secret. */
export const SECRET_TYPE_SA_TOKEN = 'kubernetes.io/service-account-token';
/** Annotation naming the service account of a token secret. */
export const SA_NAME_ANNOTATION = 'kubernetes.io/service-account.name';
/** Annotation holding the service account's UID in a token secret. */
export const SA_UID_ANNOTATION = 'kubernetes.io/service-account.uid';
