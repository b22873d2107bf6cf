import type { CompactMatrixView } from '@/lib/matrix/compact';
import type { UnmappedIssueFact } from '@/lib/matrix/types';
import styles from './github.module.css';

/** Issues the sync found but could not place on the matrix: no matching labels, or a second issue for a cell. */
export function UnmappedPanel({ unmapped }: { unmapped: CompactMatrixView['unmapped'] }) {
  const { total, issues } = unmapped;
  if (total === 0) return null;
  return (
    <section className={styles.panel} aria-labelledby="unmapped-heading" data-testid="unmapped-panel">
      <h2 id="unmapped-heading">Unmapped / conflicts ({total})</h2>
      <p className={styles.muted}>
        Phase 3 issues that are on no cell. Fix their labels on GitHub (or close the duplicate) and they move onto the
        matrix at the next sync.
      </p>
      <UnmappedList issues={issues} />
      {total > issues.length ? (
        <p className={styles.muted}>
          …and {total - issues.length} more: <a href="/unmapped?page=2">the next {issues.length}</a>, or{' '}
          <a href="/unmapped">all {total}, page by page</a>.
        </p>
      ) : null}
    </section>
  );
}

/** Each issue on no cell: its link, title, why it is on none, and its state. */
export function UnmappedList({ issues }: { issues: UnmappedIssueFact[] }) {
  return (
    <ul className={styles.list}>
      {issues.map((issue) => (
        <li key={issue.id} data-issue={issue.id} data-mapping={issue.mapping}>
          <a href={issue.htmlUrl}>
            {issue.repo}#{issue.number}
          </a>{' '}
          {issue.title} <span className={styles.tag}>{issue.mapping === 'conflict' ? 'conflict' : 'unmapped'}</span>
          <span className={styles.tag}>{issue.state}</span> <span className={styles.muted}>{issue.note}</span>
        </li>
      ))}
    </ul>
  );
}
