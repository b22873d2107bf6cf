import { getStore } from '@/lib/db/store';
import { readMatrix } from '@/lib/matrix/read';
import { MatrixBoard } from './_components/matrix-board';

export const dynamic = 'force-dynamic';

export default async function MatrixPage() {
  const view = await readMatrix(await getStore());
  return (
    <>
      <h1>{view.plan.title}</h1>
      {view.plan.prerequisite ? <p className="lede">Prerequisite: {view.plan.prerequisite}</p> : null}
      <MatrixBoard initialView={view} />
    </>
  );
}
