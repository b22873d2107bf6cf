import type { ServerConfig } from '../config/env';
import type { Plan, PlanCapability, PlanCell, PlanService } from '../plan/load';
import { proofCheckName } from '../plan/proofs';
import type { Proof } from '../plan/schema';
import { probeCollectorUrl, probeFaroRoute } from '../probes/frontend';
import { gateStepResult, probeGate, type GateStep } from '../probes/gate';
import { upstreamFromConfig, type Upstream } from '../probes/http';
import { probeLatency } from '../probes/latency';
import { defaultLokiSelector, probeLoki } from '../probes/loki';
import { probeFlameGraph, probePyroscope } from '../probes/pyroscope';
import { probeTempo } from '../probes/tempo';
import { type EvidenceRunner, notConfigured, type ProbeResult, type ProbeWindow } from '../probes/types';
import type { WentLive } from './go-live';

/**
 * The upstream a proof talks to, so a run that finds one unreachable stops asking it (the gate and
 * a service's own frontend are their own upstreams).
 */
export type UpstreamName = string;

/** One proof to run for one criterion (or several identical ones). `key` is the same for identical proofs, so a run asks each once. */
export interface PlannedCheck {
  cellKey: string;
  /** The check name its result is stored as (the criterion's proof kind, see lib/plan/proofs). */
  check: string;
  upstream: UpstreamName;
  /** What is asked, in the upstream's terms (service_name values, a LogQL selector, a route URL…). */
  target: string;
  key: string;
  run: (window: ProbeWindow, now: number) => Promise<ProbeResult>;
  /** Turns the shared run's result into this check's (the gate's one run gives four criteria). */
  pick?: (result: ProbeResult) => ProbeResult;
}

/** What the store knows that some proofs need: go-live times (latency) and whether Faro is on in the pods. */
export interface ProofFacts {
  wentLive: Map<string, WentLive>;
  /** cell key → Faro switched on (true), off (false) or unknown (absent) in the deployed workload. */
  faroEnabled: Map<string, boolean>;
}

export interface ProofTargets {
  pyroscope: Upstream | null;
  loki: Upstream | null;
  tempo: Upstream | null;
  /** The run's cancellation (its deadline), for the proofs that ask a receiver or a frontend. */
  signal?: AbortSignal;
}

/** CPU profile type prefixes for a service's runtimes, in the plan's order. */
export const cpuTypesOf = (plan: Pick<Plan, 'cpuProfileTypes'>, service: Pick<PlanService, 'runtimes'>) => [
  ...new Set(service.runtimes.flatMap((r) => plan.cpuProfileTypes[r] ?? [])),
];

/** A Faro service's frontend URL and /faro route, with FRONTEND_URLS / FARO_ROUTE_URLS applied. */
export function frontendOf(service: PlanService, config: Pick<ServerConfig, 'FRONTEND_URLS' | 'FARO_ROUTE_URLS'>) {
  const frontend = service.telemetry.frontend;
  if (!frontend) return null;
  const url = config.FRONTEND_URLS[service.slug] ?? frontend.url;
  const routeUrl = config.FARO_ROUTE_URLS[service.slug] ?? new URL(frontend.faroRoute, url).href;
  return { ...frontend, url, routeUrl };
}

const GATE_STEP: Partial<Record<Proof['kind'], GateStep>> = {
  'gate-pyroscope-ready': 'gate-ready',
  'gate-pyroscope-reachable': 'gate-reachable',
  'gate-receiver-accepts': 'gate-receiver',
  'gate-payload-in-loki': 'gate-loki',
};

