/**
 * The TokenRequest subresource (`POST .../serviceaccounts/{name}/token`) as a pure function of its inputs
 * (pkg/registry/core/serviceaccount/storage/token.go; spec tokens.md section 4). The caller reads the service
 * account and provides lookups for bound objects; this module never touches the store or HTTP.
 */
import { randomUUID } from 'node:crypto';
import { AUTHENTICATION_GROUP, type BoundObjectReference, type TokenRequest } from '../../api/authentication-v1.ts';
import type { Node, Pod, Secret, ServiceAccount } from '../../api/core-v1.ts';
import { formatTime, type ObjectMeta } from '../../api/meta.ts';
import { badRequest, conflict, type FieldError, internalError, invalid, notFound } from '../../api/status.ts';
import { EXPIRATION_EXTENSION_SECONDS, type ObjectRef, WARN_ONLY_BOUND_TOKEN_EXPIRATION_SECONDS } from './claims.ts';
import { type IssuedToken, issueServiceAccountTokenAsync, type TokenSigner } from './issuer.ts';

const GROUP = AUTHENTICATION_GROUP;
const KIND = 'TokenRequest';

/** Default `spec.expirationSeconds`. */
export const DEFAULT_EXPIRATION_SECONDS = 3600;
/** Minimum `spec.expirationSeconds` (MinTokenAgeSec). */
export const MIN_EXPIRATION_SECONDS = 600;
/** Maximum `spec.expirationSeconds` (2^32). */
export const MAX_EXPIRATION_SECONDS = 2 ** 32;

/** Reads the objects a token may be bound to; `undefined` means not found, a rejection is a server error. */
export interface BoundObjectGetter {
  getPod(namespace: string, name: string): Promise<Pod | undefined>;
  getSecret(namespace: string, name: string): Promise<Secret | undefined>;
  getNode(name: string): Promise<Node | undefined>;
}

/** Server configuration of the TokenRequest endpoint. */
export interface TokenRequestOptions {
  /** Signs with the first --service-account-issuer. */
  signer: TokenSigner;
  /** --api-audiences (defaulting to all issuers): default spec.audiences and the "kube audiences" for extension. */
  apiAudiences: readonly string[];
  /** --service-account-max-token-expiration in seconds; 0 or undefined: no cap. */
  maxExpirationSeconds?: number;
  /** --service-account-extend-token-expiration (default true). */
  extendExpiration?: boolean;
  /** MaxExtendedExpiration in seconds (default one year). */
  maxExtendedExpirationSeconds?: number;
  /**
   * TokenRequestServiceAccountUIDValidation (beta in 1.34): fill metadata.uid from the service account and answer
   * 409 when a request names another UID. Off by default, as in 1.33.
   */
  serviceAccountUIDValidation?: boolean;
  /** Clock in Unix milliseconds. */
  now?: () => number;
  /** JTI generator (UUIDv4). */
  newJti?: () => string;
}

/** One TokenRequest call: the URL's namespace and name, the decoded body and the service account (if it exists). */
export interface TokenRequestInput {
  namespace: string | undefined;
  name: string;
  body: unknown;
  serviceAccount: ServiceAccount | undefined;
  objects: BoundObjectGetter;
}

/** The 201 body, Warning texts (for `Warning: 299 - "<text>"`) and audit annotations to record. */
export interface TokenRequestResult {
  tokenRequest: TokenRequest;
  warnings: string[];
  auditAnnotations: Record<string, string>;
  /** The signed token's claims and real expiry, for callers that log or test them. */
  issued: IssuedToken;
}

interface DecodedSpec {
  audiences: string[];
  expirationSeconds: number;
  boundObjectRef: BoundObjectReference | null;
}

function decodeError(detail: string): never {
  throw badRequest(`TokenRequest in version "v1" cannot be handled as a TokenRequest: ${detail}`);
}

