/** Pods: stored and validated; the simulated node (controllers/node.ts) "runs" them. No containers run here. */
import type { Pod } from '../../api/core-v1.ts';
import { formatTime } from '../../api/meta.ts';
import { validatePod, validatePodUpdate } from '../../validation/index.ts';
import { CRUD_VERBS, type ResourceDef } from '../resource.ts';
import { AGE_COLUMN, NAME_COLUMN, type Strategy } from '../strategy.ts';
import { age, column } from './columns.ts';

export const podsResource: ResourceDef = {
  group: '',
  version: 'v1',
  resource: 'pods',
  kind: 'Pod',
  listKind: 'PodList',
  singular: 'pod',
  namespaced: true,
  verbs: CRUD_VERBS,
  shortNames: ['po'],
  categories: ['all'],
  subresources: [{ name: 'status', kind: 'Pod', verbs: ['get', 'patch', 'update'] }],
};

const DEFAULT_GRACE_SECONDS = 30;

export const podStrategy: Strategy<Pod> = {
  prepareForCreate(pod) {
    // Kinds with a spec track its changes in metadata.generation; upstream's pod strategy starts it at 1.
    pod.metadata.generation = 1;
    pod.spec ??= {};
    // The ServiceAccount admission plugin's default, and the deprecated alias kept in step as upstream does.
    pod.spec.serviceAccountName ||= pod.spec.serviceAccount || 'default';
    pod.spec.serviceAccount = pod.spec.serviceAccountName;
    pod.status = { phase: 'Pending', qosClass: 'BestEffort' };
  },
  validate: (pod) => validatePod(pod),
  prepareForUpdate(pod, old) {
    pod.status = old.status;
  },
  validateUpdate: (pod, old) => validatePodUpdate(pod, old),
  columns: [
    NAME_COLUMN,
    column('Ready', 'The aggregate readiness state of this pod for accepting traffic.'),
    column('Status', 'The aggregate status of the containers in this pod.'),
    column(
      'Restarts',
      'The number of times the containers in this pod have been restarted and when the last container in this pod has restarted.',
    ),
    AGE_COLUMN,
    column('IP', 'IP address allocated to the pod. Routable at least within the cluster. Empty if not yet allocated.', {
      priority: 1,
    }),
    column('Node', 'NodeName is a request to schedule this pod onto a specific node.', { priority: 1 }),
    column('Nominated Node', 'nominatedNodeName is set only when this pod preempts other pods on the node.', {
      priority: 1,
    }),
    column('Readiness Gates', 'If specified, all readiness gates will be evaluated for pod readiness.', {
      priority: 1,
    }),
  ],
  row(pod, now) {
    const total = pod.spec?.containers?.length ?? 0;
    const ready = pod.status?.containerStatuses?.filter((c) => c.ready).length ?? 0;
    const restarts = pod.status?.containerStatuses?.reduce((n, c) => n + (c.restartCount ?? 0), 0) ?? 0;
    const reason = pod.metadata.deletionTimestamp ? 'Terminating' : (pod.status?.phase ?? 'Unknown');
    const gates = (pod.spec?.['readinessGates'] as unknown[] | undefined)?.length;
    return [
      pod.metadata.name,
      `${ready}/${total}`,
      reason,
      String(restarts),
      age(pod, now),
      pod.status?.podIP || '<none>',
      pod.spec?.nodeName || '<none>',
      pod.status?.nominatedNodeName || '<none>',
      gates ? `0/${gates}` : '<none>',
    ];
  },
  selectableFields: (pod) => ({
    'spec.nodeName': pod.spec?.nodeName ?? '',
    'spec.serviceAccountName': pod.spec?.serviceAccountName ?? '',
    'status.phase': pod.status?.phase ?? '',
    'status.podIP': pod.status?.podIP ?? '',
    'spec.restartPolicy': String(pod.spec?.['restartPolicy'] ?? ''),
    'spec.schedulerName': String(pod.spec?.['schedulerName'] ?? ''),
  }),
  beginDelete(pod, now) {
    pod.metadata.deletionTimestamp = formatTime(new Date(now.getTime() + DEFAULT_GRACE_SECONDS * 1000));
    pod.metadata.deletionGracePeriodSeconds = DEFAULT_GRACE_SECONDS;
    return pod;
  },
};
