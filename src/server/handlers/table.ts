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
  const table = tableOf(
    store,
    items.map((obj) => tableRow(store, obj, version, now)),
    version,
    listMeta,
  );
  if (!withColumns) table.columnDefinitions = null;
  return table;
}

/** A meta.k8s.io Table row. */
export interface TableRow {
  cells: unknown[];
  object: ReturnType<typeof partialObjectMetadata>;
}

/** One Table row: the strategy's cells and the object's metadata. */
export function tableRow(
  store: Store<KubernetesObject>,
  obj: KubernetesObject,
  version: 'v1' | 'v1beta1',
  now: Date,
): TableRow {
  return { cells: store.strategy.row(obj, now), object: partialObjectMetadata(obj, version) };
}

/** A Table of rows built already (tableRow, as a list reads them). */
export function tableOf(
  store: Store<KubernetesObject>,
  rows: TableRow[],
  version: 'v1' | 'v1beta1',
  listMeta: { resourceVersion?: string; continue?: string },
): Record<string, unknown> {
  return {
    kind: 'Table',
    apiVersion: `meta.k8s.io/${version}`,
    metadata: listMeta,
    columnDefinitions: store.strategy.columns,
    rows,
  };
}
