/**
 * The report `superkube token inspect` produces, built in stages: the offline part from the token alone
 * (buildOfflineReport), the signature and server parts added by inspect.ts, and the verdict (finishReport).
 * `-o json` prints this object as is, so its field names are a stable interface (documented in README.md).
 */
import { LEGACY_ISSUER } from '../../auth/tokens/claims.ts';
import { type DecodedToken, fingerprint, type JwtFlavour, type TokenFingerprint } from './decode.ts';
import { localOffsetMinutes, type TimeClaim, type TimeInfo, timeInfo } from './format-time.ts';
import type { RulesReviewStatus } from './rules-table.ts';
import { checkTimes, type SignatureResult } from './verify.ts';

/** A name and uid pair as the `kubernetes.io` claim holds them. */
export interface NamedRef {
  name: string;
  uid?: string;
}

/** What the TokenReview (or the SelfSubjectReview fallback) said. */
export interface ReviewResult {
  /** `TokenReview` (with the kubeconfig's credentials) or `SelfSubjectReview` (with the inspected token). */
  via: 'TokenReview' | 'SelfSubjectReview';
  authenticated: boolean;
  user?: { username?: string; uid?: string; groups?: string[]; extra?: Record<string, string[]> };
  audiences?: string[];
  /** status.error: the server's reason for not authenticating the token. */
  error?: string;
}

/** The online part of the report. */
export interface ServerReport {
  url: string;
  kubeconfig: string;
  context: string;
  review?: ReviewResult;
  /** Why no review result could be had (connection refused, TokenReview forbidden, ...). */
  reviewError?: string;
  /** The SelfSubjectRulesReview made with the inspected token as the bearer. */
  rules?: { namespace: string; status: RulesReviewStatus; table: string };
  rulesError?: string;
}

/** Everything `token inspect` found out. */
export interface InspectReport {
  token: TokenFingerprint;
  kind: 'jwt' | 'static';
  /** For JWTs: `bound` (TokenRequest), `legacy` (secret-based) or `other` (not a service-account token). */
  jwtType?: JwtFlavour;
  /** One line saying what the token is. */
  description: string;
  header?: Record<string, unknown>;
  /** Every claim of the payload, as decoded. */
  claims?: Record<string, unknown>;
  serviceAccount?: { namespace?: string; name?: string; uid?: string };
  boundTo?: { pod?: NamedRef; secret?: NamedRef; node?: NamedRef };
  /** Secret holding a legacy token. */
  secret?: string;
  times?: Partial<Record<TimeClaim, TimeInfo>>;
  /** exp - iat (or exp - nbf) in seconds; null when the token does not expire. */
  lifetimeSeconds?: number | null;
  expires: boolean;
  /** When the checks ran (RFC 3339). */
  checkedAt: string;
  /** Problems visible without keys or server: time claims judged with the server's 60 s leeway. */
  offlineProblems: string[];
  signature?: SignatureResult;
  server?: ServerReport;
  /** Notes for the reader (e.g. why the server was not asked). */
  notes: string[];
  /** What the verdict rests on: the server's review, a checked signature, or the token's structure alone. */
  basis: 'server' | 'signature' | 'structure';
  valid: boolean;
  /** Why the token is invalid; empty when valid. */
  reasons: string[];
}

function asObject(v: unknown): Record<string, unknown> | undefined {
  return typeof v === 'object' && v !== null && !Array.isArray(v) ? (v as Record<string, unknown>) : undefined;
}

function asString(v: unknown): string | undefined {
  return typeof v === 'string' ? v : undefined;
}

function namedRef(v: unknown): NamedRef | undefined {
  const o = asObject(v);
  if (!o) return undefined;
  const ref: NamedRef = { name: asString(o.name) ?? '' };
  const uid = asString(o.uid);
  if (uid !== undefined) ref.uid = uid;
  return ref;
}

/** The one-line description of a token. */
function describe(decoded: DecodedToken): string {
  if (decoded.kind === 'static') {
    return 'static token (not a JWT): it is valid only if listed in a token file; it does not expire';
  }
  if (decoded.flavour === 'legacy') return 'legacy service-account token (secret-based token; never expires)';
  if (decoded.flavour === 'bound') {
    return 'service-account token (bound JWT from the TokenRequest API, e.g. kubectl create token)';
  }
  return 'JWT, not a service-account token (no kubernetes.io claims)';
}

