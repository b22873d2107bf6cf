'use client';

import { compactCellHref, LETTER_STATUS, type MatrixRowCell } from '@/lib/matrix/compact';
import { CELL_STATE_LABELS } from '@/lib/matrix/types';
import { Sparkline } from './sparkline';
import { VerifyButton } from './verify-button';

const LIVE_LABEL = { pass: 'data ✓', fail: 'no data', error: 'error', 'not-configured': 'not configured' } as const;
const DOT: Record<string, string> = { p: 'passed', f: 'failed', r: 'regressed' };
const LINK_WORDS = ['issue closed', 'merged', 'deployed', 'data flowing'];
const STATUS_WORDS: Record<string, string> = { p: 'passed', f: 'failed', r: 'regressed', n: 'not checked' };
/** The chain in words, as the service page's describeChain says it, from the four letters. */
const spoken = (cell: MatrixRowCell) =>
  `Evidence: ${[...cell.chain].map((l, i) => `${LINK_WORDS[i]} ${STATUS_WORDS[l] ?? 'not checked'}`).join(', ')} (${cell.chainSummary})`;

/** The evidence chain as four dots (issue closed, merged, deployed, data flowing); the links in full load on demand. */
function ChainDots({ cell }: { cell: MatrixRowCell }) {
  return (
    <span className="chain-dots" role="img" aria-label={spoken(cell)}>
      {[...cell.chain].map((letter, i) => (
        // biome-ignore lint/suspicious/noArrayIndexKey: the four links have fixed positions
        <i key={i} className={DOT[letter] ? `dot-${DOT[letter]}` : undefined} />
      ))}
    </span>
  );
}

/** The GitHub issue behind a cell, in one line. */
function IssueLine({ cell }: { cell: MatrixRowCell }) {
  const { issue } = cell;
  if (!issue) return null;
  const facts = [
    issue.state,
    ...issue.assignees.map((a) => `@${a}`),
    ...(issue.pullRequests > 0 ? [`${issue.pullRequests} PR${issue.pullRequests === 1 ? '' : 's'}`] : []),
  ].join(' · ');
  return (
    <small className="cell-issue" data-testid="cell-issue">
      <a href={issue.url}>{`#${issue.number}`}</a>
      {` ${facts}`}
      {cell.issueEstimate ? <b className="differs">{` · issue ${cell.issueEstimate}`}</b> : null}
    </small>
  );
}

/**
 * One matrix cell from the compact view: state, estimate, chain, issue, newest live status, a
 * short history and its Verify button (on a grouped fleet board, the row's one button verifies
 * them all). The reason, evidence and criteria load on demand
 * (CellDetails), so the page carries none of them.
 */
export function MatrixCellContent({ cell, verify = true }: { cell: MatrixRowCell; verify?: boolean }) {
  return (
    <>
      <a
        href={compactCellHref(cell.key)}
        className={`cell state-${cell.state}`}
        data-cell={cell.key}
        data-state={cell.state}
        title={`${cell.criteria} acceptance criteri${cell.criteria === 1 ? 'on' : 'a'}`}
      >
        <span className="cell-state">{CELL_STATE_LABELS[cell.state]}</span>
        <span className="cell-estimate">{cell.estimateText}</span>
        <ChainDots cell={cell} />
      </a>
      <IssueLine cell={cell} />
      <span className="matrix-cell-tools">
        {cell.liveStatus ? (
          <span
            className={`live-status status-${cell.liveStatus}`}
            data-testid="live-status"
            data-status={cell.liveStatus}
          >
            {LIVE_LABEL[cell.liveStatus]}
          </span>
        ) : null}
        <Sparkline statuses={[...cell.history].map((l) => LETTER_STATUS[l])} />
        {verify && cell.title ? (
          <VerifyButton scope={{ kind: 'cell', key: cell.key }} label={`Verify ${cell.title} now`} compact />
        ) : null}
      </span>
    </>
  );
}
