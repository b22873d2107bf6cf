import type { ServerConfig } from '../config/env';
import type { Plan, PlanCell } from '../plan/load';
import { probeGate } from '../probes/gate';
import { upstreamFromConfig } from '../probes/http';
import { defaultLokiSelector, probeLoki } from '../probes/loki';
import { probePyroscope } from '../probes/pyroscope';
import { probeTempo } from '../probes/tempo';
import { notConfigured, type ProbeResult, type ProbeWindow } from '../probes/types';

export const CHECK_NAMES = ['pyroscope', 'loki', 'tempo', 'gate'] as const;
export type CheckName = (typeof CHECK_NAMES)[number];

/** One probe to run for one cell. `key` is the same for identical probes, so a run asks each once. */
export interface PlannedCheck {
  cellKey: string;
  check: CheckName;
  /** What is asked, in the upstream's terms (service_name values, a LogQL selector, a Faro app). */
  target: string;
  key: string;
  run: (window: ProbeWindow) => Promise<ProbeResult>;
}

/** Does a cell's acceptance ask for browser traces linked to backend spans? */
export const needsBackendLink = (cell: Pick<PlanCell, 'criteria'>) =>
  cell.criteria.some((c) => /backend spans?/i.test(c));

/**
 * Which checks prove which cell: profiling (code and Helm) → Pyroscope for every service_name of
 * the service; faro-code → Loki counts per kind (+ Tempo when TEMPO_URL is set); faro-helm → Loki;
 * the gate → the gate probe.
 */
export function planChecks(plan: Plan, config: ServerConfig, cellKeys?: readonly string[]): PlannedCheck[] {
  const wanted = cellKeys ? new Set(cellKeys) : null;
  const pyroscope = upstreamFromConfig(config, 'PYROSCOPE');
  const loki = upstreamFromConfig(config, 'LOKI');
  const tempo = upstreamFromConfig(config, 'TEMPO');
  const checks: PlannedCheck[] = [];

  for (const cell of plan.cells) {
    if (wanted && !wanted.has(cell.key)) continue;
    if (cell.serviceSlug === null) {
      checks.push({
        cellKey: cell.key,
        check: 'gate',
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
          }),
      });
      continue;
    }
    const service = plan.services.find((s) => s.slug === cell.serviceSlug);
    const capability = plan.capabilities.find((c) => c.slug === cell.capabilitySlug);
    if (!service || !capability) continue;
    if (capability.signal === 'profiling') {
      const names = service.telemetry.pyroscopeServiceNames;
      checks.push({
        cellKey: cell.key,
        check: 'pyroscope',
        target: names.join(', '),
        key: `pyroscope:${names.join(',')}`,
        run: (window) =>
          pyroscope ? probePyroscope(pyroscope, names, window) : Promise.resolve(notConfigured('PYROSCOPE_URL')),
      });
      continue;
    }
    const app = service.telemetry.faroApp;
    if (!app) continue;
    const selector = service.telemetry.lokiSelector ?? defaultLokiSelector(app);
    checks.push({
      cellKey: cell.key,
      check: 'loki',
      target: selector,
      key: `loki:${selector}`,
      run: (window) => (loki ? probeLoki(loki, selector, window) : Promise.resolve(notConfigured('LOKI_URL'))),
    });
    if (capability.part === 'code' && tempo) {
      const strict = needsBackendLink(cell);
      checks.push({
        cellKey: cell.key,
        check: 'tempo',
        target: app,
        key: `tempo:${app}:${strict}`,
        run: (window) => probeTempo(tempo, app, window, strict),
      });
    }
  }
  return checks;
}
