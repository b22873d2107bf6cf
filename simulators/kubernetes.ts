import { createHash } from 'node:crypto';
import { json, readJsonBody, serveSimulator, type RunningSimulator, type SimRequest, type SimResponse } from './http';

/**
 * A stand-in for the Kubernetes API server: the read-only list endpoints the board's deployed check
 * uses (apps/v1 Deployments and StatefulSets, v1 Pods, with label selectors), answering with the
 * real object shapes, and 403 Status objects for resources the service account may not list.
 */

export type KubeResource = 'deployments' | 'statefulsets' | 'pods';

export interface SimEnvVar {
  name: string;
  value?: string;
  valueFrom?: {
    configMapKeyRef?: { name: string; key: string; optional?: boolean };
    secretKeyRef?: { name: string; key: string; optional?: boolean };
    fieldRef?: { apiVersion?: string; fieldPath: string };
  };
}

export interface SimEnvFrom {
  prefix?: string;
  configMapRef?: { name: string; optional?: boolean };
  secretRef?: { name: string; optional?: boolean };
}

export interface SimContainer {
  name: string;
  image: string;
  env?: SimEnvVar[];
  envFrom?: SimEnvFrom[];
}

/** A Deployment or StatefulSet with its running pods (pods mirror the template unless given). */
export interface SimWorkload {
  kind: 'Deployment' | 'StatefulSet';
  name: string;
  labels: Record<string, string>;
  containers: SimContainer[];
  replicas: number;
  /** The containers the running pods were started with, when they predate the current template. */
  podContainers?: SimContainer[];
  /** Pod phase of the running replicas (default Running). */
  podPhase?: 'Pending' | 'Running' | 'Failed';
}

export interface KubernetesState {
  namespace: string;
  serviceAccount: string;
  workloads: SimWorkload[];
  /** Resources the board's service account is not allowed to list (→ 403). */
  forbidden: Set<KubeResource>;
}

export function createKubernetesState(namespace = 'ca7f8f-dev', workloads: SimWorkload[] = []): KubernetesState {
  return { namespace, serviceAccount: 'rollout-board', workloads, forbidden: new Set() };
}

/** Equality-based label selectors as the API server reads them: a=b, a==b, a!=b, a, !a (comma = AND). */
export function matchesLabelSelector(labels: Record<string, string>, selector: string | null): boolean {
  if (!selector) return true;
  return selector
    .split(',')
    .map((term) => term.trim())
    .filter(Boolean)
    .every((term) => {
      const notEqual = /^([^!=\s]+)\s*!=\s*(.*)$/.exec(term);
      if (notEqual) return labels[notEqual[1]] !== notEqual[2];
      const equal = /^([^!=\s]+)\s*==?\s*(.*)$/.exec(term);
      if (equal) return labels[equal[1]] === equal[2];
      if (term.startsWith('!')) return !(term.slice(1) in labels);
      return term in labels;
    });
}

