/** Server-side printing: objects to meta.k8s.io Table and PartialObjectMetadata, as kubectl get asks for them. */
import type { KubernetesObject, ObjectMeta } from '../../api/meta.ts';
import type { Store } from '../../registry/store.ts';

/** metav1.PartialObjectMetadata of an object. */
export function partialObjectMetadata(
  obj: KubernetesObject,
  version: 'v1' | 'v1beta1',
): {
  kind: 'PartialObjectMetadata';
  apiVersion: string;
  metadata: ObjectMeta;
} {
  return { kind: 'PartialObjectMetadata', apiVersion: `meta.k8s.io/${version}`, metadata: obj.metadata };
}

/** A Table of `items`. `withColumns` false leaves columnDefinitions null (watch events after the first). */
export function toTable(
  store: Store<KubernetesObject>,
  items: KubernetesObject[],
  version: 'v1' | 'v1beta1',
  listMeta: { resourceVersion?: string; continue?: string },
  now: Date,
  withColumns = true,
): Record<string, unknown> {
  return {
    kind: 'Table',
    apiVersion: `meta.k8s.io/${version}`,
    metadata: listMeta,
    columnDefinitions: withColumns ? store.strategy.columns : null,
    rows: items.map((obj) => ({ cells: store.strategy.row(obj, now), object: partialObjectMetadata(obj, version) })),
  };
}
