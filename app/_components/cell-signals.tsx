'use client';

import { useEffect, useRef, useState } from 'react';
import type { CheckFact, CheckStatus, MatrixCell } from '@/lib/matrix/types';
import { RelativeTime } from './relative-time';
import { useHydrated } from './use-hydrated';
import { useVerifyStatus } from './verify-status';

/** Short names for the matrix chips (the service page's checklist uses the longer PROOF_LABELS). */
const SIGNAL_NAMES: Record<string, string> = {
  pyroscope: 'Pyroscope',
  'flame-graph': 'Flame graph',
  loki: 'Loki',
  tempo: 'Tempo',
  'faro-route': '/faro route',
  'collector-url': 'Collector URL',
  latency: 'Latency',
  merged: 'Merged',
  deployed: 'Deployed',
  gate: 'Gate',
  'gate-ready': 'Pyroscope ready',
  'gate-reachable': 'Pyroscope reachable',
  'gate-receiver': 'Receiver',
  'gate-loki': 'Payload in Loki',
};
/** Repository and cluster checks say ✗; the others say what is missing. */
const REPOSITORY_OR_CLUSTER = new Set(['merged', 'deployed']);
const OTHER_STATUS: Record<Exclude<CheckStatus, 'pass' | 'fail'>, string> = {
  error: 'error',
  'not-configured': 'not configured',
  'insufficient-data': 'too little data',
};

/** A check's newest result as a cell shows it: the full fact, or the matrix's compact one (partial flag, no evidence). */
export type SignalFact = Pick<CheckFact, 'check' | 'status' | 'checkedAt'> & {
  message?: string | null;
  evidence?: Record<string, unknown>;
  partial?: boolean;
};

/** One signal's result in a few words: "Loki ✓", "Pyroscope: no data", "Merged ✗", "Deployed: partly". */
export function signalText(check: SignalFact): string {
  const name = SIGNAL_NAMES[check.check] ?? check.check;
  if (check.status === 'pass')
    return check.partial || (check.evidence as { partial?: unknown } | undefined)?.partial === true
      ? `${name}: partly`
      : `${name} ✓`;
  if (check.status === 'fail') return REPOSITORY_OR_CLUSTER.has(check.check) ? `${name} ✗` : `${name}: no data`;
  return `${name}: ${OTHER_STATUS[check.status]}`;
}

/** Whether a running verification (this browser's or anyone's) covers the cell. */
export function useCellChecking(cell: Pick<MatrixCell, 'key' | 'serviceSlug'>): boolean {
  const { running } = useVerifyStatus();
  return (
    running.includes('verify:all') ||
    running.includes(`verify:cell:${cell.key}`) ||
    (cell.serviceSlug !== null && running.includes(`verify:service:${cell.serviceSlug}`))
  );
}

/** True for a few seconds after the value changes (never on first render): a brief highlight. */
export function useChanged(value: string, ms = 4000): boolean {
  const previous = useRef(value);
  const [changed, setChanged] = useState(false);
  useEffect(() => {
    if (previous.current === value) return;
    previous.current = value;
    setChanged(true);
    const timer = setTimeout(() => setChanged(false), ms);
    return () => clearTimeout(timer);
  }, [value, ms]);
  return changed;
}

const NO_KEYS: ReadonlySet<string> = new Set();

/**
 * useChanged for many values at once (a row's cells): the keys whose value changed, each for `ms`
 * after its own latest change. One hook per row rather than one per cell keeps a 1,200-cell board's
 * render and hydration light.
 */
export function useChangedKeys(values: ReadonlyMap<string, string>, ms = 4000): ReadonlySet<string> {
  const previous = useRef(values);
  const timers = useRef(new Map<string, ReturnType<typeof setTimeout>>());
  const [changed, setChanged] = useState(NO_KEYS);
  const identity = [...values].map(([key, value]) => `${key}=${value}`).join('\n');
  // `identity` says when the values changed; the map itself is new on every render.
  // biome-ignore lint/correctness/useExhaustiveDependencies: see above
  useEffect(() => {
    const before = previous.current;
    previous.current = values;
    for (const [key, value] of values) {
      if (!before.has(key) || before.get(key) === value) continue;
      setChanged((now) => new Set([...now, key]));
      clearTimeout(timers.current.get(key));
      timers.current.set(
        key,
        setTimeout(() => {
          timers.current.delete(key);
          setChanged((now) => new Set([...now].filter((k) => k !== key)));
        }, ms),
      );
    }
  }, [identity, ms]);
  useEffect(() => {
    const pending = timers.current;
    return () => {
      for (const timer of pending.values()) clearTimeout(timer);
    };
  }, []);
  return changed;
}

/** What a change highlight compares: the state and each signal's result. */
export const cellSignature = (cell: Pick<MatrixCell, 'state'> & { latestChecks: SignalFact[] }) =>
  `${cell.state}|${cell.latestChecks.map((c) => `${c.check}:${c.status}`).join(',')}`;

/** A cell's signals, each labelled for what it is, "checking…" while a run covers it, and when it was last checked. */
export function CellSignals({
  cell,
}: {
  cell: Pick<MatrixCell, 'key' | 'serviceSlug'> & { latestChecks: SignalFact[] };
}) {
  const hydrated = useHydrated();
  const newest = cell.latestChecks[0]?.checkedAt;
  return (
    <>
      {/* A cell never checked (every cell of a new plan) renders no empty element for it. */}
      {cell.latestChecks.length === 0 ? null : (
        <span className="signal-chips">
          {cell.latestChecks.map((check) => (
            <span
              key={check.check}
              className={`live-status status-${check.status}`}
              data-testid="live-status"
              data-check={check.check}
              data-status={check.status}
              title={check.message ?? check.status}
            >
              {signalText(check)}
            </span>
          ))}
        </span>
      )}
      {hydrated ? <CheckingOrCheckedAt cell={cell} newest={newest} /> : <CheckedAt newest={newest} />}
    </>
  );
}

function CheckedAt({ newest }: { newest: string | undefined }) {
  return newest ? (
    <span className="checked-at" data-testid="checked-at">
      checked <RelativeTime iso={newest} />
    </span>
  ) : null;
}

/**
 * "checking…" while a run covers the cell. Only the browser knows of runs (it polls them), so the
 * server renders the time alone and runs no query per cell.
 */
function CheckingOrCheckedAt({
  cell,
  newest,
}: {
  cell: Pick<MatrixCell, 'key' | 'serviceSlug'>;
  newest: string | undefined;
}) {
  return useCellChecking(cell) ? (
    <span className="checking" data-testid="cell-checking">
      checking…
    </span>
  ) : (
    <CheckedAt newest={newest} />
  );
}
