/** coordination.k8s.io/v1 Lease: what leader election writes. */
import type { KubernetesObject, ObjectMeta } from './meta.ts';

/** coordinationv1.Lease. Times are RFC 3339 with microseconds (metav1.MicroTime). */
export interface Lease extends KubernetesObject {
  metadata: ObjectMeta;
  spec?: {
    holderIdentity?: string;
    leaseDurationSeconds?: number;
    acquireTime?: string;
    renewTime?: string;
    leaseTransitions?: number;
  };
}
