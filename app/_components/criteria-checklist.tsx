import type { CriterionState, CriterionStatus } from '@/lib/matrix/types';
import { RelativeTime } from './relative-time';
import { SignOffControl } from './sign-off-control';

const STATUS_TEXT: Record<CriterionStatus, string> = {
  pass: 'passes',
  fail: 'fails',
  error: 'error',
  'not-configured': 'not configured',
  'insufficient-data': 'insufficient data',
  'signed-off': 'signed off',
  'needs-sign-off': 'needs sign-off',
  'not-proven': 'not checked yet',
};

/**
 * A cell's acceptance criteria as a checklist: each criterion's words, how it is proven, its status,
 * age and a one-line reason, with the evidence collapsed behind it. A signed-off criterion reads
 * "signed off", never "passes".
 */
export function CriteriaChecklist({ cellKey, criteria }: { cellKey: string; criteria: CriterionState[] }) {
  const held = criteria.filter((c) => c.holds).length;
  return (
    <>
      <h3>
        Acceptance criteria{' '}
        <span className="criteria-count" data-testid="criteria-count">
          {held} of {criteria.length} hold
        </span>
      </h3>
      <ol className="criteria" data-testid="criteria">
        {criteria.map((c) => (
          <li
            key={c.index}
            className={`criterion criterion-${c.status}`}
            data-testid="criterion"
            data-status={c.status}
            data-holds={c.holds}
          >
            <span className="criterion-mark" aria-hidden="true">
              {c.holds ? '✓' : c.status === 'fail' || c.status === 'error' ? '✗' : '○'}
            </span>
            <span className="criterion-text">{c.text}</span>
            <span className="criterion-meta">
              <span className="criterion-proof">{c.proofLabel}</span> ·{' '}
              <strong data-testid="criterion-status">{STATUS_TEXT[c.status]}</strong>
              {c.regressed ? ' (held before)' : ''}
              {c.checkedAt ? (
                <>
                  {' '}
                  · <RelativeTime iso={c.checkedAt} />
                </>
              ) : null}
            </span>
            <span className="criterion-reason" data-testid="criterion-reason">
              {c.reason}
            </span>
            {c.evidence && Object.keys(c.evidence).length > 0 ? (
              <details className="criterion-evidence">
                <summary>Evidence</summary>
                <pre>{JSON.stringify(c.evidence, null, 2)}</pre>
              </details>
            ) : null}
            {c.check === null ? <SignOffControl cellKey={cellKey} criterion={c} /> : null}
          </li>
        ))}
      </ol>
    </>
  );
}
