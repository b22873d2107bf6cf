import { writeFileSync } from 'node:fs';
import { startFaroReceiverSimulator } from './faro-receiver';
import { DEMO_FRONTENDS, startFrontendsSimulator, type FrontendsSimulator } from './frontends';
import { DEFAULT_REPO, GITHUB_ROUTES, GitHubWorld, startGitHubSimulator } from './github';
import { demoGitHubContents, demoKubernetes, DEMO_NAMESPACE, loadDemoPlan } from './evidence-demo';
import { gitHubContentsRoutes } from './github-contents';
import type { RunningSimulator } from './http';
import { serveKubernetesSimulator } from './kubernetes';
import { DEMO_LOKI, startLokiSimulator, type LokiSimulator } from './loki';
import { DEMO_PYROSCOPE, startPyroscopeSimulator } from './pyroscope';
import { DEMO_TEMPO, startTempoSimulator, type TempoSimulator } from './tempo';

/**
 * Local stand-ins for the board's upstreams (GitHub, Pyroscope, Loki, Tempo, Alloy's faro.receiver,
 * the Kubernetes API), following the real wire contracts. Used by tests, e2e, the demo and the
 * benchmarks; product code only ever sees their URLs, through the same variables as real upstreams.
 */
export interface SimulatorEntry {
  name: string;
  /** The board's environment variable that points at this upstream. */
  envVar: string;
  /** Builds the URL the board should use from the simulator's base URL (e.g. adds a path). */
  envValue?: (baseUrl: string, running?: RunningSimulator) => string;
  /** Other variables the board needs to use this simulator (e.g. which repositories), set only when unset. */
  extraEnv?: (baseUrl: string, running?: RunningSimulator) => Record<string, string>;
  /** Starts it; `started` holds the simulators registered before it (e.g. the receiver's Loki and Tempo sinks). */
  start: (started: Record<string, RunningSimulator>) => Promise<RunningSimulator>;
}

/** Each simulator registers here, once, in start order. They start with the demo data. */
export const SIMULATORS: SimulatorEntry[] = [
  { name: 'pyroscope', envVar: 'PYROSCOPE_URL', start: () => startPyroscopeSimulator(DEMO_PYROSCOPE) },
  { name: 'loki', envVar: 'LOKI_URL', start: () => startLokiSimulator(DEMO_LOKI) },
  { name: 'tempo', envVar: 'TEMPO_URL', start: () => startTempoSimulator(DEMO_TEMPO) },
  {
    name: 'faro-receiver',
    envVar: 'FARO_RECEIVER_URL',
    // The board's own /faro proxy forwards to it.
    extraEnv: (url) => ({ FARO_UPSTREAM_URL: `${url}/collect` }),
    // What the receiver accepts lands in the Loki and Tempo simulators, so the gate's round trip is real.
    start: (started) => {
      const loki = started.loki as LokiSimulator | undefined;
      const tempo = started.tempo as TempoSimulator | undefined;
      return startFaroReceiverSimulator({ sinks: { logs: loki?.push, traces: tempo?.push } });
    },
  },
  // The Faro services' own frontends: pages, config.json and /faro routes (CORS variants) for the proofs.
  {
    name: 'frontends',
    envVar: 'FRONTEND_URLS',
    envValue: (_url, running) => (running as FrontendsSimulator | undefined)?.env.FRONTEND_URLS ?? '',
    extraEnv: (_url, running) => {
      const env = (running as FrontendsSimulator | undefined)?.env;
      return env ? { FARO_ROUTE_URLS: env.FARO_ROUTE_URLS } : { FARO_ROUTE_URLS: '' };
    },
    start: (started) => {
      const receiver = started['faro-receiver'];
      return startFrontendsSimulator({
        services: DEMO_FRONTENDS,
        receiverUrl: receiver ? `${receiver.url}/collect` : null,
      });
    },
  },
  // Issues for the sync, and repository contents for the merged check.
  {
    name: 'github',
    envVar: 'GITHUB_API_URL',
    extraEnv: () => ({ GITHUB_REPOS: DEFAULT_REPO }),
    start: () =>
      startGitHubSimulator(new GitHubWorld(), [
        ...GITHUB_ROUTES,
        ...gitHubContentsRoutes(demoGitHubContents(loadDemoPlan())),
      ]),
  },
  // The Kubernetes API for the deployed check.
  {
    name: 'kubernetes',
    envVar: 'KUBE_API_URL',
    extraEnv: () => ({ KUBE_NAMESPACE: DEMO_NAMESPACE }),
    start: () => serveKubernetesSimulator(demoKubernetes(loadDemoPlan())),
  },
];

export interface SimulatorSet {
  simulators: RunningSimulator[];
  /** name → the running simulator (tests switch its data through its control). */
  byName: Record<string, RunningSimulator>;
  /** name → base URL */
  urls: Record<string, string>;
  /** The environment that points the board at these simulators. */
  env: Record<string, string>;
  stop: () => Promise<void>;
}

/** Starts every registered simulator on a free loopback port. */
export async function startSimulators(): Promise<SimulatorSet> {
  const simulators: RunningSimulator[] = [];
  const env: Record<string, string> = {};
  const started: Record<string, RunningSimulator> = {};
  for (const entry of SIMULATORS) {
    const running = await entry.start(started);
    started[entry.name] = running;
    simulators.push(running);
    env[entry.envVar] = entry.envValue ? entry.envValue(running.url, running) : running.url;
    for (const [name, value] of Object.entries(entry.extraEnv?.(running.url, running) ?? {}))
      if (!process.env[name]) env[name] = value;
  }
  return {
    simulators,
    byName: started,
    urls: Object.fromEntries(simulators.map((s) => [s.name, s.url])),
    env,
    stop: async () => {
      await Promise.all(simulators.map((s) => s.stop()));
    },
  };
}

/** The upstream variables a simulator would fill (KUBE_NAMESPACE alone means a real cluster); when none is set, the board runs as a demo. */
export const upstreamEnvVars = () => [
  ...new Set(SIMULATORS.flatMap((s) => [s.envVar, ...Object.keys(s.extraEnv?.('') ?? {})])),
];

/** Lets e2e tests find the simulators the server was started with. */
export function writeSimulatorUrls(file: string, set: SimulatorSet) {
  writeFileSync(file, JSON.stringify({ urls: set.urls, env: set.env }, null, 2));
}
