/**
 * Strategy<T>: what differs between resources (defaults, validation, printing, field selectors, graceful delete).
 * Everything else (concurrency, storage, errors) is written once in Store.
 */
import type { KubernetesObject } from '../api/meta.ts';
import type { FieldError } from '../api/status.ts';

/** One column of a Table (metav1.TableColumnDefinition). */
export interface ColumnDefinition {
  name: string;
  type: 'string' | 'integer' | 'number' | 'boolean' | 'date';
  format: string;
  description: string;
  priority: number;
}

/** Per-resource behaviour. Functions may mutate the object they are given (it is the store's private copy). */
export interface Strategy<T extends KubernetesObject = KubernetesObject> {
  /**
   * Decode-time conversion and defaulting (upstream does it while decoding, before field ownership is recorded),
   * e.g. a Secret's stringData merged into data. Changes made later, in prepareForCreate/Update, are not attributed
   * to the writer's field manager, as admission's changes are not upstream.
   */
  normalize?(obj: T): void;
  /** Defaults and normalisation before a create is validated (e.g. Secret type Opaque, status reset). */
  prepareForCreate(obj: T, now: Date): void;
  /** Field errors of a new object (metadata included). Empty means valid. */
  validate(obj: T): FieldError[];
  /** Normalisation before an update is validated: copy what the client may not change from `old`. */
  prepareForUpdate(obj: T, old: T, now: Date): void;
  /** Field errors of an update (immutability rules included). */
  validateUpdate(obj: T, old: T): FieldError[];
  /** Table columns (upstream's printers.go) and the cells of one row. */
  columns: ColumnDefinition[];
  row(obj: T, now: Date): unknown[];
  /** The fields a field selector may name, with their values; metadata.name and metadata.namespace are added. */
  selectableFields?(obj: T): Record<string, string>;
  /**
   * Graceful deletion: return the object to store instead of deleting it (e.g. with deletionTimestamp set), or
   * undefined to delete it now. Called only when the object has no deletionTimestamp yet.
   */
  beginDelete?(obj: T, now: Date): T | undefined;
  /**
   * True while a marked object must stay (beyond metadata.finalizers): e.g. a namespace until its controller has
   * emptied it. A client's delete of such an object returns it unchanged; controllers finish with Store.remove.
   */
  holdsDeletion?(obj: T): boolean;
}

/** The Name column every resource's table starts with. */
export const NAME_COLUMN: ColumnDefinition = {
  name: 'Name',
  type: 'string',
  format: 'name',
  description:
    'Name must be unique within a namespace. Is required when creating resources, although some resources may allow a client to request the generation of an appropriate name automatically. Name is primarily intended for creation idempotence and configuration definition. Cannot be updated. More info: https://kubernetes.io/docs/concepts/overview/working-with-objects/names#names',
  priority: 0,
};

/** The Age column (metadata.creationTimestamp). */
export const AGE_COLUMN: ColumnDefinition = {
  name: 'Age',
  type: 'string',
  format: '',
  description:
    'CreationTimestamp is a timestamp representing the server time when this object was created. It is not guaranteed to be set in happens-before order across separate operations. Clients may not set this value. It is represented in RFC3339 form and is in UTC.\n\nPopulated by the system. Read-only. Null for lists. More info: https://git.k8s.io/community/contributors/devel/sig-architecture/api-conventions.md#metadata',
  priority: 0,
};
