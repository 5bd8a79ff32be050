/** Component schemas of the core/v1 kinds superkube serves, written against the wire types in src/api/core-v1.ts. */
import type {
  ConfigMap,
  Container,
  Event,
  Namespace,
  Node,
  ObjectReference,
  Pod,
  Secret,
  ServiceAccount,
} from '../../api/core-v1.ts';
import { typeMeta } from './definitions-meta.ts';
import {
  bool,
  CORE,
  enumOf,
  INT_OR_STRING,
  int32,
  int64,
  listOf,
  META,
  mapOf,
  object,
  QUANTITY,
  ref,
  type Schema,
  str,
  stringMap,
  strings,
  time,
} from './schema.ts';

type PodSpec = NonNullable<Pod['spec']>;
type PodStatus = NonNullable<Pod['status']>;
type Fields = Record<string, unknown>;

const LOCAL_REF = `${CORE}LocalObjectReference`;

const container = (what: string): Schema =>
  object<Container>(
    `${what} Each container runs one image; superkube records containers but runs none.`,
    {
      name: str('The name of the container, a DNS label unique within the pod. It cannot be changed.'),
      image: str('The container image to run, such as nginx:1.27 or registry.example/app@sha256:....'),
      imagePullPolicy: enumOf(
        'When to pull the image: Always, Never, or IfNotPresent (the default unless the tag is latest).',
        ['Always', 'IfNotPresent', 'Never'],
      ),
      command: strings(
        "The entrypoint, replacing the image's ENTRYPOINT. $(VAR) references are expanded from the container environment.",
      ),
      args: strings("Arguments to the entrypoint, replacing the image's CMD. $(VAR) references are expanded."),
      workingDir: str("The working directory; the image's default when empty."),
      ports: listOf(
        `${CORE}ContainerPort`,
        'Ports the container exposes. Informational: a listening port is reachable whether or not it is listed.',
      ),
      env: listOf(`${CORE}EnvVar`, 'Environment variables to set in the container.'),
      envFrom: listOf(
        `${CORE}EnvFromSource`,
        'Sources whose keys all become environment variables. Explicit env entries win on conflicts.',
      ),
      resources: ref(
        `${CORE}ResourceRequirements`,
        'The compute resources (cpu, memory...) the container requests and may use at most.',
        { required: true },
      ),
      volumeMounts: listOf(`${CORE}VolumeMount`, "Pod volumes to mount into the container's filesystem."),
      livenessProbe: ref(`${CORE}Probe`, 'A periodic check; the container is restarted when it fails.'),
      readinessProbe: ref(`${CORE}Probe`, 'A periodic check; the pod receives no service traffic while it fails.'),
      startupProbe: ref(`${CORE}Probe`, 'A check that must succeed before the other probes start.'),
      securityContext: ref(
        `${CORE}SecurityContext`,
        'Security options of this container, overriding the pod-level ones.',
      ),
      restartPolicy: str(
        'For init containers only: Always makes it a sidecar that keeps running next to the regular containers.',
      ),
      stdin: bool('Whether the container gets a stdin buffer.'),
      stdinOnce: bool('Whether stdin is closed after the first attach session ends.'),
      tty: bool('Whether the container gets a TTY (needs stdin).'),
      terminationMessagePath: str(
        'The file whose content becomes the termination message. Defaults to /dev/termination-log.',
      ),
      terminationMessagePolicy: enumOf('Where the termination message comes from.', ['FallbackToLogsOnError', 'File']),
    },
    ['name'],
  );

const probe = object<Fields>(
  'A health check run against a container: a command, an HTTP GET or a TCP connection, with timing settings.',
  {
    exec: ref(`${CORE}ExecAction`, 'Run a command in the container; exit status 0 means healthy.'),
    httpGet: ref(`${CORE}HTTPGetAction`, 'Send an HTTP GET; a status from 200 to 399 means healthy.'),
    tcpSocket: ref(`${CORE}TCPSocketAction`, 'Open a TCP connection; success means healthy.'),
    initialDelaySeconds: int32('Seconds to wait after the container starts before the first check.'),
    timeoutSeconds: int32('Seconds after which a check counts as failed. Defaults to 1.'),
    periodSeconds: int32('Seconds between checks. Defaults to 10.'),
    successThreshold: int32('Consecutive successes needed after a failure. Defaults to 1.'),
    failureThreshold: int32('Consecutive failures that count as unhealthy. Defaults to 3.'),
    terminationGracePeriodSeconds: int64(
      'Overrides the pod termination grace period when this probe kills the container.',
    ),
  },
);

