/**
 * Validation of the access-review kinds (pkg/apis/authorization/validation) with upstream's field paths and
 * messages, rendered as apierrors.NewInvalid renders them for these kinds: the decoded internal object has no
 * Kind, so messages read `.authorization.k8s.io "" is invalid: ...`.
 */
import type { AccessReview, NonResourceAttributes, ResourceAttributes } from '../../api/authorization-v1.ts';
import { AUTHORIZATION_GROUP } from '../../api/authorization-v1.ts';
import type { ObjectMeta } from '../../api/meta.ts';
import { type StatusError, statusFailure } from '../../api/status.ts';
import { isValidLabelKey } from '../../validation/selectors.ts';
import { goQuote } from './go-format.ts';

/** One field error, with its body already rendered as field.Error.ErrorBody() would. */
export interface ReviewFieldError {
  type: 'FieldValueInvalid' | 'FieldValueRequired' | 'FieldValueForbidden';
  field: string;
  body: string;
}

const invalidErr = (field: string, renderedValue: string, detail: string): ReviewFieldError => ({
  type: 'FieldValueInvalid',
  field,
  body: `Invalid value: ${renderedValue}: ${detail}`,
});
const required = (field: string, detail: string): ReviewFieldError => ({
  type: 'FieldValueRequired',
  field,
  body: `Required value: ${detail}`,
});
const forbiddenErr = (field: string, detail: string): ReviewFieldError => ({
  type: 'FieldValueForbidden',
  field,
  body: `Forbidden: ${detail}`,
});

/** `%#v` of the internal NonResourceAttributes struct. */
function renderNonResource(n: NonResourceAttributes): string {
  return `authorization.NonResourceAttributes{Path:${goQuote(n.path ?? '')}, Verb:${goQuote(n.verb ?? '')}}`;
}

/** The gogo-generated ObjectMeta.String() that field errors print for a metadata value (common fields only). */
function renderObjectMeta(m: ObjectMeta): string {
  const map = (x: Record<string, string> | undefined) =>
    `map[string]string{${Object.keys(x ?? {})
      .sort()
      .map((k) => `${k}: ${x![k]},`)
      .join('')}}`;
  return (
    `&ObjectMeta{Name:${m.name ?? ''},GenerateName:${m.generateName ?? ''},Namespace:${m.namespace ?? ''},` +
    `SelfLink:${m.selfLink ?? ''},UID:${m.uid ?? ''},ResourceVersion:${m.resourceVersion ?? ''},` +
    `Generation:${m.generation ?? 0},CreationTimestamp:${m.creationTimestamp ? m.creationTimestamp : '0001-01-01 00:00:00 +0000 UTC'},` +
    `DeletionTimestamp:${m.deletionTimestamp ?? '<nil>'},DeletionGracePeriodSeconds:${m.deletionGracePeriodSeconds === undefined ? 'nil' : `*${m.deletionGracePeriodSeconds}`},` +
    `Labels:${map(m.labels)},Annotations:${map(m.annotations)},OwnerReferences:[]OwnerReference{},` +
    `Finalizers:[${(m.finalizers ?? []).join(' ')}],ManagedFields:[]ManagedFieldsEntry{},}`
  );
}

/** Whether metadata is the zero ObjectMeta once `ignore` fields are dropped (an empty map or list still counts). */
function metadataIsEmpty(m: ObjectMeta | undefined, ignore: readonly string[]): boolean {
  for (const [k, v] of Object.entries(m ?? {})) {
    if (ignore.includes(k) || k === 'managedFields') continue;
    if (v === null || v === undefined || v === '' || v === 0) continue;
    return false;
  }
  return true;
}

interface SelectorAttrs {
  rawSelector?: string;
  requirements?: { key?: string; operator?: string; values?: string[] }[];
}

