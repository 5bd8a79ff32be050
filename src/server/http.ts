/**
 * The server's own request/response model. Filters and handlers are functions from ApiRequest to ApiResponse, so
 * every one of them can be tested in-process without a socket; https.ts adapts node's HTTP/1.1 and HTTP/2 to it.
 * (Lighter than WHATWG Request/Response, whose construction cost shows on the hot path.)
 */
import type { IncomingHttpHeaders } from 'node:http';
import type { RequestContext } from './context.ts';

/**
 * An incoming request. `body(limit?)` reads the whole body once, enforcing the size limit (413 beyond it; default
 * 3 MiB, smaller for endpoints that expect little, so a large body is refused before it is buffered).
 */
export interface ApiRequest {
  method: string;
  /** The path, percent-decoded segments untouched (as received). */
  path: string;
  query: URLSearchParams;
  /** Lower-case header names, as node gives them. */
  headers: IncomingHttpHeaders;
  body(limit?: number): Promise<Buffer>;
  /** Aborted when the client goes away or the server shuts down. */
  signal: AbortSignal;
  /** Per-request state filled in by filters (request info, user, audit id, warnings). */
  ctx: RequestContext;
  remoteAddress: string;
}

/** A streamed body: chunks are written as they come; the stream ends when the iterator does. */
export type BodyStream = AsyncIterable<string | Buffer>;

/** A response. Exactly one of `body` and `stream` is used. */
export interface ApiResponse {
  status: number;
  headers?: Record<string, string | string[]>;
  body?: string | Buffer;
  stream?: BodyStream;
}

/** A request handler. It never throws for expected failures: StatusError is turned into a response by a filter. */
export type Handler = (req: ApiRequest) => Promise<ApiResponse>;

/** Reads a single header value (the first, if repeated). */
export function header(req: ApiRequest, name: string): string | undefined {
  const v = req.headers[name];
  return Array.isArray(v) ? v[0] : v;
}

/** Reads every value of a header, one per header line. Node joins most repeated headers with ', ' except a few; we
 * keep what node gives as lists (set-cookie style for impersonation headers is handled in https.ts). */
export function headerValues(req: ApiRequest, name: string): string[] {
  const v = req.headers[name];
  if (v === undefined) return [];
  return Array.isArray(v) ? v : [v];
}