function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function optionalString(obj: Record<string, unknown>, key: string, where: string): string {
  const v = obj[key];
  if (v === undefined || v === null) return '';
  if (typeof v !== 'string')
    decodeError(`json: cannot unmarshal ${goKind(v)} into Go struct field ${where} of type string`);
  return v;
}

function goKind(v: unknown): string {
  if (Array.isArray(v)) return 'array';
  if (typeof v === 'boolean') return 'bool';
  return typeof v;
}

function decodeSpec(body: Record<string, unknown>): DecodedSpec {
  const rawSpec = body.spec ?? {};
  if (!isObject(rawSpec))
    decodeError(`json: cannot unmarshal ${goKind(rawSpec)} into Go struct field TokenRequest.spec`);
  const rawAuds = rawSpec.audiences;
  let audiences: string[] = [];
  if (rawAuds !== undefined && rawAuds !== null) {
    if (!Array.isArray(rawAuds) || rawAuds.some((a) => typeof a !== 'string')) {
      decodeError('json: cannot unmarshal into Go struct field TokenRequestSpec.spec.audiences of type []string');
    }
    audiences = rawAuds as string[];
  }
  const rawExp = rawSpec.expirationSeconds;
  let expirationSeconds = DEFAULT_EXPIRATION_SECONDS;
  if (rawExp !== undefined && rawExp !== null) {
    if (typeof rawExp !== 'number' || !Number.isSafeInteger(rawExp)) {
      decodeError(
        `json: cannot unmarshal ${goKind(rawExp)} into Go struct field TokenRequestSpec.spec.expirationSeconds of type int64`,
      );
    }
    expirationSeconds = rawExp;
  }
  const rawRef = rawSpec.boundObjectRef;
  let boundObjectRef: BoundObjectReference | null = null;
  if (rawRef !== undefined && rawRef !== null) {
    if (!isObject(rawRef))
      decodeError('json: cannot unmarshal into Go struct field TokenRequestSpec.spec.boundObjectRef');
    boundObjectRef = {};
    for (const key of ['kind', 'apiVersion', 'name', 'uid'] as const) {
      const v = optionalString(rawRef, key, `BoundObjectReference.spec.boundObjectRef.${key}`);
      if (v) boundObjectRef[key] = v;
    }
  }
  return { audiences, expirationSeconds, boundObjectRef };
}

/** schema.FromAPIVersionAndKind: an unparsable apiVersion yields an empty group and version. */
function groupVersionOf(apiVersion: string): { group: string; version: string } {
  if (apiVersion === '' || apiVersion === '/') return { group: '', version: '' };
  const slashes = apiVersion.split('/').length - 1;
  if (slashes === 0) return { group: '', version: apiVersion };
  if (slashes === 1) {
    const i = apiVersion.indexOf('/');
    return { group: apiVersion.slice(0, i), version: apiVersion.slice(i + 1) };
  }
  return { group: '', version: '' };
}

const META_ORDER = [
  'name',
  'generateName',
  'namespace',
  'selfLink',
  'uid',
  'resourceVersion',
  'generation',
  'creationTimestamp',
  'deletionTimestamp',
  'deletionGracePeriodSeconds',
  'labels',
  'annotations',
  'ownerReferences',
  'finalizers',
  'managedFields',
] as const;

/** ObjectMeta in Go's field order, so the echoed metadata serializes as upstream's. */
function orderedMeta(meta: ObjectMeta): ObjectMeta {
  const out: Record<string, unknown> = {};
  for (const key of META_ORDER) {
    const v = meta[key];
    if (v !== undefined && v !== '' && v !== null) out[key] = v;
  }
  return out as ObjectMeta;
}

interface Bound {
  pod?: ObjectRef;
  secret?: ObjectRef;
  node?: ObjectRef;
}