/** When the demo's workloads and pods started (the latency proof's go-live time). */
export const DEMO_PODS_STARTED = '2026-11-20T09:00:00Z';
const CREATED = DEMO_PODS_STARTED;
const hash = (text: string, length: number) => createHash('sha256').update(text).digest('hex').slice(0, length);
const uid = (text: string) => {
  const h = hash(text, 32);
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20, 32)}`;
};

function containerSpec(container: SimContainer) {
  return {
    name: container.name,
    image: container.image,
    ...(container.env?.length ? { env: container.env } : {}),
    ...(container.envFrom?.length ? { envFrom: container.envFrom } : {}),
    resources: {},
    terminationMessagePath: '/dev/termination-log',
    terminationMessagePolicy: 'File',
    imagePullPolicy: 'IfNotPresent',
  };
}

function podTemplate(workload: SimWorkload) {
  return {
    metadata: { labels: workload.labels },
    spec: {
      containers: workload.containers.map(containerSpec),
      restartPolicy: 'Always',
      terminationGracePeriodSeconds: 30,
      dnsPolicy: 'ClusterFirst',
      serviceAccountName: `${workload.name}`,
      serviceAccount: `${workload.name}`,
      securityContext: {},
      schedulerName: 'default-scheduler',
    },
  };
}

function metadata(workload: SimWorkload, namespace: string) {
  return {
    name: workload.name,
    namespace,
    uid: uid(`${namespace}/${workload.kind}/${workload.name}`),
    resourceVersion: String(100_000 + Number.parseInt(hash(workload.name, 4), 16)),
    generation: 3,
    creationTimestamp: CREATED,
    labels: { ...workload.labels, 'app.kubernetes.io/managed-by': 'Helm' },
    annotations: { 'meta.helm.sh/release-name': workload.name, 'meta.helm.sh/release-namespace': namespace },
  };
}

function deploymentObject(workload: SimWorkload, namespace: string) {
  const ready = workload.podPhase === undefined || workload.podPhase === 'Running' ? workload.replicas : 0;
  return {
    metadata: {
      ...metadata(workload, namespace),
      annotations: { ...metadata(workload, namespace).annotations, 'deployment.kubernetes.io/revision': '3' },
    },
    spec: {
      replicas: workload.replicas,
      selector: { matchLabels: workload.labels },
      template: podTemplate(workload),
      strategy: { type: 'RollingUpdate', rollingUpdate: { maxUnavailable: '25%', maxSurge: '25%' } },
      revisionHistoryLimit: 10,
      progressDeadlineSeconds: 600,
    },
    status: {
      observedGeneration: 3,
      replicas: workload.replicas,
      updatedReplicas: workload.replicas,
      readyReplicas: ready,
      availableReplicas: ready,
      conditions: [
        {
          type: 'Available',
          status: ready > 0 ? 'True' : 'False',
          lastUpdateTime: CREATED,
          lastTransitionTime: CREATED,
          reason: 'MinimumReplicasAvailable',
          message: 'Deployment has minimum availability.',
        },
        {
          type: 'Progressing',
          status: 'True',
          lastUpdateTime: CREATED,
          lastTransitionTime: CREATED,
          reason: 'NewReplicaSetAvailable',
          message: `ReplicaSet "${workload.name}-${hash(workload.name, 10)}" has successfully progressed.`,
        },
      ],
    },
  };
}

function statefulSetObject(workload: SimWorkload, namespace: string) {
  const ready = workload.podPhase === undefined || workload.podPhase === 'Running' ? workload.replicas : 0;
  return {
    metadata: metadata(workload, namespace),
    spec: {
      replicas: workload.replicas,
      selector: { matchLabels: workload.labels },
      template: podTemplate(workload),
      serviceName: workload.name,
      podManagementPolicy: 'OrderedReady',
      updateStrategy: { type: 'RollingUpdate', rollingUpdate: { partition: 0 } },
      revisionHistoryLimit: 10,
    },
    status: {
      observedGeneration: 3,
      replicas: workload.replicas,
      readyReplicas: ready,
      currentReplicas: workload.replicas,
      updatedReplicas: workload.replicas,
      availableReplicas: ready,
      currentRevision: `${workload.name}-${hash(workload.name, 10)}`,
      updateRevision: `${workload.name}-${hash(workload.name, 10)}`,
      collisionCount: 0,
    },
  };
}

function podObjects(workload: SimWorkload, namespace: string) {
  const templateHash = hash(`${workload.name}:template`, 10);
  const phase = workload.podPhase ?? 'Running';
  const containers = workload.podContainers ?? workload.containers;
  return Array.from({ length: workload.replicas }, (_, index) => {
    const name =
      workload.kind === 'StatefulSet'
        ? `${workload.name}-${index}`
        : `${workload.name}-${templateHash}-${hash(`${workload.name}:${index}`, 5)}`;
    const owner =
      workload.kind === 'StatefulSet'
        ? {
            apiVersion: 'apps/v1',
            kind: 'StatefulSet',
            name: workload.name,
            uid: uid(`${namespace}/StatefulSet/${workload.name}`),
            controller: true,
            blockOwnerDeletion: true,
          }
        : {
            apiVersion: 'apps/v1',
            kind: 'ReplicaSet',
            name: `${workload.name}-${templateHash}`,
            uid: uid(`${namespace}/ReplicaSet/${workload.name}`),
            controller: true,
            blockOwnerDeletion: true,
          };
    const labels =
      workload.kind === 'StatefulSet'
        ? { ...workload.labels, 'statefulset.kubernetes.io/pod-name': name }
        : { ...workload.labels, 'pod-template-hash': templateHash };
    return {
      metadata: {
        name,
        ...(workload.kind === 'Deployment' ? { generateName: `${workload.name}-${templateHash}-` } : {}),
        namespace,
        uid: uid(`${namespace}/Pod/${name}`),
        resourceVersion: String(200_000 + index),
        creationTimestamp: CREATED,
        labels,
        ownerReferences: [owner],
      },
      spec: { ...podTemplate(workload).spec, containers: containers.map(containerSpec), nodeName: 'worker-1' },
      status: {
        phase,
        conditions: [
          {
            type: 'Ready',
            status: phase === 'Running' ? 'True' : 'False',
            lastProbeTime: null,
            lastTransitionTime: CREATED,
          },
        ],
        hostIP: '10.0.0.11',
        podIP: `10.42.0.${10 + index}`,
        startTime: CREATED,
        containerStatuses: containers.map((c) => ({
          name: c.name,
          ready: phase === 'Running',
          restartCount: 0,
          image: c.image,
          imageID: `${c.image.split(':')[0]}@sha256:${hash(c.image, 64)}`,
          started: phase === 'Running',
          state:
            phase === 'Running' ? { running: { startedAt: CREATED } } : { waiting: { reason: 'ContainerCreating' } },
        })),
        qosClass: 'BestEffort',
      },
    };
  });
}

function forbidden(state: KubernetesState, resource: KubeResource, group: string) {
  return json(403, {
    kind: 'Status',
    apiVersion: 'v1',
    metadata: {},
    status: 'Failure',
    message: `${resource} is forbidden: User "system:serviceaccount:${state.namespace}:${state.serviceAccount}" cannot list resource "${resource}" in API group "${group}" in the namespace "${state.namespace}"`,
    reason: 'Forbidden',
    details: { kind: resource, ...(group ? { group } : {}) },
    code: 403,
  });
}

function list(kind: string, apiVersion: string, items: unknown[]) {
  return json(
    200,
    { kind, apiVersion, metadata: { resourceVersion: '987654' }, items },
    { 'audit-id': uid(`${kind}:${Date.now()}`), 'cache-control': 'no-cache, private' },
  );
}

const LIST_ROUTES: Array<{ pattern: RegExp; resource: KubeResource; group: string }> = [
  { pattern: /^\/apis\/apps\/v1\/namespaces\/([^/]+)\/deployments$/, resource: 'deployments', group: 'apps' },
  { pattern: /^\/apis\/apps\/v1\/namespaces\/([^/]+)\/statefulsets$/, resource: 'statefulsets', group: 'apps' },
  { pattern: /^\/api\/v1\/namespaces\/([^/]+)\/pods$/, resource: 'pods', group: '' },
];

/** Answers the Kubernetes API requests the board makes, from the given state. */
export function handleKubernetes(state: KubernetesState, request: SimRequest): SimResponse {
  if (request.path.startsWith('/__sim/')) return control(state, request);
  if (request.method !== 'GET')
    return json(405, {
      kind: 'Status',
      apiVersion: 'v1',
      status: 'Failure',
      message: 'the simulator is read-only',
      reason: 'MethodNotAllowed',
      code: 405,
    });
  if (request.path === '/version')
    return json(200, { major: '1', minor: '33', gitVersion: 'v1.33.4', platform: 'linux/amd64' });
  for (const route of LIST_ROUTES) {
    const match = route.pattern.exec(request.path);
    if (!match) continue;
    const namespace = decodeURIComponent(match[1]);
    if (state.forbidden.has(route.resource)) return forbidden(state, route.resource, route.group);
    const selector = request.query.get('labelSelector');
    // Another namespace is empty (the API server answers an empty list, not 404).
    const workloads =
      namespace === state.namespace ? state.workloads.filter((w) => matchesLabelSelector(w.labels, selector)) : [];
    if (route.resource === 'deployments')
      return list(
        'DeploymentList',
        'apps/v1',
        workloads.filter((w) => w.kind === 'Deployment').map((w) => deploymentObject(w, namespace)),
      );
    if (route.resource === 'statefulsets')
      return list(
        'StatefulSetList',
        'apps/v1',
        workloads.filter((w) => w.kind === 'StatefulSet').map((w) => statefulSetObject(w, namespace)),
      );
    const pods =
      namespace === state.namespace
        ? state.workloads
            .flatMap((w) => podObjects(w, namespace))
            .filter((p) => matchesLabelSelector(p.metadata.labels, selector))
        : [];
    return list('PodList', 'v1', pods);
  }
  return json(404, {
    kind: 'Status',
    apiVersion: 'v1',
    metadata: {},
    status: 'Failure',
    message: 'the server could not find the requested resource',
    reason: 'NotFound',
    details: {},
    code: 404,
  });
}

/**
 * Control endpoints for tests and the demo (never part of the real API):
 *   GET  /__sim/state
 *   POST /__sim/forbidden            {"resources": ["pods"]}          ([] restores access)
 *   POST /__sim/workloads/:name/env  {"name": "X", "value": "…"} | {"name": "X", "valueFrom": …} | {"name": "X", "remove": true}
 */
function control(state: KubernetesState, request: SimRequest): SimResponse {
  if (request.method === 'GET' && request.path === '/__sim/state') {
    return json(200, { namespace: state.namespace, forbidden: [...state.forbidden], workloads: state.workloads });
  }
  if (request.method === 'POST' && request.path === '/__sim/forbidden') {
    const { resources } = readJsonBody<{ resources: KubeResource[] }>(request);
    state.forbidden = new Set(resources);
    return json(200, { forbidden: resources });
  }
  const envRoute = /^\/__sim\/workloads\/([^/]+)\/env$/.exec(request.path);
  if (request.method === 'POST' && envRoute) {
    const workload = state.workloads.find((w) => w.name === decodeURIComponent(envRoute[1]));
    if (!workload) return json(404, { error: `no workload "${envRoute[1]}"` });
    const change = readJsonBody<SimEnvVar & { remove?: boolean }>(request);
    setWorkloadEnv(
      workload,
      change.name,
      change.remove ? null : { name: change.name, value: change.value, valueFrom: change.valueFrom },
    );
    return json(200, workload);
  }
  return json(404, { error: `unknown simulator control ${request.method} ${request.path}` });
}

/** Sets (or with null removes) an env var on every container of the workload's template and pods. */
export function setWorkloadEnv(workload: SimWorkload, name: string, env: SimEnvVar | null) {
  const apply = (containers: SimContainer[]) =>
    containers.map((c) => {
      const rest = (c.env ?? []).filter((e) => e.name !== name);
      return {
        ...c,
        env: env
          ? [...rest, Object.fromEntries(Object.entries(env).filter(([, v]) => v !== undefined)) as SimEnvVar]
          : rest,
      };
    });
  workload.containers = apply(workload.containers);
  if (workload.podContainers) workload.podContainers = apply(workload.podContainers);
}

export function serveKubernetesSimulator(state: KubernetesState, port = 0): Promise<RunningSimulator> {
  return serveSimulator('kubernetes', (request) => handleKubernetes(state, request), port);
}
