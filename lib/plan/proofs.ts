import type { Proof, ProofKind } from './schema';

/**
 * The check name each automated proof kind stores its results under (CheckResult.check). Names the
 * board used before criteria existed are kept (pyroscope, loki, tempo, merged, deployed), so a
 * criterion's history includes the results stored before it had a name.
 */
const CHECK_OF_KIND: Record<Exclude<ProofKind, 'sign-off'>, string> = {
  profiles: 'pyroscope',
  'cpu-flame-graph': 'flame-graph',
  'browser-telemetry': 'loki',
  traces: 'tempo',
  'faro-route': 'faro-route',
  'collector-url': 'collector-url',
  merged: 'merged',
  deployed: 'deployed',
  latency: 'latency',
  'gate-pyroscope-ready': 'gate-ready',
  'gate-pyroscope-reachable': 'gate-reachable',
  'gate-receiver-accepts': 'gate-receiver',
  'gate-payload-in-loki': 'gate-loki',
};

/** The check a criterion's proof is stored as; null for a sign-off (a person, not a check, proves it). */
export const proofCheckName = (proof: Pick<Proof, 'kind'>): string | null =>
  proof.kind === 'sign-off' ? null : CHECK_OF_KIND[proof.kind];

/** How each proof kind reads on the checklist. */
export const PROOF_LABELS: Record<ProofKind, string> = {
  profiles: 'Pyroscope: profiles arrive',
  'cpu-flame-graph': 'Pyroscope: CPU flame graph',
  'browser-telemetry': 'Loki: browser telemetry',
  traces: 'Tempo: browser traces',
  'faro-route': 'The service’s /faro route',
  'collector-url': 'Collector URL in the page',
  merged: 'Repository files',
  deployed: 'Running pods',
  latency: 'Tempo: latency before/after',
  'gate-pyroscope-ready': 'Pyroscope /ready',
  'gate-pyroscope-reachable': 'Pyroscope reachable',
  'gate-receiver-accepts': 'Faro receiver accepts',
  'gate-payload-in-loki': 'Test payload in Loki',
  'sign-off': 'Sign-off',
};
