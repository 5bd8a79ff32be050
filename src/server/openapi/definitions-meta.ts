/** Component schemas of meta.k8s.io/v1 types shared by every kind (ObjectMeta, ListMeta, selectors, Status...). */
import type {
  DeleteOptions,
  LabelSelector,
  LabelSelectorRequirement,
  ListMeta,
  ManagedFieldsEntry,
  ObjectMeta,
  OwnerReference,
} from '../../api/meta.ts';
import type { Status } from '../../api/status.ts';
import {
  bool,
  enumOf,
  int32,
  int64,
  listOf,
  META,
  object,
  ref,
  type Schema,
  str,
  stringMap,
  strings,
  time,
} from './schema.ts';

/** The description of `apiVersion` on every object. */
export const API_VERSION_FIELD =
  'The versioned schema this object is written in, such as v1 or rbac.authorization.k8s.io/v1. The server converts objects it receives to the latest internal value and may reject unknown values.';
/** The description of `kind` on every object. */
export const KIND_FIELD =
  'The REST resource type this object represents, written in CamelCase (for example Pod). Clients send it; the server infers it from the endpoint when missing. It cannot be updated.';
/** The description of `metadata` on top-level objects. */
export const METADATA_FIELD =
  "The object's standard metadata: name, namespace, labels, annotations and the fields the server maintains.";
/** The description of `metadata` on lists. */
export const LIST_METADATA_FIELD =
  "The list's standard metadata: the resourceVersion it was read at and a continue token for paging.";

/** Fields every top-level object has; `metadata` is ObjectMeta. */
export function typeMeta(): Record<'apiVersion' | 'kind' | 'metadata', Schema> {
  return {
    apiVersion: str(API_VERSION_FIELD),
    kind: str(KIND_FIELD),
    metadata: ref(`${META}ObjectMeta`, METADATA_FIELD, { required: true }),
  };
}