const podSpec = object<PodSpec>(
  'The desired state of a pod: its containers, volumes and scheduling and security settings.',
  {
    containers: listOf(
      `${CORE}Container`,
      'The containers of the pod. At least one is required and the list cannot change after creation.',
    ),
    initContainers: listOf(
      `${CORE}Container`,
      'Containers run in order before the regular containers start; each must finish successfully.',
    ),
    volumes: listOf(`${CORE}Volume`, "Volumes the pod's containers can mount."),
    restartPolicy: enumOf('When containers are restarted after they exit. Defaults to Always.', [
      'Always',
      'Never',
      'OnFailure',
    ]),
    terminationGracePeriodSeconds: int64(
      'Seconds the pod gets to shut down after deletion before it is killed. Defaults to 30.',
    ),
    activeDeadlineSeconds: int64('Seconds the pod may run before it is failed, counted from its start.'),
    dnsPolicy: enumOf('How DNS is configured for the pod. Defaults to ClusterFirst.', [
      'ClusterFirst',
      'ClusterFirstWithHostNet',
      'Default',
      'None',
    ]),
    nodeSelector: stringMap('Labels a node must have for the pod to be scheduled there.'),
    serviceAccountName: str('The service account the pod runs as. Defaults to default.'),
    serviceAccount: str('Deprecated alias of serviceAccountName; the server keeps both in step.'),
    automountServiceAccountToken: bool('Whether a service-account token is mounted into the containers.'),
    nodeName: str('The node the pod is bound to. Setting it on create skips scheduling.'),
    hostNetwork: bool("Whether the pod uses the node's network namespace."),
    hostPID: bool("Whether the pod uses the node's process namespace."),
    hostIPC: bool("Whether the pod uses the node's IPC namespace."),
    shareProcessNamespace: bool('Whether all containers of the pod share one process namespace.'),
    securityContext: ref(`${CORE}PodSecurityContext`, 'Security settings that apply to every container of the pod.'),
    imagePullSecrets: listOf(
      LOCAL_REF,
      'Secrets in the same namespace holding registry credentials for pulling the images.',
    ),
    hostname: str("The pod's hostname. Defaults to the pod name."),
    subdomain: str('When set, the pod gets the DNS name <hostname>.<subdomain>.<namespace>.svc.'),
    schedulerName: str('The scheduler that places the pod. Defaults to default-scheduler.'),
    tolerations: listOf(`${CORE}Toleration`, 'Taints the pod tolerates.'),
    hostAliases: listOf(`${CORE}HostAlias`, "Extra entries for the pod's /etc/hosts file."),
    priorityClassName: str('The name of the PriorityClass that gives the pod its priority.'),
    priority: int32('The priority value, resolved from priorityClassName by the server.'),
    runtimeClassName: str('The RuntimeClass the containers run with.'),
    enableServiceLinks: bool('Whether service information is injected as environment variables. Defaults to true.'),
    readinessGates: listOf(`${CORE}PodReadinessGate`, 'Extra conditions that must be True for the pod to be ready.'),
  },
  ['containers'],
);

