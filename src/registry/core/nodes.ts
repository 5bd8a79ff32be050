/** Nodes: a read-only view of the one simulated node. */
import type { Node } from '../../api/core-v1.ts';
import type { ResourceDef } from '../resource.ts';
import { AGE_COLUMN, NAME_COLUMN, type Strategy } from '../strategy.ts';
import { age, column } from './columns.ts';

export const nodesResource: ResourceDef = {
  group: '',
  version: 'v1',
  resource: 'nodes',
  kind: 'Node',
  listKind: 'NodeList',
  singular: 'node',
  namespaced: false,
  verbs: ['get', 'list', 'watch'],
  shortNames: ['no'],
};

interface NodeStatusView {
  conditions?: { type: string; status: string }[];
  nodeInfo?: Record<string, string>;
  addresses?: { type: string; address: string }[];
}

export const nodeStrategy: Strategy<Node> = {
  prepareForCreate() {},
  validate: () => [],
  prepareForUpdate() {},
  validateUpdate: () => [],
  columns: [
    NAME_COLUMN,
    column('Status', 'The status of the node'),
    column('Roles', 'The roles of the node'),
    AGE_COLUMN,
    column('Version', 'Kubelet Version reported by the node.'),
    column('Internal-IP', 'List of addresses reachable to the node.', { priority: 1 }),
    column('External-IP', 'List of addresses reachable to the node.', { priority: 1 }),
    column('OS-Image', 'OS Image reported by the node from /etc/os-release (e.g. Debian GNU/Linux 7 (wheezy)).', {
      priority: 1,
    }),
    column('Kernel-Version', "Kernel Version reported by the node from 'uname -r' (e.g. 3.16.0-0.bpo.4-amd64).", {
      priority: 1,
    }),
    column(
      'Container-Runtime',
      'ContainerRuntime Version reported by the node through runtime remote API (e.g. containerd://1.4.2).',
      { priority: 1 },
    ),
  ],
  row(node, now) {
    const st = (node.status ?? {}) as NodeStatusView;
    const ready = st.conditions?.find((c) => c.type === 'Ready')?.status === 'True' ? 'Ready' : 'NotReady';
    const roles = Object.keys(node.metadata.labels ?? {})
      .filter((l) => l.startsWith('node-role.kubernetes.io/'))
      .map((l) => l.slice('node-role.kubernetes.io/'.length));
    const addr = (t: string) => st.addresses?.find((a) => a.type === t)?.address ?? '<none>';
    return [
      node.metadata.name,
      ready,
      roles.length ? roles.join(',') : '<none>',
      age(node, now),
      st.nodeInfo?.['kubeletVersion'] ?? '',
      addr('InternalIP'),
      addr('ExternalIP'),
      st.nodeInfo?.['osImage'] ?? '<unknown>',
      st.nodeInfo?.['kernelVersion'] ?? '<unknown>',
      st.nodeInfo?.['containerRuntimeVersion'] ?? '<unknown>',
    ];
  },
};
