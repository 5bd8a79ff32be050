/**
 * The HTTP side of the OpenAPI documents, following kube-openapi's handlers: Accept negotiation, quoted ETags with
 * If-None-Match, `Cache-Control: public, immutable` for a v3 URL whose `hash` matches (a 301 to the current URL when
 * it does not), `no-cache, private` otherwise.
 */
import { notFoundPath } from '../../api/status.ts';
import type { ApiRequest, ApiResponse } from '../http.ts';
import { header } from '../http.ts';
import { parseAccept } from '../negotiation.ts';
import { computeEtag, type OpenApi, type SerializedDocument, serverRelativeUrl } from './openapi.ts';

const NO_CACHE = 'no-cache, private';
const PROTOBUF_V2 = [
  'com.github.proto-openapi.spec.v2@v1.0+protobuf',
  'com.github.proto-openapi.spec.v2.v1.0+protobuf',
];

/** The first acceptable of `offers` (subtypes of application/) in the client's order of preference, or undefined. */
function negotiate(req: ApiRequest, offers: readonly string[]): string | undefined {
  const accept = header(req, 'accept') || '*/*';
  for (const m of parseAccept(accept)) {
    const [type, subtype] = m.type.split('/') as [string, string | undefined];
    for (const offer of offers) {
      if ((type === 'application' || type === '*') && (subtype === offer || subtype === '*')) return offer;
    }
  }
  return undefined;
}

function serve(req: ApiRequest, doc: SerializedDocument, headers: Record<string, string>): ApiResponse {
  const etag = JSON.stringify(doc.etag);
  const base = { vary: 'Accept', etag, 'content-type': doc.contentType, ...headers };
  const match = header(req, 'if-none-match');
  if (match?.split(',').some((t) => t.trim() === etag || t.trim() === '*')) return { status: 304, headers: base };
  return { status: 200, headers: base, body: req.method === 'HEAD' ? '' : doc.body };
}

function notAcceptable(): ApiResponse {
  return { status: 406, headers: { vary: 'Accept' }, body: '' };
}

/** Serves /openapi/v2, /openapi/v3 and /openapi/v3/<group-version>; returns undefined for every other path. */
export function openApiHandler(api: OpenApi): (req: ApiRequest) => ApiResponse | undefined {
  return (req) => {
    if (req.path !== '/openapi/v2' && req.path !== '/openapi/v3' && !req.path.startsWith('/openapi/v3/'))
      return undefined;
    if (req.method !== 'GET' && req.method !== 'HEAD') return undefined;
    if (req.path === '/openapi/v2') {
      const got = negotiate(req, ['json', ...PROTOBUF_V2]);
      if (!got) return notAcceptable();
      return serve(req, got === 'json' ? api.v2Json() : api.v2(), { 'cache-control': NO_CACHE });
    }
    if (req.path === '/openapi/v3') {
      const body = Buffer.from(JSON.stringify(api.v3Index()));
      return serve(
        req,
        { contentType: 'application/json', body, etag: computeEtag(body) },
        { 'cache-control': NO_CACHE },
      );
    }
    const gv = req.path.slice('/openapi/v3/'.length).replace(/\/$/, '');
    const doc = api.v3Serialized(gv);
    if (!doc) throw notFoundPath();
    // Only JSON is produced; a client that accepts nothing but protobuf gets 406, as kube-openapi gives for unknown types.
    if (!negotiate(req, ['json'])) return notAcceptable();
    const hash = req.query.get('hash');
    if (hash && hash !== doc.etag) {
      return {
        status: 301,
        headers: {
          location: serverRelativeUrl(gv, doc.etag),
          'cache-control': NO_CACHE,
          'content-type': 'text/html; charset=utf-8',
        },
        body: '',
      };
    }
    if (hash) {
      const expires = new Date(Date.now() + 365 * 24 * 3600 * 1000).toUTCString();
      return serve(req, doc, { 'cache-control': 'public, immutable', expires });
    }
    return serve(req, doc, { 'cache-control': NO_CACHE });
  };
}
