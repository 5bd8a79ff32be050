/**
 * Request attributes from a URL (k8s.io/apiserver/pkg/endpoints/request/requestinfo.go, APIPrefixes {api, apis},
 * groupless prefix api): what the authorizer, audit and handlers know about a request before routing.
 */
import { parseFieldSelector, parseLabelSelector, requiresExactMatch } from '../validation/selectors.ts';

/** What a request is about. Non-resource requests carry only `path` and the lowercased method as `verb`. */
export interface RequestInfo {
  isResourceRequest: boolean;
  /** The URL path, percent-decoded (Go's URL.Path). */
  path: string;
  verb: string;
  apiPrefix: string;
  apiGroup: string;
  apiVersion: string;
  namespace: string;
  resource: string;
  subresource: string;
  name: string;
  /** The path segments from the resource on (`[resource, name, subresource, ...]`). */
  parts: string[];
  /** First raw `fieldSelector` value, for list, watch and deletecollection only. */
  fieldSelector: string;
  /** First raw `labelSelector` value, for list, watch and deletecollection only. */
  labelSelector: string;
}

const SPECIAL_VERBS = new Set(['proxy', 'watch']);
const SPECIAL_VERBS_NO_SUBRESOURCES = new Set(['proxy']);
const NAMESPACE_SUBRESOURCES = new Set(['status', 'finalize']);
const VERBS_WITH_SELECTORS = new Set(['list', 'watch', 'deletecollection']);

const METHOD_VERBS: Record<string, string> = {
  POST: 'create',
  GET: 'get',
  HEAD: 'get',
  PUT: 'update',
  PATCH: 'patch',
  DELETE: 'delete',
};

function splitPath(path: string): string[] {
  const trimmed = path.replace(/^\/+|\/+$/g, '');
  return trimmed === '' ? [] : trimmed.split('/');
}

/** path.IsValidPathSegmentName: not `.` or `..`, no `/` or `%`. */
function isValidPathSegmentName(name: string): boolean {
  return name !== '.' && name !== '..' && !name.includes('/') && !name.includes('%');
}

function isInt64(s: string): boolean {
  if (!/^[+-]?\d+$/.test(s)) return false;
  const n = BigInt(s);
  return n >= -(2n ** 63n) && n < 2n ** 63n;
}

function parseWatch(value: string): boolean {
  const v = value.toLowerCase();
  return v !== 'false' && v !== '0';
}

/**
 * The exact-name of a list/watch from its list options, or throws when the options would not decode
 * (metainternalversion.ListOptions): a bad field or label selector, or a non-integer limit/timeoutSeconds.
 */
function decodeListOptions(query: URLSearchParams): { watch: boolean; fieldName: string | undefined } {
  for (const key of ['limit', 'timeoutSeconds']) {
    const v = query.get(key);
    if (v !== null && !isInt64(v)) throw new Error(`invalid ${key}`);
  }
  const label = query.get('labelSelector');
  if (label !== null) parseLabelSelector(label);
  const field = query.get('fieldSelector');
  const fieldName = field === null ? undefined : requiresExactMatch(parseFieldSelector(field), 'metadata.name');
  const watch = query.get('watch');
  return { watch: watch !== null && parseWatch(watch), fieldName };
}

/**
 * RequestInfoFactory.NewRequestInfo. `path` is the percent-decoded URL path; `query` the parsed query string.
 * Throws Error (`unable to determine kind and namespace from url, ...`) for a bare `/watch` or `/proxy` path
 * verb with nothing after it; the server answers that with 500 as kube-apiserver does.
 */
export function getRequestInfo(method: string, path: string, query: URLSearchParams): RequestInfo {
  const info: RequestInfo = {
    isResourceRequest: false,
    path,
    verb: method.toLowerCase(),
    apiPrefix: '',
    apiGroup: '',
    apiVersion: '',
    namespace: '',
    resource: '',
    subresource: '',
    name: '',
    parts: [],
    fieldSelector: '',
    labelSelector: '',
  };
  let parts = splitPath(path);
  if (parts.length < 3) return info;
  if (parts[0] !== 'api' && parts[0] !== 'apis') return info;
  info.apiPrefix = parts[0];
  parts = parts.slice(1);
  if (info.apiPrefix !== 'api') {
    // the prefix is already consumed, so this asks for group, version and at least one more part
    if (parts.length < 3) return info;
    info.apiGroup = parts[0]!;
    parts = parts.slice(1);
  }
  info.isResourceRequest = true;
  info.apiVersion = parts[0]!;
  parts = parts.slice(1);

  let verbViaPathPrefix = false;
  if (SPECIAL_VERBS.has(parts[0]!)) {
    if (parts.length < 2) {
      const q = query.toString();
      throw new Error(`unable to determine kind and namespace from url, ${path}${q ? `?${q}` : ''}`);
    }
    info.verb = parts[0]!;
    parts = parts.slice(1);
    verbViaPathPrefix = true;
  } else {
    info.verb = METHOD_VERBS[method] ?? '';
  }

  if (parts[0] === 'namespaces') {
    if (parts.length > 1) {
      info.namespace = parts[1]!;
      // a further part that is not a namespace subresource is a namespaced resource in its own right
      if (parts.length > 2 && !NAMESPACE_SUBRESOURCES.has(parts[2]!)) parts = parts.slice(2);
    }
  }
  info.parts = parts;
  if (parts.length >= 3 && !SPECIAL_VERBS_NO_SUBRESOURCES.has(info.verb)) info.subresource = parts[2]!;
  if (parts.length >= 2) info.name = parts[1]!;
  if (parts.length >= 1) info.resource = parts[0]!;

  if (info.name === '' && info.verb === 'get') {
    let watch: boolean;
    let fieldName: string | undefined;
    try {
      ({ watch, fieldName } = decodeListOptions(query));
    } catch {
      // kube-apiserver logs the decode error and falls back to the raw watch parameter alone
      const raw = query.get('watch');
      watch = raw !== null && parseWatch(raw);
      fieldName = undefined;
    }
    info.verb = watch ? 'watch' : 'list';
    if (fieldName !== undefined && isValidPathSegmentName(fieldName)) info.name = fieldName;
  }
  if (info.name === '' && info.verb === 'delete') info.verb = 'deletecollection';

  if (!verbViaPathPrefix && VERBS_WITH_SELECTORS.has(info.verb)) {
    info.fieldSelector = query.get('fieldSelector') ?? '';
    info.labelSelector = query.get('labelSelector') ?? '';
  }
  return info;
}
