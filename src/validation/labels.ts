/**
 * Labels, annotations and label selectors (apimachinery meta/v1/validation and api/validation/objectmeta.go).
 * Map entries are checked in the object's key order; Go iterates maps randomly, so upstream's order is not defined.
 */

import type { LabelSelector, LabelSelectorRequirement } from '../api/meta.ts';
import type { FieldError } from '../api/status.ts';
import { child, forbiddenValue, index, invalidValue, requiredValue, tooLongValue } from './field.ts';
import { byteLength, isQualifiedName, isValidLabelValue } from './names.ts';

/** Upper bound on the summed byte length of all annotation keys and values (256 KiB). */
export const TOTAL_ANNOTATION_SIZE_LIMIT_BYTES = 256 * 1024;

/** Entries of a JSON object, or none when the input is not a plain object (bad input must not throw). */
export function stringEntries(value: unknown): [string, unknown][] {
  if (value === null || typeof value !== 'object' || Array.isArray(value)) return [];
  return Object.entries(value as Record<string, unknown>);
}

/** ValidateLabelName: a label key must be a qualified name. */
export function validateLabelName(labelName: string, path: string): FieldError[] {
  return isQualifiedName(labelName).map((msg) => invalidValue(path, labelName, msg));
}

/** ValidateLabels: every key a qualified name, every value a valid label value; errors carry the map's path. */
export function validateLabels(labels: unknown, path: string): FieldError[] {
  const errs: FieldError[] = [];
  for (const [k, v] of stringEntries(labels)) {
    errs.push(...validateLabelName(k, path));
    const value = typeof v === 'string' ? v : String(v);
    for (const msg of isValidLabelValue(value)) errs.push(invalidValue(path, value, msg));
  }
  return errs;
}

/**
 * ValidateAnnotations: keys are qualified names compared case-insensitively (the original key is reported),
 * and the whole map may not exceed 256 KiB.
 */
export function validateAnnotations(annotations: unknown, path: string): FieldError[] {
  const errs: FieldError[] = [];
  let total = 0;
  for (const [k, v] of stringEntries(annotations)) {
    for (const msg of isQualifiedName(k.toLowerCase())) errs.push(invalidValue(path, k, msg));
    total += byteLength(k) + byteLength(typeof v === 'string' ? v : String(v));
  }
  if (total > TOTAL_ANNOTATION_SIZE_LIMIT_BYTES) errs.push(tooLongValue(path, TOTAL_ANNOTATION_SIZE_LIMIT_BYTES));
  return errs;
}

/** Options of ValidateLabelSelector. */
export interface LabelSelectorValidationOptions {
  /** Skip label-value checks of `values` (upstream ratchets this for objects that already had bad values). */
  allowInvalidLabelValueInSelector?: boolean;
}

/** ValidateLabelSelectorRequirement. */
export function validateLabelSelectorRequirement(
  req: LabelSelectorRequirement,
  path: string,
  opts: LabelSelectorValidationOptions = {},
): FieldError[] {
  const errs: FieldError[] = [];
  const values = Array.isArray(req.values) ? req.values : [];
  switch (req.operator) {
    case 'In':
    case 'NotIn':
      if (values.length === 0) {
        errs.push(requiredValue(child(path, 'values'), "must be specified when `operator` is 'In' or 'NotIn'"));
      }
      break;
    case 'Exists':
    case 'DoesNotExist':
      if (values.length > 0) {
        errs.push(
          forbiddenValue(child(path, 'values'), "may not be specified when `operator` is 'Exists' or 'DoesNotExist'"),
        );
      }
      break;
    default:
      errs.push(invalidValue(child(path, 'operator'), req.operator ?? '', 'not a valid selector operator'));
  }
  errs.push(...validateLabelName(req.key ?? '', child(path, 'key')));
  if (!opts.allowInvalidLabelValueInSelector) {
    values.forEach((v, i) => {
      for (const msg of isValidLabelValue(v)) errs.push(invalidValue(index(child(path, 'values'), i), v, msg));
    });
  }
  return errs;
}

/** ValidateLabelSelector (a missing selector is valid). */
export function validateLabelSelector(
  selector: LabelSelector | undefined | null,
  path: string,
  opts: LabelSelectorValidationOptions = {},
): FieldError[] {
  if (!selector) return [];
  const errs = validateLabels(selector.matchLabels, child(path, 'matchLabels'));
  const exprs = Array.isArray(selector.matchExpressions) ? selector.matchExpressions : [];
  exprs.forEach((req, i) => {
    errs.push(...validateLabelSelectorRequirement(req, index(child(path, 'matchExpressions'), i), opts));
  });
  return errs;
}

/**
 * Whether metav1.LabelSelectorAsSelector would fail: it rejects exactly what the strict selector validation
 * rejects (bad operator, value count, key or value), so callers can add upstream's extra "invalid label selector." error.
 */
export function labelSelectorConvertible(selector: LabelSelector | undefined | null): boolean {
  return validateLabelSelector(selector, '').length === 0;
}
