'use client';

import type { ServiceDetail } from '@/lib/matrix/types';
import { CellVerification, type GrafanaLinks } from './cell-verification';
import { CriteriaChecklist } from './criteria-checklist';
import { useService } from './board-queries';

/** A service page cell's state, its criteria checklist and evidence, kept current by react-query (refetched while a verification runs). */
export function ServiceCellVerification({
  initialDetail,
  cellKey,
  grafana,
}: {
  initialDetail: ServiceDetail;
  cellKey: string;
  grafana: GrafanaLinks;
}) {
  const { data } = useService(initialDetail);
  const cell = data.cells.find((c) => c.key === cellKey);
  if (!cell) return null;
  return (
    <>
      <p>
        <span className={`badge state-${cell.state}`} data-testid="cell-state" data-state={cell.state}>
          {cell.stateLabel}
        </span>{' '}
        Estimate {cell.estimateText} · {cell.stateReason}
      </p>
      <CriteriaChecklist cellKey={cell.key} criteria={cell.criteria} />
      <CellVerification cell={cell} grafana={grafana} />
    </>
  );
}
