import { readSyncStatus } from '@/lib/github/sync-job';
import { readMatrix } from '@/lib/matrix/read';
import { getRuntime } from '@/lib/server/runtime';
import { MatrixBoard } from './_components/matrix-board';
import { SyncPanel } from './_components/sync-panel';
import { UnmappedPanel } from './_components/unmapped-panel';

export const dynamic = 'force-dynamic';

export default async function MatrixPage() {
  const runtime = await getRuntime();
  const [view, syncStatus] = await Promise.all([readMatrix(runtime.store), readSyncStatus(runtime)]);
  return (
    <>
      <h1>{view.plan.title}</h1>
      {view.plan.prerequisite ? <p className="lede">Prerequisite: {view.plan.prerequisite}</p> : null}
      <SyncPanel initialStatus={syncStatus} />
      <MatrixBoard initialView={view} />
      <UnmappedPanel initialView={view} />
    </>
  );
}
