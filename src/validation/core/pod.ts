/**
 * Pod validation: the subset of pkg/apis/core/validation's ValidatePodCreate / ValidatePodUpdate that superkube's
 * pods exercise (metadata, containers, names and references in the spec, and the update rule that a pod's spec
 * is immutable apart from a few fields). Volumes, probes, resources, security contexts and affinity are not checked.
 */
import type { Container, Pod } from '../../api/core-v1.ts';
import type { FieldError } from '../../api/status.ts';
import { semanticDeepEqual } from '../deep-equal.ts';
import {
  child,
  duplicateValue,
  forbiddenValue,
  index,
  invalidValue,
  notSupportedValue,
  requiredValue,
} from '../field.ts';
import { validateLabels } from '../labels.ts';
import { inclusiveRangeError, isDNS1123Label, nameIsDNSSubdomain } from '../names.ts';
import { validateObjectMeta, validateObjectMetaUpdate } from '../object-meta.ts';

type PodSpec = NonNullable<Pod['spec']>;

const MAX_INT32 = 2147483647;
const RESTART_POLICIES = ['Always', 'OnFailure', 'Never'];
const DNS_POLICIES = ['ClusterFirstWithHostNet', 'ClusterFirst', 'Default', 'None'];

/** The fields a pod update may change, in upstream's order and wording. */
const UPDATABLE_POD_SPEC_FIELDS = [
  '`spec.containers[*].image`',
  '`spec.initContainers[*].image`',
  '`spec.activeDeadlineSeconds`',
  '`spec.tolerations` (only additions to existing tolerations)',
  '`spec.terminationGracePeriodSeconds` (allow it to be set to 1 if it was previously negative)',
];

/**
 * Upstream's message for any other spec change, without the trailing "\n" + cmp.Diff of the specs
 * (go-cmp deliberately randomizes its output, so no client can depend on it).
 */
export const POD_SPEC_IMMUTABLE_MSG = `pod updates may not change fields other than ${UPDATABLE_POD_SPEC_FIELDS.join(',')}`;

function containersOf(value: unknown): Container[] {
  return Array.isArray(value)
    ? (value as Container[]).map((c) => (c && typeof c === 'object' ? c : ({} as Container)))
    : [];
}

function str(v: unknown): string {
  return typeof v === 'string' ? v : '';
}

/** validateContainerCommon's name and image rules. */
function validateContainerCommon(c: Container, path: string): FieldError[] {
  const errs: FieldError[] = [];
  const name = str(c.name);
  const namePath = child(path, 'name');
  if (name === '') errs.push(requiredValue(namePath));
  else for (const msg of isDNS1123Label(name)) errs.push(invalidValue(namePath, name, msg));
  if (str(c.image) === '') errs.push(requiredValue(child(path, 'image')));
  return errs;
}

function validateContainers(containers: Container[], path: string): FieldError[] {
  if (containers.length === 0) return [requiredValue(path)];
  const errs: FieldError[] = [];
  const names = new Set<string>();
  containers.forEach((c, i) => {
    const p = index(path, i);
    errs.push(...validateContainerCommon(c, p));
    const name = str(c.name);
    if (names.has(name)) errs.push(duplicateValue(child(p, 'name'), name));
    else names.add(name);
    if (c.restartPolicy !== undefined && c.restartPolicy !== null) {
      errs.push(forbiddenValue(child(p, 'restartPolicy'), 'may not be set for non-init containers'));
    }
  });
  return errs;
}

function validateInitContainers(init: Container[], regular: Container[], path: string): FieldError[] {
  const errs: FieldError[] = [];
  const names = new Set(regular.map((c) => str(c.name)));
  init.forEach((c, i) => {
    const p = index(path, i);
    errs.push(...validateContainerCommon(c, p));
    const rp = c.restartPolicy;
    if (rp !== undefined && rp !== null && rp !== 'Always') {
      errs.push(notSupportedValue(child(p, 'restartPolicy'), rp, ['Always']));
    }
    const name = str(c.name);
    if (names.has(name)) errs.push(duplicateValue(child(p, 'name'), name));
    else if (name !== '') names.add(name);
  });
  return errs;
}

function validateEnum(value: unknown, allowed: string[], path: string): FieldError[] {
  // Unset policies are defaulted before validation upstream, so only a present, unknown value is an error here.
  if (value === undefined || value === null || value === '') return [];
  return allowed.includes(value as string) ? [] : [notSupportedValue(path, value, allowed)];
}

function validateSubdomainRef(value: unknown, path: string): FieldError[] {
  const v = str(value);
  return v === '' ? [] : nameIsDNSSubdomain(v, false).map((msg) => invalidValue(path, v, msg));
}

