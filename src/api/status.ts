/**
 * metav1.Status and StatusError: every API error leaves the server as one of these.
 * The constructors reproduce apimachinery's errors.New* messages byte for byte (k8s.io/apimachinery/pkg/api/errors).
 */

/** A field-level cause, as in Status.details.causes. */
export interface StatusCause {
  reason?: string;
  message?: string;
  field?: string;
}

/** metav1.StatusDetails. */
export interface StatusDetails {
  name?: string;
  group?: string;
  kind?: string;
  uid?: string;
  causes?: StatusCause[];
  retryAfterSeconds?: number;
}

/** metav1.Status. */
export interface Status {
  kind: 'Status';
  apiVersion: 'v1';
  metadata: Record<string, never> | { resourceVersion?: string; continue?: string };
  status: 'Success' | 'Failure';
  message?: string;
  reason?: string;
  details?: StatusDetails;
  code: number;
}

/** Identifies a resource for error messages: `roles.rbac.authorization.k8s.io` or plain `pods`. */
export interface GroupResource {
  group: string;
  resource: string;
}

/** `pods` for the core group, `roles.rbac.authorization.k8s.io` otherwise (schema.GroupResource.String()). */
export function qualifiedResource(gr: GroupResource): string {
  return gr.group ? `${gr.resource}.${gr.group}` : gr.resource;
}

/** An error that carries the Status the client should receive. Throw it anywhere below server/. */
export class StatusError extends Error {
  readonly status: Status;
  constructor(status: Status) {
    super(status.message ?? status.reason ?? 'unknown error');
    this.name = 'StatusError';
    this.status = status;
  }
  get code(): number {
    return this.status.code;
  }
  get reason(): string | undefined {
    return this.status.reason;
  }
}

function failure(code: number, reason: string, message: string, details?: StatusDetails): StatusError {
  // Field order is upstream's JSON order (details before code); clients comparing bodies see the same bytes.
  const status = details
    ? ({ kind: 'Status', apiVersion: 'v1', metadata: {}, status: 'Failure', message, reason, details, code } as Status)
    : ({ kind: 'Status', apiVersion: 'v1', metadata: {}, status: 'Failure', message, reason, code } as Status);
  return new StatusError(status);
}

/** 404 `pods "x" not found`. */
export function notFound(gr: GroupResource, name: string): StatusError {
  return failure(404, 'NotFound', `${qualifiedResource(gr)} "${name}" not found`, {
    name,
    ...(gr.group ? { group: gr.group } : {}),
    kind: gr.resource,
  });
}

/** 409 `namespaces "x" already exists`. */
export function alreadyExists(gr: GroupResource, name: string): StatusError {
  return failure(409, 'AlreadyExists', `${qualifiedResource(gr)} "${name}" already exists`, {
    name,
    ...(gr.group ? { group: gr.group } : {}),
    kind: gr.resource,
  });
}

/** 409 Conflict: `Operation cannot be fulfilled on pods "x": <why>`. */
export function conflict(gr: GroupResource, name: string, why: string): StatusError {
  return failure(409, 'Conflict', `Operation cannot be fulfilled on ${qualifiedResource(gr)} "${name}": ${why}`, {
    name,
    ...(gr.group ? { group: gr.group } : {}),
    kind: gr.resource,
  });
}

/** The optimistic-concurrency message Kubernetes uses for a stale resourceVersion. */
export const OBJECT_MODIFIED =
  'the object has been modified; please apply your changes to the latest version and try again';

/** One field error, as validation returns it (field.Error). */
export interface FieldError {
  /** `Invalid value`, `Required value`, `Forbidden`, `Duplicate value`, `Not found`, `Unsupported value`, `Too long`, `Internal error` */
  type: FieldErrorType;
  field: string;
  /** The offending value, printed in the message the way Go's %#v would for strings and numbers. */
  value?: unknown;
  detail?: string;
  /** For `Unsupported value`: the allowed values. */
  supported?: string[];
}

/** field.ErrorType values; the reason of a StatusCause is the `FieldValue…` name. */
export type FieldErrorType =
  | 'FieldValueInvalid'
  | 'FieldValueRequired'
  | 'FieldValueForbidden'
  | 'FieldValueDuplicate'
  | 'FieldValueNotFound'
  | 'FieldValueNotSupported'
  | 'FieldValueTooLong'
  | 'FieldValueTooMany'
  | 'InternalError'
  | 'FieldValueTypeInvalid';

const FIELD_ERROR_TEXT: Record<FieldErrorType, string> = {
  FieldValueInvalid: 'Invalid value',
  FieldValueRequired: 'Required value',
  FieldValueForbidden: 'Forbidden',
  FieldValueDuplicate: 'Duplicate value',
  FieldValueNotFound: 'Not found',
  FieldValueNotSupported: 'Unsupported value',
  FieldValueTooLong: 'Too long',
  FieldValueTooMany: 'Too many',
  InternalError: 'Internal error',
  FieldValueTypeInvalid: 'Invalid value',
};

function goValue(value: unknown): string {
  if (typeof value === 'string') return JSON.stringify(value);
  if (typeof value === 'number' || typeof value === 'boolean') return String(value);
  if (value === null || value === undefined) return 'null';
  return JSON.stringify(value);
}

