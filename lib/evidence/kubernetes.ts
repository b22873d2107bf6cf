import type { z } from 'zod';
import type { deployedEvidence, envSource, workloadReport } from '../matrix/check-evidence';
import {
  AppsV1Api,
  CoreV1Api,
  createConfiguration,
  KubeConfig,
  ServerConfiguration,
  type V1Container,
} from '@kubernetes/client-node';
import { redactUrl } from '../config/redact';
import { describeTransportError, isReplyTooLarge } from '../http/bounded';
import type { PlanCapability, PlanService } from '../plan/load';
import { boundedKubernetesHttp } from './kubernetes-http';
import type { EvidenceOutcome } from './types';

/**
 * The "deployed" link: reads a service's Deployments, StatefulSets and running Pods (label selectors
 * from the plan) and reports whether each required env var is set, and how: to which host (never
 * the value itself), or through a ConfigMap/Secret reference, which the board cannot read and
 * reports as such. Read-only: needs get/list on deployments, statefulsets and pods.
 */

export interface KubernetesClient {
  namespace: string;
  /** The API server, for messages (credentials removed). */
  server: string;
  /** Each request's time limit, for messages. */
  timeoutMs: number;
  apps: AppsV1Api;
  core: CoreV1Api;
  /**
   * The same client with every request also aborted by `signal` (a run's deadline). The generated API sends
   * through its configuration's transport whatever a call passes, so the signal needs its own configuration.
   */
  withSignal: (signal: AbortSignal) => KubernetesClient;
}

export interface KubernetesSettings {
  KUBE_NAMESPACE?: string;
  KUBE_API_URL?: string;
  KUBE_TOKEN?: string;
  KUBE_TIMEOUT?: number;
  KUBE_MAX_REPLY_BYTES?: number;
}

const REQUEST_TIMEOUT_MS = 10_000;
const MAX_REPLY_BYTES = 10 * 1024 * 1024;

/** null when KUBE_NAMESPACE is unset (the deployed check is not configured). */
export function createKubernetesClient(settings: KubernetesSettings): KubernetesClient | null {
  const namespace = settings.KUBE_NAMESPACE;
  if (!namespace) return null;
  const kubeConfig = new KubeConfig();
  if (settings.KUBE_API_URL) {
    const server = settings.KUBE_API_URL.replace(/\/$/, '');
    kubeConfig.loadFromOptions({
      // The client refuses plain http unless TLS checks are "skipped"; there is no TLS to check on
      // http (kubectl proxy, the simulator). https keeps full verification.
      clusters: [{ name: 'board', server, skipTLSVerify: server.startsWith('http://') }],
      users: [{ name: 'board', ...(settings.KUBE_TOKEN ? { token: settings.KUBE_TOKEN } : {}) }],
      contexts: [{ name: 'board', cluster: 'board', user: 'board', namespace }],
      currentContext: 'board',
    });
  } else {
    // KUBECONFIG or ~/.kube/config, else the in-cluster service account.
    kubeConfig.loadFromDefault();
  }
  const cluster = kubeConfig.getCurrentCluster();
  if (!cluster) throw new Error('the kubeconfig names no current cluster');
  const timeoutMs = settings.KUBE_TIMEOUT ?? REQUEST_TIMEOUT_MS;
  const baseServer = new ServerConfiguration(cluster.server, {});
  const client = (signal?: AbortSignal): KubernetesClient => {
    // As makeApiClient builds it, but on a transport whose requests are time-limited and capped.
    const configuration = createConfiguration({
      baseServer,
      authMethods: { default: kubeConfig },
      httpApi: boundedKubernetesHttp({
        timeoutMs,
        maxBytes: settings.KUBE_MAX_REPLY_BYTES ?? MAX_REPLY_BYTES,
        signal,
      }),
    });
    return {
      namespace,
      server: redactUrl(cluster.server),
      timeoutMs,
      apps: new AppsV1Api(configuration),
      core: new CoreV1Api(configuration),
      withSignal: client,
    };
  };
  return client();
}

/** How a container gets an env var. Values are never kept: only the host they point at. */
/** How a variable reaches a container (see the stored deployed evidence). */
export type EnvSource = z.infer<typeof envSource>;

