/** Content negotiation: what the client accepts (JSON, YAML, Table, PartialObjectMetadata) and what it sent. */
import { parse as parseYaml } from 'yaml';
import { badRequest, notAcceptable, StatusError, unsupportedMediaType } from '../api/status.ts';
import { decodeProtobufObject, isProtobufContentType } from './codecs/protobuf.ts';

/** One media range of an Accept header with its parameters. */
export interface MediaType {
  type: string;
  params: Record<string, string>;
}

/** Parses an Accept header into its media ranges, in order. */
export function parseAccept(accept: string | undefined): MediaType[] {
  if (!accept) return [{ type: '*/*', params: {} }];
  return accept.split(',').map((part) => {
    const [type, ...rest] = part.split(';');
    const params: Record<string, string> = {};
    for (const p of rest) {
      const eq = p.indexOf('=');
      if (eq > 0) params[p.slice(0, eq).trim().toLowerCase()] = p.slice(eq + 1).trim();
    }
    return { type: (type ?? '').trim().toLowerCase(), params };
  });
}

/** What to send for an object or list response. */
export interface OutputChoice {
  format: 'json' | 'yaml';
  /** Convert to a meta.k8s.io Table (`v1` or `v1beta1`). */
  table?: 'v1' | 'v1beta1';
  /** Convert to PartialObjectMetadata(List). */
  partial?: 'v1' | 'v1beta1';
}

/** Chooses the output for a resource response from the Accept header; 406 when nothing acceptable is offered. */
export function chooseOutput(accept: string | undefined): OutputChoice {
  for (const m of parseAccept(accept)) {
    const asKind = m.params['as'];
    if (asKind) {
      if (m.params['g'] !== 'meta.k8s.io' || !['application/json', 'application/yaml'].includes(m.type)) continue;
      const v = m.params['v'] === 'v1beta1' ? 'v1beta1' : m.params['v'] === 'v1' ? 'v1' : undefined;
      if (!v) continue;
      const format = m.type === 'application/yaml' ? 'yaml' : 'json';
      if (asKind === 'Table') return { format, table: v };
      if (asKind === 'PartialObjectMetadata' || asKind === 'PartialObjectMetadataList') return { format, partial: v };
      continue;
    }
    if (m.type === 'application/json' || m.type === 'application/*' || m.type === '*/*' || m.type === 'json')
      return { format: 'json' };
    if (m.type === 'application/yaml') return { format: 'yaml' };
  }
  throw notAcceptable(
    'only the following media types are accepted: application/json, application/yaml, application/vnd.kubernetes.protobuf',
  );
}

const SUPPORTED_BODY_TYPES = ['application/json', 'application/yaml', 'application/vnd.kubernetes.protobuf'];

/** apimachinery's summarizeData: the start of a body for an error message (JSON as text, anything else as hex). */
export function summarizeData(data: Buffer, maxLength = 30): string {
  if (data.length === 0) return '<empty>';
  const head = data.subarray(0, maxLength);
  const text = data[0] === 0x7b ? head.toString('utf8') : head.toString('hex');
  return data.length > maxLength ? `${text} ...` : text;
}

/**
 * Decodes a request body by its Content-Type into a plain object. Malformed input is a 400; with `expectedKind`
 * the message is upstream's `the object provided is unrecognized (must be of type <Kind>): <why> (<start of body>)`.
 */
export function decodeBody(
  body: Buffer,
  contentType: string | undefined,
  expectedKind?: string,
): Record<string, unknown> {
  const type = (contentType ?? 'application/json').split(';')[0]!.trim().toLowerCase();
  const fail = (why: string) =>
    badRequest(
      expectedKind
        ? `the object provided is unrecognized (must be of type ${expectedKind}): ${why} (${summarizeData(body)})`
        : why,
    );
  if (isProtobufContentType(type)) {
    try {
      return decodeProtobufObject(body);
    } catch (err) {
      if (err instanceof StatusError) throw err;
      throw fail((err as Error).message);
    }
  }
  let value: unknown;
  if (type === 'application/json' || type === '' || type === '*/*') {
    try {
      value = JSON.parse(body.toString('utf8'));
    } catch (err) {
      throw fail(`couldn't get version/kind; json parse error: ${jsonSyntaxError(err)}`);
    }
  } else if (type === 'application/yaml' || type === 'application/x-yaml' || type === 'text/yaml') {
    try {
      value = parseYaml(body.toString('utf8'), { uniqueKeys: false, maxAliasCount: 100 });
    } catch (err) {
      throw fail(`error converting YAML to JSON: ${(err as Error).message.split('\n')[0]}`);
    }
  } else {
    throw unsupportedMediaType(
      `the body of the request was in an unknown format - accepted media types include: ${SUPPORTED_BODY_TYPES.join(', ')}`,
    );
  }
  if (value === null || typeof value !== 'object' || Array.isArray(value))
    throw fail(
      'couldn\'t get version/kind; json parse error: json: cannot unmarshal non-object into Go value of type struct { APIVersion string "json:\\"apiVersion,omitempty\\""; Kind string "json:\\"kind,omitempty\\"" }',
    );
  return value as Record<string, unknown>;
}

/**
 * A JSON syntax error in Go's words, without the excerpt of the input V8 puts in its messages: the body may hold a
 * secret, and error bodies end up in logs.
 */
export function jsonSyntaxError(err: unknown): string {
  const msg = err instanceof Error ? err.message : '';
  if (/Unexpected end of JSON input|Unterminated string/i.test(msg)) return 'unexpected end of JSON input';
  const token = /^Unexpected token '(.)'/.exec(msg) ?? /^Unexpected token (.) in JSON/.exec(msg);
  const position = /position (\d+)/.exec(msg);
  const where = position ? ` at offset ${position[1]}` : '';
  return token ? `invalid character '${token[1]}'${where}` : `invalid JSON${where}`;
}
