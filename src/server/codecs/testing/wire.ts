/**
 * A tiny protobuf wire writer for tests. It is deliberately independent of protobufjs and of our schema, so
 * hand-assembled vectors check the field numbers against the spec rather than against themselves.
 */

/** Concatenates wire fragments. */
export function cat(...parts: Uint8Array[]): Buffer {
  return Buffer.concat(parts);
}

/** A base-128 varint; negative numbers are written as 64-bit two's complement, like Go's int64. */
export function varint(value: number | bigint): Buffer {
  let n = BigInt.asUintN(64, BigInt(value));
  const out: number[] = [];
  do {
    let byte = Number(n & 0x7fn);
    n >>= 7n;
    if (n !== 0n) byte |= 0x80;
    out.push(byte);
  } while (n !== 0n);
  return Buffer.from(out);
}

/** Field `field` as a varint (int32, int64, bool). */
export function int(field: number, value: number | bigint | boolean): Buffer {
  return cat(varint(field * 8), varint(typeof value === 'boolean' ? (value ? 1 : 0) : value));
}

/** Field `field` as a length-delimited payload (bytes or an embedded message). */
export function bytes(field: number, payload: Uint8Array): Buffer {
  return cat(varint(field * 8 + 2), varint(payload.length), payload);
}

/** Field `field` as a UTF-8 string (gogo writes "" for every non-pointer string). */
export function str(field: number, value: string): Buffer {
  return bytes(field, Buffer.from(value, 'utf8'));
}

/** Field `field` as an embedded message made of the given fields. */
export function msg(field: number, ...fields: Uint8Array[]): Buffer {
  return bytes(field, cat(...fields));
}

/** One map entry of field `field`: {1 key, 2 value}. */
export function entry(field: number, key: string, value: Uint8Array): Buffer {
  return msg(field, str(1, key), value);
}

/** The `k8s\0` magic plus runtime.Unknown{typeMeta{apiVersion, kind}, raw, contentEncoding:"", contentType:""}. */
export function envelope(apiVersion: string, kind: string, raw: Uint8Array): Buffer {
  return cat(
    Buffer.from([0x6b, 0x38, 0x73, 0x00]),
    msg(1, str(1, apiVersion), str(2, kind)),
    bytes(2, raw),
    str(3, ''),
    str(4, ''),
  );
}

/** An ObjectMeta the way gogo writes a client's fresh object: every string "", generation 0, empty Time. */
export function freshMeta(field: number, name: string, namespace = '', ...extra: Uint8Array[]): Buffer {
  return msg(
    field,
    str(1, name),
    str(2, ''),
    str(3, namespace),
    str(4, ''),
    str(5, ''),
    str(6, ''),
    int(7, 0),
    msg(8),
    ...extra,
  );
}
