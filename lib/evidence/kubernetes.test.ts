import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { loadPlanFile } from '../plan/load';
import { PHASE_3_PLAN } from '@/test/stores';
import type { RunningSimulator } from '@/simulators/http';
import {
  createKubernetesState,
  serveKubernetesSimulator,
  setWorkloadEnv,
  type KubernetesState,
  type SimWorkload,
} from '@/simulators/kubernetes';
import { checkDeployed, createKubernetesClient, describeValue, type KubernetesClient } from './kubernetes';

const { plan } = loadPlanFile(PHASE_3_PLAN);
const service = (slug: string) => plan.services.find((s) => s.slug === slug)!;
const capability = (slug: string) => plan.capabilities.find((c) => c.slug === slug)!;

const workload = (
  name: string,
  labels: Record<string, string>,
  env: SimWorkload['containers'][0]['env'] = [],
): SimWorkload => ({
  kind: 'Deployment',
  name,
  labels,
  replicas: 2,
  containers: [
    { name: 'app', image: `ghcr.io/example/${name}:1`, env: [{ name: 'LOG_LEVEL', value: 'info' }, ...(env ?? [])] },
  ],
});

describe('the deployed check against the Kubernetes API', () => {
  let state: KubernetesState;
  let simulator: RunningSimulator;
  let client: KubernetesClient;

  beforeAll(async () => {
    state = createKubernetesState('ca7f8f-dev');
    simulator = await serveKubernetesSimulator(state);
    client = createKubernetesClient({
      KUBE_NAMESPACE: 'ca7f8f-dev',
      KUBE_API_URL: simulator.url,
      KUBE_TOKEN: 'test-token',
    })!;
  });
  afterAll(() => simulator.stop());
  beforeEach(() => {
    state.forbidden.clear();
    state.workloads = [
      workload('didwebvh-server', { 'app.kubernetes.io/name': 'didwebvh-server' }),
      workload('acapy', { 'app.kubernetes.io/name': 'acapy' }),
    ];
  });

  it('is not configured without KUBE_NAMESPACE', () => {
    expect(createKubernetesClient({ KUBE_API_URL: simulator.url })).toBeNull();
  });

  it('fails when the deployment does not set PYROSCOPE_SERVER_ADDRESS, and passes with its host once it does', async () => {
    const before = await checkDeployed(client, service('didwebvh-server-py'), capability('profiling-helm'));
    expect(before.status).toBe('fail');
    expect(before.message).toContain('Deployment didwebvh-server: PYROSCOPE_SERVER_ADDRESS is not set');

    setWorkloadEnv(state.workloads[0], 'PYROSCOPE_SERVER_ADDRESS', {
      name: 'PYROSCOPE_SERVER_ADDRESS',
      value: 'http://user:hunter2@pyroscope.observability:4040/ingest',
    });
    const after = await checkDeployed(client, service('didwebvh-server-py'), capability('profiling-helm'));
    expect(after.status).toBe('pass');
    expect(after.message).toContain('PYROSCOPE_SERVER_ADDRESS set to host pyroscope.observability:4040');
    expect(after.message).toContain('2 running pods');
    expect(after.target).toBe('ca7f8f-dev/app.kubernetes.io/name=didwebvh-server');
    // Only the host is kept: never the value (it may carry credentials).
    expect(JSON.stringify(after.evidence)).not.toContain('hunter2');
    expect(JSON.stringify(after.evidence)).not.toContain('/ingest');
    // The bearer token went to the API server.
    expect(simulator.requests.at(-1)?.headers.authorization).toBe('Bearer test-token');
    expect(simulator.requests.at(-1)?.query.get('labelSelector')).toBe('app.kubernetes.io/name=didwebvh-server');
  });

  it('reports a ConfigMap reference as such (valueFrom), not as a value', async () => {
    setWorkloadEnv(state.workloads[0], 'PYROSCOPE_SERVER_ADDRESS', {
      name: 'PYROSCOPE_SERVER_ADDRESS',
      valueFrom: { configMapKeyRef: { name: 'observability', key: 'pyroscope-address' } },
    });
    const outcome = await checkDeployed(client, service('didwebvh-server-py'), capability('profiling-helm'));
    expect(outcome.status).toBe('pass');
    expect(outcome.message).toContain(
      'PYROSCOPE_SERVER_ADDRESS set via ConfigMap observability (key pyroscope-address)',
    );
  });

  it('reports envFrom honestly: the ConfigMap is named, the key is not confirmed', async () => {
    state.workloads[0].containers[0].envFrom = [{ configMapRef: { name: 'didwebvh-env' } }];
    const outcome = await checkDeployed(client, service('didwebvh-server-py'), capability('profiling-helm'));
    expect(outcome.status).toBe('pass');
    expect(outcome.message).toContain(
      'set via ConfigMap didwebvh-env (envFrom: the board cannot read ConfigMaps, so the key itself is not confirmed)',
    );
    // The pass is marked partial, so the chain shows it as partly proven rather than passed.
    expect(outcome.evidence).toMatchObject({
      partial: true,
      unconfirmed: [expect.stringContaining('PYROSCOPE_SERVER_ADDRESS')],
    });
  });

  it('says when running pods predate the change', async () => {
    state.workloads[0].podContainers = structuredClone(state.workloads[0].containers);
    setWorkloadEnv(state.workloads[0], 'PYROSCOPE_SERVER_ADDRESS', {
      name: 'PYROSCOPE_SERVER_ADDRESS',
      value: 'pyroscope:4040',
    });
    state.workloads[0].podContainers = state.workloads[0].podContainers.map((c) => ({
      ...c,
      env: c.env?.filter((e) => e.name !== 'PYROSCOPE_SERVER_ADDRESS'),
    }));
    const outcome = await checkDeployed(client, service('didwebvh-server-py'), capability('profiling-helm'));
    expect(outcome.status).toBe('fail');
    expect(outcome.message).toMatch(
      /pod didwebvh-server-\w+-\w+ runs without PYROSCOPE_SERVER_ADDRESS \(it started before the change: restart the rollout\)/,
    );
  });

  it('fails when no workload matches the selector', async () => {
    state.workloads = [];
    const outcome = await checkDeployed(client, service('acapy-agent'), capability('profiling-helm'));
    expect(outcome.status).toBe('fail');
    expect(outcome.message).toContain(
      'no Deployment or StatefulSet matches app.kubernetes.io/name=acapy in namespace ca7f8f-dev',
    );
  });

  it('turns a 403 into a clear error naming the permission it needs', async () => {
    state.forbidden.add('pods');
    const outcome = await checkDeployed(client, service('acapy-agent'), capability('profiling-helm'));
    expect(outcome.status).toBe('error');
    expect(outcome.message).toMatch(/^error: forbidden \(needs get\/list on pods in namespace ca7f8f-dev\)/);
  });

  it('checks the Faro settings only where Faro is switched on', async () => {
    const faroHelm = capability('faro-helm');
    setWorkloadEnv(state.workloads[0], 'FARO_ENABLED', { name: 'FARO_ENABLED', value: 'false' });
    const off = await checkDeployed(client, service('didwebvh-server-py'), faroHelm);
    expect(off.status).toBe('fail');
    expect(off.message).toContain('FARO_ENABLED is not true in Deployment didwebvh-server');

    setWorkloadEnv(state.workloads[0], 'FARO_ENABLED', { name: 'FARO_ENABLED', value: 'true' });
    const onWithoutUrl = await checkDeployed(client, service('didwebvh-server-py'), faroHelm);
    expect(onWithoutUrl.status).toBe('fail');
    expect(onWithoutUrl.message).toContain('FARO_COLLECTOR_URL is not set');

    setWorkloadEnv(state.workloads[0], 'FARO_COLLECTOR_URL', { name: 'FARO_COLLECTOR_URL', value: '/faro' });
    const on = await checkDeployed(client, service('didwebvh-server-py'), faroHelm);
    expect(on.status).toBe('pass');
    expect(on.message).toContain('FARO_COLLECTOR_URL set to path /faro');
  });

  it('needs every workload of the cell: traction checks both tenant-ui and ACA-Py pods', async () => {
    const pyroscope = { name: 'PYROSCOPE_SERVER_ADDRESS', value: 'pyroscope:4040' };
    state.workloads = [
      workload(
        'traction-tenant-ui',
        { 'app.kubernetes.io/name': 'traction', 'app.kubernetes.io/component': 'tenant-ui' },
        [pyroscope],
      ),
      workload('traction-acapy', { 'app.kubernetes.io/name': 'traction', 'app.kubernetes.io/component': 'acapy' }),
    ];
    const outcome = await checkDeployed(client, service('traction'), capability('profiling-helm'));
    expect(outcome.status).toBe('fail');
    expect(outcome.message).toBe('acapy: Deployment traction-acapy: PYROSCOPE_SERVER_ADDRESS is not set');
    expect(outcome.message).not.toContain('tenant-ui:');
  });

  it('is not configured for a service whose plan names no workload', async () => {
    const outcome = await checkDeployed(client, service('credo-ts'), capability('profiling-helm'));
    expect(outcome.status).toBe('not-configured');
    expect(outcome.message).toContain('the plan names no workload for credo-ts');
  });

  it('says when the API server cannot be reached', async () => {
    const nowhere = createKubernetesClient({ KUBE_NAMESPACE: 'ca7f8f-dev', KUBE_API_URL: 'http://127.0.0.1:9' })!;
    const outcome = await checkDeployed(nowhere, service('acapy-agent'), capability('profiling-helm'));
    expect(outcome.status).toBe('error');
    expect(outcome.message).toContain('cannot reach the Kubernetes API at http://127.0.0.1:9');
  });
});

describe('describeValue', () => {
  it('keeps the host of a URL or host:port, the path of a relative URL, and nothing else', () => {
    expect(describeValue('http://pyroscope:4040')).toEqual({ host: 'pyroscope:4040' });
    expect(describeValue('pyroscope.observability.svc:4040')).toEqual({ host: 'pyroscope.observability.svc:4040' });
    expect(describeValue('https://a:secret@grafana.net/x?token=1')).toEqual({ host: 'grafana.net' });
    expect(describeValue('/faro?x=1')).toEqual({ host: null, path: '/faro' });
  });
});
