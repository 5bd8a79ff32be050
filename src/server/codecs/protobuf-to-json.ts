/**
 * Turns a message decoded by protobufjs (with the schema of protobuf-schema.ts) into the object Kubernetes
 * would have received had the client sent JSON. The differences it smooths over are gogo-protobuf's:
 * every non-pointer field is on the wire even when empty, times are {seconds, nanos}, bytes are raw.
 */
import protobuf from 'protobufjs';
import { ProtobufDecodeError } from './protobuf-error.ts';

/** A decoded protobufjs message: own properties are the fields that were on the wire. */
type Decoded = Record<string, unknown>;

/** Go's zero time.Time (0001-01-01T00:00:00Z) as Unix seconds: metav1.Time marshals it as JSON null. */
const GO_ZERO_TIME_SECONDS = -62135596800;
/** 9999-12-31T23:59:59Z: metav1.Time (RFC 3339) cannot marshal later years, nor negative ones. */
const MAX_RFC3339_SECONDS = 253402300799;
const MIN_RFC3339_SECONDS = -62167219200;
/** Go's encoding/json scanner refuses deeper nesting; deeper trees would also overflow JSON.stringify later. */
const MAX_JSON_DEPTH = 10000;

/**
 * Converts one decoded message of type `type` into its JSON form.
 * Returns undefined when JSON would carry null/nothing for it (an empty Time, an empty FieldsV1), so the
 * caller drops the field. Throws ProtobufDecodeError for values JSON cannot represent.
 */
export function messageToJson(type: protobuf.Type, message: Decoded): unknown {
  switch (type.name) {
    case 'Time':
      return timeToJson(message);
    case 'FieldsV1':
      return fieldsV1ToJson(message);
    case 'ExtraValue':
      return Array.isArray(message.items) ? [...(message.items as string[])] : [];
    case 'Quantity':
      return typeof message.string === 'string' && message.string !== '' ? message.string : undefined;
  }
  const out: Record<string, unknown> = {};
  for (const field of type.fieldsArray) {
    const value = fieldToJson(field, message);
    if (value === undefined) continue;
    if (field.options?.['(inline)'] === true && isPlainObject(value)) {
      for (const key of Object.keys(value)) setKey(out, key, value[key]);
    } else {
      setKey(out, field.name, value);
    }
  }
  return out;
}

/** The JSON value of one field, or undefined when JSON would omit it. */
function fieldToJson(field: protobuf.FieldBase, message: Decoded): unknown {
  const raw = message[field.name];
  if (field instanceof protobuf.MapField) return mapToJson(field, raw);
  if (field.repeated) {
    if (!Array.isArray(raw) || raw.length === 0) return undefined;
    // Repeated strings keep their "" elements: apiGroups [""] is the core group, not nothing.
    return raw.map((item) => {
      const value = valueToJson(field, item);
      return value === undefined ? null : value;
    });
  }
  if (!Object.hasOwn(message, field.name)) return undefined;
  const value = valueToJson(field, raw);
  if (value === '' && field.options?.['(keepempty)'] !== true) return undefined;
  if ((value === 0 || value === false) && field.options?.['(omitzero)'] === true) return undefined;
  return value;
}

/** A map field as a JSON object; map values keep "" (a label may be empty). Empty maps are omitted. */
function mapToJson(field: protobuf.MapField, raw: unknown): unknown {
  if (!isPlainObject(raw)) return undefined;
  const keys = Object.keys(raw);
  if (keys.length === 0) return undefined;
  const out: Record<string, unknown> = {};
  for (const key of keys) {
    const value = valueToJson(field, raw[key]);
    setKey(out, key, value === undefined ? null : value);
  }
  return out;
}

/** One scalar or message value of `field` (a map's value, a list's element or a singular field). */
function valueToJson(field: protobuf.FieldBase, value: unknown): unknown {
  const resolved = field.resolvedType;
  if (resolved instanceof protobuf.Type) return messageToJson(resolved, (value ?? {}) as Decoded);
  if (value instanceof Uint8Array)
    return Buffer.from(value.buffer, value.byteOffset, value.byteLength).toString('base64');
  if (isLong(value)) return value.toNumber();
  return value;
}

/** metav1.Time: RFC 3339 at second precision in UTC; upstream's proto unmarshal ignores nanos too. */
function timeToJson(message: Decoded): string | undefined {
  if (!Object.hasOwn(message, 'seconds')) return undefined;
  const raw = message.seconds;
  const seconds = isLong(raw) ? raw.toNumber() : typeof raw === 'number' ? raw : 0;
  if (seconds === GO_ZERO_TIME_SECONDS) return undefined;
  if (seconds < MIN_RFC3339_SECONDS || seconds > MAX_RFC3339_SECONDS) {
    throw new ProtobufDecodeError('Time.MarshalJSON: year outside of range [0,9999]');
  }
  return `${new Date(seconds * 1000).toISOString().slice(0, 19)}Z`;
}

/** metav1.FieldsV1 carries its JSON verbatim in `raw`; JSON clients send that JSON inline. */
function fieldsV1ToJson(message: Decoded): unknown {
  const raw = message.raw;
  if (!(raw instanceof Uint8Array) || raw.length === 0) return undefined;
  const text = Buffer.from(raw.buffer, raw.byteOffset, raw.byteLength).toString('utf8');
  if (jsonDepthExceeds(text, MAX_JSON_DEPTH)) {
    throw new ProtobufDecodeError(`metadata.managedFields: fieldsV1 exceeded max depth of ${MAX_JSON_DEPTH}`);
  }
  try {
    return JSON.parse(text);
  } catch {
    // The parser's message quotes the input; keep object content out of error text.
    throw new ProtobufDecodeError('metadata.managedFields: fieldsV1 is not valid JSON');
  }
}

/** True when `text` opens more than `limit` arrays/objects at once; strings are skipped. Linear. */
function jsonDepthExceeds(text: string, limit: number): boolean {
  let depth = 0;
  let inString = false;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (inString) {
      if (c === 0x5c) i++;
      else if (c === 0x22) inString = false;
    } else if (c === 0x22) {
      inString = true;
    } else if (c === 0x7b || c === 0x5b) {
      if (++depth > limit) return true;
    } else if (c === 0x7d || c === 0x5d) {
      depth--;
    }
  }
  return false;
}

/** Assigns like JSON.parse does: a "__proto__" key becomes an own property, never the prototype. */
function setKey(target: Record<string, unknown>, key: string, value: unknown): void {
  if (key === '__proto__') {
    Object.defineProperty(target, key, { value, enumerable: true, writable: true, configurable: true });
  } else {
    target[key] = value;
  }
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value) && !(value instanceof Uint8Array);
}

function isLong(value: unknown): value is { toNumber(): number } {
  return (
    typeof value === 'object' && value !== null && typeof (value as { toNumber?: unknown }).toNumber === 'function'
  );
}
