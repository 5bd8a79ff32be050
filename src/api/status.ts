/**
 * metav1.Status and StatusError: every API error leaves the server as one of these.
 * The constructors reproduce apimachinery's errors.New* messages byte for byte (k8s.io/apimachinery/pkg/api/errors).
 */
import { goQuote } from './go-quote.ts';

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
  /**
   * The offending value (field.Error.BadValue), printed as ErrorBody does: strings with strconv.Quote, numbers and
   * booleans bare, null as `"null"`, and a {@link GoPrinted} verbatim. Undefined means no value is printed.
   */
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

/** The types whose ErrorBody never prints the value, whatever it is. */
const VALUELESS_TYPES: ReadonlySet<FieldErrorType> = new Set([
  'FieldValueRequired',
  'FieldValueForbidden',
  'FieldValueTooLong',
  'InternalError',
]);

/**
 * A bad value already rendered the way Go prints it: `%#v` of a slice or struct (`[]string{"/healthz"}`,
 * `rbac.RoleRef{APIGroup:"…", Kind:"Role", Name:"b"}`) or a fmt.Stringer's String() (metav1.Time). JS values carry
 * no Go type, so a validator reporting anything but a string, number or boolean says how Go would print it.
 */
export interface GoPrinted {
  readonly goPrinted: string;
}

// A class rather than a plain object so a decoded request body can never pass for a marked value.
class GoPrintedValue implements GoPrinted {
  readonly goPrinted: string;
  constructor(goPrinted: string) {
    this.goPrinted = goPrinted;
  }
}

/** Marks `text` as the Go rendering of a bad value; fieldErrorBody prints it verbatim. */
export function goPrinted(text: string): GoPrinted {
  return new GoPrintedValue(text);
}

/** The bad value as field.Error.ErrorBody prints it. */
function goValue(value: unknown): string {
  // ErrorBody swaps a nil value (or nil pointer) for the string "null", which %q then quotes.
  if (value === null || value === undefined) return goQuote('null');
  if (value instanceof GoPrintedValue) return value.goPrinted;
  if (typeof value === 'string') return goQuote(value);
  if (typeof value === 'number' || typeof value === 'boolean' || typeof value === 'bigint') return String(value);
  // Nobody said how Go prints this one; JSON is at least readable.
  return JSON.stringify(value);
}

/** Whether ErrorBody prints a value; NotSupported always does (a nil one as `"null"`). */
function printsValue(e: FieldError): boolean {
  if (VALUELESS_TYPES.has(e.type)) return false;
  return e.value !== undefined || e.type === 'FieldValueNotSupported';
}

/** field.NotSupported's detail: `supported values: "a", "b"`, each strconv.Quote'd. */
function supportedDetail(e: FieldError): string {
  if (e.type !== 'FieldValueNotSupported' || !e.supported?.length) return '';
  return `supported values: ${e.supported.map(goQuote).join(', ')}`;
}

/** field.Error.ErrorBody(): the text after `<field>: `. */
export function fieldErrorBody(e: FieldError): string {
  const head = FIELD_ERROR_TEXT[e.type];
  const withValue = printsValue(e) ? `${head}: ${goValue(e.value)}` : head;
  const detail = [supportedDetail(e), e.detail ?? ''].filter((d) => d !== '').join(': ');
  return detail ? `${withValue}: ${detail}` : withValue;
}

/** `<field>: <body>` as field.Error.Error(). */
export function fieldErrorString(e: FieldError): string {
  return `${e.field}: ${fieldErrorBody(e)}`;
}

/**
 * field.ErrorList.ToAggregate().Error(): identical messages kept once, in first-seen order; one prints bare,
 * several as `[a, b]`; '' for none.
 */
function fieldErrorAggregate(errs: readonly FieldError[]): string {
  const msgs = [...new Set(errs.map(fieldErrorString))];
  if (msgs.length <= 1) return msgs[0] ?? '';
  return `[${msgs.join(', ')}]`;
}

/**
 * 422 Invalid as errors.NewInvalid: `<Kind[.group]> "<name>" is invalid: <errors>` (the name %q-quoted, the
 * `: <errors>` part only when there are errors) with one cause per field error, duplicates included.
 */
export function invalid(kind: string, group: string, name: string, errs: FieldError[]): StatusError {
  const causes = errs.map((e) => ({ reason: e.type, message: fieldErrorBody(e), field: e.field }));
  const qualifiedKind = group ? `${kind}.${group}` : kind;
  const aggregate = fieldErrorAggregate(errs);
  const message = `${qualifiedKind} ${goQuote(name)} is invalid${aggregate ? `: ${aggregate}` : ''}`;
  return failure(422, 'Invalid', message, {
    name,
    ...(group ? { group } : {}),
    kind,
    // Upstream's causes field is omitempty: an empty list is not sent.
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
