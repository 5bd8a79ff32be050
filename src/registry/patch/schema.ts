/**
 * The per-kind schema facts strategic merge patch and server-side apply need, transcribed from the struct tags
 * of k8s.io/api (patchStrategy, patchMergeKey, +listType, +listMapKey, +mapType). Paths are dotted JSON field
 * names from the object root; list items add no segment (`spec.containers.env` is the env of every container).
 * Lists not listed here are replaced by SMP and atomic for SSA; maps are merged key by key.
 */
import type { JsonObject, JsonValue } from './json-value.ts';

/** What one field's tags say. */
export interface FieldMeta {
  /** SMP patchStrategy tag: `merge`, `replace`, `retainKeys` or `merge,retainKeys`. */
  patchStrategy?: string;
  /** SMP patchMergeKey tag (lists of maps merged by this key). */
  patchMergeKey?: string;
  /** SSA list type; lists default to `atomic`. */
  listType?: 'atomic' | 'set' | 'map';
  /** SSA list-map keys, in tag order. */
  listMapKeys?: readonly string[];
  /** Schema defaults of list-map keys an item may omit (container ports default protocol TCP). */
  keyDefaults?: Readonly<Record<string, JsonValue>>;
  /** `atomic` for maps and structs that SSA treats as one leaf (nodeSelector). */
  mapType?: 'atomic';
}

/** path -> FieldMeta for one kind. */
export type KindSchema = Readonly<Record<string, FieldMeta>>;

const byName = (key = 'name', strategy = 'merge'): FieldMeta => ({
  patchStrategy: strategy,
  patchMergeKey: key,
  listType: 'map',
  listMapKeys: [key],
});
const ATOMIC: FieldMeta = { listType: 'atomic' };

const OBJECT_META: KindSchema = {
  'metadata.finalizers': { patchStrategy: 'merge', listType: 'set' },
  'metadata.ownerReferences': byName('uid'),
  'metadata.managedFields': ATOMIC,
};

const CONTAINER: KindSchema = {
  ports: {
    patchStrategy: 'merge',
    patchMergeKey: 'containerPort',
    listType: 'map',
    listMapKeys: ['containerPort', 'protocol'],
    keyDefaults: { protocol: 'TCP' },
  },
  env: byName(),
  envFrom: ATOMIC,
  volumeMounts: byName('mountPath'),
  volumeDevices: byName('devicePath'),
  command: ATOMIC,
  args: ATOMIC,
  resizePolicy: ATOMIC,
  'resources.claims': { listType: 'map', listMapKeys: ['name'] },
};

function podSpec(prefix: string): Record<string, FieldMeta> {
  const out: Record<string, FieldMeta> = {
    [`${prefix}.volumes`]: byName('name', 'merge,retainKeys'),
    [`${prefix}.imagePullSecrets`]: byName(),
    [`${prefix}.tolerations`]: ATOMIC,
    [`${prefix}.hostAliases`]: byName('ip'),
    [`${prefix}.readinessGates`]: ATOMIC,
    [`${prefix}.topologySpreadConstraints`]: {
      patchStrategy: 'merge',
      patchMergeKey: 'topologyKey',
      listType: 'map',
      listMapKeys: ['topologyKey', 'whenUnsatisfiable'],
    },
    [`${prefix}.schedulingGates`]: byName(),
    [`${prefix}.resourceClaims`]: byName('name', 'merge,retainKeys'),
    [`${prefix}.nodeSelector`]: { mapType: 'atomic' },
    [`${prefix}.securityContext.supplementalGroups`]: ATOMIC,
    [`${prefix}.securityContext.sysctls`]: ATOMIC,
    [`${prefix}.dnsConfig.nameservers`]: ATOMIC,
    [`${prefix}.dnsConfig.searches`]: ATOMIC,
    [`${prefix}.dnsConfig.options`]: ATOMIC,
  };
  for (const list of ['containers', 'initContainers', 'ephemeralContainers']) {
    out[`${prefix}.${list}`] = byName();
    for (const [k, v] of Object.entries(CONTAINER)) out[`${prefix}.${list}.${k}`] = v;
  }
  return out;
}

const POD: KindSchema = {
  ...OBJECT_META,
  ...podSpec('spec'),
  'status.conditions': byName('type'),
  'status.podIPs': byName('ip'),
  'status.hostIPs': byName('ip'),
  'status.containerStatuses': ATOMIC,
  'status.initContainerStatuses': ATOMIC,
  'status.ephemeralContainerStatuses': ATOMIC,
};

const RULES: KindSchema = { rules: ATOMIC };

const SCHEMAS = new Map<string, KindSchema>([
  ['Pod', POD],
  ['ServiceAccount', { ...OBJECT_META, secrets: byName(), imagePullSecrets: ATOMIC }],
  ['Namespace', { ...OBJECT_META, 'spec.finalizers': ATOMIC, 'status.conditions': byName('type') }],
  ['Node', { ...OBJECT_META, 'spec.podCIDRs': { patchStrategy: 'merge', listType: 'set' }, 'spec.taints': ATOMIC }],
  ['ConfigMap', OBJECT_META],
  ['Secret', OBJECT_META],
  ['Event', OBJECT_META],
  ['Role', { ...OBJECT_META, ...RULES }],
  ['ClusterRole', { ...OBJECT_META, ...RULES, 'aggregationRule.clusterRoleSelectors': ATOMIC }],
  ['RoleBinding', { ...OBJECT_META, subjects: ATOMIC }],
  ['ClusterRoleBinding', { ...OBJECT_META, subjects: ATOMIC }],
]);

/** The schema table of `kind` (ObjectMeta rules only, for kinds without one). The returned table is read-only. */
export function mergeKeysFor(kind: string | undefined): KindSchema {
  return (kind && SCHEMAS.get(kind)) || OBJECT_META;
}

/**
 * The JSON of the kind's Go zero value (what runtime.DefaultUnstructuredConverter makes of `&v1.Pod{}`):
 * non-omitempty struct fields are present. Server-side apply compares a create against it, which decides
 * where managedFields show `.` entries.
 */
export function emptyObjectFor(kind: string | undefined): JsonObject {
  const base: JsonObject = { metadata: { creationTimestamp: null } };
  switch (kind) {
    case 'Pod':
      return { ...base, spec: { containers: null }, status: {} };
    case 'Namespace':
    case 'Node':
      return { ...base, spec: {}, status: {} };
    case 'Role':
    case 'ClusterRole':
      return { ...base, rules: null };
    case 'RoleBinding':
    case 'ClusterRoleBinding':
      return { ...base, roleRef: { apiGroup: '', kind: '', name: '' } };
    default:
      return base;
  }
}

/**
 * Top-level fields a main-resource write never owns (the strategy's GetResetFields): status, for the kinds
 * that have a status subresource.
 */
export function resetFieldsFor(kind: string | undefined): readonly string[] {
  return kind === 'Pod' || kind === 'Namespace' || kind === 'Node' ? ['status'] : [];
}