/** field.Error.ErrorBody(): the text after `<field>: `. */
export function fieldErrorBody(e: FieldError): string {
  const text = FIELD_ERROR_TEXT[e.type];
  switch (e.type) {
    case 'FieldValueRequired':
    case 'FieldValueForbidden':
    case 'FieldValueTooLong':
    case 'InternalError':
      return e.detail ? `${text}: ${e.detail}` : text;
    case 'FieldValueNotSupported': {
      let s = `${text}: ${goValue(e.value)}`;
      if (e.supported?.length) s += `: supported values: ${e.supported.map((v) => JSON.stringify(v)).join(', ')}`;
      return e.detail ? `${s}: ${e.detail}` : s;
    }
    default: {
      const s = e.value === undefined ? text : `${text}: ${goValue(e.value)}`;
      return e.detail ? `${s}: ${e.detail}` : s;
    }
  }
}

/** `<field>: <body>` as field.Error.Error(). */
export function fieldErrorString(e: FieldError): string {
  return `${e.field}: ${fieldErrorBody(e)}`;
}

/**
 * 422 Invalid: `<Kind> "<name>" is invalid: <errors>` with one cause per field error (errors.NewInvalid).
 * Several errors are joined as `[a, b]`, as utilerrors.NewAggregate prints them; none leaves no `: ` part.
 */
export function invalid(kind: string, group: string, name: string, errs: FieldError[]): StatusError {
  const causes = errs.map((e) => ({ reason: e.type, message: fieldErrorBody(e), field: e.field }));
  // field.ErrorList.ToAggregate keeps identical messages once; the causes keep every error.
  const msgs = [...new Set(errs.map(fieldErrorString))];
  const aggregate = msgs.length === 0 ? '' : `: ${msgs.length === 1 ? msgs[0] : `[${msgs.join(', ')}]`}`;
  const qualifiedKind = group ? `${kind}.${group}` : kind;
  return failure(422, 'Invalid', `${qualifiedKind} ${JSON.stringify(name)} is invalid${aggregate}`, {
    // StatusDetails' name and causes are omitempty.
    ...(name ? { name } : {}),
    ...(group ? { group } : {}),
    kind,
    ...(causes.length > 0 ? { causes } : {}),
  });
}

/** 400 BadRequest with a free-form message. */
export function badRequest(message: string): StatusError {
  return failure(400, 'BadRequest', message);
}

/** 401 with the fixed body Kubernetes sends whatever the reason (the reason goes to logs, never to the client). */
export function unauthorized(): StatusError {
  return failure(401, 'Unauthorized', 'Unauthorized');
}

/** 403 `<what> is forbidden: <why>` (errors.NewForbidden). */
export function forbidden(gr: GroupResource, name: string, why: string): StatusError {
  const what = name ? `${qualifiedResource(gr)} "${name}"` : qualifiedResource(gr);
  return failure(403, 'Forbidden', `${what} is forbidden: ${why}`, {
    ...(name ? { name } : {}),
    ...(gr.group ? { group: gr.group } : {}),
    kind: gr.resource,
  });
}

/** 405 MethodNotAllowed. */
export function methodNotSupported(gr: GroupResource, action: string): StatusError {
  return failure(
    405,
    'MethodNotAllowed',
    `${action} is not supported on resources of kind "${qualifiedResource(gr)}"`,
    {
      ...(gr.group ? { group: gr.group } : {}),
      kind: gr.resource,
    },
  );
}

/** 404 for an unknown path: `the server could not find the requested resource`. */
export function notFoundPath(): StatusError {
  return failure(404, 'NotFound', 'the server could not find the requested resource', {});
}

/** 410 Expired: the requested resourceVersion was compacted away. */
export function gone(message: string): StatusError {
  return failure(410, 'Expired', message);
}

/** 413 RequestEntityTooLarge. */
export function requestEntityTooLarge(message: string): StatusError {
  return failure(413, 'RequestEntityTooLarge', message);
}

/** 415 UnsupportedMediaType. */
export function unsupportedMediaType(message: string): StatusError {
  return failure(415, 'UnsupportedMediaType', message);
}

/** 406 NotAcceptable. */
export function notAcceptable(message: string): StatusError {
  return failure(406, 'NotAcceptable', message);
}

/** 429 TooManyRequests with Retry-After. */
export function tooManyRequests(message: string, retryAfterSeconds: number): StatusError {
  return failure(429, 'TooManyRequests', message, { retryAfterSeconds });
}

/** 500 InternalError: `Internal error occurred: <msg>`. */
export function internalError(message: string): StatusError {
  return failure(500, 'InternalError', `Internal error occurred: ${message}`, { causes: [{ message }] });
}

/** 503 ServiceUnavailable. */
export function serviceUnavailable(message: string): StatusError {
  return failure(503, 'ServiceUnavailable', message);
}

/** 504 Timeout. */
export function timeout(message: string): StatusError {
  return failure(504, 'Timeout', message);
}

/** 409 with a free-form message (e.g. namespace terminating uses Forbidden; apply conflicts use this). */
export function conflictWithCauses(message: string, causes: StatusCause[]): StatusError {
  return failure(409, 'Conflict', message, { causes });
}

/** A generic failure when the caller must choose code and reason itself. */
export function statusFailure(code: number, reason: string, message: string, details?: StatusDetails): StatusError {
  return failure(code, reason, message, details);
}

/** A success Status, e.g. the reply to a delete of a collection. */
export function successStatus(details?: StatusDetails): Omit<Status, 'code'> {
  // Upstream's success Status (e.g. the reply to a delete) carries no code field.
  const s: Omit<Status, 'code'> = { kind: 'Status', apiVersion: 'v1', metadata: {}, status: 'Success' };
  if (details) s.details = details;
  return s;
}
