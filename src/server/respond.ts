/** Building responses: JSON and YAML bodies, Status errors, Warning headers. */
import { stringify as toYaml } from 'yaml';
import { internalError, type Status, StatusError } from '../api/status.ts';
import type { ApiRequest, ApiResponse } from './http.ts';

/** The output encodings the server writes. */
export type OutputFormat = 'json' | 'yaml';

/** A response carrying `obj` as JSON (or YAML when asked). */
export function objectResponse(status: number, obj: unknown, format: OutputFormat = 'json'): ApiResponse {
  if (format === 'yaml') return { status, headers: { 'content-type': 'application/yaml' }, body: toYaml(obj) };
  return { status, headers: { 'content-type': 'application/json' }, body: JSON.stringify(obj) };
}

/** The Status body of an error; anything that is not a StatusError is an internal error with a generic message. */
export function statusOf(err: unknown): Status {
  if (err instanceof StatusError) return err.status;
  // The original message may hold anything (paths, values); the client gets a generic text, the log the details.
  return internalError('an unexpected error occurred while serving the request').status;
}

/** The response for an error. */
export function errorResponse(err: unknown, format: OutputFormat = 'json'): ApiResponse {
  const status = statusOf(err);
  const out = objectResponse(status.code, status, format);
  out.headers = { ...out.headers, 'x-content-type-options': 'nosniff' };
  const retry = status.details?.retryAfterSeconds;
  if (retry !== undefined) out.headers = { ...out.headers, 'retry-after': String(retry) };
  return out;
}

/** Adds the request's warnings as `Warning: 299 - "<text>"` headers (one header line per warning). */
export function withWarnings(req: ApiRequest, res: ApiResponse): ApiResponse {
  // nosniff on every response, as upstream: stored, user-controlled JSON must never be sniffed into HTML or script.
  const headers: Record<string, string | string[]> = { ...res.headers, 'x-content-type-options': 'nosniff' };
  if (req.ctx.warnings.length > 0) headers['warning'] = req.ctx.warnings.map((w) => `299 - ${JSON.stringify(w)}`);
  // The response object is the handler's own (made for this request); only its headers may be shared.
  res.headers = headers;
  return res;
}
