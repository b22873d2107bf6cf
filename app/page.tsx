import { readStoreRevisions } from '@/lib/db/revision';
import { readSyncStatus, syncPanelView } from '@/lib/github/sync-job';
import { readMatrixSnapshot } from '@/lib/matrix/read';
import { pageRead } from '@/lib/server/page-read';
import { getRuntime } from '@/lib/server/runtime';
import { redirect } from 'next/navigation';
import { expandedGroups } from '@/lib/matrix/compact';
import {
  boardHref,
  EMPTY_FILTER,
  filterMatchFigures,
  isFilterActive,
  matchingCellKeys,
  parseMatrixFilter,
} from '@/lib/matrix/filter';
import { MatrixBoard } from './_components/matrix-board';
import { MatrixFilterForm } from './_components/matrix-filter-form';
import { MatrixLegend } from './_components/matrix-legend';
import { ReadFailure } from './_components/read-failure';
import { SyncPanel } from './_components/sync-panel';
import { UnmappedPanel } from './_components/unmapped-panel';
import { VerifyButton } from './_components/verify-button';

export const dynamic = 'force-dynamic';

export default async function MatrixPage({
  searchParams,
}: {
  searchParams: Promise<Record<string, string | string[] | undefined>>;
}) {
  const params = await searchParams;
  const parsed = parseMatrixFilter(params);
  const filter = parsed.success ? parsed.data : EMPTY_FILTER;
  const expanded = expandedGroups(params.expand);
  // A plain form (no JavaScript) submits every field, empty ones too: share only what is set.
  const hasEmpty = Object.values(params).some((v) => v === '' || (Array.isArray(v) && v.includes('')));
  if (parsed.success && hasEmpty) redirect(boardHref(filter, expanded));
  const read = await pageRead('the matrix (its cells, their checks and the plan’s figures)', async () => {
    const runtime = await getRuntime();
    // Both revisions in one query; the matrix and the sync panel are then served from their caches.
    const revisions = await readStoreRevisions(runtime.store.db);
    return Promise.all([
      readMatrixSnapshot(runtime.store, revisions.matrix),
      readSyncStatus(runtime, undefined, undefined, revisions.sync),
    ]);
  });
  if (!read.ok) return <ReadFailure {...read} retryHref={boardHref(filter, expanded)} />;
  const [snapshot, syncStatus] = read.value;
  const view = snapshot.compact;
  // The filter reads the derived view (assignees, evidence); the page renders the compact one.
  const matching = isFilterActive(filter) ? matchingCellKeys(snapshot.view, filter) : null;
  return (
    <>
      <h1>{view.plan.title}</h1>
      {view.plan.prerequisite ? <p className="lede">Prerequisite: {view.plan.prerequisite}</p> : null}
      <SyncPanel initialStatus={syncPanelView(syncStatus)} />
      <VerifyButton scope={{ kind: 'all' }} text="Verify every cell now" />
      {parsed.success ? null : (
        <p role="alert" className="notice notice-error">
          The filter in this link is not valid (
          {parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ')}); showing every cell.
        </p>
      )}
      <MatrixFilterForm view={snapshot.view} filter={filter} />
      <MatrixBoard
        view={view}
        etag={snapshot.etag}
        matching={matching}
        filter={filter}
        shown={matching ? filterMatchFigures(snapshot.view, matching) : null}
        expanded={expanded}
      />
      <MatrixLegend />
      <UnmappedPanel unmapped={view.unmapped} />
    </>
  );
}
