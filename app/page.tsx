import { readSyncStatus } from '@/lib/github/sync-job';
import { readMatrix } from '@/lib/matrix/read';
import { getRuntime } from '@/lib/server/runtime';
import { CELL_STATES, type CellState } from '@/lib/matrix/types';
import { MatrixBoard } from './_components/matrix-board';
import { SyncPanel } from './_components/sync-panel';
import { UnmappedPanel } from './_components/unmapped-panel';
import { VerifyButton } from './_components/verify-button';

export const dynamic = 'force-dynamic';

const isCellState = (value: unknown): value is CellState => typeof value === 'string' && (CELL_STATES as readonly string[]).includes(value);

export default async function MatrixPage({ searchParams }: { searchParams: Promise<Record<string, string | string[] | undefined>> }) {
  const { state } = await searchParams;
  const runtime = await getRuntime();
  const [view, syncStatus] = await Promise.all([readMatrix(runtime.store), readSyncStatus(runtime)]);
  return (
    <>
      <h1>{view.plan.title}</h1>
      {view.plan.prerequisite ? <p className="lede">Prerequisite: {view.plan.prerequisite}</p> : null}
      <SyncPanel initialStatus={syncStatus} />
      <VerifyButton scope={{ kind: 'all' }} label="Verify every cell now" text="Verify all now" />
      <MatrixBoard initialView={view} stateFilter={isCellState(state) ? state : null} />
      <UnmappedPanel initialView={view} />
    </>
  );
}