function validateLabelRef(value: unknown, path: string): FieldError[] {
  const v = str(value);
  return v === '' ? [] : isDNS1123Label(v).map((msg) => invalidValue(path, v, msg));
}

/** The checked subset of ValidatePodSpec, in upstream's order. */
function validatePodSpec(spec: PodSpec, path: string): FieldError[] {
  const containers = containersOf(spec.containers);
  const errs = validateContainers(containers, child(path, 'containers'));
  errs.push(...validateInitContainers(containersOf(spec.initContainers), containers, child(path, 'initContainers')));
  errs.push(...validateEnum(spec.restartPolicy, RESTART_POLICIES, child(path, 'restartPolicy')));
  errs.push(...validateEnum(spec.dnsPolicy, DNS_POLICIES, child(path, 'dnsPolicy')));
  errs.push(...validateLabels(spec.nodeSelector, child(path, 'nodeSelector')));
  errs.push(...validateSubdomainRef(spec.serviceAccountName, child(path, 'serviceAccountName')));
  errs.push(...validateSubdomainRef(spec.nodeName, child(path, 'nodeName')));
  const ads = spec.activeDeadlineSeconds;
  if (typeof ads === 'number' && (ads < 1 || ads > MAX_INT32)) {
    errs.push(invalidValue(child(path, 'activeDeadlineSeconds'), ads, inclusiveRangeError(1, MAX_INT32)));
  }
  errs.push(...validateLabelRef(spec.hostname, child(path, 'hostname')));
  errs.push(...validateLabelRef(spec.subdomain, child(path, 'subdomain')));
  return errs;
}

function validateImageWhitespace(containers: Container[], path: string): FieldError[] {
  const errs: FieldError[] = [];
  containers.forEach((c, i) => {
    const image = str(c.image);
    if (image.trim() !== image) {
      errs.push(invalidValue(child(index(path, i), 'image'), image, 'must not have leading or trailing whitespace'));
    }
  });
  return errs;
}

/** validatePodMetadataAndSpec: shared by create and update. */
function validatePodMetadataAndSpec(pod: Pod): FieldError[] {
  const spec: PodSpec = pod.spec ?? {};
  const errs = validateObjectMeta(pod.metadata, true, nameIsDNSSubdomain);
  errs.push(...validatePodSpec(spec, 'spec'));
  errs.push(...validateImageWhitespace(containersOf(spec.containers), 'spec.containers'));
  errs.push(...validateImageWhitespace(containersOf(spec.initContainers), 'spec.initContainers'));
  return errs;
}

/**
 * A pod on create: namespaced metadata with an RFC 1123 subdomain name; at least one container
 * (`spec.containers: Required value`); container names required, RFC 1123 labels and unique across regular and
 * init containers; images required without surrounding whitespace; service account and node names are subdomains;
 * no ephemeral containers; no nodeName while scheduling gates remain.
 */
export function validatePod(pod: Pod): FieldError[] {
  const spec: PodSpec = pod.spec ?? {};
  const errs = validatePodMetadataAndSpec(pod);
  if (Array.isArray(spec.ephemeralContainers) && spec.ephemeralContainers.length > 0) {
    errs.push(forbiddenValue('spec.ephemeralContainers', 'cannot be set on create'));
  }
  if (str(spec.nodeName) !== '' && Array.isArray(spec.schedulingGates) && spec.schedulingGates.length > 0) {
    errs.push(forbiddenValue('spec.nodeName', 'cannot be set until all schedulingGates have been cleared'));
  }
  return errs;
}

/** ValidateContainerUpdates; `stop` when the container count changed (upstream returns right away). */
function validateContainerUpdates(newC: Container[], oldC: Container[], path: string): [FieldError[], boolean] {
  if (newC.length !== oldC.length)
    return [[forbiddenValue(path, 'pod updates may not add or remove containers')], true];
  const errs: FieldError[] = [];
  newC.forEach((c, i) => {
    const image = str(c.image);
    if (image === '') errs.push(requiredValue(child(index(path, i), 'image')));
    if (image.trim() !== image) {
      errs.push(invalidValue(child(index(path, i), 'image'), image, 'must not have leading or trailing whitespace'));
    }
  });
  return [errs, false];
}

function validateActiveDeadlineUpdate(newSpec: PodSpec, oldSpec: PodSpec): FieldError[] {
  const path = 'spec.activeDeadlineSeconds';
  const n = newSpec.activeDeadlineSeconds;
  const o = oldSpec.activeDeadlineSeconds;
  if (typeof n === 'number') {
    if (n < 0 || n > MAX_INT32) return [invalidValue(path, n, inclusiveRangeError(0, MAX_INT32))];
    if (typeof o === 'number' && o < n) return [invalidValue(path, n, 'must be less than or equal to previous value')];
    return [];
  }
  return typeof o === 'number'
    ? [invalidValue(path, null, 'must not update from a positive integer to nil value')]
    : [];
}

