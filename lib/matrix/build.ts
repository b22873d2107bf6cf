import { serviceCellKey } from '../plan/cell-key';
import type { PlanCell } from '../plan/load';
import { deriveCellState, latestPerCheck, stateLabel } from './cell-state';
import {
  CELL_STATES,
  type CellState,
  type CheckFact,
  type CheckPoint,
  type IssueFact,
  type MatrixCell,
  type MatrixInput,
  type MatrixRow,
  type MatrixView,
  type ServiceDetail,
  type SignOffFact,
} from './types';

/** Items by key; those keyed null (an issue without a cell) form a group no cell looks up. */
function groupBy<T>(items: T[], key: (item: T) => string | null): Map<string | null, T[]> {
  const groups = new Map<string | null, T[]>();
  for (const item of items) {
    const k = key(item);
    const list = groups.get(k);
    if (list) list.push(item);
    else groups.set(k, [item]);
  }
  return groups;
}

export const cellHref = (cell: Pick<PlanCell, 'serviceSlug' | 'capabilitySlug'>) =>
  cell.serviceSlug ? `/services/${cell.serviceSlug}#${cell.capabilitySlug}` : `/#gate`;

function toMatrixCell(
  cell: PlanCell,
  issue: IssueFact | null,
  checks: CheckFact[],
  part: 'code' | 'helm',
  history: CheckPoint[],
  signOffs: SignOffFact[],
  now: string,
): MatrixCell {
  const derived = deriveCellState(issue, checks, { part, criteria: cell.criteria }, signOffs, now);
  return {
    key: cell.key,
    serviceSlug: cell.serviceSlug,
    capabilitySlug: cell.capabilitySlug,
    title: cell.title,
    estimateText: cell.estimateText,
    estimateMinutes: cell.estimateMinutes,
    state: derived.state,
    stateLabel: stateLabel(derived.state),
    stateReason: derived.reason,
    href: cellHref(cell),
    issue,
    issueEstimate:
      issue?.estimateMinutes != null && issue.estimateText && issue.estimateMinutes !== cell.estimateMinutes
        ? { text: issue.estimateText, minutes: issue.estimateMinutes }
        : null,
    latestChecks: latestPerCheck(checks),
    lastVerifiedAt: derived.lastVerifiedAt,
    chain: derived.chain,
    history,
    criteria: derived.criteria,
    criteriaHeld: derived.criteria.filter((c) => c.holds).length,
  };
}

function buildCells(input: MatrixInput): Map<string, MatrixCell> {
  const issuesByCell = groupBy(input.issues, (i) => i.cellKey);
  const checksByCell = groupBy(input.checks, (c) => c.cellKey);
  const partOf = new Map(input.capabilities.map((c) => [c.slug, c.part]));
  const signOffsByCell = groupBy(input.signOffs ?? [], (s) => s.cellKey);
  const now = input.now ?? new Date().toISOString();
  return new Map(
    input.cells.map((cell) => [
      cell.key,
      // A cell has at most one issue: sync lists a second one as a conflict, not here.
      // The gate is proven by data like code is.
      toMatrixCell(
        cell,
        issuesByCell.get(cell.key)?.[0] ?? null,
        checksByCell.get(cell.key) ?? [],
        partOf.get(cell.capabilitySlug) ?? 'code',
        input.history?.[cell.key] ?? [],
        signOffsByCell.get(cell.key) ?? [],
        now,
      ),
    ]),
  );
}

const isDone = (state: CellState) => state === 'verified';
const isClosed = (state: CellState) => state === 'verified' || state === 'closed-unverified' || state === 'regressed';

