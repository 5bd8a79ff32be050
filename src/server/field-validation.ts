/**
 * Server-side field validation (?fieldValidation=Strict|Warn|Ignore): unknown and duplicate fields of a request
 * body, reported in the order they appear, with upstream's texts (`unknown field "spec.foo"`, `duplicate field
 * "metadata.name"`). JSON.parse keeps the last of duplicate keys silently, so bodies are walked here.
 */

import { isMap, isScalar, isSeq, parseDocument, type Node as YamlNode } from 'yaml';
import { badRequest, StatusError } from '../api/status.ts';
import { goQuote } from '../util/go-format.ts';
import type { ServedResource } from './api-resources.ts';
import type { ApiRequest } from './http.ts';

/** What the walker needs to know of a schema: the named fields, free-form maps, list items. */
export interface FieldSchema {
  /** Known fields of an object; undefined with no additionalProperties means "anything goes". */
  properties?: Record<string, FieldSchema>;
  /** Schema of map values (true: any value). */
  additionalProperties?: FieldSchema | boolean;
  items?: FieldSchema;
}

/** The validation directive of a request. */
export type FieldValidation = 'Strict' | 'Warn' | 'Ignore';

/** Reads ?fieldValidation (default Warn, as upstream); anything else is a 400. */
export function fieldValidationOf(query: URLSearchParams): FieldValidation {
  const v = query.get('fieldValidation');
  if (v === null || v === '') return 'Warn';
  if (v === 'Strict' || v === 'Warn' || v === 'Ignore') return v;
  throw badRequest(`fieldValidation: Unsupported value: ${goQuote(v)}: supported values: "Ignore", "Strict", "Warn"`);
}

type Report = (problem: string) => void;

function memberPath(base: string, key: string): string {
  return base ? `${base}.${key}` : key;
}

function childSchema(
  schema: FieldSchema | undefined,
  key: string,
): { known: boolean; schema: FieldSchema | undefined } {
  // Patch directives ($patch, $setElementOrder/..., $retainKeys, $deleteFromPrimitiveList/...) are not fields.
  if (!schema || key.startsWith('$')) return { known: true, schema: undefined };
  if (schema.properties && Object.hasOwn(schema.properties, key))
    return { known: true, schema: schema.properties[key] };
  if (schema.additionalProperties !== undefined && schema.additionalProperties !== false)
    return { known: true, schema: schema.additionalProperties === true ? undefined : schema.additionalProperties };
  if (!schema.properties) return { known: true, schema: undefined };
  return { known: false, schema: undefined };
}

/** Walks a JSON text: every member in textual order. Throws nothing for valid JSON (the caller parsed it already). */
function walkJson(text: string, root: FieldSchema | undefined, report: Report): void {
  let i = 0;
  const ws = () => {
    while (i < text.length && (text[i] === ' ' || text[i] === '\n' || text[i] === '\r' || text[i] === '\t')) i++;
  };
  const str = (): string => {
    const start = i;
    i++;
    while (i < text.length && text[i] !== '"') i += text[i] === '\\' ? 2 : 1;
    i++;
    return JSON.parse(text.slice(start, i)) as string;
  };
  const value = (path: string, schema: FieldSchema | undefined, depth: number): void => {
    if (depth > 1000) throw badRequest('the request body is nested too deeply');
    ws();
    const c = text[i];
    if (c === '{') {
      i++;
      const seen = new Set<string>();
      ws();
      if (text[i] === '}') {
        i++;
        return;
      }
      for (;;) {
        ws();
        const key = str();
        ws();
        i++; // ':'
        const p = memberPath(path, key);
        const child = childSchema(schema, key);
        if (seen.has(key)) report(`duplicate field "${p}"`);
        else if (!child.known) report(`unknown field "${p}"`);
        seen.add(key);
        value(p, child.known ? child.schema : undefined, depth + 1);
        ws();
        if (text[i] === ',') {
          i++;
          continue;
        }
        i++; // '}'
        return;
      }
    }
    if (c === '[') {
      i++;
      ws();
      if (text[i] === ']') {
        i++;
        return;
      }
      for (let n = 0; ; n++) {
        value(`${path}[${n}]`, schema?.items, depth + 1);
        ws();
        if (text[i] === ',') {
          i++;
          continue;
        }
        i++;
        return;
      }
    }
    if (c === '"') {
      str();
      return;
    }
    while (i < text.length && !',}] \n\r\t'.includes(text[i]!)) i++;
  };
  value('', root, 0);
}