/** Where a URL-ish value points, without credentials, path parameters or the rest of the value. */
export function describeValue(value: string): { host: string | null; path?: string } {
  const trimmed = value.trim();
  if (trimmed.startsWith('/')) return { host: null, path: trimmed.split(/[?#]/)[0] };
  try {
    const url = new URL(/^[a-z][a-z0-9+.-]*:\/\//i.test(trimmed) ? trimmed : `http://${trimmed}`);
    return { host: url.host || null };
  } catch {
    return { host: null };
  }
}

/** The first way any container of a pod spec sets `name`; null when none does. */
export function findEnv(containers: V1Container[], name: string): EnvSource | null {
  for (const container of containers) {
    const env = container.env?.find((e) => e.name === name);
    if (!env) continue;
    if (env.value !== undefined) return { source: 'value', ...describeValue(env.value) };
    const from = env.valueFrom;
    if (from?.configMapKeyRef)
      return {
        source: 'configMap',
        name: from.configMapKeyRef.name ?? '',
        key: from.configMapKeyRef.key,
        via: 'valueFrom',
      };
    if (from?.secretKeyRef)
      return { source: 'secret', name: from.secretKeyRef.name ?? '', key: from.secretKeyRef.key, via: 'valueFrom' };
    if (from?.fieldRef) return { source: 'field', fieldPath: from.fieldRef.fieldPath };
    return { source: 'value', host: null };
  }
  for (const container of containers) {
    for (const from of container.envFrom ?? []) {
      if (from.prefix && !name.startsWith(from.prefix)) continue;
      if (from.configMapRef) return { source: 'configMap', name: from.configMapRef.name ?? '', via: 'envFrom' };
      if (from.secretRef) return { source: 'secret', name: from.secretRef.name ?? '', via: 'envFrom' };
    }
  }
  return null;
}

/** "set to host x", "set via ConfigMap x (key y)": honest about what the board can and cannot see. */
export function describeEnvSource(name: string, source: EnvSource): string {
  if (source.source === 'value') {
    if (source.host) return `${name} set to host ${source.host}`;
    if (source.path) return `${name} set to path ${source.path}`;
    return `${name} set`;
  }
  if (source.source === 'field') return `${name} set from the pod field ${source.fieldPath}`;
  const kind = source.source === 'configMap' ? 'ConfigMap' : 'Secret';
  if (source.via === 'valueFrom')
    return `${name} set via ${kind} ${source.name}${source.key ? ` (key ${source.key})` : ''}`;
  return `${name} set via ${kind} ${source.name} (envFrom: the board cannot read ${kind}s, so the key itself is not confirmed)`;
}

/** Whether an "enabled" variable switches the feature on; null when its value is not visible. */
function enabledState(containers: V1Container[], name: string): boolean | null {
  for (const container of containers) {
    const env = container.env?.find((e) => e.name === name);
    if (!env) continue;
    if (env.value === undefined) return null;
    return /^(true|1|yes|on)$/i.test(env.value.trim());
  }
  const viaEnvFrom = containers.some((c) => (c.envFrom ?? []).some((f) => !f.prefix || name.startsWith(f.prefix)));
  return viaEnvFrom ? null : false;
}

class KubernetesRequestError extends Error {
  constructor(
    message: string,
    readonly resource: string,
  ) {
    super(message);
  }
}

/** One list call, with its failure turned into a message that says what to do. */
async function listOrExplain<T extends { items?: unknown }>(
  client: KubernetesClient,
  resource: string,
  call: () => Promise<T>,
): Promise<T> {
  let list: T;
  try {
    list = await call();
  } catch (error) {
    if (error instanceof Error && (error.name === 'TimeoutError' || error.name === 'AbortError')) {
      // An AbortError is the caller's (a run's deadline), whose reason names its own setting.
      throw new KubernetesRequestError(
        `the Kubernetes API at ${client.server} did not answer listing ${resource}: ` +
          `${describeTransportError(error, client.timeoutMs)}${error.name === 'TimeoutError' ? ' (KUBE_TIMEOUT)' : ''}`,
        resource,
      );
    }
    const code = (error as { code?: unknown }).code;
    if (code === 403) {
      throw new KubernetesRequestError(
        `forbidden (needs get/list on ${resource} in namespace ${client.namespace}). Grant it in the board's Role: see ` +
          `README, Evidence chain`,
        resource,
      );
    }
    if (code === 401) {
      throw new KubernetesRequestError(
        `unauthorized: the Kubernetes API at ${client.server} rejected the board's credentials (check KUBE_TOKEN, the ` +
          `kubeconfig or the service account)`,
        resource,
      );
    }
    if (typeof code === 'number') {
      throw new KubernetesRequestError(
        `the Kubernetes API answered ${code} listing ${resource} in namespace ${client.namespace}`,
        resource,
      );
    }
    if (error instanceof SyntaxError) {
      throw new KubernetesRequestError(
        `the Kubernetes API at ${client.server} answered listing ${resource} with a body that is not JSON: check KUBE_API_URL`,
        resource,
      );
    }
    if (isReplyTooLarge(error)) {
      throw new KubernetesRequestError(
        `the Kubernetes API at ${client.server} sent more than the board reads listing ${resource} ` +
          `(${error.message}; KUBE_MAX_REPLY_BYTES): narrow the workload's selector`,
        resource,
      );
    }
    const cause = (error as { cause?: { code?: string } }).cause?.code;
    throw new KubernetesRequestError(
      `cannot reach the Kubernetes API at ${client.server}: ${cause ?? describeTransportError(error, client.timeoutMs)}`,
      resource,
    );
  }
  if (!Array.isArray(list?.items)) {
    throw new KubernetesRequestError(
      `the Kubernetes API at ${client.server} answered listing ${resource} with something that is not a list: check KUBE_API_URL`,
      resource,
    );
  }
  return list;
}

type WorkloadReport = z.infer<typeof workloadReport>;

async function inspectWorkload(
  client: KubernetesClient,
  workload: { name: string; selector: string },
  envNames: string[],
  enabledBy: string | undefined,
): Promise<WorkloadReport> {
  const { namespace } = client;
  const labelSelector = workload.selector;
  const [deployments, statefulSets, pods] = await Promise.all([
    listOrExplain(client, 'deployments', () => client.apps.listNamespacedDeployment({ namespace, labelSelector })),
    listOrExplain(client, 'statefulsets', () => client.apps.listNamespacedStatefulSet({ namespace, labelSelector })),
    listOrExplain(client, 'pods', () => client.core.listNamespacedPod({ namespace, labelSelector })),
  ]);
  const envOf = (containers: V1Container[]) =>
    Object.fromEntries(envNames.map((name) => [name, findEnv(containers, name)]));
  const controllers = [
    ...deployments.items.map((d) => ({
      kind: 'Deployment',
      name: d.metadata?.name ?? '?',
      readyReplicas: d.status?.readyReplicas ?? 0,
      containers: d.spec?.template.spec?.containers ?? [],
    })),
    ...statefulSets.items.map((s) => ({
      kind: 'StatefulSet',
      name: s.metadata?.name ?? '?',
      readyReplicas: s.status?.readyReplicas ?? 0,
      containers: s.spec?.template.spec?.containers ?? [],
    })),
  ];
  const running = pods.items.filter((p) => p.status?.phase === 'Running');
  const report: WorkloadReport = {
    workload: workload.name,
    selector: labelSelector,
    controllers: controllers.map((c) => ({
      kind: c.kind,
      name: c.name,
      readyReplicas: c.readyReplicas,
      env: envOf(c.containers),
      ...(enabledBy ? { enabled: enabledState(c.containers, enabledBy) } : {}),
    })),
    pods: running.map((p) => ({
      name: p.metadata?.name ?? '?',
      phase: p.status?.phase ?? 'Unknown',
      startedAt: p.status?.startTime ? new Date(p.status.startTime).toISOString() : null,
      env: envOf(p.spec?.containers ?? []),
    })),
    problems: [],
  };
  if (controllers.length === 0) {
    report.problems.push(`no Deployment or StatefulSet matches ${labelSelector} in namespace ${namespace}`);
    return report;
  }
  for (const controller of report.controllers) {
    if (enabledBy && controller.enabled === false) {
      report.problems.push(
        `${enabledBy} is not true in ${controller.kind} ${controller.name}: the feature is switched off here, so its ` +
          `settings cannot be checked (enable it in this environment's values)`,
      );
      continue;
    }
    for (const [name, source] of Object.entries(controller.env)) {
      if (!source) report.problems.push(`${controller.kind} ${controller.name}: ${name} is not set`);
    }
  }
  if (running.length === 0) {
    report.problems.push(`no running pod matches ${labelSelector}`);
  }
  for (const pod of report.pods) {
    const missing = Object.entries(pod.env)
      .filter(([, source]) => !source)
      .map(([name]) => name);
    const templateHasIt = missing.length > 0 && report.controllers.some((c) => missing.every((name) => c.env[name]));
    // Pods of a template that lacks the variable are already reported through their controller.
    if (templateHasIt)
      report.problems.push(
        `pod ${pod.name} runs without ${missing.join(', ')} (it started before the change: restart the rollout)`,
      );
  }
  return report;
}

/** The workloads the plan names for a Helm cell. */
const workloadsOf = (service: PlanService, capability: PlanCapability) =>
  service.evidence.workloads.filter((w) => !w.capabilities || w.capabilities.includes(capability.slug));

/** What the deployed check of a cell asks, as stored with its result: "<namespace>/<selector> + …". */
export const deployedTarget = (
  client: Pick<KubernetesClient, 'namespace'> | null,
  service: PlanService,
  capability: PlanCapability,
) => {
  const selectors =
    workloadsOf(service, capability)
      .map((w) => w.selector)
      .join(' + ') || '(no workloads)';
  return client ? `${client.namespace}/${selectors}` : selectors;
};

/** The deployed check for one Helm cell. Never throws: failures are results. `signal` (a run's deadline) aborts its requests. */
export async function checkDeployed(
  unbound: KubernetesClient,
  service: PlanService,
  capability: PlanCapability,
  signal?: AbortSignal,
): Promise<EvidenceOutcome> {
  const client = signal ? unbound.withSignal(signal) : unbound;
  const spec = capability.deployed;
  const workloads = workloadsOf(service, capability);
  const target = deployedTarget(client, service, capability);
  if (!spec) {
    return {
      status: 'not-configured',
      target,
      message: `${capability.name} has no deployed check in the plan`,
      evidence: {},
    };
  }
  if (workloads.length === 0) {
    return {
      status: 'not-configured',
      target,
      message: `the plan names no workload for ${service.name} (add evidence.workloads with a label selector)`,
      evidence: {},
    };
  }
  try {
    const reports = await Promise.all(workloads.map((w) => inspectWorkload(client, w, spec.env, spec.enabledBy)));
    const evidence: z.infer<typeof deployedEvidence> = {
      namespace: client.namespace,
      env: spec.env,
      enabledBy: spec.enabledBy ?? null,
      workloads: reports,
    };
    const problems = reports.flatMap((r) => r.problems.map((p) => `${r.workload}: ${p}`));
    if (problems.length > 0) return { status: 'fail', target, message: problems.join('; '), evidence };
    const found = reports.map((r) => {
      const first = r.controllers[0];
      const how = spec.env.map((name) => describeEnvSource(name, first.env[name]!)).join(', ');
      return (
        `${r.workload} (${r.controllers.map((c) => `${c.kind} ${c.name}`).join(', ')}, ${r.pods.length} ` +
        `running pod${r.pods.length === 1 ? '' : 's'}): ${how}`
      );
    });
    // envFrom names a ConfigMap or Secret the board cannot read: the variable's key is not confirmed,
    // so the deployment is proven only partly.
    const unconfirmed = reports.flatMap((r) =>
      spec.env
        .filter((name) => {
          const source = r.controllers[0].env[name];
          return source && source.source !== 'value' && source.source !== 'field' && source.via === 'envFrom';
        })
        .map((name) => `${r.workload}: ${name}`),
    );
    return {
      status: 'pass',
      target,
      message: found.join('; '),
      evidence: { ...evidence, partial: unconfirmed.length > 0, unconfirmed },
    };
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    return {
      status: 'error',
      target,
      message: `error: ${message}`,
      evidence: {
        namespace: client.namespace,
        ...(error instanceof KubernetesRequestError ? { resource: error.resource } : {}),
      },
    };
  }
}
