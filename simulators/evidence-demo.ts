import path from 'node:path';
import { loadPlanFile, type Plan } from '../lib/plan/load';
import type { RepositoryFileSpec } from '../lib/plan/schema';
import { createGitHubContentsState, setRepositoryFile, type GitHubContentsState } from './github-contents';
import { createKubernetesState, type KubernetesState, type SimContainer, type SimWorkload } from './kubernetes';

/**
 * The demo's repositories and cluster, built from the plan's own evidence specs so they never drift
 * apart: some cells merged and deployed, some not, one env var set through a ConfigMap reference,
 * one through envFrom, one chart whose faro.enabled defaults to true, one dependency file that
 * lacks its package, one file that does not exist.
 */

export const DEMO_NAMESPACE = 'ca7f8f-dev';
export const DEMO_PYROSCOPE = 'http://pyroscope.observability.svc.cluster.local:4040';

/** How far each cell got in the demo. Cells not listed: nothing merged, nothing deployed. */
type MergedDemo = 'merged' | 'not-merged' | 'missing-file' | 'faro-default-true' | 'first-file-only';
const MERGED: Record<string, MergedDemo> = {
  'acapy-agent/profiling-code': 'merged',
  'acapy-agent/profiling-helm': 'merged',
  'acapy-vc-authn-oidc/profiling-code': 'merged',
  'acapy-vc-authn-oidc/profiling-helm': 'merged',
  'acapy-vc-authn-oidc/faro-helm': 'faro-default-true',
  'traction/profiling-code': 'first-file-only',
  'traction/profiling-helm': 'merged',
  'traction/faro-code': 'merged',
  'traction/faro-helm': 'merged',
  'didwebvh-server-py/profiling-code': 'merged',
  'didwebvh-server-py/profiling-helm': 'merged',
  'didwebvh-server-py/faro-code': 'merged',
  'didwebvh-server-py/faro-helm': 'merged',
  'didcomm-mediator-credo/profiling-helm': 'missing-file',
  'bc-wallet-demo/profiling-code': 'merged',
  'bc-wallet-demo/profiling-helm': 'merged',
  'bc-wallet-demo/faro-code': 'merged',
};

/** Workload name (service/workload) → how its pods get PYROSCOPE_SERVER_ADDRESS and Faro settings. */
type DeployedDemo = { pyroscope?: 'value' | 'configMap' | 'envFrom'; faro?: 'on' | 'off' };
const DEPLOYED: Record<string, DeployedDemo> = {
  'acapy-agent/acapy': { pyroscope: 'value' },
  'acapy-vc-authn-oidc/controller': { pyroscope: 'configMap' },
  'traction/tenant-ui': { pyroscope: 'value', faro: 'on' },
  'traction/acapy': {}, // tenant-ui has it, the ACA-Py pods do not: the cell fails on one of two
  'acapy-endorser-service/endorser-api': {},
  'didwebvh-server-py/server': { pyroscope: 'value', faro: 'off' },
  'didcomm-mediator-credo/mediator': {},
  'bc-wallet-demo/demo-server': { pyroscope: 'envFrom' },
  'bc-wallet-demo/demo-web': { faro: 'on' },
};

const packageJson = (name: string, deps: string[]) =>
  `${JSON.stringify(
    {
      name,
      version: '1.4.0',
      private: true,
      scripts: { build: 'tsc', start: 'node build/index.js' },
      dependencies: Object.fromEntries([
        ['express', '^4.21.2'],
        ...deps.map((d) => [d, d.startsWith('@grafana/faro') ? '^2.12.1' : '^0.6.4']),
      ]),
    },
    null,
    2,
  )}\n`;

const pyproject = (name: string, deps: string[]) => `[tool.poetry]
name = "${name}"
version = "1.2.0"
description = "Part of ${name}; continuous profiling planned with pyroscope-io in Phase 3"

[tool.poetry.dependencies]
python = "^3.12"
fastapi = "^0.115.0"
${deps.map((d) => `${d} = "^0.8.11"`).join('\n')}
`;

const deploymentTemplate = (env: string[]) => `apiVersion: apps/v1
kind: Deployment
metadata:
  name: {{ include "chart.fullname" . }}
spec:
  template:
    spec:
      containers:
        - name: {{ .Chart.Name }}
          env:
            - name: LOG_LEVEL
              value: {{ .Values.logLevel | quote }}
${env.map((e) => `            - name: ${e}\n              value: {{ .Values.pyroscope.serverAddress | quote }}`).join('\n')}
`;

