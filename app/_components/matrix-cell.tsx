'use client';

import { useState } from 'react';
import { compactCellHref, LETTER_STATUS, type MatrixRowCell } from '@/lib/matrix/compact';
import { CELL_STATE_LABELS } from '@/lib/matrix/types';
import { CellDetailPopover, useCellDetail } from './cell-detail';
import { CellSignals, useChanged } from './cell-signals';
import { Sparkline } from './sparkline';
import { VerifyButton } from './verify-button';

const LIVE_LABEL = {
  pass: 'data ✓',
  fail: 'no data',
  error: 'error',
  'insufficient-data': 'too little data',
  'not-configured': 'not configured',
} as const;
const LINK_WORDS = ['issue closed', 'merged', 'deployed', 'data flowing'];
const STATUS_WORDS: Record<string, string> = {
  p: 'passed',
  h: 'partly proven',
  f: 'failed',
  r: 'regressed',
  n: 'not checked',
};
/** A link's status in words, as describeChain says it: an open issue has not failed to close, it is not closed yet. */
const linkWords = (letter: string, index: number) =>
  index === 0 && letter === 'f'
    ? 'not yet (the issue is open)'
    : letter === 'r'
      ? 'regressed (passed before)'
      : (STATUS_WORDS[letter] ?? 'not checked');
/** The chain in words, as the service page's describeChain says it, from the four letters. */
const spoken = (cell: MatrixRowCell) =>
  `Evidence: ${[...cell.chain].map((l, i) => `${LINK_WORDS[i]} ${linkWords(l, i)}`).join(', ')} (${cell.chainSummary})`;

/** The service a cell key belongs to; null for the gate ("gate/<slug>"). */
const serviceOf = (key: string) => (key.startsWith('gate/') ? null : key.split('/')[0]);

/**
 * The evidence chain as four dots (issue closed, merged, deployed, data flowing), drawn by matrix.css
 * from one attribute ("1p 2h 3n 4n": each link's position and status letter) rather than four
 * elements: a fleet board has 1,200 cells. The links in full load on demand.
 */
function ChainDots({ cell, brief }: { cell: MatrixRowCell; brief: boolean }) {
  return (
    // On a fleet board the label is the summary: the cell's detail (on focus) names every link.
    <span
      className="chain-dots"
      role="img"
      aria-label={brief ? `Evidence: ${cell.chainSummary}` : spoken(cell)}
      data-chain={`1${cell.chain[0]} 2${cell.chain[1]} 3${cell.chain[2]} 4${cell.chain[3]}`}
    />
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

/*
 * The detail's query lives in the components shown while a cell is open (both share one request):
 * a closed cell, and the server's render of every cell, run no query hook at all.
 */
function FailingCriteria({ cellKey }: { cellKey: string }) {
  const failing = useCellDetail(cellKey).detail?.criteria.filter((c) => !c.holds) ?? [];
  return failing.length > 0 ? (
    <span className="cell-failing" data-testid="cell-failing">
      {failing.map((c) => `✗ ${c.text}: ${c.reason}`).join(' · ')}
    </span>
  ) : null;
}

function OpenCellDetail({ cellKey }: { cellKey: string }) {
  return <CellDetailPopover cellKey={cellKey} {...useCellDetail(cellKey)} />;
}

/**
 * One matrix cell from the compact view: state, estimate, how many criteria hold, chain, issue,
 * each signal's newest result (on a fleet board, the worst of them), a short history and its
 * Verify button (on a grouped fleet board, the row's one button verifies them all). On hover or
 * focus it loads the cell's detail (reason, criteria with the failing ones named, evidence chain,
 * newest results), so the page carries none of it.
 */
export function MatrixCellView({
  cell,
  verify = true,
  open,
  changed,
  setOpen,
}: {
  cell: MatrixRowCell;
  verify?: boolean;
  /** Whether the cell's detail shows (hover or focus), and whether it just changed: kept by the row, or by MatrixCellContent. */
  open: boolean;
  changed: boolean;
  setOpen: (open: boolean) => void;
}) {
  return (
    <>
      <a
        href={compactCellHref(cell.key)}
        className={`cell state-${cell.state}${changed ? ' changed' : ''}`}
        data-cell={cell.key}
        data-state={cell.state}
        data-changed={changed ? 'true' : undefined}
        aria-describedby={open ? 'cell-detail' : undefined}
        onMouseEnter={() => setOpen(true)}
        onMouseLeave={() => setOpen(false)}
        onFocus={() => setOpen(true)}
        onBlur={() => setOpen(false)}
        onKeyDown={(event) => event.key === 'Escape' && setOpen(false)}
      >
        <span className="cell-state">{CELL_STATE_LABELS[cell.state]}</span>
        <span className="cell-estimate">{cell.estimateText}</span>
        {cell.criteria > 0 ? (
          <span className="cell-criteria">{`${cell.criteriaHeld} of ${cell.criteria} criteria`}</span>
        ) : null}
        {open ? <FailingCriteria cellKey={cell.key} /> : null}
        <ChainDots cell={cell} brief={!verify} />
      </a>
      {open ? <OpenCellDetail cellKey={cell.key} /> : null}
      <IssueLine cell={cell} />
      <span className="matrix-cell-tools">
        {cell.latestChecks ? (
          <CellSignals cell={{ key: cell.key, serviceSlug: serviceOf(cell.key), latestChecks: cell.latestChecks }} />
        ) : cell.liveStatus ? (
          <span className={`live-status status-${cell.liveStatus}`}>{LIVE_LABEL[cell.liveStatus]}</span>
        ) : null}
        <Sparkline statuses={[...cell.history].map((l) => LETTER_STATUS[l])} />
        {verify && cell.title ? (
          <VerifyButton scope={{ kind: 'cell', key: cell.key }} label={`Verify ${cell.title} now`} compact />
        ) : null}
      </span>
    </>
  );
}

/** What a cell's change highlight compares: its state, its worst result and each check's result. */
export const cellChangeSignature = (cell: MatrixRowCell) =>
  `${cell.state}|${cell.liveStatus}|${(cell.latestChecks ?? []).map((c) => `${c.check}:${c.status}`).join(',')}`;

/** A cell on its own (the gate's), keeping its own open and changed state. */
export function MatrixCellContent({ cell, verify = true }: { cell: MatrixRowCell; verify?: boolean }) {
  const [open, setOpen] = useState(false);
  const changed = useChanged(cellChangeSignature(cell));
  return <MatrixCellView cell={cell} verify={verify} open={open} changed={changed} setOpen={setOpen} />;
}