function walkYaml(
  node: YamlNode | null | undefined,
  path: string,
  schema: FieldSchema | undefined,
  report: Report,
): void {
  if (isMap(node)) {
    const seen = new Set<string>();
    for (const pair of node.items) {
      const key = isScalar(pair.key) ? String(pair.key.value) : String(pair.key);
      const p = memberPath(path, key);
      const child = childSchema(schema, key);
      if (seen.has(key)) report(`duplicate field "${p}"`);
      else if (!child.known) report(`unknown field "${p}"`);
      seen.add(key);
      walkYaml(pair.value as YamlNode, p, child.known ? child.schema : undefined, report);
    }
  } else if (isSeq(node)) {
    for (const [n, item] of node.items.entries()) walkYaml(item as YamlNode, `${path}[${n}]`, schema?.items, report);
  }
}

/** The unknown and duplicate fields of a body, in textual order (`apiVersion`, `kind` and `status` are always known). */
export function fieldProblems(body: Buffer, contentType: string, schema: FieldSchema | undefined): string[] {
  const problems: string[] = [];
  const report = (p: string) => problems.push(p);
  try {
    if (contentType === 'application/yaml' || contentType === 'application/apply-patch+yaml') {
      const doc = parseDocument(body.toString('utf8'), { uniqueKeys: false });
      walkYaml(doc.contents as YamlNode, '', schema, report);
    } else {
      walkJson(body.toString('utf8'), schema, report);
    }
  } catch (err) {
    if (err instanceof StatusError) throw err;
    // Only well-formed bodies reach here; anything else is refused without echoing it.
    throw badRequest('the request body is not valid JSON or YAML');
  }
  return problems;
}

/**
 * Applies the directive: Strict refuses with upstream's 400 text, Warn returns the problems as warnings, Ignore
 * returns nothing.
 */
export function enforceFieldValidation(
  directive: FieldValidation,
  problems: string[],
  kind: string,
  version: string,
): string[] {
  if (problems.length === 0 || directive === 'Ignore') return [];
  if (directive === 'Warn') return problems;
  throw badRequest(
    `${kind} in version "${version}" cannot be handled as a ${kind}: strict decoding error: ${problems.join(', ')}`,
  );
}

/**
 * Drops the fields `schema` does not know, as decoding into Kubernetes' typed structs does (Warn and Ignore store
 * the object without them). Returns `obj`, changed in place.
 */
export function pruneUnknownFields<T>(obj: T, schema: FieldSchema | undefined): T {
  const prune = (value: unknown, s: FieldSchema | undefined): void => {
    if (!s || value === null || typeof value !== 'object') return;
    if (Array.isArray(value)) {
      for (const item of value) prune(item, s.items);
      return;
    }
    const rec = value as Record<string, unknown>;
    for (const key of Object.keys(rec)) {
      const child = childSchema(s, key);
      if (!child.known || key.startsWith('$')) delete rec[key];
      else prune(rec[key], child.schema);
    }
  };
  prune(obj, schema);
  return obj;
}

/** Enforces ?fieldValidation on a JSON or YAML body (protobuf decoding drops unknown fields, as upstream). */
export function checkFields(req: ApiRequest, served: ServedResource, raw: Buffer, contentType: string): void {
  const directive = fieldValidationOf(req.query);
  if (directive === 'Ignore' || contentType.includes('protobuf') || contentType === 'application/json-patch+json')
    return;
  const problems = fieldProblems(raw, contentType, served.schema);
  req.ctx.warnings.push(...enforceFieldValidation(directive, problems, served.def.kind, served.def.version));
}