const podStatus = object<PodStatus>(
  'The observed state of a pod, written by the node and the control plane. Clients do not set it.',
  {
    phase: enumOf('A summary of where the pod is in its lifecycle.', [
      'Failed',
      'Pending',
      'Running',
      'Succeeded',
      'Unknown',
    ]),
    conditions: listOf(
      `${CORE}PodCondition`,
      'The current service state of the pod (PodScheduled, Initialized, ContainersReady, Ready).',
    ),
    message: str('A human-readable message about why the pod is in this state.'),
    reason: str('A brief CamelCase reason for the current state.'),
    hostIP: str('The IP address of the node the pod runs on.'),
    hostIPs: listOf(`${CORE}HostIP`, 'The IP addresses of the node the pod runs on.'),
    podIP: str('The IP address of the pod, once allocated.'),
    podIPs: listOf(`${CORE}PodIP`, 'The IP addresses of the pod; the first equals podIP.'),
    startTime: time('When the node acknowledged the pod, before any image was pulled.'),
    qosClass: enumOf('The quality-of-service class derived from the resource requests and limits.', [
      'BestEffort',
      'Burstable',
      'Guaranteed',
    ]),
    nominatedNodeName: str('The node a preempting pod is expected to run on once victims are gone.'),
    initContainerStatuses: listOf(`${CORE}ContainerStatus`, 'The status of each init container.'),
    containerStatuses: listOf(`${CORE}ContainerStatus`, 'The status of each container.'),
  },
);

const objectReference = object<ObjectReference>('A reference to another object, possibly a field inside it.', {
  kind: str('The kind of the referent.'),
  namespace: str('The namespace of the referent.'),
  name: str('The name of the referent.'),
  uid: str('The UID of the referent.'),
  apiVersion: str('The API version of the referent.'),
  resourceVersion: str('The resourceVersion of the referent the reference was made against.'),
  fieldPath: str('A field within the referent, such as spec.containers{web}.'),
});

const keySelector = (source: string): Schema =>
  object<Fields>(
    `Selects one key of a ${source}.`,
    {
      name: str(`The name of the ${source} in the pod's namespace.`),
      key: str('The key to select.'),
      optional: bool(`Whether the ${source} or its key may be missing.`),
    },
    ['key'],
  );

const volumeSource = (source: string, keyTo: boolean): Schema =>
  object<Fields>(`Exposes the keys of a ${source} as files.`, {
    ...(source === 'Secret'
      ? { secretName: str('The name of the Secret in the pod namespace.') }
      : { name: str('The name of the ConfigMap.') }),
    ...(keyTo ? { items: listOf(`${CORE}KeyToPath`, 'Which keys to project and where; all keys when empty.') } : {}),
    defaultMode: int32('The permission bits of the created files, 0644 by default.'),
    optional: bool(`Whether the ${source} may be missing.`),
  });

/**
 * Components that name only part of their upstream fields (the rest pass through unvalidated): field validation must
 * not call their other fields unknown.
 */
export const OPEN_COMPONENTS: ReadonlySet<string> = new Set(
  [
    'PodSpec',
    'PodStatus',
    'Container',
    'ContainerStatus',
    'ContainerState',
    'ContainerStateWaiting',
    'ContainerStateRunning',
    'ContainerStateTerminated',
    'Volume',
    'VolumeMount',
    'Probe',
    'HTTPGetAction',
    'SecurityContext',
    'PodSecurityContext',
    'ResourceRequirements',
    'EnvVarSource',
    'PodCondition',
    'NodeSpec',
    'NodeStatus',
    'NodeSystemInfo',
  ].map((n) => `${CORE}${n}`),
);