const valuesYaml = (faro: 'none' | 'default-false' | 'default-true') => `replicaCount: 1
image:
  repository: ghcr.io/example/app
  tag: ""
${
  faro === 'none'
    ? ''
    : `faro:
  # Grafana Faro real-user monitoring; off unless an environment turns it on.
  enabled: ${faro === 'default-true'}
  collectorUrl: /faro
  proxy:
    enabled: false
    upstreamUrl: http://alloy:12347/collect
`
}`;

// The service serves the SDK bundle itself (no CDN), as the Faro reference recommends.
const jinjaHead = (faro: boolean) => `<head>
  <meta charset="utf-8">
  <title>{{ title }}</title>
${faro ? '  <script src="/static/vendor/faro-web-sdk.iife.js"></script>\n' : ''}</head>
`;

/** A file that passes (or, with passes=false, fails) its spec. */
function demoFile(
  spec: RepositoryFileSpec,
  passes: boolean,
  faroDefault: 'default-false' | 'default-true' = 'default-false',
): string {
  if (spec.values) return valuesYaml(passes ? faroDefault : 'none');
  if (spec.dependencies) {
    const deps = passes ? spec.dependencies.map((d) => (Array.isArray(d) ? d[0] : d)) : [];
    return spec.path.endsWith('package.json')
      ? packageJson(spec.repository.split('/')[1], deps)
      : pyproject(spec.repository.split('/')[1], deps);
  }
  if (spec.path.endsWith('.yaml')) return deploymentTemplate(passes ? (spec.contains ?? []) : []);
  return passes ? jinjaHead(true) + (spec.contains ?? []).join('\n') : jinjaHead(false);
}

export function demoGitHubContents(plan: Plan): GitHubContentsState {
  const state = createGitHubContentsState();
  for (const service of plan.services) {
    for (const [capability, files] of Object.entries(service.evidence.merged)) {
      const demo = MERGED[`${service.slug}/${capability}`] ?? 'not-merged';
      files.forEach((spec, index) => {
        if (demo === 'missing-file') {
          // The repository exists on its branch, the file does not.
          setRepositoryFile(state, spec.repository, 'README.md', `# ${spec.repository}\n`, spec.branch);
          return;
        }
        const passes = demo === 'merged' || demo === 'faro-default-true' || (demo === 'first-file-only' && index === 0);
        setRepositoryFile(
          state,
          spec.repository,
          spec.path,
          demoFile(spec, passes, demo === 'faro-default-true' ? 'default-true' : 'default-false'),
          spec.branch,
        );
      });
    }
  }
  return state;
}

function labelsOf(selector: string): Record<string, string> {
  return Object.fromEntries(
    selector
      .split(',')
      .map((term) => term.split('='))
      .filter((parts) => parts.length === 2)
      .map(([key, value]) => [key.trim(), value.trim()]),
  );
}

export function demoKubernetes(plan: Plan): KubernetesState {
  const workloads: SimWorkload[] = [];
  for (const service of plan.services) {
    for (const workload of service.evidence.workloads) {
      const demo = DEPLOYED[`${service.slug}/${workload.name}`] ?? {};
      const container: SimContainer = {
        name: workload.name,
        image: `ghcr.io/example/${service.slug}-${workload.name}:1.4.0`,
        env: [{ name: 'LOG_LEVEL', value: 'info' }],
      };
      if (demo.pyroscope === 'value') container.env!.push({ name: 'PYROSCOPE_SERVER_ADDRESS', value: DEMO_PYROSCOPE });
      if (demo.pyroscope === 'configMap') {
        container.env!.push({
          name: 'PYROSCOPE_SERVER_ADDRESS',
          valueFrom: { configMapKeyRef: { name: `${service.slug}-observability`, key: 'pyroscope-server-address' } },
        });
      }
      if (demo.pyroscope === 'envFrom') container.envFrom = [{ configMapRef: { name: `${service.slug}-env` } }];
      if (demo.faro) container.env!.push({ name: 'FARO_ENABLED', value: String(demo.faro === 'on') });
      if (demo.faro === 'on') container.env!.push({ name: 'FARO_COLLECTOR_URL', value: '/faro' });
      workloads.push({
        kind: service.slug === 'acapy-agent' ? 'StatefulSet' : 'Deployment',
        name: `${service.slug === workload.name ? service.slug : `${service.slug}-${workload.name}`}`,
        labels: labelsOf(workload.selector),
        containers: [container],
        replicas: 1,
      });
    }
  }
  return createKubernetesState(DEMO_NAMESPACE, workloads);
}

export function loadDemoPlan(): Plan {
  return loadPlanFile(path.resolve(__dirname, '../lib/plan/phase-3.json')).plan;
}