/** Options of the offline stage. */
export interface OfflineOptions {
  nowSeconds: number;
  /** Local UTC offset (minutes east) at an instant; defaults to this machine's. */
  offsetMinutes?: (unixSeconds: number) => number;
}

/** The report from the token alone. The verdict fields are provisional until finishReport. */
export function buildOfflineReport(token: string, decoded: DecodedToken, options: OfflineOptions): InspectReport {
  const offset = options.offsetMinutes ?? localOffsetMinutes;
  const now = options.nowSeconds;
  const report: InspectReport = {
    token: fingerprint(token),
    kind: decoded.kind,
    description: describe(decoded),
    expires: false,
    checkedAt: new Date(now * 1000).toISOString().replace(/\.\d{3}Z$/, 'Z'),
    offlineProblems: [],
    notes: [],
    basis: 'structure',
    valid: true,
    reasons: [],
  };
  if (decoded.kind === 'static') return report;

  report.jwtType = decoded.flavour;
  report.header = decoded.header;
  report.claims = decoded.payload;
  const p = decoded.payload;
  if (decoded.claims.iss === LEGACY_ISSUER) {
    report.serviceAccount = {
      namespace: asString(p['kubernetes.io/serviceaccount/namespace']),
      name: asString(p['kubernetes.io/serviceaccount/service-account.name']),
      uid: asString(p['kubernetes.io/serviceaccount/service-account.uid']),
    };
    report.secret = asString(p['kubernetes.io/serviceaccount/secret.name']);
  }
  const k8s = asObject(p['kubernetes.io']);
  if (k8s) {
    const sa = asObject(k8s.serviceaccount);
    report.serviceAccount = {
      namespace: asString(k8s.namespace),
      name: asString(sa?.name),
      uid: asString(sa?.uid),
    };
    const boundTo: NonNullable<InspectReport['boundTo']> = {};
    for (const kind of ['pod', 'secret', 'node'] as const) {
      const ref = namedRef(k8s[kind]);
      if (ref) boundTo[kind] = ref;
    }
    if (Object.keys(boundTo).length > 0) report.boundTo = boundTo;
  }

  const times: Partial<Record<TimeClaim, TimeInfo>> = {};
  const { iat, nbf, exp } = decoded.claims;
  if (iat !== undefined) times.iat = timeInfo('iat', iat, now, offset(iat));
  if (nbf !== undefined) times.nbf = timeInfo('nbf', nbf, now, offset(nbf));
  if (exp !== undefined) times.exp = timeInfo('exp', exp, now, offset(exp));
  const warnafter = k8s?.warnafter;
  if (typeof warnafter === 'number' && Number.isFinite(warnafter)) {
    const w = Math.trunc(warnafter);
    times.warnafter = timeInfo('warnafter', w, now, offset(w));
  }
  if (Object.keys(times).length > 0) report.times = times;

  const legacy = decoded.claims.iss === LEGACY_ISSUER;
  report.expires = !legacy && exp !== undefined;
  const start = iat ?? nbf;
  report.lifetimeSeconds = report.expires && start !== undefined ? exp! - start : report.expires ? undefined : null;
  if (report.lifetimeSeconds === undefined) delete report.lifetimeSeconds;
  if (legacy && exp !== undefined) report.notes.push('the server ignores exp on secret-based tokens');
  if (!legacy && exp === undefined) report.notes.push('no exp claim: the server treats the token as never expiring');

  report.offlineProblems = checkTimes(decoded, now).map((t) => `${t.reason} (server: "${t.serverMessage}")`);
  return report;
}

/** Sets basis, valid and reasons from what the report holds. */
export function finishReport(report: InspectReport): InspectReport {
  const reasons: string[] = [];
  const review = report.server?.review;
  if (review) {
    report.basis = 'server';
    if (!review.authenticated) {
      reasons.push(`rejected by the server: ${review.error || 'not authenticated'}`);
    }
  } else {
    report.basis = report.signature ? 'signature' : 'structure';
    reasons.push(...report.offlineProblems);
  }
  if (report.signature && !report.signature.valid) reasons.push(report.signature.message);
  report.reasons = reasons;
  report.valid = reasons.length === 0;
  return report;
}