function validateOnlyAddedTolerations(newT: unknown, oldT: unknown): FieldError[] {
  const news = Array.isArray(newT) ? (newT as Record<string, unknown>[]) : [];
  const olds = Array.isArray(oldT) ? (oldT as Record<string, unknown>[]) : [];
  for (const old of olds) {
    const found = news.some((t) => semanticDeepEqual({ ...old, tolerationSeconds: t?.tolerationSeconds }, t));
    if (!found) {
      return [
        forbiddenValue('spec.tolerations', 'existing toleration can not be modified except its tolerationSeconds'),
      ];
    }
  }
  return [];
}

function validateOnlyDeletedSchedulingGates(newG: unknown, oldG: unknown): FieldError[] {
  const news = Array.isArray(newG) ? (newG as { name?: string }[]) : [];
  const olds = new Set((Array.isArray(oldG) ? (oldG as { name?: string }[]) : []).map((g) => str(g?.name)));
  const added = new Map<string, number>();
  news.forEach((g, i) => {
    added.set(str(g?.name), i);
  });
  const errs: FieldError[] = [];
  for (const [name, i] of added) {
    if (olds.has(name)) continue;
    errs.push(
      forbiddenValue(
        child(index('spec.schedulingGates', i), 'name'),
        `only deletion is allowed, but found new scheduling gate '${name}'`,
      ),
    );
  }
  return errs;
}

/** The new spec with every updatable field reset to the old one's, for the final equality check. */
function mungeSpec(newSpec: PodSpec, oldSpec: PodSpec): PodSpec {
  const munged: PodSpec = structuredClone(newSpec);
  const oldContainers = containersOf(oldSpec.containers);
  const oldInit = containersOf(oldSpec.initContainers);
  munged.containers = containersOf(munged.containers).map((c, i) => ({ ...c, image: oldContainers[i]?.image }));
  munged.initContainers = containersOf(munged.initContainers).map((c, i) => ({ ...c, image: oldInit[i]?.image }));
  munged.activeDeadlineSeconds = oldSpec.activeDeadlineSeconds;
  munged.schedulingGates = oldSpec.schedulingGates;
  munged.tolerations = oldSpec.tolerations;
  const oldGrace = oldSpec.terminationGracePeriodSeconds;
  if (typeof oldGrace === 'number' && oldGrace < 0 && munged.terminationGracePeriodSeconds === 1) {
    munged.terminationGracePeriodSeconds = oldGrace;
  }
  return munged;
}

/**
 * A pod update (the pod strategy's ValidateUpdate): metadata immutability, the create-time metadata and spec rules
 * on the new pod, then the spec may change only in container images, activeDeadlineSeconds (down, or from unset),
 * added tolerations and removed scheduling gates. Anything else is `spec: Forbidden: pod updates may not change
 * fields other than …` (upstream's short form, without the diff).
 */
export function validatePodUpdate(newPod: Pod, oldPod: Pod): FieldError[] {
  const newSpec: PodSpec = newPod.spec ?? {};
  const oldSpec: PodSpec = oldPod.spec ?? {};
  const errs = [...validateObjectMetaUpdate(newPod.metadata, oldPod.metadata), ...validatePodMetadataAndSpec(newPod)];

  for (const [field, path] of [
    ['containers', 'spec.containers'],
    ['initContainers', 'spec.initContainers'],
  ] as const) {
    const [containerErrs, stop] = validateContainerUpdates(
      containersOf(newSpec[field]),
      containersOf(oldSpec[field]),
      path,
    );
    errs.push(...containerErrs);
    if (stop) return errs;
  }
  const deadlineErrs = validateActiveDeadlineUpdate(newSpec, oldSpec);
  errs.push(...deadlineErrs);
  if (deadlineErrs.length > 0 && typeof newSpec.activeDeadlineSeconds === 'number') return errs;
  errs.push(...validateOnlyAddedTolerations(newSpec.tolerations, oldSpec.tolerations));
  errs.push(...validateOnlyDeletedSchedulingGates(newSpec.schedulingGates, oldSpec.schedulingGates));

  if (semanticDeepEqual(newSpec, oldSpec)) return errs;
  if (!semanticDeepEqual(mungeSpec(newSpec, oldSpec), oldSpec)) {
    errs.push(forbiddenValue('spec', POD_SPEC_IMMUTABLE_MSG));
  }
  return errs;
}
