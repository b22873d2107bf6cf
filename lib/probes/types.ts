import type { StoredEvidence } from '../matrix/check-evidence';
import type { CheckStatus } from '../matrix/types';
import type { PlanCapability, PlanService } from '../plan/load';

/**
 * What one probe found. pass: the data is there; fail: the upstream answered fine but has no data;
 * error: the upstream is down or answered badly (message says what); not-configured: no URL set.
 */
export interface ProbeResult<E = StoredEvidence> {
  status: CheckStatus;
  /** What to read when it is not a pass (and a short summary when it is). */
  message: string | null;
  evidence: E;
  /** Set when the upstream did not answer at all (timeout, refused): other probes of it can skip the wait. */
  unreachable?: boolean;
}

export interface ProbeWindow {
  /** Epoch ms. */
  start: number;
  end: number;
}

export const notConfigured = (variable: string): ProbeResult => ({
  status: 'not-configured',
  message: `${variable} is not set, so this was not checked.`,
  evidence: {},
});

/** LogQL/PromQL-style label value quoting. */
export const quoteLabel = (value: string) => JSON.stringify(value);

/** Waits `ms` between polls; returns early when the signal aborts (the caller then stops polling). */
export const pause = (ms: number, signal?: AbortSignal) =>
  new Promise<void>((resolve) => {
    const done = () => {
      clearTimeout(timer);
      signal?.removeEventListener('abort', done);
      resolve();
    };
    const timer = setTimeout(done, ms);
    signal?.addEventListener('abort', done, { once: true });
  });

/**
 * Plans a cell's repository or cluster check (merged, deployed): what it asks, and how to run it.
 * null when the plan names nothing to check for the cell. Declared here so the verify pipeline runs
 * these checks without depending on the layer that implements them (lib/evidence). `run`'s signal is
 * the run's deadline: it aborts the check's requests, not only the wait for them.
 */
export type EvidenceRunner = (
  check: 'merged' | 'deployed',
  service: PlanService,
  capability: PlanCapability,
) => {
  target: string;
  run: (run: EvidenceRun) => Promise<ProbeResult>;
} | null;

/**
 * The verification run an evidence check belongs to: its start identifies it (what its checks share,
 * a branch's head commit, is asked once per run), and its deadline aborts the check's requests.
 */
export interface EvidenceRun {
  started: number;
  signal?: AbortSignal;
}