/** The core/v1 components. */
export const CORE_COMPONENTS: Record<string, Schema> = {
  [`${CORE}Namespace`]: object<Namespace>(
    'A scope for names: most objects live in a namespace, and names are unique within it.',
    {
      ...typeMeta(),
      spec: ref(`${CORE}NamespaceSpec`, 'The desired state of the namespace.', { required: true }),
      status: ref(`${CORE}NamespaceStatus`, 'The observed state of the namespace.', { required: true }),
    },
  ),
  [`${CORE}NamespaceSpec`]: object<NonNullable<Namespace['spec']>>('The desired state of a namespace.', {
    finalizers: strings(
      'Cleanup steps that must finish before the namespace is removed; kubernetes makes the server delete its content first.',
    ),
  }),
  [`${CORE}NamespaceStatus`]: object<NonNullable<Namespace['status']>>('The observed state of a namespace.', {
    phase: enumOf('Active, or Terminating once deletion was requested.', ['Active', 'Terminating']),
    conditions: listOf(`${CORE}NamespaceCondition`, 'The latest observations of the namespace deletion.'),
  }),
  [`${CORE}NamespaceCondition`]: object<Fields>(
    'One observation about a namespace.',
    {
      type: str('The type of the condition.'),
      status: str('True, False or Unknown.'),
      lastTransitionTime: time('When the status last changed.'),
      reason: str('A brief CamelCase reason.'),
      message: str('A human-readable explanation.'),
    },
    ['type', 'status'],
  ),
  [`${CORE}ServiceAccount`]: object<ServiceAccount>(
    'An identity for processes that run in pods, used to authenticate them to the API server.',
    {
      ...typeMeta(),
      secrets: listOf(
        `${CORE}ObjectReference`,
        'Legacy token secrets of this account. Prefer short-lived tokens from the TokenRequest API.',
      ),
      imagePullSecrets: listOf(LOCAL_REF, 'Registry credentials added to every pod that runs as this account.'),
      automountServiceAccountToken: bool(
        'Whether pods running as this account get a token mounted; a pod-level setting wins.',
      ),
    },
  ),
  [`${CORE}Secret`]: object<Secret>(
    'Holds sensitive data, such as passwords, tokens or keys, as base64-encoded values.',
    {
      ...typeMeta(),
      type: str(
        'How the data is used (Opaque, kubernetes.io/service-account-token, kubernetes.io/tls...). Defaults to Opaque.',
      ),
      data: stringMap('The secret data: keys of letters, digits, -, _ and ., values base64-encoded.', {
        additionalProperties: { type: 'string', format: 'byte' },
      }),
      stringData: stringMap(
        'Write-only plain-text values, merged into data on write (they win over data). Never returned.',
      ),
      immutable: bool('When true, data cannot change anymore; only deletion is possible.'),
    },
  ),
  [`${CORE}ConfigMap`]: object<ConfigMap>('Holds non-confidential configuration data for pods as key/value pairs.', {
    ...typeMeta(),
    data: stringMap('UTF-8 configuration values by key. Keys must not collide with binaryData keys.'),
    binaryData: stringMap('Binary configuration values by key, base64-encoded.', {
      additionalProperties: { type: 'string', format: 'byte' },
    }),
    immutable: bool('When true, data and binaryData cannot change anymore; only deletion is possible.'),
  }),
  [`${CORE}Pod`]: object<Pod>('A group of containers scheduled together onto one node, sharing network and storage.', {
    ...typeMeta(),
    spec: ref(`${CORE}PodSpec`, 'The desired state of the pod.', { required: true }),
    status: ref(`${CORE}PodStatus`, 'The most recently observed state of the pod. Read-only.', { required: true }),
  }),
  [`${CORE}PodSpec`]: podSpec,
  [`${CORE}PodStatus`]: podStatus,
  [`${CORE}Container`]: container('A single application container of a pod.'),
  [`${CORE}ContainerPort`]: object<Fields>(
    'A network port of a container.',
    {
      name: str('An IANA service name for the port, unique within the pod.'),
      containerPort: int32('The port number inside the container.'),
      protocol: enumOf('The protocol. Defaults to TCP.', ['SCTP', 'TCP', 'UDP']),
      hostPort: int32('The port number to expose on the node, if any.'),
      hostIP: str('The node IP to bind the host port to.'),
    },
    ['containerPort'],
  ),
  [`${CORE}EnvVar`]: object<Fields>(
    'One environment variable.',
    {
      name: str('The name of the variable.'),
      value: str('The value; $(VAR) references to earlier variables are expanded.'),
      valueFrom: ref(`${CORE}EnvVarSource`, 'Where to read the value from, when value is empty.'),
    },
    ['name'],
  ),
  [`${CORE}EnvVarSource`]: object<Fields>('Where an environment variable takes its value from.', {
    configMapKeyRef: ref(`${CORE}ConfigMapKeySelector`, 'A key of a ConfigMap.'),
    secretKeyRef: ref(`${CORE}SecretKeySelector`, 'A key of a Secret.'),
    fieldRef: ref(`${CORE}ObjectFieldSelector`, 'A field of the pod, such as metadata.name or status.podIP.'),
  }),
  [`${CORE}ConfigMapKeySelector`]: keySelector('ConfigMap'),
  [`${CORE}SecretKeySelector`]: keySelector('Secret'),
  [`${CORE}ObjectFieldSelector`]: object<Fields>(
    'Selects a field of the pod.',
    {
      apiVersion: str('The API version the field path is written in. Defaults to v1.'),
      fieldPath: str('The path of the field to select.'),
    },
    ['fieldPath'],
  ),
  [`${CORE}EnvFromSource`]: object<Fields>('A source of a whole set of environment variables.', {
    prefix: str('A prefix added to every variable name.'),
    configMapRef: ref(`${CORE}ConfigMapEnvSource`, 'A ConfigMap whose keys become variables.'),
    secretRef: ref(`${CORE}SecretEnvSource`, 'A Secret whose keys become variables.'),
  }),
  [`${CORE}ConfigMapEnvSource`]: object<Fields>('A ConfigMap used as environment source.', {
    name: str('The name of the ConfigMap.'),
    optional: bool('Whether the ConfigMap may be missing.'),
  }),
  [`${CORE}SecretEnvSource`]: object<Fields>('A Secret used as environment source.', {
    name: str('The name of the Secret.'),
    optional: bool('Whether the Secret may be missing.'),
  }),
  [`${CORE}ResourceRequirements`]: object<Fields>('Compute resource requests and limits.', {
    limits: mapOf(QUANTITY, 'The most of each resource the container may use.'),
    requests: mapOf(QUANTITY, 'The amount of each resource the container needs; defaults to the limits when omitted.'),
  }),
  [`${CORE}VolumeMount`]: object<Fields>(
    'Mounts a pod volume into a container.',
    {
      name: str('The name of the pod volume.'),
      mountPath: str('The path inside the container; it must not contain a colon.'),
      readOnly: bool('Whether the mount is read-only. Defaults to false.'),
      subPath: str('A path inside the volume to mount instead of its root.'),
      subPathExpr: str('Like subPath, with $(VAR) references expanded from the container environment.'),
      mountPropagation: enumOf('How mounts propagate between the host and the container.', [
        'Bidirectional',
        'HostToContainer',
        'None',
      ]),
    },
    ['name', 'mountPath'],
  ),
  [`${CORE}Probe`]: probe,
  [`${CORE}ExecAction`]: object<Fields>('A command run inside the container.', {
    command: strings('The command and its arguments; it is not run in a shell.'),
  }),
  [`${CORE}HTTPGetAction`]: object<Fields>(
    'An HTTP GET request.',
    {
      path: str('The path to request.'),
      port: ref(INT_OR_STRING, 'The port number or name to connect to.'),
      host: str('The host to connect to; the pod IP by default.'),
      scheme: enumOf('HTTP or HTTPS. Defaults to HTTP.', ['HTTP', 'HTTPS']),
    },
    ['port'],
  ),
  [`${CORE}TCPSocketAction`]: object<Fields>(
    'A TCP connection attempt.',
    {
      port: ref(INT_OR_STRING, 'The port number or name to connect to.'),
      host: str('The host to connect to; the pod IP by default.'),
    },
    ['port'],
  ),
  [`${CORE}SecurityContext`]: object<Fields>('Security options of one container.', {
    runAsUser: int64('The user ID the entrypoint runs as.'),
    runAsGroup: int64('The primary group ID the entrypoint runs as.'),
    runAsNonRoot: bool('When true, the container must not run as user 0.'),
    privileged: bool('Whether the container runs privileged, like a root process on the host.'),
    readOnlyRootFilesystem: bool('Whether the root filesystem is read-only.'),
    allowPrivilegeEscalation: bool('Whether a process may gain more privileges than its parent.'),
    capabilities: ref(`${CORE}Capabilities`, 'Linux capabilities to add or drop.'),
  }),
  [`${CORE}Capabilities`]: object<Fields>('Linux capabilities to add to or drop from the default set.', {
    add: strings('Capabilities to add.'),
    drop: strings('Capabilities to drop.'),
  }),
  [`${CORE}PodSecurityContext`]: object<Fields>('Security settings shared by all containers of a pod.', {
    runAsUser: int64('The user ID the container entrypoints run as.'),
    runAsGroup: int64('The primary group ID the container entrypoints run as.'),
    runAsNonRoot: bool('When true, containers must not run as user 0.'),
    fsGroup: int64('A supplementary group that owns the mounted volumes.'),
    supplementalGroups: {
      description: 'Extra group IDs for the first process of each container.',
      type: 'array',
      items: { type: 'integer', format: 'int64', default: 0 },
    },
  }),
  [LOCAL_REF]: object<Fields>('A reference to an object by name, in the same namespace.', {
    name: str('The name of the referent.'),
  }),
  [`${CORE}Toleration`]: object<Fields>('Lets a pod be scheduled onto (or stay on) nodes with a matching taint.', {
    key: str('The taint key to match; empty with operator Exists matches every taint.'),
    operator: enumOf('How the value is compared. Defaults to Equal.', ['Equal', 'Exists']),
    value: str('The taint value to match.'),
    effect: enumOf('The taint effect to match; empty matches every effect.', [
      'NoExecute',
      'NoSchedule',
      'PreferNoSchedule',
    ]),
    tolerationSeconds: int64('For NoExecute: how long the pod stays bound after the taint appears.'),
  }),
  [`${CORE}HostAlias`]: object<Fields>(
    'An /etc/hosts entry.',
    {
      ip: str('The IP address.'),
      hostnames: strings('The host names for the address.'),
    },
    ['ip'],
  ),
  [`${CORE}PodReadinessGate`]: object<Fields>(
    'An extra readiness condition.',
    { conditionType: str('The condition type to wait for.') },
    ['conditionType'],
  ),
  [`${CORE}Volume`]: object<Fields>(
    'A named volume that containers of the pod can mount.',
    {
      name: str('The name of the volume, a DNS label unique within the pod.'),
      emptyDir: ref(`${CORE}EmptyDirVolumeSource`, 'A scratch directory that lives as long as the pod.'),
      configMap: ref(`${CORE}ConfigMapVolumeSource`, 'The keys of a ConfigMap as files.'),
      secret: ref(`${CORE}SecretVolumeSource`, 'The keys of a Secret as files.'),
      hostPath: ref(`${CORE}HostPathVolumeSource`, 'A file or directory of the node.'),
      persistentVolumeClaim: ref(
        `${CORE}PersistentVolumeClaimVolumeSource`,
        'A PersistentVolumeClaim in the same namespace.',
      ),
    },
    ['name'],
  ),
  [`${CORE}EmptyDirVolumeSource`]: object<Fields>('A temporary directory.', {
    medium: str('Where the directory is stored: empty for the node default, Memory for tmpfs.'),
    sizeLimit: ref(QUANTITY, 'The most storage the directory may use.'),
  }),
  [`${CORE}ConfigMapVolumeSource`]: volumeSource('ConfigMap', true),
  [`${CORE}SecretVolumeSource`]: volumeSource('Secret', true),
  [`${CORE}KeyToPath`]: object<Fields>(
    'Maps one key to a file path in a volume.',
    {
      key: str('The key to project.'),
      path: str('The relative file path to write it to.'),
      mode: int32('The permission bits of the file.'),
    },
    ['key', 'path'],
  ),
  [`${CORE}HostPathVolumeSource`]: object<Fields>(
    'A path on the node.',
    {
      path: str('The path on the node.'),
      type: str('What the path must be (Directory, File, DirectoryOrCreate...); not checked when empty.'),
    },
    ['path'],
  ),
  [`${CORE}PersistentVolumeClaimVolumeSource`]: object<Fields>(
    'A reference to a PersistentVolumeClaim.',
    {
      claimName: str('The name of the claim in the pod namespace.'),
      readOnly: bool('Whether to mount the volume read-only.'),
    },
    ['claimName'],
  ),
  [`${CORE}PodCondition`]: object<Fields>(
    'One observation about a pod.',
    {
      type: str('The type of the condition, such as Ready.'),
      status: str('True, False or Unknown.'),
      lastProbeTime: time('When the condition was last checked.'),
      lastTransitionTime: time('When the status last changed.'),
      reason: str('A brief CamelCase reason for the last transition.'),
      message: str('A human-readable explanation of the last transition.'),
    },
    ['type', 'status'],
  ),
  [`${CORE}HostIP`]: object<Fields>('An IP address of the node.', { ip: str('The address.') }, ['ip']),
  [`${CORE}PodIP`]: object<Fields>('An IP address of the pod.', { ip: str('The address.') }, ['ip']),
  [`${CORE}ContainerStatus`]: object<NonNullable<PodStatus['containerStatuses']>[number] & Fields>(
    'The observed state of one container.',
    {
      name: str('The name of the container.'),
      state: ref(`${CORE}ContainerState`, 'What the container is doing now.', { required: true }),
      lastState: ref(`${CORE}ContainerState`, 'How the previous run of the container ended.', { required: true }),
      ready: bool('Whether the container passes its readiness probe.'),
      restartCount: int32('How many times the container was restarted.'),
      image: str('The image the container runs.'),
      imageID: str('The resolved ID of the image.'),
      containerID: str('The runtime ID of the container, as <type>://<id>.'),
      started: bool('Whether the container has started and passed its startup probe.'),
    },
    ['name', 'ready', 'restartCount', 'image', 'imageID'],
  ),
  [`${CORE}ContainerState`]: object<Fields>(
    'The state of a container; at most one member is set (waiting by default).',
    {
      waiting: ref(`${CORE}ContainerStateWaiting`, 'Details when the container is not running yet.'),
      running: ref(`${CORE}ContainerStateRunning`, 'Details when the container is running.'),
      terminated: ref(`${CORE}ContainerStateTerminated`, 'Details when the container has exited.'),
    },
  ),
  [`${CORE}ContainerStateWaiting`]: object<Fields>('A container that is not running yet.', {
    reason: str('Why it is waiting, such as ContainerCreating.'),
    message: str('More details about the wait.'),
  }),
  [`${CORE}ContainerStateRunning`]: object<Fields>('A running container.', {
    startedAt: time('When the container last started.'),
  }),
  [`${CORE}ContainerStateTerminated`]: object<Fields>(
    'A container that has exited.',
    {
      exitCode: int32('The exit status of the last run.'),
      signal: int32('The signal that ended the last run, if any.'),
      reason: str('Why it exited, such as Completed or Error.'),
      message: str('More details about the exit.'),
      startedAt: time('When the last run started.'),
      finishedAt: time('When the last run ended.'),
      containerID: str('The runtime ID of the container.'),
    },
    ['exitCode'],
  ),
  [`${CORE}ObjectReference`]: objectReference,
  [`${CORE}Node`]: object<Node>(
    'A worker machine that runs pods. superkube simulates one node that marks pods bound to it as running.',
    {
      ...typeMeta(),
      spec: ref(`${CORE}NodeSpec`, 'How the node is configured.', { required: true }),
      status: ref(`${CORE}NodeStatus`, 'The most recently observed state of the node. Read-only.', { required: true }),
    },
  ),
  [`${CORE}NodeSpec`]: object<Fields>('How a node is configured.', {
    podCIDR: str('The pod IP range assigned to the node.'),
    podCIDRs: strings('The pod IP ranges assigned to the node, one per IP family.'),
    providerID: str('The ID of the node in its cloud provider.'),
    unschedulable: bool('When true, no new pods are scheduled onto the node.'),
    taints: listOf(`${CORE}Taint`, 'Taints that repel pods which do not tolerate them.'),
  }),
  [`${CORE}Taint`]: object<Fields>(
    'A mark on a node that repels pods without a matching toleration.',
    {
      key: str('The taint key.'),
      value: str('The taint value.'),
      effect: enumOf('What happens to pods that do not tolerate it.', ['NoExecute', 'NoSchedule', 'PreferNoSchedule']),
      timeAdded: time('When a NoExecute taint was added.'),
    },
    ['key', 'effect'],
  ),
  [`${CORE}NodeStatus`]: object<Fields>('The observed state of a node.', {
    capacity: mapOf(QUANTITY, 'The total resources of the node.'),
    allocatable: mapOf(QUANTITY, 'The resources available to pods.'),
    phase: str('Deprecated; not set.'),
    conditions: listOf(`${CORE}NodeCondition`, 'The current conditions of the node, such as Ready.'),
    addresses: listOf(`${CORE}NodeAddress`, 'The addresses the node is reachable at.'),
    nodeInfo: ref(`${CORE}NodeSystemInfo`, 'Facts about the machine and its software.', { required: true }),
  }),
  [`${CORE}NodeCondition`]: object<Fields>(
    'One observation about a node.',
    {
      type: str('The type of the condition, such as Ready.'),
      status: str('True, False or Unknown.'),
      lastHeartbeatTime: time('When the condition was last reported.'),
      lastTransitionTime: time('When the status last changed.'),
      reason: str('A brief CamelCase reason for the last transition.'),
      message: str('A human-readable explanation of the last transition.'),
    },
    ['type', 'status'],
  ),
  [`${CORE}NodeAddress`]: object<Fields>(
    'One address of a node.',
    {
      type: str('The address type: Hostname, InternalIP, ExternalIP...'),
      address: str('The address.'),
    },
    ['type', 'address'],
  ),
  [`${CORE}NodeSystemInfo`]: object<Fields>('Facts a node reports about itself.', {
    machineID: str('The machine ID.'),
    systemUUID: str('The system UUID.'),
    bootID: str('The boot ID.'),
    kernelVersion: str('The kernel version.'),
    osImage: str('The operating system image.'),
    containerRuntimeVersion: str('The container runtime and its version.'),
    kubeletVersion: str('The kubelet version.'),
    kubeProxyVersion: str('Deprecated kube-proxy version.'),
    operatingSystem: str('The operating system, such as linux.'),
    architecture: str('The CPU architecture, such as amd64.'),
  }),
  [`${CORE}Event`]: object<Event & Fields>(
    'A report of something that happened to an object, such as a scheduling decision or an error. Events are kept for a limited time.',
    {
      ...typeMeta(),
      involvedObject: ref(`${CORE}ObjectReference`, 'The object the event is about.', { required: true }),
      reason: str('A short CamelCase reason for the event, such as Scheduled.'),
      message: str('A human-readable description of what happened.'),
      source: ref(`${CORE}EventSource`, 'The component that reported the event.', { required: true }),
      firstTimestamp: time('When the event was first recorded.'),
      lastTimestamp: time('When the most recent occurrence was recorded.'),
      count: int32('How many times the event has occurred.'),
      type: enumOf('Normal or Warning.', ['Normal', 'Warning']),
      eventTime: ref(`${META}MicroTime`, 'When the event was first observed, with microsecond precision.'),
      action: str('What action was taken or failed.'),
      related: ref(`${CORE}ObjectReference`, 'A second object involved in the event.'),
      reportingComponent: str('The controller that emitted the event.'),
      reportingInstance: str('The ID of the controller instance.'),
      series: ref(`${CORE}EventSeries`, 'Data about an event that keeps recurring.'),
    },
    ['metadata', 'involvedObject'],
  ),
  [`${CORE}EventSeries`]: object<Fields>('A series of recurring occurrences of an event.', {
    count: int32('How many times the event occurred in the series so far.'),
    lastObservedTime: ref(`${META}MicroTime`, 'When the last occurrence was observed.'),
  }),
  [`${CORE}EventSource`]: object<Fields>('The component that reported an event.', {
    component: str('The component name.'),
    host: str('The node name the component runs on.'),
  }),
  [QUANTITY]: {
    description:
      'An amount of a resource as a fixed-point number with an optional suffix, such as 500m, 2, 128Mi or 1G.',
    type: 'string',
  },
  [INT_OR_STRING]: {
    description: 'A value that is either an integer or a string, such as a port number or a port name.',
    anyOf: [{ type: 'integer' }, { type: 'string' }],
    'x-kubernetes-int-or-string': true,
  },
};