/** The whole board, derived from the plan, the issues and the check results. Pure. */
export function buildMatrix(input: MatrixInput): MatrixView {
  const cells = buildCells(input);
  const capabilities = input.capabilities.slice().sort((a, b) => a.position - b.position);
  const capabilitySlugs = new Set(capabilities.map((c) => c.slug));
  const rows: MatrixRow[] = input.services
    .slice()
    .sort((a, b) => a.position - b.position)
    .map((service) => {
      const rowCells = capabilities.map((cap) => cells.get(serviceCellKey(service.slug, cap.slug)) ?? null);
      const present = rowCells.filter((c): c is MatrixCell => c !== null);
      return {
        service,
        cells: rowCells,
        estimateMinutes: present.reduce((sum, c) => sum + c.estimateMinutes, 0),
        verifiedMinutes: present.filter((c) => isDone(c.state)).reduce((sum, c) => sum + c.estimateMinutes, 0),
      };
    });

  const columns = capabilities.map((cap, index) => {
    const inColumn = rows.map((r) => r.cells[index]).filter((c): c is MatrixCell => c !== null);
    return { ...cap, estimateMinutes: inColumn.reduce((s, c) => s + c.estimateMinutes, 0), cellCount: inColumn.length };
  });

  const gatePlanCell = input.cells.find((c) => c.serviceSlug === null && !capabilitySlugs.has(c.capabilitySlug));
  const gate = gatePlanCell ? (cells.get(gatePlanCell.key) ?? null) : null;

  const all = [...cells.values()];
  const serviceCellsMinutes = rows.reduce((s, r) => s + r.estimateMinutes, 0);
  const gateMinutes = gate?.estimateMinutes ?? 0;
  const planCellsMinutes = serviceCellsMinutes + gateMinutes;
  const verifiedMinutes = all.filter((c) => isDone(c.state)).reduce((s, c) => s + c.estimateMinutes, 0);
  const closedMinutes = all.filter((c) => isClosed(c.state)).reduce((s, c) => s + c.estimateMinutes, 0);
  const countsByState = Object.fromEntries(CELL_STATES.map((s) => [s, 0])) as Record<CellState, number>;
  for (const c of all) countsByState[c.state] += 1;

  return {
    plan: input.plan,
    columns,
    rows,
    gate,
    totals: {
      serviceCellsMinutes,
      gateMinutes,
      planCellsMinutes,
      headlineMinutes: input.plan.headlineEstimateMinutes,
      headlineText: input.plan.headlineEstimateText,
      differenceMinutes: planCellsMinutes - input.plan.headlineEstimateMinutes,
    },
    progress: {
      verifiedFraction: planCellsMinutes === 0 ? 0 : verifiedMinutes / planCellsMinutes,
      closedFraction: planCellsMinutes === 0 ? 0 : closedMinutes / planCellsMinutes,
      verifiedMinutes,
      closedMinutes,
      totalMinutes: planCellsMinutes,
      countsByState,
    },
    unmapped: { total: input.unmappedTotal ?? input.unmappedIssues?.length ?? 0, issues: input.unmappedIssues ?? [] },
  };
}

/** One service's cells with their acceptance criteria; null when the plan has no such service. */
export function buildServiceDetail(input: MatrixInput, serviceSlug: string): ServiceDetail | null {
  const service = input.services.find((s) => s.slug === serviceSlug);
  if (!service) return null;
  const cells = buildCells(input);
  const detailCells = input.capabilities
    .slice()
    .sort((a, b) => a.position - b.position)
    .flatMap((cap) => {
      const planCell = input.cells.find((c) => c.key === serviceCellKey(serviceSlug, cap.slug));
      if (!planCell) return [];
      const cell = cells.get(planCell.key)!;
      return [
        {
          ...cell,
          requirements: planCell.requirements,
          entryPoint: planCell.entryPoint,
          capabilityName: cap.name,
        },
      ];
    });
  const present = new Set(detailCells.map((c) => c.capabilitySlug));
  return {
    service,
    cells: detailCells,
    notApplicable: input.capabilities.filter((c) => !present.has(c.slug)).map((c) => ({ slug: c.slug, name: c.name })),
    estimateMinutes: detailCells.reduce((s, c) => s + c.estimateMinutes, 0),
  };
}