function validateSelector(kind: 'fieldSelector' | 'labelSelector', sel: SelectorAttrs | undefined): ReviewFieldError[] {
  if (!sel) return [];
  const path = `spec.resourceAttributes.${kind}`;
  const errs: ReviewFieldError[] = [];
  const reqs = sel.requirements ?? [];
  if (sel.rawSelector && reqs.length) {
    errs.push(
      invalidErr(`${path}.rawSelector`, goQuote(sel.rawSelector), 'may not specified at the same time as requirements'),
    );
  }
  if (!sel.rawSelector && reqs.length === 0) {
    errs.push(required(`${path}.requirements`, `when ${path} is specified, requirements or rawSelector is required`));
  }
  reqs.forEach((r, i) => {
    const p = `${path}.requirements[${i}]`;
    const values = r.values ?? [];
    if (r.operator === 'In' || r.operator === 'NotIn') {
      if (kind === 'fieldSelector' && values.length !== 1) {
        errs.push(
          required(`${p}.values`, "must be only one value when `operator` is 'In' or 'NotIn' for fieldSelector"),
        );
      } else if (kind === 'labelSelector' && values.length === 0) {
        errs.push(required(`${p}.values`, "must be specified when `operator` is 'In' or 'NotIn'"));
      }
    } else if (r.operator === 'Exists' || r.operator === 'DoesNotExist') {
      if (values.length)
        errs.push(forbiddenErr(`${p}.values`, "may not be specified when `operator` is 'Exists' or 'DoesNotExist'"));
    }
    if (kind === 'fieldSelector' && !r.key) errs.push(required(`${p}.key`, 'must be specified'));
    if (kind === 'labelSelector' && !isValidLabelKey(r.key ?? '')) {
      errs.push(
        invalidErr(
          `${p}.key`,
          goQuote(r.key ?? ''),
          "name part must consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character (e.g. 'MyName',  or 'my.name',  or '123-abc', regex used for validation is '([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]')",
        ),
      );
    }
  });
  return errs;
}

function validateAttributes(spec: AccessReview['spec']): ReviewFieldError[] {
  const errs: ReviewFieldError[] = [];
  const ra = spec.resourceAttributes as
    | (ResourceAttributes & { fieldSelector?: SelectorAttrs; labelSelector?: SelectorAttrs })
    | undefined;
  const na = spec.nonResourceAttributes;
  if (ra && na) {
    errs.push(
      invalidErr(
        'spec.nonResourceAttributes',
        renderNonResource(na),
        'cannot be specified in combination with resourceAttributes',
      ),
    );
  }
  if (!ra && !na) {
    errs.push(
      invalidErr(
        'spec.resourceAttributes',
        'null',
        'exactly one of nonResourceAttributes or resourceAttributes must be specified',
      ),
    );
  }
  return errs;
}

function selectorErrors(spec: AccessReview['spec']): ReviewFieldError[] {
  const ra = spec.resourceAttributes as { fieldSelector?: SelectorAttrs; labelSelector?: SelectorAttrs } | undefined;
  if (!ra) return [];
  return [
    ...validateSelector('fieldSelector', ra.fieldSelector),
    ...validateSelector('labelSelector', ra.labelSelector),
  ];
}

/** ValidateSubjectAccessReview (also `local` for LocalSubjectAccessReview) and ValidateSelfSubjectAccessReview. */
export function validateAccessReview(review: AccessReview, kind: AccessReview['kind']): ReviewFieldError[] {
  const spec = review.spec ?? {};
  const errs = validateAttributes(spec);
  if (kind !== 'SelfSubjectAccessReview' && !spec.user && !spec.groups?.length) {
    errs.push(invalidErr('spec.user', goQuote(spec.user ?? ''), 'at least one of user or group must be specified'));
  }
  errs.push(...selectorErrors(spec));
  if (kind === 'LocalSubjectAccessReview') {
    if (!metadataIsEmpty(review.metadata, ['namespace'])) {
      errs.push(invalidErr('metadata', renderObjectMeta(review.metadata), 'must be empty except for namespace'));
    }
    const ra = spec.resourceAttributes;
    if (ra && (ra.namespace ?? '') !== (review.metadata?.namespace ?? '')) {
      errs.push(
        invalidErr('spec.resourceAttributes.namespace', goQuote(ra.namespace ?? ''), 'must match metadata.namespace'),
      );
    }
    if (spec.nonResourceAttributes) {
      errs.push(
        invalidErr(
          'spec.nonResourceAttributes',
          renderNonResource(spec.nonResourceAttributes),
          'disallowed on this kind of request',
        ),
      );
    }
  } else if (!metadataIsEmpty(review.metadata, [])) {
    errs.push(invalidErr('metadata', renderObjectMeta(review.metadata), 'must be empty'));
  }
  return errs;
}

/** apierrors.NewInvalid(GroupKind{authorization.k8s.io, ""}, "", errs): 422 with one cause per error. */
export function reviewInvalid(errs: readonly ReviewFieldError[]): StatusError {
  const msgs: string[] = [];
  for (const e of errs) {
    const m = `${e.field}: ${e.body}`;
    if (!msgs.includes(m)) msgs.push(m);
  }
  const joined = msgs.length === 1 ? msgs[0] : `[${msgs.join(', ')}]`;
  return statusFailure(422, 'Invalid', `.${AUTHORIZATION_GROUP} "" is invalid: ${joined}`, {
    group: AUTHORIZATION_GROUP,
    causes: errs.map((e) => ({ reason: e.type, message: e.body, field: e.field })),
  });
}
