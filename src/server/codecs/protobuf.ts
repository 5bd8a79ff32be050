/**
 * Decoder for `application/vnd.kubernetes.protobuf` request bodies (kubectl >= 1.32 sends them for every
 * typed-client command). The body is the 4-byte magic `k8s\0` followed by a runtime.Unknown envelope whose
 * typeMeta names the kind and whose raw bytes are the object. We only decode: responses stay JSON, which
 * kubectl accepts. Upstream: apimachinery runtime/serializer/protobuf/protobuf.go.
 */
import type protobuf from 'protobufjs';
import { ProtobufDecodeError } from './protobuf-error.ts';
import { lookupMessage, messageForKind } from './protobuf-schema.ts';
import { messageToJson } from './protobuf-to-json.ts';

export { ProtobufDecodeError } from './protobuf-error.ts';

/** The media type of Kubernetes protobuf bodies. */
export const PROTOBUF_CONTENT_TYPE = 'application/vnd.kubernetes.protobuf';

/** runtime.Unknown is prefixed by these bytes; the fourth byte is the encoding style (only 0 exists). */
const MAGIC = Buffer.from([0x6b, 0x38, 0x73, 0x00]);
const unknownMessage = lookupMessage('Unknown');

/** Long user-chosen strings are cut in error messages; they only need to be recognisable. */
const MAX_QUOTED = 128;

/**
 * Group/version/kind to assume when the envelope's typeMeta leaves them empty (upstream copies these
 * defaults from the type the endpoint expects). kubectl always fills typeMeta, so this is rarely used.
 */
export interface ProtobufDecodeDefaults {
  apiVersion?: string;
  kind?: string;
}

/**
 * True when a request's Content-Type header names the Kubernetes protobuf media type (parameters such as
 * `; charset=` are ignored, the comparison is case-insensitive).
 */
export function isProtobufContentType(contentType: string): boolean {
  const semicolon = contentType.indexOf(';');
  const mediaType = (semicolon === -1 ? contentType : contentType.slice(0, semicolon)).trim().toLowerCase();
  return mediaType === PROTOBUF_CONTENT_TYPE;
}

/**
 * Decodes a protobuf request body into the object the client would have sent as JSON: JSON field names,
 * int64 as numbers, map<string,bytes> values as base64, Time as RFC 3339, and gogo-protobuf's always-written
 * empties dropped (`""` strings, generation 0, empty Time). `apiVersion` and `kind` come from the envelope.
 * Decoding is linear in the body size and nesting is bounded by protobufjs' recursion limit.
 *
 * Throws ProtobufDecodeError (a client error, message safe to return) when the body is empty, lacks the
 * magic, is truncated or corrupt, names no kind/version, or names a kind superkube does not decode.
 */
export function decodeProtobufObject(body: Uint8Array, defaults?: ProtobufDecodeDefaults): Record<string, unknown> {
  if (body.length === 0) throw new ProtobufDecodeError('empty data');
  if (body.length < MAGIC.length || !MAGIC.equals(body.subarray(0, MAGIC.length))) {
    throw new ProtobufDecodeError(
      'provided data does not appear to be a protobuf message, expected prefix [107 56 115 0]',
    );
  }
  if (body.length === MAGIC.length) throw new ProtobufDecodeError('empty body');

  const envelope = decodeMessage(unknownMessage, body.subarray(MAGIC.length));
  const typeMeta = (envelope.typeMeta ?? {}) as Record<string, unknown>;
  const apiVersion = stringOr(typeMeta.apiVersion, defaults?.apiVersion);
  const kind = stringOr(typeMeta.kind, defaults?.kind);
  const described = `runtime.TypeMeta{APIVersion:${quote(apiVersion)}, Kind:${quote(kind)}}`;
  if (kind === '') throw new ProtobufDecodeError(`Object 'Kind' is missing in '${described}'`);
  if (apiVersion === '') throw new ProtobufDecodeError(`Object 'apiVersion' is missing in '${described}'`);

  const target = messageForKind(kind);
  if (target === undefined || (target.group !== '*' && target.group !== groupOf(apiVersion))) {
    throw new ProtobufDecodeError(`no kind ${quote(kind)} is registered for version ${quote(apiVersion)}`);
  }
  const raw = Object.hasOwn(envelope, 'raw') && envelope.raw instanceof Uint8Array ? envelope.raw : new Uint8Array();
  const object = messageToJson(target.message, decodeMessage(target.message, raw)) as Record<string, unknown>;
  return { apiVersion, kind, ...object };
}

/** Runs a protobufjs decoder, turning its RangeError/Error into a client-facing ProtobufDecodeError. */
function decodeMessage(type: protobuf.Type, bytes: Uint8Array): Record<string, unknown> {
  try {
    return type.decode(bytes) as unknown as Record<string, unknown>;
  } catch (err) {
    const message = err instanceof Error ? err.message : String(err);
    // protobufjs reports reads past the end as "index out of range"; gogo-protobuf says "unexpected EOF".
    if (/index out of range/.test(message)) throw new ProtobufDecodeError('unexpected EOF');
    throw new ProtobufDecodeError(`proto: ${message}`);
  }
}

/** The envelope's string, else the default: upstream fills only what the sender left empty. */
function stringOr(value: unknown, fallback: string | undefined): string {
  return typeof value === 'string' && value !== '' ? value : (fallback ?? '');
}

/** `rbac.authorization.k8s.io/v1` -> `rbac.authorization.k8s.io`; `v1` (core) -> ''. */
function groupOf(apiVersion: string): string {
  const slash = apiVersion.indexOf('/');
  return slash === -1 ? '' : apiVersion.slice(0, slash);
}

function quote(value: string): string {
  return JSON.stringify(value.length > MAX_QUOTED ? `${value.slice(0, MAX_QUOTED)}...` : value);
}
