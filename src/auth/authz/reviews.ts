/**
 * The authorization.k8s.io review APIs (pkg/registry/authorization/*): SubjectAccessReview,
 * SelfSubjectAccessReview, LocalSubjectAccessReview and SelfSubjectRulesReview. Each takes the decoded body and
 * returns the response object (the server answers 201) or throws a StatusError.
 */
import type {
  AccessReview,
  NonResourceRule,
  ResourceAttributes,
  ResourceRule,
  SelfSubjectRulesReview,
  SubjectAccessReviewStatus,
} from '../../api/authorization-v1.ts';
import { AUTHORIZATION_GROUP } from '../../api/authorization-v1.ts';
import { badRequest } from '../../api/status.ts';
import { parseFieldSelector, parseLabelSelector } from '../../validation/selectors.ts';
import type { UserInfo } from '../user.ts';
import { aggregateMessage } from './go-format.ts';
import type { Attributes, Authorizer, ResolvedRules, RuleResolver } from './interfaces.ts';
import { reviewInvalid, validateAccessReview } from './review-validation.ts';

const API_VERSION = `${AUTHORIZATION_GROUP}/v1`;

interface SelectorAttrs {
  rawSelector?: string;
  requirements?: { key?: string; operator?: string; values?: string[] }[];
}

/** The attributes a review spec asks about, for `user` (util.ResourceAttributesFrom / NonResourceAttributesFrom). */
export function reviewAttributes(user: UserInfo, spec: AccessReview['spec']): Attributes {
  const ra = spec.resourceAttributes;
  if (ra) {
    return {
      user,
      verb: ra.verb ?? '',
      resourceRequest: true,
      path: '',
      namespace: ra.namespace ?? '',
      apiGroup: ra.group ?? '',
      apiVersion: ra.version || '*',
      resource: ra.resource ?? '',
      subresource: ra.subresource ?? '',
      name: ra.name ?? '',
    };
  }
  const na = spec.nonResourceAttributes ?? {};
  return {
    user,
    verb: na.verb ?? '',
    resourceRequest: false,
    path: na.path ?? '',
    namespace: '',
    apiGroup: '',
    apiVersion: '',
    resource: '',
    subresource: '',
    name: '',
  };
}

/** Parse notes BuildEvaluationError adds for selectors the authorizers had to ignore (wholly or in part). */
function selectorNotes(ra: ResourceAttributes | undefined): string[] {
  const notes: string[] = [];
  const check = (kind: 'fieldSelector' | 'labelSelector', sel: SelectorAttrs | undefined) => {
    if (!sel) return;
    let ok = 0;
    let bad = 0;
    if (sel.rawSelector) {
      try {
        if (kind === 'fieldSelector') parseFieldSelector(sel.rawSelector);
        else parseLabelSelector(sel.rawSelector);
        ok++;
      } catch {
        bad++;
      }
    }
    for (const r of sel.requirements ?? []) {
      const valid =
        kind === 'fieldSelector'
          ? (r.operator === 'In' || r.operator === 'NotIn') && r.values?.length === 1
          : ['In', 'NotIn', 'Exists', 'DoesNotExist'].includes(r.operator ?? '');
      if (valid) ok++;
      else bad++;
    }
    if (bad) notes.push(`spec.resourceAttributes.${kind} ${ok ? 'partially ignored' : 'ignored'} due to parse error`);
  };
  check('fieldSelector', ra?.fieldSelector as SelectorAttrs | undefined);
  check('labelSelector', ra?.labelSelector as SelectorAttrs | undefined);
  return notes;
}

function evaluate(
  authorizer: Authorizer,
  attrs: Attributes,
  ra: ResourceAttributes | undefined,
): SubjectAccessReviewStatus {
  const r = authorizer.authorize(attrs);
  const status: SubjectAccessReviewStatus = { allowed: r.decision === 'Allow' };
  if (r.decision === 'Deny') status.denied = true;
  if (r.reason) status.reason = r.reason;
  const errs = [...(r.error ? [r.error.message] : []), ...selectorNotes(ra)];
  if (errs.length) status.evaluationError = errs.join('; ');
  return status;
}

/** The spec as Go re-encodes it: known fields only, in declaration order, empty values omitted. */
function normalizeSpec(spec: AccessReview['spec'], withSubject: boolean): AccessReview['spec'] {
  const out: AccessReview['spec'] = {};
  if (spec.resourceAttributes) {
    const ra = spec.resourceAttributes;
    const o: ResourceAttributes = {};
    for (const k of ['namespace', 'verb', 'group', 'version', 'resource', 'subresource', 'name'] as const) {
      if (ra[k]) o[k] = ra[k];
    }
    if (ra.fieldSelector) o.fieldSelector = ra.fieldSelector;
    if (ra.labelSelector) o.labelSelector = ra.labelSelector;
    out.resourceAttributes = o;
  }
  if (spec.nonResourceAttributes) {
    const na = spec.nonResourceAttributes;
    out.nonResourceAttributes = { ...(na.path ? { path: na.path } : {}), ...(na.verb ? { verb: na.verb } : {}) };
  }
  if (withSubject) {
    if (spec.user) out.user = spec.user;
    if (spec.groups?.length) out.groups = spec.groups;
    if (spec.extra && Object.keys(spec.extra).length) out.extra = spec.extra;
    if (spec.uid) out.uid = spec.uid;
  }
  return out;
}