/** The meta.k8s.io/v1 components. */
export const META_COMPONENTS: Record<string, Schema> = {
  [`${META}Time`]: {
    description:
      'A timestamp serialized as an RFC 3339 string in UTC, with second precision (for example 2024-01-02T15:04:05Z).',
    type: 'string',
    format: 'date-time',
  },
  [`${META}MicroTime`]: {
    description: 'A timestamp serialized as an RFC 3339 string in UTC with microsecond precision.',
    type: 'string',
    format: 'date-time',
  },
  [`${META}FieldsV1`]: {
    description:
      'A set of field paths encoded as a JSON object in the FieldsV1 trie format (keys like `f:data`, `k:{...}`, `v:...`).',
    type: 'object',
  },
  [`${META}Patch`]: {
    description:
      'A patch document whose format is given by the request Content-Type: JSON patch, merge patch, strategic merge patch or an apply configuration.',
    type: 'object',
  },
  [`${META}ObjectMeta`]: object<ObjectMeta>(
    'Metadata every persisted resource carries: identity (name, namespace, uid), organization (labels, annotations, owners) and bookkeeping written by the server.',
    {
      name: str(
        'The name of the object, unique within its namespace (or cluster-wide for cluster-scoped kinds). Required on create unless generateName is set. It cannot be changed.',
      ),
      generateName: str(
        'A prefix the server uses to make a unique name when name is empty: it appends a random suffix. Only used on create.',
      ),
      namespace: str('The namespace the object lives in. Empty for cluster-scoped kinds. It cannot be changed.'),
      uid: str(
        'A unique identifier the server assigns on create; it is never reused, even after the object is deleted. Read-only.',
      ),
      resourceVersion: str(
        'An opaque value that changes whenever the object changes. Clients send it back on updates for optimistic concurrency and use it to start watches. Read-only.',
      ),
      generation: int64('A number the server increments when the desired state (spec) changes. Read-only.'),
      creationTimestamp: time('When the server created the object. Read-only; null when the object was never stored.'),
      deletionTimestamp: time(
        'When the object will be removed, set by the server once deletion was requested and finalizers or a grace period delay it. Read-only.',
      ),
      deletionGracePeriodSeconds: int64(
        'The number of seconds the object was given to terminate gracefully once deletion was requested. Read-only.',
      ),
      labels: stringMap('Key/value pairs used to organize and select objects (label selectors match them).'),
      annotations: stringMap(
        'Key/value pairs holding arbitrary non-identifying data for tools and extensions. They are not used for selection.',
      ),
      ownerReferences: listOf(
        `${META}OwnerReference`,
        'The objects this object depends on. When every owner is deleted, the garbage collector removes this object too.',
      ),
      finalizers: strings(
        'Names of pending cleanup steps. While any remain, a deleted object stays visible with deletionTimestamp set; each controller removes its own entry when done.',
      ),
      managedFields: listOf(
        `${META}ManagedFieldsEntry`,
        'Which manager owns which fields, maintained by the server for server-side apply. Most clients never need to read or write it.',
      ),
      selfLink: str('Deprecated and never set by the server.'),
    },
  ),
  [`${META}ListMeta`]: object<ListMeta>('Metadata of a list response.', {
    resourceVersion: str(
      'The resourceVersion the list was read at; pass it to a watch to get the changes that followed.',
    ),
    continue: str(
      'Set when the list was cut short by a limit: pass it back as the continue parameter to read the next page.',
    ),
    remainingItemCount: int64('An estimate of how many items follow this page, when the server knows it.'),
  }),
  [`${META}OwnerReference`]: object<OwnerReference>(
    'Identifies an owning object. The owner must live in the same namespace as the dependent, or be cluster-scoped.',
    {
      apiVersion: str('The API version of the owner.'),
      kind: str('The kind of the owner.'),
      name: str('The name of the owner.'),
      uid: str('The UID of the owner; a reference to a recreated owner with the same name does not match.'),
      controller: bool('True when the owner is the managing controller. At most one owner may set it.'),
      blockOwnerDeletion: bool('When true, foreground deletion of the owner waits until this dependent is gone.'),
    },
    ['apiVersion', 'kind', 'name', 'uid'],
  ),
  [`${META}ManagedFieldsEntry`]: object<ManagedFieldsEntry>(
    'One manager and the set of fields it owns, as recorded by server-side apply.',
    {
      manager: str('The name of the manager (the fieldManager of its requests).'),
      operation: str('The kind of write that last set these fields: Apply or Update.'),
      apiVersion: str('The API version the field set is expressed in.'),
      time: time('When the manager last changed one of its fields.'),
      fieldsType: str('The format of fieldsV1; the only value is FieldsV1.'),
      fieldsV1: ref(`${META}FieldsV1`, 'The owned fields, in the FieldsV1 format.'),
      subresource: str(
        'The subresource the manager wrote through (for example status), or empty for the main resource.',
      ),
    },
  ),
  [`${META}LabelSelector`]: object<LabelSelector>(
    'Selects objects by their labels. All given conditions must hold; an empty selector matches everything and a null one matches nothing.',
    {
      matchLabels: stringMap('Labels that must be present with exactly these values.'),
      matchExpressions: listOf(`${META}LabelSelectorRequirement`, 'Set-based conditions on labels.'),
    },
  ),
  [`${META}LabelSelectorRequirement`]: object<LabelSelectorRequirement>(
    'One set-based label condition: a key, an operator and, for In and NotIn, a list of values.',
    {
      key: str('The label key the condition is about.'),
      operator: enumOf('How the key relates to the values.', ['DoesNotExist', 'Exists', 'In', 'NotIn']),
      values: strings('The values for In and NotIn; must be empty for Exists and DoesNotExist.'),
    },
    ['key', 'operator'],
  ),
  [`${META}Preconditions`]: object<NonNullable<DeleteOptions['preconditions']>>(
    'Conditions the object must meet for the operation to go ahead.',
    {
      uid: str('The UID the object must have.'),
      resourceVersion: str('The resourceVersion the object must have.'),
    },
  ),
  [`${META}DeleteOptions`]: object<DeleteOptions>('Options of a delete request.', {
    apiVersion: str(API_VERSION_FIELD),
    kind: str(KIND_FIELD),
    gracePeriodSeconds: int64(
      "Seconds the object gets before it is removed; 0 means at once. Defaults to the kind's own default.",
    ),
    preconditions: ref(`${META}Preconditions`, 'Conditions the object must meet to be deleted.'),
    propagationPolicy: enumOf(
      'What happens to dependents: Orphan keeps them, Background deletes them afterwards, Foreground deletes them first.',
      ['Background', 'Foreground', 'Orphan'],
    ),
    dryRun: strings('When set to All, the request is validated and admitted but nothing is stored.'),
    orphanDependents: bool('Deprecated: use propagationPolicy. When true, dependents are orphaned.'),
  } as Record<keyof DeleteOptions | 'orphanDependents', Schema>),
  [`${META}StatusCause`]: object<Record<string, unknown>>(
    'One reason a request failed, often naming the offending field.',
    {
      reason: str('A machine-readable description of the cause.'),
      message: str('A human-readable description of the cause.'),
      field: str('The field path that caused the error, such as spec.containers[0].name.'),
    },
  ),
  [`${META}StatusDetails`]: object<NonNullable<Status['details']>>('Extra data about a failed request.', {
    name: str('The name of the object the error is about.'),
    group: str('The API group of the object.'),
    kind: str('The kind of the object (or the resource name).'),
    uid: str('The UID of the object.'),
    causes: listOf(`${META}StatusCause`, 'The individual causes of the error.'),
    retryAfterSeconds: int32('How long the client should wait before retrying.'),
  }),
  [`${META}Status`]: object<Status>(
    'The result of an operation that does not return an object, and the body of every error.',
    {
      apiVersion: str(API_VERSION_FIELD),
      kind: str(KIND_FIELD),
      metadata: ref(`${META}ListMeta`, LIST_METADATA_FIELD, { required: true }),
      status: str('Success or Failure.'),
      message: str('A human-readable description of the outcome.'),
      reason: str('A machine-readable reason for a failure, such as NotFound or Conflict.'),
      details: ref(`${META}StatusDetails`, 'Extra data about the failure, depending on the reason.'),
      code: int32('The HTTP status code of the response.'),
    },
  ),
};