function planProof(
  plan: Plan,
  config: ServerConfig,
  targets: ProofTargets,
  facts: ProofFacts,
  evidence: EvidenceRunner | null,
  cell: PlanCell,
  proof: Proof,
): Omit<PlannedCheck, 'cellKey'> | null {
  const check = proofCheckName(proof);
  if (check === null) return null; // sign-off: a person proves it
  const { pyroscope, loki, tempo, signal } = targets;
  const gateStep = GATE_STEP[proof.kind];
  if (gateStep) {
    return {
      check,
      upstream: 'gate',
      target: 'Pyroscope /ready + Faro receiver → Loki',
      key: 'gate',
      run: () =>
        probeGate({
          pyroscope,
          loki,
          receiver: config.FARO_RECEIVER_URL
            ? { url: config.FARO_RECEIVER_URL, apiKey: config.FARO_RECEIVER_API_KEY, timeoutMs: config.PROBE_TIMEOUT }
            : null,
          deadlineMs: config.GATE_DEADLINE,
          signal,
        }),
      pick: (result) => gateStepResult(gateStep, result as Parameters<typeof gateStepResult>[1]),
    };
  }
  const service = plan.services.find((s) => s.slug === cell.serviceSlug);
  const capability = plan.capabilities.find((c) => c.slug === cell.capabilitySlug);
  if (!service || !capability) return null;
  const names = service.telemetry.pyroscopeServiceNames;
  const app = service.telemetry.faroApp;
  switch (proof.kind) {
    case 'profiles':
      return {
        check,
        upstream: 'pyroscope',
        target: names.join(', '),
        key: `pyroscope:${names.join(',')}`,
        run: (window) =>
          pyroscope
            ? probePyroscope(pyroscope, names, window, cpuTypesOf(plan, service))
            : Promise.resolve(notConfigured('PYROSCOPE_URL')),
      };
    case 'cpu-flame-graph': {
      const cpuTypes = cpuTypesOf(plan, service);
      return {
        check,
        upstream: 'pyroscope',
        target: `${names.join(', ')} (${cpuTypes.join(' | ')})`,
        key: `flame-graph:${names.join(',')}:${proof.minDepth}`,
        run: (window) =>
          pyroscope
            ? probeFlameGraph(pyroscope, names, cpuTypes, proof.minDepth, window)
            : Promise.resolve(notConfigured('PYROSCOPE_URL')),
      };
    }
    case 'browser-telemetry': {
      if (!app) return null;
      const selector = service.telemetry.lokiSelector ?? defaultLokiSelector(app);
      const rule = { require: proof.require, structured: proof.structured, surfaces: proof.surfaces };
      return {
        check,
        upstream: 'loki',
        target: selector,
        key: `loki:${selector}:${JSON.stringify(rule)}`,
        run: (window) => (loki ? probeLoki(loki, selector, window, rule) : Promise.resolve(notConfigured('LOKI_URL'))),
      };
    }
    case 'traces':
      if (!app) return null;
      return {
        check,
        upstream: 'tempo',
        target: app,
        key: `tempo:${app}:${proof.linkedToBackend}`,
        run: (window) =>
          tempo ? probeTempo(tempo, app, window, proof.linkedToBackend) : Promise.resolve(notConfigured('TEMPO_URL')),
      };
    case 'latency': {
      const serverNames = service.telemetry.tempoServiceNames ?? names;
      const wentLive = facts.wentLive.get(cell.key) ?? null;
      return {
        check,
        upstream: 'tempo',
        target: serverNames.join(', '),
        key: `latency:${cell.key}`,
        run: (_window, now) =>
          tempo ? probeLatency(tempo, serverNames, proof, wentLive, now) : Promise.resolve(notConfigured('TEMPO_URL')),
      };
    }
    case 'faro-route': {
      const frontend = frontendOf(service, config);
      if (!frontend || !app) return null;
      return {
        check,
        upstream: `frontend:${service.slug}`,
        target: frontend.routeUrl,
        key: `faro-route:${service.slug}`,
        run: () =>
          probeFaroRoute(
            {
              frontendUrl: frontend.url,
              routeUrl: frontend.routeUrl,
              faroApp: app,
              timeoutMs: config.PROBE_TIMEOUT,
              deadlineMs: config.GATE_DEADLINE,
              signal,
            },
            loki,
          ),
      };
    }
    case 'collector-url': {
      const frontend = frontendOf(service, config);
      if (!frontend) return null;
      return {
        check,
        upstream: `frontend:${service.slug}`,
        target: frontend.url,
        key: `collector-url:${cell.key}`,
        run: () =>
          probeCollectorUrl(
            {
              frontendUrl: frontend.url,
              configPath: frontend.configPath,
              collectorUrl: frontend.collectorUrl,
              timeoutMs: config.PROBE_TIMEOUT,
              signal,
            },
            facts.faroEnabled.get(cell.key) ?? null,
          ),
      };
    }
    case 'merged':
    case 'deployed':
      return planEvidenceCheck(evidence, proof.kind, cell, service, capability, signal);
    default:
      return null;
  }
}