function response(
  kind: AccessReview['kind'],
  review: AccessReview,
  namespace: string,
  spec: AccessReview['spec'],
  status: SubjectAccessReviewStatus,
): AccessReview {
  return {
    kind,
    apiVersion: review.apiVersion || API_VERSION,
    // Kubernetes 1.33 serializes the zero creationTimestamp as null.
    metadata: namespace ? { namespace, creationTimestamp: null } : { creationTimestamp: null },
    spec,
    status,
  };
}

function subjectUser(spec: AccessReview['spec']): UserInfo {
  return { username: spec.user ?? '', uid: spec.uid ?? '', groups: spec.groups ?? [], extra: spec.extra ?? {} };
}

/** SubjectAccessReview: may `spec.user/groups/extra/uid` do this? Throws 422 on invalid input. */
export function subjectAccessReview(review: AccessReview, authorizer: Authorizer): AccessReview {
  const spec = review.spec ?? {};
  const errs = validateAccessReview(review, 'SubjectAccessReview');
  if (errs.length) throw reviewInvalid(errs);
  const status = evaluate(authorizer, reviewAttributes(subjectUser(spec), spec), spec.resourceAttributes);
  return response('SubjectAccessReview', review, '', normalizeSpec(spec, true), status);
}

/** SelfSubjectAccessReview: may the requestor (after impersonation) do this? 400 without a user. */
export function selfSubjectAccessReview(
  review: AccessReview,
  requestor: UserInfo | undefined,
  authorizer: Authorizer,
): AccessReview {
  const spec = review.spec ?? {};
  const errs = validateAccessReview(review, 'SelfSubjectAccessReview');
  if (errs.length) throw reviewInvalid(errs);
  if (!requestor) throw badRequest('no user present on request');
  const status = evaluate(authorizer, reviewAttributes(requestor, spec), spec.resourceAttributes);
  return response('SelfSubjectAccessReview', review, '', normalizeSpec(spec, false), status);
}

/**
 * LocalSubjectAccessReview in URL namespace `namespace`. An empty metadata.namespace takes the URL's; a different
 * one is a 400, as are an empty URL namespace and a spec namespace that does not match it.
 */
export function localSubjectAccessReview(
  review: AccessReview,
  namespace: string,
  authorizer: Authorizer,
): AccessReview {
  const metaNs = review.metadata?.namespace ?? '';
  if (metaNs && namespace && metaNs !== namespace) {
    throw badRequest('the namespace of the provided object does not match the namespace sent on the request');
  }
  const withNs: AccessReview = { ...review, metadata: { ...(review.metadata ?? {}), namespace: metaNs || namespace } };
  if (!withNs.metadata.namespace) delete withNs.metadata.namespace;
  const spec = review.spec ?? {};
  const errs = validateAccessReview(withNs, 'LocalSubjectAccessReview');
  if (errs.length) throw reviewInvalid(errs);
  if (!namespace) throw badRequest('namespace is required on this type: ');
  if (namespace !== withNs.metadata.namespace) {
    throw badRequest(`spec.resourceAttributes.namespace must match namespace: ${namespace}`);
  }
  const status = evaluate(authorizer, reviewAttributes(subjectUser(spec), spec), spec.resourceAttributes);
  return response('LocalSubjectAccessReview', review, namespace, normalizeSpec(spec, true), status);
}

/**
 * SelfSubjectRulesReview: the requestor's rules in `spec.namespace` (400 `no namespace on request` when empty).
 * The spec is not echoed; resolution errors become `evaluationError`.
 */
export function selfSubjectRulesReview(
  review: SelfSubjectRulesReview,
  requestor: UserInfo | undefined,
  resolver: RuleResolver,
): SelfSubjectRulesReview {
  if (!requestor) throw badRequest('no user present on request');
  const namespace = review.spec?.namespace ?? '';
  if (!namespace) throw badRequest('no namespace on request');
  const rules = resolver.rulesFor(requestor, namespace) as ResolvedRules & { incomplete?: boolean };
  const resourceRules: ResourceRule[] = rules.resourceRules.map((r) => ({
    verbs: r.verbs,
    ...(r.apiGroups.length ? { apiGroups: r.apiGroups } : {}),
    ...(r.resources.length ? { resources: r.resources } : {}),
    ...(r.resourceNames.length ? { resourceNames: r.resourceNames } : {}),
  }));
  const nonResourceRules: NonResourceRule[] = rules.nonResourceRules.map((r) => ({
    verbs: r.verbs,
    ...(r.nonResourceURLs.length ? { nonResourceURLs: r.nonResourceURLs } : {}),
  }));
  const status: NonNullable<SelfSubjectRulesReview['status']> = {
    resourceRules,
    nonResourceRules,
    incomplete: rules.incomplete ?? false,
  };
  if (rules.errors.length) status.evaluationError = aggregateMessage(rules.errors);
  return {
    kind: 'SelfSubjectRulesReview',
    apiVersion: review.apiVersion || API_VERSION,
    metadata: { creationTimestamp: null },
    spec: {},
    status,
  };
}
