import { getStore } from '@/lib/db/store';
import { readMatrix } from '@/lib/matrix/read';
import { CELL_STATES, type CellState } from '@/lib/matrix/types';
import { MatrixBoard } from './_components/matrix-board';
import { VerifyButton } from './_components/verify-button';

export const dynamic = 'force-dynamic';

const isCellState = (value: unknown): value is CellState => typeof value === 'string' && (CELL_STATES as readonly string[]).includes(value);

export default async function MatrixPage({ searchParams }: { searchParams: Promise<Record<string, string | string[] | undefined>> }) {
  const { state } = await searchParams;
  const view = await readMatrix(await getStore());
  return (
    <>
      <h1>{view.plan.title}</h1>
      {view.plan.prerequisite ? <p className="lede">Prerequisite: {view.plan.prerequisite}</p> : null}
      <VerifyButton scope={{ kind: 'all' }} label="Verify every cell now" text="Verify all now" />
      <MatrixBoard initialView={view} stateFilter={isCellState(state) ? state : null} />
    </>
  );
}
