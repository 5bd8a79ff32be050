/**
 * The simulated node `superkube`: it registers itself as a Node, "accepts" every pod (nodeName, Running, a pod IP,
 * ready containers) and removes pods marked for deletion at once. No container runs: this keeps kubectl's output
 * familiar, nothing more.
 */
import { createHash } from 'node:crypto';
import type { Node, Pod } from '../api/core-v1.ts';
import { formatTime } from '../api/meta.ts';
import { StatusError } from '../api/status.ts';
import { startInformer } from '../registry/informer.ts';
import type { Stores } from '../registry/stores.ts';
import type { Clock } from '../util/clock.ts';
import type { Controller } from './controller.ts';
import type { EventRecorder } from './events.ts';
import { WorkQueue } from './work-queue.ts';

export const NODE_NAME = 'superkube';
const NODE_IP = '127.0.0.1';

/** A stable pod IP in 10.42.0.0/16 derived from the pod's UID. */
function podIP(uid: string): string {
  const h = createHash('sha256').update(uid).digest();
  return `10.42.${h[0]}.${(h[1]! % 253) + 1}`;
}

function nodeObject(now: string): Node {
  return {
    metadata: {
      name: NODE_NAME,
      labels: {
        'kubernetes.io/hostname': NODE_NAME,
        'kubernetes.io/os': 'linux',
        'kubernetes.io/arch': process.arch === 'x64' ? 'amd64' : process.arch,
        'node-role.kubernetes.io/control-plane': '',
      },
    },
    spec: {},
    status: {
      conditions: [
        {
          type: 'Ready',
          status: 'True',
          reason: 'KubeletReady',
          message: 'superkube simulated node is ready',
          lastHeartbeatTime: now,
          lastTransitionTime: now,
        },
      ],
      addresses: [
        { type: 'InternalIP', address: NODE_IP },
        { type: 'Hostname', address: NODE_NAME },
      ],
      nodeInfo: {
        kubeletVersion: 'v1.33.0-superkube',
        osImage: 'superkube (no containers run)',
        kernelVersion: process.version,
        containerRuntimeVersion: 'none://0',
        operatingSystem: 'linux',
        architecture: process.arch === 'x64' ? 'amd64' : process.arch,
      },
      capacity: { pods: '110' },
      allocatable: { pods: '110' },
    },
  };
}

/**
 * The pod as this node leaves it once its containers "run": bound to the node, Running, ready, with a stable IP
 * (what the bench seeds as a warm cluster's pods, too).
 */
export function markRunning(p: Pod, now: string): Pod {
  p.spec = { ...(p.spec ?? {}), nodeName: NODE_NAME };
  const ip = podIP(p.metadata.uid ?? p.metadata.name ?? '');
  p.status = {
    ...(p.status ?? {}),
    phase: 'Running',
    hostIP: NODE_IP,
    hostIPs: [{ ip: NODE_IP }],
    podIP: ip,
    podIPs: [{ ip }],
    startTime: now,
    conditions: ['PodReadyToStartContainers', 'Initialized', 'Ready', 'ContainersReady', 'PodScheduled'].map(
      (type) => ({
        type,
        status: 'True',
        lastProbeTime: null,
        lastTransitionTime: now,
      }),
    ),
    containerStatuses: (p.spec.containers ?? []).map((c) => ({
      name: c.name,
      ready: true,
      restartCount: 0,
      image: c.image ?? '',
      imageID: '',
      started: true,
      state: { running: { startedAt: now } },
    })),
  };
  return p;
}

/** Starts the node simulation. */
export function nodeController(
  stores: Stores,
  clock: Clock,
  events: EventRecorder,
  onError: (err: unknown) => void,
): Controller {
  const key = (ns: string, name: string) => `${ns}/${name}`;
  const queue = new WorkQueue(
    async (k) => {
      const [ns, name] = k.split('/') as [string, string];
      const pod = await stores.pods.find(ns, name);
      if (!pod) return 'done';
      if (pod.metadata.deletionTimestamp) {
        try {
          await stores.pods.remove(ns, name, Number(pod.metadata.resourceVersion));
        } catch (err) {
          if (err instanceof StatusError && err.code === 404) return 'done';
          if (err instanceof StatusError && err.code === 409) return 'requeue';
          throw err;
        }
        return 'done';
      }
      if (pod.spec?.nodeName === NODE_NAME && pod.status?.phase === 'Running') return 'done';
      const now = formatTime(clock.now());
      const running = await stores.pods.guaranteedUpdate(ns, name, (p) => markRunning(p, now), { trusted: true });
      // The events a scheduler and kubelet would record, so `kubectl describe pod` reads as on a real cluster.
      await events.record(
        running,
        'Normal',
        'Scheduled',
        `Successfully assigned ${ns}/${name} to ${NODE_NAME}`,
        'default-scheduler',
      );
      for (const c of running.spec?.containers ?? []) {
        await events.record(
          running,
          'Normal',
          'Pulled',
          `Container image "${c.image ?? ''}" already present on machine (simulated)`,
          'kubelet',
        );
        await events.record(running, 'Normal', 'Created', `Created container: ${c.name}`, 'kubelet');
        await events.record(
          running,
          'Normal',
          'Started',
          `Started container ${c.name} (simulated: superkube runs no containers)`,
          'kubelet',
        );
      }
      return 'done';
    },
    (_k, err) => onError(err),
  );

  void (async () => {
    try {
      const existing = await stores.nodes.find('', NODE_NAME);
      const fresh = nodeObject(formatTime(clock.now()));
      if (!existing) await stores.nodes.create('', fresh);
      else await stores.nodes.guaranteedUpdate('', NODE_NAME, (n) => ({ ...n, status: fresh.status }));
    } catch (err) {
      if (!(err instanceof StatusError && err.code === 409)) onError(err);
    }
  })();

  const informer = startInformer<Pod>(
    stores.pods,
    {
      replace: (pods) => {
        for (const p of pods) queue.add(key(p.metadata.namespace!, p.metadata.name!));
      },
      upsert: (p) => queue.add(key(p.metadata.namespace!, p.metadata.name!)),
      remove: () => {},
    },
    onError,
  );
  return {
    name: 'node',
    synced: informer.synced,
    idle: () => queue.idle(),
    stop: () => {
      informer.stop();
      queue.stop();
    },
  };
}
