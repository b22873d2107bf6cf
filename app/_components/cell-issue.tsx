import type { MatrixCell } from '@/lib/matrix/types';
import styles from './github.module.css';

/** The GitHub issue behind a cell, in one line under it on the matrix. */
export function CellIssueSummary({ cell }: { cell: MatrixCell }) {
  const { issue } = cell;
  if (!issue) return null;
  const prs = issue.linkedPullRequests;
  return (
    <div className={styles.cellIssue} data-testid="cell-issue">
      <a href={issue.htmlUrl} title={issue.title}>
        #{issue.number}
      </a>{' '}
      {issue.state}
      {issue.assignees.length > 0 ? ` · ${issue.assignees.map((a) => `@${a}`).join(' ')}` : ''}
      {prs.length > 0 ? ` · ${prs.length} PR${prs.length === 1 ? '' : 's'}` : ''}
      {cell.issueEstimate ? (
        <span
          className={styles.differs}
          title={`The issue says ${cell.issueEstimate.text}, the plan ${cell.estimateText}`}
        >
          {' '}
          · issue {cell.issueEstimate.text}
        </span>
      ) : null}
    </div>
  );
}

/** The issue behind a cell in full, for the service page. */
export function CellIssueDetail({ cell }: { cell: MatrixCell }) {
  const { issue } = cell;
  if (!issue) return <p className={styles.muted}>No GitHub issue synced for this cell yet.</p>;
  return (
    <dl className="facts" data-testid="cell-issue-detail">
      <dt>GitHub issue</dt>
      <dd>
        <a href={issue.htmlUrl}>
          {issue.repo}#{issue.number}
        </a>{' '}
        {issue.title} ({issue.state}
        {issue.closedAt ? ` ${issue.closedAt.slice(0, 10)}` : ''})
      </dd>
      <dt>Assignees</dt>
      <dd>{issue.assignees.length > 0 ? issue.assignees.map((a) => `@${a}`).join(', ') : 'nobody yet'}</dd>
      <dt>Pull requests</dt>
      <dd>
        {issue.linkedPullRequests.length > 0
          ? issue.linkedPullRequests.map((pr, index) => (
              <span key={pr.url}>
                {index > 0 ? ', ' : ''}
                <a href={pr.url}>#{pr.number}</a> {pr.merged ? 'merged' : (pr.state ?? 'open')}
              </span>
            ))
          : 'none linked (closing references: "Closes #n" in a phase-3 pull request)'}
      </dd>
      <dt>Estimate</dt>
      <dd data-testid="issue-estimate">
        {cell.issueEstimate ? (
          <>
            <span className={styles.differs}>issue says {cell.issueEstimate.text}</span>, plan says {cell.estimateText}
          </>
        ) : issue.estimateText ? (
          `${issue.estimateText} (issue and plan agree)`
        ) : (
          `${cell.estimateText} (plan; the issue states none)`
        )}
      </dd>
    </dl>
  );
}