/** A repository (merged) or cluster (deployed) check of one cell, asked through the same pool as every proof. */
function planEvidenceCheck(
  evidence: EvidenceRunner | null,
  kind: 'merged' | 'deployed',
  cell: PlanCell,
  service: PlanService,
  capability: PlanCapability,
  signal: AbortSignal | undefined,
): Omit<PlannedCheck, 'cellKey'> | null {
  const planned = evidence?.(kind, service, capability);
  if (!planned) return null;
  return {
    check: kind,
    upstream: kind === 'merged' ? 'github' : 'kubernetes',
    target: planned.target,
    key: `${kind}:${cell.key}`,
    run: (_window, started) => planned.run({ started, signal }),
  };
}

/**
 * Which proofs prove which cell: one per automated criterion, from the proof kind the plan names
 * (identical proofs of a cell, e.g. two criteria proven by its repository files, are one check), plus
 * the evidence chain's repository and cluster checks. With a signal (the run's deadline), every
 * request the proofs make stops when it aborts.
 */
export function planChecks(
  plan: Plan,
  config: ServerConfig,
  cellKeys?: readonly string[],
  facts: ProofFacts = { wentLive: new Map(), faroEnabled: new Map() },
  evidence: EvidenceRunner | null = null,
  signal?: AbortSignal,
): PlannedCheck[] {
  const wanted = cellKeys ? new Set(cellKeys) : null;
  // Per run: its deadline, and one reply per identical read (every proof of a run has the same window).
  const upstream = (key: 'PYROSCOPE' | 'LOKI' | 'TEMPO') => {
    const found = upstreamFromConfig(config, key);
    return found && { ...found, signal, runReplies: new Map() };
  };
  const targets: ProofTargets = {
    pyroscope: upstream('PYROSCOPE'),
    loki: upstream('LOKI'),
    tempo: upstream('TEMPO'),
    signal,
  };
  const checks: PlannedCheck[] = [];
  for (const cell of plan.cells) {
    if (wanted && !wanted.has(cell.key)) continue;
    const seen = new Set<string>();
    for (const criterion of cell.criteria) {
      const planned = planProof(plan, config, targets, facts, evidence, cell, criterion.proof);
      if (!planned || seen.has(planned.check)) continue;
      seen.add(planned.check);
      checks.push({ cellKey: cell.key, ...planned });
    }
    // The evidence chain's merged and deployed links, for cells whose criteria do not already ask for
    // them: checked in the same run, so "merged, not flowing" is as current as the data.
    const service = plan.services.find((s) => s.slug === cell.serviceSlug);
    const capability = plan.capabilities.find((c) => c.slug === cell.capabilitySlug);
    if (!service || !capability) continue;
    for (const kind of ['merged', 'deployed'] as const) {
      if (seen.has(kind)) continue;
      const planned = planEvidenceCheck(evidence, kind, cell, service, capability, signal);
      if (planned) checks.push({ cellKey: cell.key, ...planned });
    }
  }
  return checks;
}
