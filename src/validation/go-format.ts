/**
 * Go value printing for validation values and details. The generic helpers live in util; the struct printers
 * here reproduce what field.Error.ErrorBody prints for the API types our validators report whole.
 */
import type { OwnerReference } from '../api/meta.ts';
import type { RoleRef } from '../api/rbac-v1.ts';
import { goQuote } from '../util/go-format.ts';

export { goQuote, goStringSlice, goTimeString } from '../util/go-format.ts';

/**
 * What `%#v` shows for a non-nil pointer is a heap address, which differs per process and request; no client can
 * match it, so any plausible Go address does.
 */
const GO_POINTER_PLACEHOLDER = '0xc000010000';

function text(v: unknown): string {
  return typeof v === 'string' ? v : '';
}

/** `%#v` of the internal rbac.RoleRef (no String method): `rbac.RoleRef{APIGroup:"…", Kind:"…", Name:"…"}`. */
export function goRoleRef(ref: Partial<RoleRef> | null | undefined): string {
  const r = ref ?? {};
  return `rbac.RoleRef{APIGroup:${goQuote(text(r.apiGroup))}, Kind:${goQuote(text(r.kind))}, Name:${goQuote(text(r.name))}}`;
}

/** gogo's valueToStringGenerated for a *bool: `nil` or `*true`. */
function gogoBoolPointer(v: unknown): string {
  return typeof v === 'boolean' ? `*${v}` : 'nil';
}

/**
 * metav1.OwnerReference's gogo-generated String(), which ErrorBody prefers to `%#v` because *OwnerReference is a
 * fmt.Stringer: fields in protobuf order, values unquoted, `&OwnerReference{Kind:Event,…,BlockOwnerDeletion:nil,}`.
 */
export function goOwnerReferenceString(ref: Partial<OwnerReference> | null | undefined): string {
  const r = ref ?? {};
  return (
    `&OwnerReference{Kind:${text(r.kind)},Name:${text(r.name)},UID:${text(r.uid)},APIVersion:${text(r.apiVersion)},` +
    `Controller:${gogoBoolPointer(r.controller)},BlockOwnerDeletion:${gogoBoolPointer(r.blockOwnerDeletion)},}`
  );
}

/** `%#v` of a *bool field inside a struct: `(*bool)(nil)` or `(*bool)(0x…)`. */
function goBoolPointerField(v: unknown): string {
  return `(*bool)(${typeof v === 'boolean' ? GO_POINTER_PLACEHOLDER : 'nil'})`;
}

/** `%#v` of one metav1.OwnerReference as a slice element (%#v ignores String methods). */
function goOwnerReferenceStruct(ref: Partial<OwnerReference> | null | undefined): string {
  const r = ref ?? {};
  return (
    `v1.OwnerReference{APIVersion:${goQuote(text(r.apiVersion))}, Kind:${goQuote(text(r.kind))}, ` +
    `Name:${goQuote(text(r.name))}, UID:${goQuote(text(r.uid))}, Controller:${goBoolPointerField(r.controller)}, ` +
    `BlockOwnerDeletion:${goBoolPointerField(r.blockOwnerDeletion)}}`
  );
}

/**
 * `%#v` of a []metav1.OwnerReference: `[]v1.OwnerReference{v1.OwnerReference{APIVersion:"v1", …}, …}`. Set
 * controller/blockOwnerDeletion pointers print as a placeholder address (see GO_POINTER_PLACEHOLDER).
 */
export function goOwnerReferenceSlice(refs: readonly (Partial<OwnerReference> | null | undefined)[]): string {
  return `[]v1.OwnerReference{${refs.map(goOwnerReferenceStruct).join(', ')}}`;
}
