'use client';

import type { PublicConfig } from '@/lib/config/env';
import type { CheckFact, MatrixCell } from '@/lib/matrix/types';
import { isGateStep } from '@/lib/matrix/check-evidence';
import { evidenceLinks } from '@/lib/verify/links';
import { cellSignature, useCellChecking, useChanged } from './cell-signals';
import { RelativeTime } from './relative-time';
import { Sparkline } from './sparkline';
import { VerifyButton } from './verify-button';
import './verify.css';
import './cell-feedback.css';

export type GrafanaLinks = Pick<PublicConfig, 'grafanaUrl' | 'grafanaDatasources'>;

const STATUS_LABEL: Record<CheckFact['status'], string> = {
  pass: 'pass',
  fail: 'no data',
  error: 'error',
  'not-configured': 'not configured',
  'insufficient-data': 'insufficient data',
};

function Evidence({ check }: { check: CheckFact }) {
  if (check.check === 'pyroscope') {
    const services = check.evidence?.services ?? [];
    return (
      <ul className="evidence">
        {services.map((s) => (
          <li key={s.serviceName}>
            <code>{s.serviceName}</code>:{' '}
            {s.profileTypes.length > 0 ? (
              <>
                {s.profileTypes.map((t) => t.split(':').slice(0, 2).join(':')).join(', ')}
                {s.lastSeenAt ? (
                  <>
                    {' '}
                    · last sample <RelativeTime iso={s.lastSeenAt} />
                  </>
                ) : null}
              </>
            ) : (
              'no profiles in the window'
            )}
          </li>
        ))}
      </ul>
    );
  }
  if (check.check === 'loki') {
    const counts = check.evidence?.countsByKind ?? {};
    const newest = check.evidence?.newest;
    return (
      <div className="evidence">
        <p>{['log', 'exception', 'measurement', 'event'].map((k) => `${counts[k] ?? 0} ${k}`).join(' · ')}</p>
        {newest ? (
          <p>
            Newest entry, stored in Loki <RelativeTime iso={newest.time} /> (the time inside the line is when the
            browser sent it):{' '}
            <code className="log-line" title={newest.line}>
              {newest.line}
            </code>
          </p>
        ) : null}
      </div>
    );
  }
  if (check.check === 'tempo') {
    const count = check.evidence?.traceCount ?? 0;
    const linkedTraceId = check.evidence?.linkedTraceId;
    return (
      <p className="evidence">
        {count} browser trace{count === 1 ? '' : 's'} ·{' '}
        {linkedTraceId ? (
          <>
            linked to backend spans (<code>{linkedTraceId}</code>)
          </>
        ) : (
          'none linked to a backend span'
        )}
      </p>
    );
  }
  if (isGateStep(check.check) && check.evidence) {
    const e = check.evidence;
    return (
      <p className="evidence">
        Pyroscope ready:{' '}
        {e.pyroscopeReady === null || e.pyroscopeReady === undefined ? '—' : e.pyroscopeReady ? 'yes' : 'no'} · receiver
        answered {e.receiverStatus === null || e.receiverStatus === undefined ? '—' : String(e.receiverStatus)} ·{' '}
        {e.foundInLokiAfterMs !== null && e.foundInLokiAfterMs !== undefined
          ? `marker in Loki after ${String(e.foundInLokiAfterMs)} ms`
          : 'marker not seen in Loki'}
      </p>
    );
  }
  return null;
}

/**
 * A cell's live-data evidence: when it was checked and last passed, its history, each check's result
 * and evidence, and links into Grafana.
 */
export function CellVerification({ cell, grafana }: { cell: MatrixCell; grafana: GrafanaLinks }) {
  const lastChecked = cell.latestChecks[0]?.checkedAt ?? null;
  const checking = useCellChecking(cell);
  const changed = useChanged(cellSignature(cell));
  return (
    <div
      className={`verification${changed ? ' changed' : ''}`}
      data-testid="verification"
      data-verification={cell.key}
      data-changed={changed ? 'true' : undefined}
      aria-busy={checking}
    >
      <p className="verification-summary">
        {cell.lastVerifiedAt ? (
          <span data-testid="last-passed">
            verified <RelativeTime iso={cell.lastVerifiedAt} />
          </span>
        ) : (
          <span data-testid="last-passed">never verified by live data</span>
        )}
        {checking ? (
          <span className="checking" data-testid="cell-checking">
            {' '}
            · checking…
          </span>
        ) : lastChecked ? (
          <span data-testid="checked-at">
            {' '}
            · checked <RelativeTime iso={lastChecked} />
          </span>
        ) : null}{' '}
        <Sparkline statuses={cell.history.map((h) => h.status)} />{' '}
        <VerifyButton scope={{ kind: 'cell', key: cell.key }} label={`Verify now: ${cell.title}`} />
      </p>
      {cell.latestChecks.length > 0 ? (
        <details className="checks-details">
          <summary>Every check’s newest result ({cell.latestChecks.length})</summary>
          <ul className="checks">
            {cell.latestChecks.map((check) => (
              <li key={check.check} data-check={check.check} data-status={check.status}>
                <span className={`check-status status-${check.status}`}>
                  {check.check}: {STATUS_LABEL[check.status]}
                </span>{' '}
                <span className="check-target">
                  (<code>{check.target}</code>, {check.durationMs} ms)
                </span>
                {check.message ? (
                  <p className={check.status === 'pass' ? 'check-message' : 'check-message check-problem'}>
                    {check.message}
                  </p>
                ) : null}
                <Evidence check={check} />
                {evidenceLinks(grafana, check).map((link) => (
                  <a key={link.href} className="grafana-link" href={link.href} target="_blank" rel="noreferrer">
                    {link.label} ↗
                  </a>
                ))}
              </li>
            ))}
          </ul>
        </details>
      ) : null}
    </div>
  );
}