async function resolveBoundObject(
  ref: BoundObjectReference,
  saName: string,
  namespace: string,
  objects: BoundObjectGetter,
): Promise<Bound> {
  const { group, version } = groupVersionOf(ref.apiVersion ?? '');
  const kind = ref.kind ?? '';
  const name = ref.name ?? '';
  let bound: Bound;
  let uid: string;
  const lookup = async <T>(fn: () => Promise<T | undefined>, resource: string): Promise<T> => {
    if (name === '') throw badRequest('Name parameter required.');
    const obj = await fn();
    if (!obj) throw notFound({ group: '', resource }, name);
    return obj;
  };
  if (group === '' && kind === 'Pod') {
    const pod = await lookup(() => objects.getPod(namespace, name), 'pods');
    if ((pod.spec?.serviceAccountName ?? '') !== saName) {
      throw badRequest(
        `cannot bind token for serviceaccount ${JSON.stringify(saName)} to pod running with different serviceaccount name.`,
      );
    }
    uid = pod.metadata.uid ?? '';
    bound = { pod: { name: pod.metadata.name ?? name, uid } };
    const nodeName = pod.spec?.nodeName ?? '';
    if (nodeName !== '') {
      let node: Node | undefined;
      try {
        node = await objects.getNode(nodeName);
      } catch (err) {
        throw internalError((err as Error).message);
      }
      // A missing Node still records its name so the token says where the pod was scheduled.
      bound.node = { name: nodeName, uid: node?.metadata.uid ?? '' };
    }
  } else if (group === '' && kind === 'Node') {
    const node = await lookup(() => objects.getNode(name), 'nodes');
    uid = node.metadata.uid ?? '';
    bound = { node: { name: node.metadata.name ?? name, uid } };
  } else if (group === '' && kind === 'Secret') {
    const secret = await lookup(() => objects.getSecret(namespace, name), 'secrets');
    uid = secret.metadata.uid ?? '';
    bound = { secret: { name: secret.metadata.name ?? name, uid } };
  } else {
    throw badRequest(`cannot bind token to object of type ${group}/${version}, Kind=${kind}`);
  }
  if (ref.uid && ref.uid !== uid) {
    throw conflict(
      { group, resource: kind },
      name,
      `the UID in the bound object reference (${ref.uid}) does not match the UID in record. The object might have been deleted and then recreated`,
    );
  }
  return bound;
}

/**
 * Serves a TokenRequest: validates and defaults the request in upstream's order, resolves the bound object, caps
 * and extends the expiration, issues the token and returns the 201 body. API errors are thrown as StatusError with
 * upstream's messages.
 */
export async function createTokenRequest(
  input: TokenRequestInput,
  options: TokenRequestOptions,
): Promise<TokenRequestResult> {
  const { name, serviceAccount: sa } = input;
  const namespace = input.namespace ?? '';
  if (namespace === '') throw badRequest('namespace is required');
  if (!isObject(input.body)) decodeError('json: cannot unmarshal into Go value of type v1.TokenRequest');
  const body = input.body;
  const rawMeta = body.metadata ?? {};
  if (!isObject(rawMeta)) decodeError('json: cannot unmarshal into Go struct field TokenRequest.metadata');
  const meta: ObjectMeta = { ...(rawMeta as ObjectMeta) };
  const spec = decodeSpec(body);

  const mismatch = (field: string, value: string, detail: string): FieldError => ({
    type: 'FieldValueInvalid',
    field,
    value,
    detail,
  });
  if (meta.name && meta.name !== name) {
    throw invalid(KIND, GROUP, name, [
      mismatch('metadata.name', meta.name, 'must match the service account name if specified'),
    ]);
  }
  if (meta.namespace && meta.namespace !== namespace) {
    throw invalid(KIND, GROUP, name, [
      mismatch('metadata.namespace', meta.namespace, 'must match the service account namespace if specified'),
    ]);
  }
  if (!sa) throw notFound({ group: '', resource: 'serviceaccounts' }, name);
  const saUID = sa.metadata.uid ?? '';
  if (options.serviceAccountUIDValidation) {
    if (meta.uid && meta.uid !== saUID) {
      throw conflict(
        { group: GROUP, resource: KIND },
        name,
        `the UID in the token request (${meta.uid}) does not match the UID of the service account (${saUID})`,
      );
    }
    if (!meta.uid) meta.uid = saUID;
  }

  if (spec.audiences.length === 0) spec.audiences = [...options.apiAudiences];
  if (!meta.name) meta.name = sa.metadata.name;
  if (!meta.namespace) meta.namespace = sa.metadata.namespace;
  // Captured once before the token is built so status.expirationTimestamp never exceeds the JWT's exp.
  const nowMs = (options.now ?? Date.now)();
  meta.creationTimestamp = formatTime(new Date(nowMs));

  const errs: FieldError[] = [];
  if (spec.expirationSeconds < MIN_EXPIRATION_SECONDS) {
    errs.push({
      type: 'FieldValueInvalid',
      field: 'spec.expirationSeconds',
      value: spec.expirationSeconds,
      detail: 'may not specify a duration less than 10 minutes',
    });
  }
  if (spec.expirationSeconds > MAX_EXPIRATION_SECONDS) {
    errs.push({
      type: 'FieldValueInvalid',
      field: 'spec.expirationSeconds',
      value: spec.expirationSeconds,
      detail: 'may not specify a duration larger than 2^32 seconds',
    });
  }
  if (errs.length > 0) throw invalid(KIND, GROUP, '', errs);

  const bound = spec.boundObjectRef
    ? await resolveBoundObject(spec.boundObjectRef, name, namespace, input.objects)
    : {};

  const warnings: string[] = [];
  const max = options.maxExpirationSeconds ?? 0;
  if (max > 0 && spec.expirationSeconds > max) {
    warnings.push(`requested expiration of ${spec.expirationSeconds} seconds shortened to ${max} seconds`);
    spec.expirationSeconds = max;
  }

  let expirationSeconds = spec.expirationSeconds;
  let warnAfterSeconds = 0;
  const kubeAudiences = new Set(options.apiAudiences);
  if (
    (options.extendExpiration ?? true) &&
    bound.pod &&
    spec.expirationSeconds === WARN_ONLY_BOUND_TOKEN_EXPIRATION_SECONDS &&
    spec.audiences.every((a) => kubeAudiences.has(a))
  ) {
    warnAfterSeconds = expirationSeconds;
    expirationSeconds = options.maxExtendedExpirationSeconds ?? EXPIRATION_EXTENSION_SECONDS;
  }

  let issued: IssuedToken;
  try {
    issued = await issueServiceAccountTokenAsync(options.signer, {
      serviceAccount: { namespace: sa.metadata.namespace ?? namespace, name: sa.metadata.name ?? name, uid: saUID },
      ...bound,
      expirationSeconds,
      warnAfterSeconds,
      audiences: spec.audiences,
      nowMs,
      jti: (options.newJti ?? randomUUID)(),
    });
  } catch (err) {
    throw internalError(`failed to generate token: ${(err as Error).message}`);
  }

  const tokenRequest: TokenRequest = {
    kind: 'TokenRequest',
    apiVersion: 'authentication.k8s.io/v1',
    metadata: orderedMeta(meta),
    spec: {
      audiences: spec.audiences.length > 0 ? spec.audiences : null,
      expirationSeconds: spec.expirationSeconds,
      boundObjectRef: spec.boundObjectRef,
    },
    status: {
      token: issued.token,
      expirationTimestamp: formatTime(new Date(nowMs + spec.expirationSeconds * 1000)),
    },
  };
  return {
    tokenRequest,
    warnings,
    auditAnnotations: { 'authentication.kubernetes.io/issued-credential-id': `JTI=${issued.jti}` },
    issued,
  };
}
